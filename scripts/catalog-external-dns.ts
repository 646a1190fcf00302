/**
 * `npm run catalog -- add external-dns-chart <version>`: an ExternalDNS chart release into
 * catalog/external-dns.ts. The chart's files are read at its tag `external-dns-helm-chart-<version>`
 * and the ExternalDNS sources at the tag of the release it runs (the chart's `appVersion`), and
 * every fact the catalog records is derived from them: the app version (Chart.yaml), the default
 * annotation prefix (source/annotations/annotations.go), the default managed record types
 * (pkg/apis/externaldns/types.go with endpoint/endpoint.go), what each Gateway API source watches
 * (source/types/types.go and source/gateway_<route>.go), the DNSEndpoint CRD and its sha256.
 * Against the newest catalogued chart (whose CRD must still have its catalogued sha256): no CRD
 * version, values-schema key, Gateway API source or flag this project sets may go, and the values
 * the chart renders through `tpl` must be the same (they cannot be derived; a change is refused,
 * naming the template lines, for a person to teach `templatedValues`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, stringify } from 'yaml';
import { compareVersions } from '../catalog/aws-load-balancer-controller';
import type { TemplatedValue } from '../catalog/chart-templating';
import {
  CATALOGUED_EXTERNAL_DNS_CHARTS,
  DEFAULT_EXTERNAL_DNS_CHART_VERSION,
  DNS_ENDPOINT_CRD,
  EXTERNAL_DNS_FLAGS,
  EXTERNAL_DNS_VALUE_FLAGS,
  externalDnsChartTag,
  externalDnsRelease,
} from '../catalog/external-dns';
import {
  CatalogRefusal,
  crdsOf,
  download,
  droppedCrds,
  chartTemplates,
  sha256,
  tplCallChanges,
} from './catalog-upstream';
import type { Crd, UpstreamSource } from './catalog-upstream';

export const EXTERNAL_DNS_REPOSITORY = 'kubernetes-sigs/external-dns';
const CHART = 'charts/external-dns';
const CRD_FILE = `${CHART}/crds/${DNS_ENDPOINT_CRD}.yaml`;

/** What the catalog records of a chart release, as `addExternalDnsChart` compares it. */
export interface CataloguedChart {
  readonly dnsEndpointSha256: string;
  readonly templatedValues: readonly TemplatedValue[];
}

export interface AddExternalDnsChartOptions extends UpstreamSource {
  /** The catalog file written (catalog/external-dns.ts). */
  readonly catalogFile: string;
  /** The catalogued charts: those of catalog/external-dns.ts by default. */
  readonly catalogued?: Readonly<Record<string, CataloguedChart>>;
  /** A local catalog (YAML, the `localCatalog` of a configuration) to write instead. */
  readonly localFile?: string;
}

function builtInCharts(): Record<string, CataloguedChart> {
  return Object.fromEntries(
    CATALOGUED_EXTERNAL_DNS_CHARTS.map((version) => {
      const release = externalDnsRelease(version);
      return [
        version,
        {
          dnsEndpointSha256: release.dnsEndpointCrd.sha256,
          templatedValues: release.templatedValues,
        },
      ];
    }),
  );
}

/** Everything read of one chart release and the ExternalDNS release it runs. */
interface ChartRelease {
  readonly version: string;
  readonly appVersion: string;
  readonly defaultAnnotationPrefix: string;
  readonly defaultManagedRecordTypes: string[];
  readonly gatewaySources: Record<string, { resource: string; version: string }>;
  readonly dnsEndpointSha256: string;
  readonly dnsEndpointCrds: Crd[];
  /** `<template>: <the action that calls tpl>`, for every `tpl` in the chart's templates. */
  readonly tplCalls: string[];
  /** The top-level keys of values.schema.json. */
  readonly valueKeys: string[];
  /** The flags of `EXTERNAL_DNS_VALUE_FLAGS` that templates/deployment.yaml no longer renders. */
  readonly unrenderedFlags: string[];
  /** The flags of `EXTERNAL_DNS_FLAGS` that ExternalDNS no longer defines. */
  readonly undefinedFlags: string[];
}

/** The one capture of `pattern` in `text`, or a refusal naming the file. */
function capture(text: string, pattern: RegExp, file: string, what: string): string {
  const match = pattern.exec(text);
  if (!match) throw new CatalogRefusal(`${file}: ${what} not found: teach the command where it is`);
  return match[1];
}

