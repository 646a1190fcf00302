/**
 * Reads a configuration file (YAML or JSON), validates it and resolves defaults. Every problem is
 * reported at once as a `ConfigError`; nothing is synthesized from an invalid configuration.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LineCounter, isScalar, parseDocument, visit } from 'yaml';
import type { Document, Scalar, YAMLError } from 'yaml';
import type * as z from 'zod/mini';
import type { ConfigIssue } from './issues';
import { schemaIssues, settingPath } from './messages';
import type { ResolvedConfig } from './model';
import { resolveConfig } from './resolve';
import type { PartialConfig } from './resolve';
import { clusterSchema, configSchema, dnsAccountSchema } from './schema';
import { localCatalogSchema } from './schema/local-catalog';
import type { LocalCatalog } from './schema/local-catalog';
import type { ClusterConfig } from './schema';

export const DEFAULT_CONFIG_PATH = 'config/example.yaml';
export const CONFIG_PATH_VARIABLE = 'EKS_EDGE_CONFIG';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(ConfigError.describe(source, issues));
    this.name = 'ConfigError';
  }

  /** One line for a problem of the file (or argument) itself, else a numbered list of settings. */
  private static describe(source: string, issues: readonly ConfigIssue[]): string {
    const [only] = issues;
    if (issues.length === 1 && only.path === '' && FILE_PROBLEM.has(only)) {
      return `${source}: ${only.message}`;
    }
    const count = `${issues.length} configuration problem${issues.length === 1 ? '' : 's'}`;
    const lines = issues
      .slice(0, MAX_LISTED_PROBLEMS)
      .map((i) => `  - ${i.path || '(top level)'}: ${i.message}`);
    if (issues.length > MAX_LISTED_PROBLEMS)
      lines.push(`  … and ${issues.length - MAX_LISTED_PROBLEMS} more of the same kinds`);
    return `${source}: ${count}:\n${lines.join('\n')}`;
  }
}

/** More problems than anyone reads in one round; the count says how many there are. */
const MAX_LISTED_PROBLEMS = 100;

/** Problems of a file or an argument rather than of a setting. */
const FILE_PROBLEM = new WeakSet<ConfigIssue>();

/**
 * Stand-ins for required cluster settings of the wrong shape, so that the cluster's other settings
 * are still checked in the same round. Problems that mention a stand-in are the stand-in's, not
 * the user's, and are dropped.
 */
const STAND_INS: Readonly<Record<string, string>> = {
  environment: 'standin',
  clusterName: 'standin-cluster',
  accountId: '000000000000',
  region: 'me-standin-9',
  vpcId: 'vpc-00000000000000000',
};

type SettingPath = readonly PropertyKey[];

/** The value that holds `path`'s last key, or undefined. */
function parentOf(root: unknown, path: SettingPath): Record<PropertyKey, unknown> | undefined {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node !== null && typeof node === 'object'
    ? (node as Record<PropertyKey, unknown>)
    : undefined;
}

/**
 * A cluster of the wrong shape, repaired so that its other settings can be checked in the same
 * round: each setting at fault is left out (its default applies), at the deepest setting that
 * holds the problem (`albGroups[1].inboundCidrs`, not the whole `albGroups`); a required one
 * gets a stand-in. What the repair touched is returned, so that problems that follow from it are
 * not reported as the user's.
 */
function repairedCluster(
  cluster: unknown,
): { cluster: ClusterConfig; faulty: SettingPath[] } | undefined {
  if (!cluster || typeof cluster !== 'object' || Array.isArray(cluster)) return undefined;
  const repaired = structuredClone(cluster) as Record<string, unknown>;
  const faulty: SettingPath[] = [];
  const isCut = (path: SettingPath) =>
    faulty.some((cut) => cut.length === path.length && cut.every((k, i) => k === path[i]));
  for (let round = 0; round < 10; round += 1) {
    const parsed = clusterSchema.safeParse(repaired);
    if (parsed.success) return { cluster: parsed.data, faulty };
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          delete parentOf(repaired, [...issue.path, key])?.[key];
          faulty.push([...issue.path, key]);
        }
        continue;
      }
      // The deepest setting name at or above the problem that was not left out already.
      let cut: SettingPath | undefined;
      for (let length = issue.path.length; length > 0 && !cut; length -= 1) {
        const prefix = issue.path.slice(0, length);
        if (typeof prefix[length - 1] === 'string' && !isCut(prefix)) cut = prefix;
      }
      const top = issue.path.length === 1 ? String(issue.path[0]) : undefined;
      if (!cut && top && top in STAND_INS && repaired[top] !== STAND_INS[top]) {
        repaired[top] = STAND_INS[top];
        continue;
      }
      if (!cut) return undefined;
      delete parentOf(repaired, cut)?.[cut[cut.length - 1]];
      faulty.push(cut);
    }
  }
  return undefined;
}

