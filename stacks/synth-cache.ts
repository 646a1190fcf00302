/**
 * Reuse of stacks whose inputs did not change (issue 25's warm synth): a group of stacks (the DNS
 * stack, or a cluster's stack and edge stack) is a function of its own resolved settings, the
 * app's code and dependencies, and the environment cdktf reads, and nothing else (constructs read
 * no files, clock or environment). A group's entry is stored under the sha256 of all of those;
 * a later synth with the same key copies the stored files instead of making the group again.
 * Any doubt is a cold synth: an entry that is missing, incomplete or unreadable is not used, and
 * nothing is stored for a stack with custom synthesis (files cdktf writes besides the JSON).
 * `synth-cache.test.ts` compares warm synths with cold ones over every example and variant.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { StackManifest } from 'cdktf/lib/manifest';

/** Where entries are kept, and what the output depends on besides each group's own settings. */
export interface SynthCache {
  readonly dir: string;
  /** The app's code, its dependencies' versions and the environment cdktf reads. */
  readonly fingerprint: string;
}

/**
 * A stored group: each stack's manifest entry, written file and the sha256 of what the synth
 * wrote there, and the group's warnings.
 */
export interface CachedGroup {
  readonly stacks: readonly {
    readonly manifest: StackManifest;
    readonly file: string;
    readonly sha256: string;
  }[];
  readonly warnings: readonly string[];
}

/**
 * The key of a group: the sha256 of the cache's fingerprint and the group's inputs written out
 * whole (`plainText`); undefined, so the group is made afresh, for inputs that are not plain data.
 */
export function groupKey(cache: SynthCache, inputs: unknown): string | undefined {
  const pieces: string[] = [];
  try {
    plainText(inputs, pieces, new Set());
  } catch {
    return undefined;
  }
  return createHash('sha256').update(cache.fingerprint).update(pieces.join('')).digest('hex');
}

/**
 * `value` as text that differs whenever the data differs: every kind of value tagged, undefined
 * apart from a missing key, -0 apart from 0, keys in their order (which is the order stacks are
 * written in), Maps and Sets with their entries. Anything but plain data (a class instance, a
 * function, a symbol key, a cycle) throws. Not V8's serializer: its bytes follow how the engine
 * stores an array (dense or sparse), so the same settings can give another key in another process.
 */
function plainText(value: unknown, into: string[], ancestors: Set<object>): void {
  if (value === undefined) into.push('u');
  else if (value === null) into.push('n');
  else if (typeof value === 'boolean') into.push(value ? 't' : 'f');
  else if (typeof value === 'number') into.push(`d${Object.is(value, -0) ? '-0' : value};`);
  else if (typeof value === 'string') into.push(JSON.stringify(value));
  else if (typeof value !== 'object') throw new Error(`not plain data: ${typeof value}`);
  else {
    if (ancestors.has(value)) throw new Error('a cycle');
    ancestors.add(value);
    if (Array.isArray(value)) {
      into.push('[');
      for (let i = 0; i < value.length; i++) {
        if (i in value) plainText(value[i], into, ancestors);
        else into.push('h');
        into.push(',');
      }
      into.push(']');
    } else if (value instanceof Map) {
      into.push('M[');
      for (const [key, item] of value) {
        plainText(key, into, ancestors);
        plainText(item, into, ancestors);
      }
      into.push(']');
    } else if (value instanceof Set) {
      into.push('S[');
      for (const item of value) plainText(item, into, ancestors);
      into.push(']');
    } else {
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw new Error('not plain data');
      if (Object.getOwnPropertySymbols(value).length > 0) throw new Error('a symbol key');
      into.push('{');
      for (const [key, item] of Object.entries(value)) {
        into.push(JSON.stringify(key), ':');
        plainText(item, into, ancestors);
      }
      into.push('}');
    }
    ancestors.delete(value);
  }
}

const ENTRY = 'entry.json';

/** The files of a stored group, copied into `outdir`; undefined (nothing copied) if not usable. */
export function restoreGroup(
  cache: SynthCache,
  key: string,
  outdir: string,
): CachedGroup | undefined {
  const dir = join(cache.dir, key);
  try {
    const group = JSON.parse(readFileSync(join(dir, ENTRY), 'utf8')) as CachedGroup;
    // Every file read and checked before any is written: a damaged entry changes nothing.
    const files = group.stacks.map(({ file, sha256 }) => {
      const bytes = readFileSync(join(dir, storedName(file)));
      if (sha256Of(bytes) !== sha256) throw new Error(`${file}: not what was stored`);
      return { file, bytes };
    });
    for (const { file, bytes } of files) {
      mkdirSync(dirname(join(outdir, file)), { recursive: true });
      writeFileSync(join(outdir, file), bytes);
    }
    return group;
  } catch {
    // Missing, damaged, or removed meanwhile (another synth pruning): made afresh.
    return undefined;
  }
}