/** What Gateway API resource, at which version, each `gateway-*` source watches. */
async function gatewaySourcesOf(
  read: (path: string) => Promise<string>,
): Promise<Record<string, { resource: string; version: string }>> {
  const typesFile = 'source/types/types.go';
  const names = [...(await read(typesFile)).matchAll(/Type = "gateway-(\w+)"/g)].map((m) => m[1]);
  if (names.length === 0)
    throw new CatalogRefusal(`${typesFile}: no gateway-* source: teach the command where they are`);
  const sources: Record<string, { resource: string; version: string }> = {};
  for (const name of names) {
    const file = `source/gateway_${name}.go`;
    const informer = /factory\.Gateway\(\)\.(V\w+)\(\)\.(\w+)\(\)/.exec(await read(file));
    if (!informer) throw new CatalogRefusal(`${file}: the informer it watches was not found`);
    sources[`gateway-${name}`] = {
      resource: informer[2].toLowerCase(),
      version: informer[1].toLowerCase(),
    };
  }
  return sources;
}

async function readChart(options: AddExternalDnsChartOptions, version: string) {
  const tag = externalDnsChartTag(version);
  const chartFile = async (path: string) =>
    (await download(options.baseUrl, EXTERNAL_DNS_REPOSITORY, tag, `${CHART}/${path}`)).toString(
      'utf8',
    );
  const chart = parse(await chartFile('Chart.yaml'));
  if (String(chart?.version) !== version)
    throw new CatalogRefusal(
      `${CHART}/Chart.yaml at ${tag} says version ${chart?.version}: not this release's file (tampered, or the tag moved)`,
    );
  const appVersion = `v${String(chart.appVersion).replace(/^v/, '')}`;
  const crd = await download(options.baseUrl, EXTERNAL_DNS_REPOSITORY, tag, CRD_FILE);
  const dnsEndpointCrds = crdsOf(crd, CRD_FILE);
  if (dnsEndpointCrds.length !== 1 || dnsEndpointCrds[0].name !== DNS_ENDPOINT_CRD)
    throw new CatalogRefusal(
      `${CRD_FILE} at ${tag} holds ${dnsEndpointCrds.map((c) => c.name).join(', ')}, not the one CRD ${DNS_ENDPOINT_CRD}`,
    );
  const { tplCalls, templates } = await chartTemplates(
    options,
    EXTERNAL_DNS_REPOSITORY,
    tag,
    `${CHART}/templates`,
  );
  const deployment = templates['deployment.yaml'] ?? '';
  const schema = JSON.parse(await chartFile('values.schema.json'));
  return {
    appVersion,
    dnsEndpointSha256: sha256(crd),
    dnsEndpointCrds,
    tplCalls,
    valueKeys: Object.keys(schema?.properties ?? {}),
    unrenderedFlags: Object.values(EXTERNAL_DNS_VALUE_FLAGS).filter(
      (flag) => !deployment.includes(`- ${flag}=`),
    ),
  };
}

async function readApp(options: AddExternalDnsChartOptions, appVersion: string) {
  const read = async (path: string) =>
    (await download(options.baseUrl, EXTERNAL_DNS_REPOSITORY, appVersion, path)).toString('utf8');
  const annotationsFile = 'source/annotations/annotations.go';
  const typesFile = 'pkg/apis/externaldns/types.go';
  const endpointFile = 'endpoint/endpoint.go';
  const types = await read(typesFile);
  const endpoint = await read(endpointFile);
  const recordTypes = capture(
    types,
    /ManagedDNSRecordTypes:\s*\[\]string\{([^}]*)\}/,
    typesFile,
    'the default ManagedDNSRecordTypes',
  )
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const constant = item.replace(/^endpoint\./, '');
      return capture(endpoint, new RegExp(`\\b${constant}\\s*=\\s*"(\\w+)"`), endpointFile, item);
    });
  return {
    defaultAnnotationPrefix: capture(
      await read(annotationsFile),
      /DefaultAnnotationPrefix\s*=\s*"([^"]+)"/,
      annotationsFile,
      'DefaultAnnotationPrefix',
    ),
    defaultManagedRecordTypes: recordTypes,
    gatewaySources: await gatewaySourcesOf(read),
    undefinedFlags: Object.values(EXTERNAL_DNS_FLAGS).filter(
      (flag) => !types.includes(`("${flag.replace(/^--/, '')}"`),
    ),
  };
}

async function readRelease(
  options: AddExternalDnsChartOptions,
  version: string,
): Promise<ChartRelease> {
  const chart = await readChart(options, version);
  return { version, ...chart, ...(await readApp(options, chart.appVersion)) };
}