/** The well-formed parts of a configuration that failed the schema, to check them too. */
function wellFormedParts(raw: unknown): (PartialConfig & { faulty: string[] }) | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const input = raw as Record<string, unknown>;
  const part = <T>(schema: z.ZodMiniType<T>, value: unknown): T | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  const clusters = Array.isArray(input.clusters) ? input.clusters.map(repairedCluster) : [];
  const dnsAccount =
    input.dnsAccount === undefined ? undefined : part(dnsAccountSchema, input.dnsAccount);
  return {
    config: {
      backend: part(configSchema.shape.backend, input.backend) ?? { type: 'local', directory: '.' },
      tags: part(configSchema.shape.tags, input.tags) ?? {},
      iamRoles: part(configSchema.shape.iamRoles, input.iamRoles) ?? {
        path: '/',
        maxSessionDuration: 3600,
        permissionsBoundaries: {},
      },
      dnsAccount,
      clusters: clusters.flatMap((c) => (c ? [c.cluster] : [])),
    },
    clusterIndices: clusters.flatMap((cluster, index) => (cluster ? [index] : [])),
    dnsAccountMalformed: input.dnsAccount !== undefined && !dnsAccount,
    // Settings left out above: their own (schema) problems are reported; what follows from
    // leaving them out is not.
    faulty: clusters.flatMap((c, index) =>
      c ? c.faulty.map((path) => settingPath(['clusters', index, ...path])) : [],
    ),
  };
}

/** A setting path and the paths of every setting it is inside (`a`, `a[0]`, `a[0].b`, …). */
function pathAndAncestors(path: string): string[] {
  const paths = [path];
  for (let i = 1; i < path.length; i++) {
    if (path[i] === '.' || path[i] === '[') paths.push(path.slice(0, i));
  }
  return paths;
}

/**
 * The list items that hold a left-out setting (`…zones[0]` for `…zones[0].private`), below the
 * cluster itself: checks of the cluster as a whole still count.
 */
function holdersOf(faulty: readonly string[]): Set<string> {
  return new Set(
    faulty
      .map((path) => path.replace(/(\.[A-Za-z_][\w-]*|\[[^\]]*\])$/, ''))
      .filter((holder) => /\]$/.test(holder) && !/^clusters\[\d+\]$/.test(holder)),
  );
}

/**
 * A problem found in a repaired configuration that is the user's, not the repair's. `faulty` is
 * a set, and only the issue's own ancestors are looked up: linear in the number of problems, so a
 * file with thousands of broken settings is still answered at once.
 */
function isUsersOwn(
  issue: ConfigIssue,
  faulty: ReadonlySet<string>,
  holders: ReadonlySet<string>,
): boolean {
  if (pathAndAncestors(issue.path).some((path) => faulty.has(path))) return false;
  // A check of the item that holds a left-out setting (a zone whose `private` was not a
  // boolean) read the default in its place.
  if (holders.has(issue.path)) return false;
  return !Object.values(STAND_INS).some((standIn) => issue.message.includes(standIn));
}

/** A local catalog as read from its file: the path as the configuration writes it, and its content. */
export interface LocalCatalogFile {
  readonly file: string;
  readonly content: unknown;
}

/** The local catalog's entries, or its problems (named `localCatalog (<file>) <setting>`). */
function localCatalogOf(
  raw: unknown,
  local: LocalCatalogFile | undefined,
): { catalog?: LocalCatalog; issues: ConfigIssue[] } {
  const named = (raw as { localCatalog?: unknown } | null)?.localCatalog;
  if (typeof named !== 'string' || named === '') return { issues: [] };
  if (!local)
    return {
      issues: [
        {
          path: 'localCatalog',
          message: 'is read relative to the configuration file: load the configuration from a file',
        },
      ],
    };
  const parsed = localCatalogSchema.safeParse(local.content ?? {});
  if (parsed.success) return { catalog: parsed.data, issues: [] };
  return {
    issues: schemaIssues(parsed.error, local.content).map((issue) => ({
      ...issue,
      path: `localCatalog (${local.file}) ${issue.path}`,
    })),
  };
}

