/**
 * `npm run catalog -- add lbc <tag>`: one AWS Load Balancer Controller release into the catalog.
 * Every file the project pins is downloaded at the tag (never a branch) and hashed; what the
 * catalog records is derived from the files themselves (chart ↔ app version from the chart's
 * Chart.yaml, the Gateway API release from go.mod, the feature gates from
 * pkg/config/feature_gates.go, the CRDs and their versions from the CRD files), held against the
 * newest catalogued release (whose own files are downloaded too and must still have their
 * catalogued sha256), and written into catalog/aws-load-balancer-controller/releases.ts. A tag
 * already catalogued is checked instead: any file that changed means the tag moved.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  CATALOGUED_LBC_VERSIONS,
  CERTIFICATE_MANAGEMENT_POLICY,
  cataloguedPolicySha256,
  compareVersions,
  lbcFeatureGates,
} from '../catalog/aws-load-balancer-controller';
import type { LbcPolicyFile } from '../catalog/aws-load-balancer-controller';
import { POLICY_SHA256 } from '../catalog/aws-load-balancer-controller/iam-policies';
import {
  LBC_RELEASES,
  chartCrdNames,
  gatewayCrdNames,
} from '../catalog/aws-load-balancer-controller/releases';
import type { LbcReleaseFacts } from '../catalog/aws-load-balancer-controller/releases';
import { GATEWAY_API_VERSIONS } from '../catalog/gateway-api';
import {
  CatalogRefusal,
  chartTemplates,
  checksumLines,
  requireReleaseTag,
  crdsOf,
  download,
  droppedCrds,
  sha256,
  tplCallChanges,
} from './catalog-upstream';
import type { Crd, UpstreamSource } from './catalog-upstream';

export { CatalogRefusal };

export const UPSTREAM_REPOSITORY = 'kubernetes-sigs/aws-load-balancer-controller';
export const DEFAULT_UPSTREAM_BASE = 'https://raw.githubusercontent.com';

const FILES = {
  chart: 'helm/aws-load-balancer-controller/Chart.yaml',
  chartCrds: 'helm/aws-load-balancer-controller/crds/crds.yaml',
  gatewayCrds: 'config/crd/gateway/gateway-crds.yaml',
  featureGates: 'pkg/config/feature_gates.go',
  goMod: 'go.mod',
  templates: 'helm/aws-load-balancer-controller/templates',
} as const;
const policyPath = (file: string) => `docs/install/${file}`;

export interface AddOptions extends UpstreamSource {
  /** The catalog folder whose releases.ts is written. */
  readonly catalogDir: string;
  /** A local catalog (YAML, the `localCatalog` of a configuration) to write instead. */
  readonly localFile?: string;
}

export interface AddResult {
  /** What was found and done, line by line. */
  readonly report: string[];
  /** Whether releases.ts was written. */
  readonly written: boolean;
}

function policyOf(body: Buffer, file: string): void {
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CatalogRefusal(`${file} is not JSON: not the upstream file (tampered or truncated?)`);
  }
  if (!Array.isArray(policy.Statement))
    throw new CatalogRefusal(`${file} has no Statement list: not an IAM policy`);
}

/** The `Feature = "…"` constants of pkg/config/feature_gates.go. */
function featureGatesOf(source: string): string[] {
  const gates = [...source.matchAll(/\bFeature\s*=\s*"(\w+)"/g)].map((match) => match[1]);
  if (gates.length === 0)
    throw new CatalogRefusal(
      `${FILES.featureGates} declares no feature gate: not the upstream file`,
    );
  return [...new Set(gates)].sort();
}

/** The Gateway API module the controller is built against, from go.mod. */
function gatewayApiOf(goMod: string): string | undefined {
  return /^\s*sigs\.k8s\.io\/gateway-api (v\d+\.\d+\.\d+)\s*$/m.exec(goMod)?.[1];
}

/** What one tag holds, downloaded and derived. */
interface TagFacts {
  readonly facts: LbcReleaseFacts;
  readonly policies: Readonly<Record<string, string>>;
  readonly featureGates: readonly string[];
  readonly crds: { readonly chart: Crd[]; readonly gateway: Crd[] };
  readonly certificatePolicy: string;
  /** The chart templates' `tpl` calls (`lbcTemplatedValues` is read from them by hand). */
  readonly tplCalls: readonly string[];
}