/** What `next` takes away from what `previous` guaranteed. */
function losses(previous: ChartRelease, next: ChartRelease): string[] {
  return [
    ...droppedCrds(previous.dnsEndpointCrds, next.dnsEndpointCrds, CRD_FILE),
    ...previous.valueKeys
      .filter((key) => !next.valueKeys.includes(key))
      .map((key) => `values.schema.json: the value ${key} was dropped`),
    ...Object.keys(previous.gatewaySources)
      .filter((source) => !(source in next.gatewaySources))
      .map((source) => `ExternalDNS ${next.appVersion}: the source ${source} was dropped`),
    ...next.unrenderedFlags.map(
      (flag) => `templates/deployment.yaml no longer renders ${flag}, which this project sets`,
    ),
    ...next.undefinedFlags.map(
      (flag) => `ExternalDNS ${next.appVersion} no longer defines ${flag}, which this project sets`,
    ),
  ];
}

const quoted = (items: readonly string[]) => items.map((item) => `'${item}'`).join(', ');

/** `key: [items],` as Prettier writes it at `indent`: on one line where it fits in 100. */
function listLines(key: string, items: readonly string[], indent: string): string[] {
  const line = `${indent}${key}: [${items.join(', ')}],`;
  if (line.length <= 100) return [line];
  return [`${indent}${key}: [`, ...items.map((item) => `${indent}  ${item},`), `${indent}],`];
}

function entryText(
  release: ChartRelease,
  previous: string,
  templatedValues: readonly TemplatedValue[],
): string {
  const lines = [
    `  '${release.version}': {`,
    `    appVersion: '${release.appVersion}',`,
    `    defaultAnnotationPrefix: '${release.defaultAnnotationPrefix}',`,
    ...listLines(
      'defaultManagedRecordTypes',
      release.defaultManagedRecordTypes.map((type) => `'${type}'`),
      '    ',
    ),
    '    gatewaySources: {',
    ...Object.entries(release.gatewaySources).map(
      ([source, { resource, version }]) =>
        `      '${source}': { resource: '${resource}', version: '${version}' },`,
    ),
    '    },',
    '    dnsEndpointCrd: dnsEndpointCrdFile(',
    `      '${release.version}',`,
    `      '${release.dnsEndpointSha256}',`,
    '    ),',
    `    // The chart's \`tpl\` calls are those of ${previous} (npm run catalog -- add external-dns-chart).`,
    ...listLines(
      'templatedValues',
      templatedValues.map(
        (value) => `{ path: [${quoted(value.path)}]${value.keys ? ', keys: true' : ''} }`,
      ),
      '    ',
    ),
    '  },',
  ];
  return `${lines.join('\n')}\n`;
}

/** The release as a local catalog's `externalDnsCharts` entry (config/schema/local-catalog.ts). */
function writeLocalEntry(
  file: string,
  release: ChartRelease,
  templatedValues: readonly TemplatedValue[],
): void {
  const catalog = existsSync(file) ? (parse(readFileSync(file, 'utf8')) ?? {}) : {};
  const charts = (catalog.externalDnsCharts ??= {});
  const entry = {
    appVersion: release.appVersion,
    defaultAnnotationPrefix: release.defaultAnnotationPrefix,
    defaultManagedRecordTypes: release.defaultManagedRecordTypes,
    gatewaySources: release.gatewaySources,
    dnsEndpointCrd: release.dnsEndpointSha256,
    templatedValues: templatedValues.map((value) => ({ ...value, path: [...value.path] })),
  };
  const before = charts[release.version];
  if (before && JSON.stringify(before) !== JSON.stringify(entry))
    throw new CatalogRefusal(
      `${release.version} is in ${file} with other facts than upstream has now: the tag moved (or the entry was edited); remove it there to add it again`,
    );
  charts[release.version] = entry;
  writeFileSync(file, stringify(catalog));
}

/** The report lines on what changed from the previous release's facts. */
function changes(previous: ChartRelease, next: ChartRelease): string[] {
  const notes: string[] = [];
  if (previous.defaultAnnotationPrefix !== next.defaultAnnotationPrefix)
    notes.push(
      `  the default annotation prefix changed: ${previous.defaultAnnotationPrefix} → ${next.defaultAnnotationPrefix} (instances without annotationPrefix read other annotations)`,
    );
  if (previous.defaultManagedRecordTypes.join() !== next.defaultManagedRecordTypes.join())
    notes.push(
      `  the default record types changed: ${previous.defaultManagedRecordTypes.join(', ')} → ${next.defaultManagedRecordTypes.join(', ')}`,
    );
  for (const [source, watched] of Object.entries(next.gatewaySources)) {
    const before = previous.gatewaySources[source];
    if (!before) notes.push(`  new source ${source} (${watched.resource} ${watched.version})`);
    else if (before.version !== watched.version || before.resource !== watched.resource)
      notes.push(
        `  ${source} now watches ${watched.resource} ${watched.version} (was ${before.resource} ${before.version})`,
      );
  }
  const added = next.valueKeys.filter((key) => !previous.valueKeys.includes(key));
  if (added.length > 0) notes.push(`  new chart values: ${added.join(', ')}`);
  return notes;
}