/** Validates an already-parsed configuration object (and the local catalog it names). */
export function validateConfig(
  raw: unknown,
  source = 'configuration',
  localFile?: LocalCatalogFile,
): ResolvedConfig {
  const local = localCatalogOf(raw, localFile);
  const parsed = configSchema.safeParse(raw);
  const clusters = (raw as { clusters?: unknown } | null)?.clusters;
  const writtenClusters = Array.isArray(clusters) ? clusters : [];
  if (!parsed.success || local.issues.length > 0) {
    // The versions the configuration takes from the local catalog cannot be checked without it.
    if (parsed.success) throw new ConfigError(source, local.issues);
    const parts = wellFormedParts(raw);
    const resolved = parts && resolveConfig(parts.config, writtenClusters, parts);
    const faulty = new Set(parts?.faulty);
    const crossSetting =
      parts && resolved && !resolved.ok
        ? resolved.issues.filter((issue) => isUsersOwn(issue, faulty, holdersOf(parts.faulty)))
        : [];
    throw new ConfigError(source, [
      ...schemaIssues(parsed.error, raw),
      ...local.issues,
      ...crossSetting,
    ]);
  }
  const resolved = resolveConfig(
    parsed.data,
    writtenClusters,
    undefined,
    local.catalog && { file: localFile!.file, entries: local.catalog },
  );
  if (!resolved.ok) throw new ConfigError(source, resolved.issues);
  return resolved.value;
}

/** A problem with the file itself, before any setting is read. */
function fileError(path: string, message: string): ConfigError {
  const issue = { path: '', message };
  FILE_PROBLEM.add(issue);
  return new ConfigError(path, [issue]);
}

/**
 * The largest configuration file read: a fleet of 300 clusters like the example's takes under
 * 1 MB. A file far beyond that is refused before it is read or parsed.
 */
const MAX_CONFIG_BYTES = 4_000_000;

/** A file too large to be a configuration, said before it is read. */
function refuseSize(path: string, size: number): never {
  const megabytes = (bytes: number) => (bytes / 1_000_000).toFixed(1);
  throw fileError(
    path,
    `the file is ${megabytes(size)} MB: a configuration file may be at most ${MAX_CONFIG_BYTES / 1_000_000} MB (300 clusters take under 1 MB); split a larger fleet into several files (see docs/cross-account-dns.md for files that share a DNS account)`,
  );
}

/** The text of a configuration file: UTF-8 (an initial byte-order mark is skipped), not empty. */
function readText(path: string): string {
  let bytes: Buffer;
  try {
    const { size } = statSync(path);
    if (size > MAX_CONFIG_BYTES) return refuseSize(path, size);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason: Record<string, string> = {
      ENOENT: 'there is no such file',
      EISDIR: 'it is a directory, not a file',
      EACCES: 'it may not be read (permissions)',
    };
    throw fileError(
      path,
      `cannot read the configuration: ${reason[code ?? ''] ?? code ?? String(error)}`,
    );
  }
  // With a byte-order mark, or without one: UTF-16 text of ASCII characters has a NUL byte in
  // every other position, which no configuration has.
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const nul = bytes.subarray(0, 64).indexOf(0);
  if (bom || (nul >= 0 && nul <= 1)) {
    throw fileError(path, 'the file is UTF-16 encoded: save it as UTF-8');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
    throw fileError(
      path,
      `the file is not valid UTF-8 (line ${line}, byte ${offset}): save it as UTF-8`,
    );
  }
  if (text.trim() === '')
    throw fileError(path, 'the file is empty: it must hold the settings (clusters: …)');
  return text;
}

/**
 * Offset of the first byte that does not begin a valid UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF).
 */
function firstInvalidUtf8(bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at];
    const [length, low, high] =
      lead < 0x80
        ? [1, 0, 0]
        : lead >= 0xc2 && lead <= 0xdf
          ? [2, 0x80, 0xbf]
          : lead === 0xe0
            ? [3, 0xa0, 0xbf]
            : lead === 0xed
              ? [3, 0x80, 0x9f]
              : lead >= 0xe1 && lead <= 0xef
                ? [3, 0x80, 0xbf]
                : lead === 0xf0
                  ? [4, 0x90, 0xbf]
                  : lead === 0xf4
                    ? [4, 0x80, 0x8f]
                    : lead >= 0xf1 && lead <= 0xf3
                      ? [4, 0x80, 0xbf]
                      : [0, 0, 0];
    if (length === 0 || at + length > bytes.length) return at;
    // The second byte has the lead's own range; the others are plain continuation bytes.
    if (length > 1 && (bytes[at + 1] < low || bytes[at + 1] > high)) return at;
    for (let i = 2; i < length; i += 1) if ((bytes[at + i] & 0xc0) !== 0x80) return at;
    at += length;
  }
  return at;
}