async function readTag(options: AddOptions, tag: string): Promise<TagFacts> {
  const get = (path: string) => download(options.baseUrl, UPSTREAM_REPOSITORY, tag, path);
  const chart = parse((await get(FILES.chart)).toString('utf8'));
  if (chart?.appVersion !== tag)
    throw new CatalogRefusal(
      `${FILES.chart} at ${tag} has appVersion ${chart?.appVersion}: not this release's chart`,
    );
  const chartCrds = await get(FILES.chartCrds);
  const gatewayCrds = await get(FILES.gatewayCrds);
  const gatewayApi = gatewayApiOf((await get(FILES.goMod)).toString('utf8'));
  const policies: Record<string, string> = {};
  for (const file of Object.keys(POLICY_SHA256)) {
    const body = await get(policyPath(file));
    policyOf(body, file);
    policies[file] = sha256(body);
  }
  const certificates = await get(policyPath(CERTIFICATE_MANAGEMENT_POLICY.file));
  policyOf(certificates, CERTIFICATE_MANAGEMENT_POLICY.file);
  return {
    facts: {
      chart: String(chart.version),
      gatewayApi,
      gatewayCrds: sha256(gatewayCrds),
      chartCrds: sha256(chartCrds),
    },
    policies,
    featureGates: featureGatesOf((await get(FILES.featureGates)).toString('utf8')),
    crds: {
      chart: crdsOf(chartCrds, FILES.chartCrds),
      gateway: crdsOf(gatewayCrds, FILES.gatewayCrds),
    },
    certificatePolicy: sha256(certificates),
    tplCalls: (await chartTemplates(options, UPSTREAM_REPOSITORY, tag, FILES.templates)).tplCalls,
  };
}

/** Where a catalogued tag's files differ from what the catalog recorded: the tag moved. */
function moved(tag: string, found: TagFacts): string[] {
  const recorded = LBC_RELEASES[tag];
  const differences = (['chart', 'gatewayApi', 'gatewayCrds', 'chartCrds'] as const)
    .filter((key) => recorded[key] !== found.facts[key])
    .map((key) => `${key} was ${recorded[key]}, is now ${found.facts[key]}`);
  for (const [file, sha] of Object.entries(found.policies))
    if (cataloguedPolicySha256(tag, file as LbcPolicyFile) !== sha)
      differences.push(
        `${file} was ${cataloguedPolicySha256(tag, file as LbcPolicyFile)}, is now ${sha}`,
      );
  return differences;
}

/** What a CRD file at the new tag breaks of the previous release's, and CRDs the code must learn. */
function brokenCrds(previous: Crd[], next: Crd[], expected: string[], file: string): string[] {
  const added = next
    .map((crd) => crd.name)
    .filter((n) => !expected.includes(n) && previous.every((p) => p.name !== n))
    .sort();
  return [
    ...droppedCrds(previous, next, file),
    ...added.map(
      (name) =>
        `${file}: new CRD ${name}; teach chartCrdNames/gatewayCrdNames (releases.ts) the release that added it, then run this again`,
    ),
  ];
}

function entryText(tag: string, facts: LbcReleaseFacts): string {
  const lines = [
    `  '${tag}': {`,
    `    chart: '${facts.chart}',`,
    `    gatewayApi: ${facts.gatewayApi ? `'${facts.gatewayApi}'` : 'undefined'},`,
    `    gatewayCrds: '${facts.gatewayCrds}',`,
    `    chartCrds: '${facts.chartCrds}',`,
  ];
  const policies = Object.entries(facts.policies ?? {});
  if (policies.length > 0) {
    lines.push('    policies: {');
    for (const [file, sha] of policies) lines.push(...checksumLines(`'${file}'`, sha, '      '));
    lines.push('    },');
  }
  lines.push('  },');
  return `${lines.join('\n')}\n`;
}

/** releases.ts with the new release, its new feature gates and the gates it dropped. */
function withRelease(
  source: string,
  tag: string,
  facts: LbcReleaseFacts,
  gates: { added: string[]; dropped: string[]; previous: string },
): string {
  const releases = source.indexOf('export const LBC_RELEASES');
  const releasesEnd = source.indexOf('\n};\n', releases) + 1;
  let text = source.slice(0, releasesEnd) + entryText(tag, facts) + source.slice(releasesEnd);
  for (const gate of gates.dropped) {
    const line = new RegExp(`(\\n    ${gate}: \\{ since: '[^']+')( \\},)`);
    text = text.replace(line, `$1, until: '${gates.previous}'$2`);
  }
  const table = text.indexOf('const FEATURE_GATES');
  const tableEnd = text.indexOf('\n  };\n', table) + 1;
  const added = gates.added.map((gate) => `    ${gate}: { since: '${tag}' },\n`).join('');
  return text.slice(0, tableEnd) + added + text.slice(tableEnd);
}

/** The release in a local catalog file (created if missing), as config/schema/local-catalog.ts reads it. */
function writeLocalEntry(
  file: string,
  tag: string,
  facts: LbcReleaseFacts,
  featureGates: readonly string[],
): void {
  const catalog = existsSync(file) ? (parse(readFileSync(file, 'utf8')) ?? {}) : {};
  const releases = (catalog.loadBalancerController ??= {});
  const entry = { ...facts, featureGates: [...featureGates] };
  if (!entry.gatewayApi) delete entry.gatewayApi;
  const before = releases[tag];
  if (before && JSON.stringify(before) !== JSON.stringify(entry))
    throw new CatalogRefusal(
      `${tag} is in ${file} with other files than upstream has now: the tag moved (or the entry was edited); remove it there to add it again`,
    );
  releases[tag] = entry;
  writeFileSync(file, stringify(catalog));
}