/**
 * Stores a group just written to `outdir`, each file only if it still holds what this synth wrote
 * (another synth into the same folder may have replaced it): its files first, the entry last, in
 * a folder renamed into place, so a synth that stops halfway leaves no entry. A failure to store
 * only means the next synth makes the group again.
 */
export function storeGroup(cache: SynthCache, key: string, outdir: string, group: CachedGroup) {
  const dir = join(cache.dir, key);
  const partial = `${dir}.${process.pid}.partial`;
  try {
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    for (const { file, sha256 } of group.stacks) {
      const bytes = readFileSync(join(outdir, file));
      if (sha256Of(bytes) !== sha256) throw new Error(`${file} changed since it was written`);
      writeFileSync(join(partial, storedName(file)), bytes);
    }
    writeFileSync(join(partial, ENTRY), JSON.stringify(group));
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true });
  }
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** How many output folders keep a cache (the most recently synthesized ones). */
const CACHED_OUTPUT_FOLDERS = 8;

/**
 * Removes the entries this synth did not use (the cache of an output folder holds its last
 * synth's groups), and the caches of all but the most recently used output folders.
 */
export function pruneCache(cache: SynthCache, used: ReadonlySet<string>): void {
  try {
    for (const entry of readdirSync(cache.dir))
      if (ENTRY_NAME.test(entry) && !used.has(entry))
        rmSync(join(cache.dir, entry), { recursive: true, force: true });
    // Rewritten by every synth: its modification time says when the folder was last used.
    writeFileSync(join(cache.dir, LAST_SYNTH), '');
    const parent = dirname(cache.dir);
    // Only the caches of output folders: the folder EKS_EDGE_SYNTH_CACHE names may hold others.
    const folders = readdirSync(parent)
      .filter((name) => FOLDER_NAME.test(name) && existsSync(join(parent, name, LAST_SYNTH)))
      .map((name) => ({ name, used: statSync(join(parent, name, LAST_SYNTH)).mtimeMs }))
      .sort((a, b) => b.used - a.used);
    for (const { name } of folders.slice(CACHED_OUTPUT_FOLDERS))
      rmSync(join(parent, name), { recursive: true, force: true });
  } catch {
    // Nothing to prune, or another synth is pruning: the next synth prunes again.
  }
}

/** A group's entry (its key), or one a synth that stopped left half-stored. */
const ENTRY_NAME = /^[0-9a-f]{64}(?:\.\d+\.partial)?$/;
/** The cache of one output folder. */
const FOLDER_NAME = /^[0-9a-f]{16}$/;

/** The file whose modification time says when an output folder's cache was last used. */
const LAST_SYNTH = 'last-synth';

/** A stack's file (`stacks/<name>/cdk.tf.json`) as one name in its entry's folder. */
function storedName(file: string): string {
  return file.split(/[\\/]/).join('__');
}

/** What cdktf reads from the environment while it synthesizes (0.21.0: app.js, synthesizer.js). */
const CDKTF_ENVIRONMENT = [
  'SYNTH_HCL_OUTPUT',
  'CDKTF_CONTEXT_JSON',
  'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS',
] as const;

/**
 * The cache of the built app (`dist/stacks/app.js`, one bundle of every stack and module, so its
 * text is the code), for one output folder: under the folder EKS_EDGE_SYNTH_CACHE names, by
 * default the project's `node_modules/.cache/eks-edge/synth`; undefined (every group made afresh)
 * with EKS_EDGE_SYNTH_CACHE=off or where the code or a dependency's version cannot be read.
 */
export function cacheOfBuiltApp(
  projectRoot: string,
  dependencies: readonly string[],
  outdir: string,
  env: NodeJS.ProcessEnv,
): SynthCache | undefined {
  const setting = env.EKS_EDGE_SYNTH_CACHE;
  if (setting === 'off') return undefined;
  try {
    const fingerprint = createHash('sha256')
      .update(readFileSync(join(projectRoot, 'dist', 'stacks', 'app.js')))
      .update(
        JSON.stringify([
          dependencies.map((name) => {
            const manifest = join(projectRoot, 'node_modules', name, 'package.json');
            const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
            return [name, version];
          }),
          CDKTF_ENVIRONMENT.map((variable) => env[variable] ?? null),
        ]),
      )
      .digest('hex');
    const root = setting || join(projectRoot, 'node_modules', '.cache', 'eks-edge', 'synth');
    const folder = createHash('sha256').update(resolve(outdir)).digest('hex').slice(0, 16);
    return { dir: join(resolve(root), folder), fingerprint };
  } catch {
    return undefined;
  }
}
