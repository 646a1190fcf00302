/**
 * `npm run catalog -- add gateway-api <tag>`: a Gateway API release into catalog/gateway-api.ts.
 * The standard channel's files are listed at the tag (the GitHub contents API: the repository
 * has no index of them), each is downloaded at the tag and hashed, and each must be what the
 * catalog says such a file holds (one CRD `<name>.gateway.networking.k8s.io`, or the safe-upgrades
 * admission policy) and carry the release's bundle-version annotation. Against the newest
 * catalogued release (whose files must still have their catalogued sha256): no file, CRD or
 * served version may go. A catalogued tag is checked instead: a changed file means it moved.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { compareVersions } from '../catalog/aws-load-balancer-controller';
import {
  BUNDLE_VERSION_ANNOTATION,
  GATEWAY_API_GROUP,
  GATEWAY_API_VERSIONS,
  gatewayApiRelease,
} from '../catalog/gateway-api';
import {
  CatalogRefusal,
  checksumLines,
  requireReleaseTag,
  crdsOf,
  download,
  droppedCrds,
  listFiles,
  sha256,
} from './catalog-upstream';
import type { Crd, UpstreamSource } from './catalog-upstream';

export const GATEWAY_API_REPOSITORY = 'kubernetes-sigs/gateway-api';
export const DEFAULT_API_BASE = 'https://api.github.com';
const STANDARD = 'config/crd/standard';
const SAFE_UPGRADES = 'vap_safeupgrades';

export interface AddGatewayApiOptions extends UpstreamSource {
  /** The catalog file written (catalog/gateway-api.ts). */
  readonly catalogFile: string;
  /** The releases it holds, and their files' sha256: those of catalog/gateway-api.ts by default. */
  readonly catalogued?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The catalogued releases of catalog/gateway-api.ts, file by file. */
function builtInReleases(): Record<string, Record<string, string>> {
  return Object.fromEntries(
    GATEWAY_API_VERSIONS.map((version) => [
      version,
      Object.fromEntries(
        gatewayApiRelease(version)!.standardFiles.map((file) => [file.name, file.sha256]),
      ),
    ]),
  );
}

interface StandardFile {
  readonly name: string;
  readonly sha256: string;
  readonly crds: Crd[];
}

/** The names (`httproutes`, …) of the standard channel's files at `tag`. */
async function standardFileNames(apiUrl: string, tag: string): Promise<string[]> {
  const pattern = new RegExp(`^${GATEWAY_API_GROUP.replaceAll('.', '\\.')}_(\\w+)\\.yaml$`);
  const names = (await listFiles(apiUrl, GATEWAY_API_REPOSITORY, tag, STANDARD)).flatMap(
    (file) => pattern.exec(file)?.slice(1, 2) ?? [],
  );
  if (names.length === 0) throw new CatalogRefusal(`${STANDARD} at ${tag} lists no CRD file`);
  return names.sort();
}

/** One standard-channel file, checked to be what the catalog says such a file holds. */
async function standardFile(baseUrl: string, tag: string, name: string): Promise<StandardFile> {
  const path = `${STANDARD}/${GATEWAY_API_GROUP}_${name}.yaml`;
  const body = await download(baseUrl, GATEWAY_API_REPOSITORY, tag, path);
  const objects = parseAllDocuments(body.toString('utf8'))
    .map((document) => document.toJS())
    .filter(Boolean);
  const bundles = new Set(objects.map((o) => o.metadata?.annotations?.[BUNDLE_VERSION_ANNOTATION]));
  if (bundles.size !== 1 || !bundles.has(tag))
    throw new CatalogRefusal(
      `${path} at ${tag} names bundle version ${[...bundles].join(', ')}: not this release's file (tampered, or the tag moved)`,
    );
  if (name === SAFE_UPGRADES) {
    const kinds = objects.map((o) => o.kind).sort();
    if (kinds.join() !== 'ValidatingAdmissionPolicy,ValidatingAdmissionPolicyBinding')
      throw new CatalogRefusal(
        `${path} holds ${kinds.join(', ')}, not the safe-upgrades policy and binding`,
      );
    return { name, sha256: sha256(body), crds: [] };
  }
  const crds = crdsOf(body, path);
  if (crds.length !== 1 || crds[0].name !== `${name}.${GATEWAY_API_GROUP}`)
    throw new CatalogRefusal(
      `${path} holds ${crds.map((c) => c.name).join(', ')}: the catalog takes each file for the one CRD ${name}.${GATEWAY_API_GROUP}; teach catalog/gateway-api.ts (documentsOf) what it holds`,
    );
  return { name, sha256: sha256(body), crds };
}