export async function addLbcRelease(tag: string, options: AddOptions): Promise<AddResult> {
  requireReleaseTag(tag);
  const report: string[] = [];
  const found = await readTag(options, tag);
  report.push(`${UPSTREAM_REPOSITORY} ${tag}:`);
  report.push(`  chart ${found.facts.chart}, Gateway API ${found.facts.gatewayApi ?? 'none'}`);
  report.push(`  ${FILES.chartCrds} ${found.facts.chartCrds}`);
  report.push(`  ${FILES.gatewayCrds} ${found.facts.gatewayCrds}`);
  for (const [file, sha] of Object.entries(found.policies))
    report.push(`  ${policyPath(file)} ${sha}`);

  if (LBC_RELEASES[tag]) {
    const differences = moved(tag, found);
    if (differences.length > 0)
      throw new CatalogRefusal(
        `${tag} is catalogued, and its files changed since: the tag moved. ${differences.join('; ')}`,
      );
    report.push(`${tag} is catalogued and upstream still has the same files: nothing to do.`);
    return { report, written: false };
  }

  const previous = CATALOGUED_LBC_VERSIONS.at(-1)!;
  if (compareVersions(tag, previous) <= 0)
    throw new CatalogRefusal(
      `${tag} is older than the newest catalogued release ${previous}: only newer releases are added`,
    );
  const before = await readTag(options, previous);
  const previousMoved = moved(previous, before);
  if (previousMoved.length > 0)
    throw new CatalogRefusal(
      `the previous release ${previous} no longer has its catalogued files (its tag moved): ${previousMoved.join('; ')}`,
    );

  const problems = [
    ...brokenCrds(before.crds.chart, found.crds.chart, chartCrdNames(tag), FILES.chartCrds),
    ...brokenCrds(before.crds.gateway, found.crds.gateway, gatewayCrdNames(tag), FILES.gatewayCrds),
  ];
  if (found.facts.gatewayApi && !GATEWAY_API_VERSIONS.includes(found.facts.gatewayApi))
    problems.push(
      `go.mod: ${tag} is built against Gateway API ${found.facts.gatewayApi}, which catalog/gateway-api.ts does not have (${GATEWAY_API_VERSIONS.join(', ')}): add it first`,
    );
  if (!found.facts.gatewayApi && before.facts.gatewayApi)
    problems.push(
      `go.mod: ${tag} has no Gateway API module, ${previous} had ${before.facts.gatewayApi}`,
    );
  if (found.certificatePolicy !== CERTIFICATE_MANAGEMENT_POLICY.sha256)
    problems.push(
      `${CERTIFICATE_MANAGEMENT_POLICY.file} changed (${found.certificatePolicy}): the scoped policy of config/derived/certificate-management-policy.ts is derived from it; review the change there, then update CERTIFICATE_MANAGEMENT_POLICY`,
    );
  if (problems.length > 0)
    throw new CatalogRefusal(
      `${tag} breaks what ${previous} guaranteed:\n  ${problems.join('\n  ')}`,
    );
  const templating = tplCallChanges(before.tplCalls, found.tplCalls);
  if (templating.length > 0)
    throw new CatalogRefusal(
      `${tag} renders other values through tpl than ${previous}: read the templates, teach lbcTemplatedValues in releases.ts the values they template from ${tag}, then add the release by hand (docs/development.md):\n  ${templating.join('\n  ')}`,
    );

  const policies = Object.fromEntries(
    Object.entries(found.policies).filter(
      ([file, sha]) => POLICY_SHA256[file as LbcPolicyFile] !== sha,
    ),
  );
  for (const [file, sha] of Object.entries(policies))
    if (sha !== cataloguedPolicySha256(previous, file as LbcPolicyFile))
      report.push(`  changed since ${previous}: ${file}; review it before you use ${tag}`);
  const known = lbcFeatureGates(previous) ?? [];
  const gates = {
    added: found.featureGates.filter((gate) => !known.includes(gate)),
    dropped: known.filter((gate) => !found.featureGates.includes(gate)),
    previous,
  };
  if (gates.added.length > 0) report.push(`  new feature gates: ${gates.added.join(', ')}`);
  if (gates.dropped.length > 0) report.push(`  feature gates gone: ${gates.dropped.join(', ')}`);

  const facts: LbcReleaseFacts = {
    ...found.facts,
    ...(Object.keys(policies).length > 0 ? { policies } : {}),
  };
  if (options.localFile) {
    writeLocalEntry(options.localFile, tag, facts, found.featureGates);
    report.push(`Written: ${tag} in the local catalog ${options.localFile}.`);
    report.push(
      `Next: name it in the configuration (localCatalog: ${basename(options.localFile)}) and set loadBalancerController.version: ${tag}; every synth says the version comes from it.`,
    );
    return { report, written: true };
  }
  const file = join(options.catalogDir, 'releases.ts');
  writeFileSync(file, withRelease(readFileSync(file, 'utf8'), tag, facts, gates));
  report.push(`Written: ${tag} in ${file}.`);
  report.push(
    'Next: move DEFAULT_LBC_VERSION there if it should be the default, then npm run docs, npm test (read the snapshot diff), and review git diff catalog/.',
  );
  return { report, written: true };
}