export async function addExternalDnsChart(
  version: string,
  options: AddExternalDnsChartOptions,
): Promise<{ report: string[]; written: boolean }> {
  if (!/^\d+\.\d+\.\d+$/.test(version))
    throw new CatalogRefusal(
      `${version} is not a chart version X.Y.Z (tag ${externalDnsChartTag('X.Y.Z')})`,
    );
  const catalogued = options.catalogued ?? builtInCharts();
  const release = await readRelease(options, version);
  const report = [
    `${EXTERNAL_DNS_REPOSITORY} ${externalDnsChartTag(version)} (ExternalDNS ${release.appVersion}):`,
    `  default annotation prefix ${release.defaultAnnotationPrefix}`,
    `  default record types ${release.defaultManagedRecordTypes.join(', ')}`,
    ...Object.entries(release.gatewaySources).map(
      ([source, { resource, version: v }]) => `  ${source} watches ${resource} ${v}`,
    ),
    `  ${CRD_FILE} ${release.dnsEndpointSha256}`,
  ];
  const recorded = catalogued[version];
  if (recorded) {
    if (recorded.dnsEndpointSha256 !== release.dnsEndpointSha256)
      throw new CatalogRefusal(
        `${version} is catalogued, and ${CRD_FILE} changed since (was ${recorded.dnsEndpointSha256}, is now ${release.dnsEndpointSha256}): the tag moved`,
      );
    report.push(`${version} is catalogued and upstream still has the same files: nothing to do.`);
    return { report, written: false };
  }
  const semver = (v: string) => `v${v}`;
  const previousVersion = Object.keys(catalogued)
    .sort((a, b) => compareVersions(semver(a), semver(b)))
    .at(-1)!;
  if (compareVersions(semver(version), semver(previousVersion)) <= 0)
    throw new CatalogRefusal(
      `${version} is older than the newest catalogued chart ${previousVersion}: only newer releases are added`,
    );
  const previous = await readRelease(options, previousVersion);
  if (previous.dnsEndpointSha256 !== catalogued[previousVersion].dnsEndpointSha256)
    throw new CatalogRefusal(
      `the previous chart ${previousVersion} no longer has its catalogued ${CRD_FILE} (its tag moved)`,
    );
  const problems = losses(previous, release);
  if (problems.length > 0)
    throw new CatalogRefusal(
      `${version} breaks what ${previousVersion} guaranteed:\n  ${problems.join('\n  ')}`,
    );
  const templating = tplCallChanges(previous.tplCalls, release.tplCalls);
  if (templating.length > 0)
    throw new CatalogRefusal(
      `${version} renders other values through tpl than ${previousVersion}; read the templates and add the entry by hand with its templatedValues (docs/development.md):\n  ${templating.join('\n  ')}`,
    );
  report.push(...changes(previous, release));
  const { templatedValues } = catalogued[previousVersion];
  if (options.localFile) {
    writeLocalEntry(options.localFile, release, templatedValues);
    report.push(`Written: ${version} in the local catalog ${options.localFile}.`);
    report.push(
      `Next: name it in the configuration (localCatalog: ${basename(options.localFile)}) and set chartVersion: ${version} on the instances that should run it; every synth says the chart comes from it.`,
    );
    return { report, written: true };
  }
  const source = readFileSync(options.catalogFile, 'utf8');
  const table = source.indexOf('const RELEASES');
  const tableEnd = source.indexOf('\n};\n', table) + 1;
  const entry = entryText(release, previousVersion, templatedValues);
  writeFileSync(options.catalogFile, source.slice(0, tableEnd) + entry + source.slice(tableEnd));
  report.push(`Written: ${version} in ${options.catalogFile}.`);
  report.push(
    `Next: npm test, and review git diff catalog/. The default chart (DEFAULT_EXTERNAL_DNS_CHART_VERSION, ${DEFAULT_EXTERNAL_DNS_CHART_VERSION}) is unchanged: raising it upgrades every instance without chartVersion (docs/operations.md).`,
  );
  return { report, written: true };
}