async function readRelease(options: AddGatewayApiOptions, tag: string): Promise<StandardFile[]> {
  const names = await standardFileNames(options.apiUrl, tag);
  const files: StandardFile[] = [];
  for (const name of names) files.push(await standardFile(options.baseUrl, tag, name));
  return files;
}

/** Where a catalogued release's files differ from the catalog: its tag moved. */
function moved(
  recorded: Readonly<Record<string, string>>,
  files: readonly StandardFile[],
): string[] {
  const found = Object.fromEntries(files.map((file) => [file.name, file.sha256]));
  return [...new Set([...Object.keys(recorded), ...Object.keys(found)])]
    .filter((name) => recorded[name] !== found[name])
    .map((name) => `${name} was ${recorded[name] ?? 'absent'}, is now ${found[name] ?? 'absent'}`);
}

function entryText(tag: string, files: readonly StandardFile[]): string {
  const lines = [
    `  '${tag}': {`,
    ...files.flatMap((file) => checksumLines(file.name, file.sha256, '    ')),
    '  },',
  ];
  return `${lines.join('\n')}\n`;
}

export async function addGatewayApiRelease(
  tag: string,
  options: AddGatewayApiOptions,
): Promise<{ report: string[]; written: boolean }> {
  requireReleaseTag(tag);
  const files = await readRelease(options, tag);
  const report = [
    `${GATEWAY_API_REPOSITORY} ${tag}, standard channel:`,
    ...files.map((file) => `  ${file.name} ${file.sha256}`),
  ];
  const catalogued = options.catalogued ?? builtInReleases();
  if (catalogued[tag]) {
    const differences = moved(catalogued[tag], files);
    if (differences.length > 0)
      throw new CatalogRefusal(
        `${tag} is catalogued, and its files changed since: the tag moved. ${differences.join('; ')}`,
      );
    report.push(`${tag} is catalogued and upstream still has the same files: nothing to do.`);
    return { report, written: false };
  }
  const previous = Object.keys(catalogued).sort(compareVersions).at(-1)!;
  if (compareVersions(tag, previous) <= 0)
    throw new CatalogRefusal(
      `${tag} is older than the newest catalogued release ${previous}: only newer releases are added`,
    );
  const before = await readRelease(options, previous);
  const previousMoved = moved(catalogued[previous], before);
  if (previousMoved.length > 0)
    throw new CatalogRefusal(
      `the previous release ${previous} no longer has its catalogued files (its tag moved): ${previousMoved.join('; ')}`,
    );
  const problems = [
    ...before
      .filter((old) => !files.some((file) => file.name === old.name))
      .map((old) => `${old.name}: the file was dropped`),
    ...droppedCrds(
      before.flatMap((file) => file.crds),
      files.flatMap((file) => file.crds),
      STANDARD,
    ),
  ];
  if (problems.length > 0)
    throw new CatalogRefusal(
      `${tag} breaks what ${previous} guaranteed:\n  ${problems.join('\n  ')}`,
    );
  const added = files.filter((file) => !before.some((old) => old.name === file.name));
  if (added.length > 0)
    report.push(`  new in the standard channel: ${added.map((f) => f.name).join(', ')}`);

  const source = readFileSync(options.catalogFile, 'utf8');
  const table = source.indexOf('const STANDARD_FILES');
  const tableEnd = source.indexOf('\n};\n', table) + 1;
  writeFileSync(
    options.catalogFile,
    source.slice(0, tableEnd) + entryText(tag, files) + source.slice(tableEnd),
  );
  report.push(`Written: ${tag} in ${options.catalogFile}.`);
  report.push(
    'Next: a controller release built for it (npm run catalog -- add lbc) can now be added; npm test, and review git diff catalog/.',
  );
  return { report, written: true };
}