/** More alias expansions than a configuration file could need: a "billion laughs" document. */
const MAX_ALIAS_COUNT = 100;

/** The YAML (or JSON) document of a configuration file, as plain data. */
function parseYaml(path: string, text: string): unknown {
  const lineCounter = new LineCounter();
  // The library's own check of unique keys is quadratic in the size of a map: ours is linear.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return '';
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const problems = [
    ...document.errors.map((e) => ({ path: at(e.pos[0]), message: yamlErrorMessage(e) })),
    // Unknown tags (CloudFormation's !Ref, !Sub, …) would silently become strings.
    ...document.warnings
      .filter((w) => w.code === 'TAG_RESOLVE_FAILED')
      .map((w) => ({
        path: at(w.pos[0]),
        message: `${yamlMessage(w.message)}: this file is plain YAML, without tags such as !Ref or !Sub`,
      })),
    ...duplicateKeys(document).map((key) => ({
      path: at(key.range?.[0]),
      message: `${JSON.stringify(String(key))} is given twice in one map (YAML keeps only the last): give it once`,
    })),
    // JavaScript reads this key as the object's prototype: the setting would vanish.
    ...keysNamed(document, '__proto__').map((key) => ({
      path: at(key.range?.[0]),
      message:
        '"__proto__" cannot be a key here (it is not a setting, and cannot be a tag): remove it',
    })),
  ];
  if (problems.length > 0) throw new ConfigError(path, problems);
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw fileError(
      path,
      `the YAML expands its aliases more than ${MAX_ALIAS_COUNT} times (${(error as Error).message}): write the values out`,
    );
  }
}

/** Every map key of the document with this name. */
function keysNamed(document: Document, name: string): Scalar[] {
  const found: Scalar[] = [];
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === name) found.push(pair.key);
    },
  });
  return found;
}

/** The second (third, …) occurrence of a key in each map of the document. */
function duplicateKeys(document: Document): Scalar[] {
  const repeated: Scalar[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) repeated.push(key);
        seen.add(key.value);
      }
    },
  });
  return repeated;
}

/** A YAML error in the project's words where the library's would name its own API. */
function yamlErrorMessage(error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS')
    return 'a second YAML document starts here (a "---" line): keep one configuration per file';
  if (/Maximum call stack size exceeded/.test(error.message))
    return 'the YAML nests too deep to read (a configuration nests a few levels only)';
  return yamlMessage(error.message);
}

/** The YAML library's message without its position suffix and excerpt (the path says where). */
function yamlMessage(message: string): string {
  return message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(/:$/, '');
}

/** Reads, parses and validates a configuration file, and the local catalog it names. */
export function loadConfig(path: string): ResolvedConfig {
  const raw = parseYaml(path, readText(path));
  const named = (raw as { localCatalog?: unknown } | null)?.localCatalog;
  if (typeof named !== 'string' || named === '') return validateConfig(raw, path);
  const localPath = join(dirname(path), named);
  return validateConfig(raw, path, {
    file: named,
    content: parseYaml(localPath, readText(localPath)),
  });
}

export const CONFIG_FLAG = '--config';

/**
 * The config file: `--config <path>` (or `--config=<path>`), else $EKS_EDGE_CONFIG, else the
 * built-in example. A flag without a file, an empty variable or another argument is an error:
 * never a silent fallback to the example.
 */
export function configPathFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const usage = `usage: node dist/main.js [${CONFIG_FLAG} <file>] (or set ${CONFIG_PATH_VARIABLE}; --help for more)`;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === CONFIG_FLAG) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--') || value.trim() === '')
        throw fileError(CONFIG_FLAG, `needs a file path: ${usage}`);
      paths.push(value);
      i += 1;
    } else if (arg.startsWith(`${CONFIG_FLAG}=`)) {
      const value = arg.slice(CONFIG_FLAG.length + 1);
      if (value.trim() === '') throw fileError(CONFIG_FLAG, `needs a file path: ${usage}`);
      paths.push(value);
    } else {
      throw fileError(arg, `is not an argument of this app: ${usage}`);
    }
  }
  if (paths.length > 1)
    throw fileError(CONFIG_FLAG, `is given ${paths.length} times: give one file`);
  if (paths.length === 1) return paths[0];
  const variable = env[CONFIG_PATH_VARIABLE];
  if (variable !== undefined && variable.trim() === '') {
    throw fileError(
      CONFIG_PATH_VARIABLE,
      `is set but empty: give a file, or unset it to use the built-in example (${DEFAULT_CONFIG_PATH})`,
    );
  }
  return variable ?? DEFAULT_CONFIG_PATH;
}
