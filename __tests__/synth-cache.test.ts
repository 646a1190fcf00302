/**
 * The warm synth (stacks/synth-cache.ts): a synth that reuses the groups of stacks whose inputs
 * did not change writes what a cold synth writes, byte for byte, for every example and variant;
 * a changed cluster, another fingerprint, HCL output or a damaged entry make their stacks afresh;
 * the key tells apart every difference in the inputs and nothing else.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { validateConfig } from '../config/load';
import { synthesize } from '../stacks/app';
import type { Synthesized } from '../stacks/app';
import { cacheOfBuiltApp, groupKey, storeGroup } from '../stacks/synth-cache';
import type { SynthCache } from '../stacks/synth-cache';
import { VARIANTS } from './fixtures/variants';
import { crossAccountRaw, filesOf } from './helpers';
import type { Json } from './helpers';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eks-edge-synth-cache-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function synthInto(
  name: string,
  raw: Json,
  cache?: SynthCache,
): Synthesized & { files: Record<string, string> } {
  const outdir = join(dir, name);
  const written = synthesize(validateConfig(raw), outdir, cache);
  return { ...written, files: filesOf(outdir) };
}

const cacheIn = (name: string, fingerprint = 'code and dependencies'): SynthCache => ({
  dir: join(dir, 'cache', name),
  fingerprint,
});

describe('the warm synth', () => {
  it.each(Object.keys(VARIANTS))(
    '%s: reuses every stack when nothing changed, and writes what a cold synth writes',
    (variant) => {
      const cold = synthInto('cold', VARIANTS[variant]());
      const cache = cacheIn('a');
      const first = synthInto('first', VARIANTS[variant](), cache);
      // Into an empty folder: everything there comes from this synth.
      const second = synthInto('second', VARIANTS[variant](), cache);
      expect(first.reused).toEqual([]);
      expect(second.reused).toEqual(cold.stacks);
      expect(second.stacks).toEqual(cold.stacks);
      expect(second.warnings).toEqual(cold.warnings);
      expect(Object.keys(cold.files).length).toBeGreaterThan(2);
      expect(first.files).toEqual(cold.files);
      expect(second.files).toEqual(cold.files);
    },
  );

  it('makes only the changed cluster afresh, and writes what a cold synth of the change writes', () => {
    const cache = cacheIn('a');
    synthInto('first', crossAccountRaw(), cache);
    const changed = crossAccountRaw();
    changed.clusters[1].tags = { ...changed.clusters[1].tags, team: 'edge' };
    const warm = synthInto('warm', changed, cache);
    const cold = synthInto('cold', changed);
    const [, second] = cold.stacks.filter((name) => !name.endsWith('-edge') && name !== 'dns');
    expect(cold.stacks.filter((name) => !warm.reused.includes(name))).toEqual([
      second,
      `${second}-edge`,
    ]);
    expect(warm.files).toEqual(cold.files);
    // The cache holds the groups of the last synth only: the DNS stack and two clusters.
    expect(readdirSync(cache.dir).filter((entry) => entry !== 'last-synth')).toHaveLength(3);
  });

  it('makes the DNS stack afresh when the DNS account changes, and the clusters when its name does', () => {
    const cache = cacheIn('a');
    synthInto('first', crossAccountRaw(), cache);
    const otherBucket = crossAccountRaw();
    otherBucket.dnsAccount.backend.keyPrefix = 'edge';
    const moved = synthInto('moved', otherBucket, cache);
    expect(moved.stacks.filter((name) => !moved.reused.includes(name))).toEqual(['dns']);
    expect(moved.files).toEqual(synthInto('moved-cold', otherBucket).files);
    // The cluster stacks' manifest entries name the DNS stack they depend on.
    const renamed = crossAccountRaw();
    renamed.dnsAccount.stackName = 'dns-prod';
    const warm = synthInto('renamed', renamed, cache);
    const cold = synthInto('renamed-cold', renamed);
    expect(warm.reused.filter((name) => !name.endsWith('-edge'))).toEqual([]);
    expect(warm.files).toEqual(cold.files);
  });

  it('reuses nothing made by other code, or for HCL output', () => {
    synthInto('first', crossAccountRaw(), cacheIn('a', 'one version'));
    expect(synthInto('warm', crossAccountRaw(), cacheIn('a', 'another')).reused).toEqual([]);
    const hcl = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = 'true';
    try {
      const cache = cacheIn('hcl');
      synthInto('hcl', crossAccountRaw(), cache);
      expect(synthInto('hcl-again', crossAccountRaw(), cache).reused).toEqual([]);
      expect(existsSync(cache.dir)).toBe(false);
    } finally {
      if (hcl === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = hcl;
    }
  });

  it('makes a group afresh when its entry is damaged: a file missing or cut short, or the entry', () => {
    const cache = cacheIn('a');
    const cold = synthInto('first', crossAccountRaw(), cache);
    const entries = readdirSync(cache.dir).filter((name) => name !== 'last-synth');
    expect(entries).toHaveLength(3);
    const storedOf = (entry: string) =>
      join(
        cache.dir,
        entry,
        readdirSync(join(cache.dir, entry)).find((n) => n !== 'entry.json')!,
      );
    unlinkSync(storedOf(entries[0]));
    writeFileSync(storedOf(entries[1]), readFileSync(storedOf(entries[1]), 'utf8').slice(0, 100));
    writeFileSync(join(cache.dir, entries[2], 'entry.json'), '{"stacks": [');
    const warm = synthInto('warm', crossAccountRaw(), cache);
    expect(warm.reused).toEqual([]);
    expect(warm.files).toEqual(cold.files);
    expect(synthInto('again', crossAccountRaw(), cache).reused).toEqual(cold.stacks);
  });

  it('stores a file only if it still holds what the synth wrote', () => {
    const cache = cacheIn('a');
    const outdir = join(dir, 'out');
    synthesize(validateConfig(crossAccountRaw()), outdir);
    const file = join('stacks', 'dns', 'cdk.tf.json');
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')).stacks.dns;
    const written = createHash('sha256')
      .update(readFileSync(join(outdir, file)))
      .digest('hex');
    const group = (sha256: string) => ({ stacks: [{ manifest, file, sha256 }], warnings: [] });
    storeGroup(cache, 'b'.repeat(64), outdir, group('0'.repeat(64)));
    expect(existsSync(cache.dir) ? readdirSync(cache.dir) : []).toEqual([]);
    storeGroup(cache, 'a'.repeat(64), outdir, group(written));
    expect(readdirSync(cache.dir)).toEqual(['a'.repeat(64)]);
  });

  it('prunes only caches of its own in the folder EKS_EDGE_SYNTH_CACHE names', () => {
    const root = join(dir, 'shared');
    mkdirSync(join(root, 'notes'), { recursive: true });
    writeFileSync(join(root, 'notes', 'last-synth'), '');
    mkdirSync(join(root, 'f'.repeat(16)));
    const caches = Array.from({ length: 10 }, (_, i) => ({
      dir: join(root, i.toString(16).repeat(16)),
      fingerprint: 'f',
    }));
    for (const cache of caches) synthInto('out', VARIANTS['minimal example'](), cache);
    expect(readdirSync(root).sort()).toEqual(
      ['notes', 'f'.repeat(16), ...caches.slice(2).map((c) => relative(root, c.dir))].sort(),
    );
    mkdirSync(join(caches[9].dir, 'mine'));
    synthInto('out', VARIANTS['minimal example'](), caches[9]);
    expect(readdirSync(caches[9].dir)).toContain('mine');
  });
});

describe('the key of a group', () => {
  const cache: SynthCache = { dir, fingerprint: 'f' };
  const key = (inputs: unknown) => groupKey(cache, inputs);

  it('tells apart every difference in the data', () => {
    const distinct = [
      {},
      { a: undefined },
      { a: null },
      { a: 0 },
      { a: -0 },
      { a: '0' },
      { a: false },
      { a: [] },
      { a: [undefined] },
      { a: new Map([['b', 1]]) },
      { a: new Set(['b']) },
      { a: { b: 1 } },
      { b: 1, c: 2 },
      { c: 2, b: 1 },
      { a: ['b,c'] },
      { a: ['b', 'c'] },
    ];
    const keys = distinct.map(key);
    expect(new Set(keys).size).toBe(distinct.length);
    expect(groupKey({ dir, fingerprint: 'g' }, {})).not.toBe(key({}));
  });

  it('is the same for the same data, however the engine stores it', () => {
    const pushed: number[] = [];
    for (const n of [1, 2, 3]) pushed.push(n);
    const holey = new Array<number>(3);
    holey[2] = 3;
    holey[0] = 1;
    holey[1] = 2;
    const withDeleted: Record<string, number> = { a: 1, b: 2, x: 0 };
    delete withDeleted.x;
    expect(new Set([[1, 2, 3], pushed, holey].map(key)).size).toBe(1);
    expect(key(withDeleted)).toBe(key({ a: 1, b: 2 }));
  });

  it('is none for what is not plain data, so the group is made afresh', () => {
    const cyclic: Json = {};
    cyclic.self = cyclic;
    for (const inputs of [{ a: () => 1 }, { a: new Date(0) }, cyclic, { [Symbol('s')]: 1 }])
      expect(key(inputs)).toBeUndefined();
  });
});

describe('the cache of the built app', () => {
  it('is off with EKS_EDGE_SYNTH_CACHE=off, and where the code cannot be read', () => {
    const root = join(__dirname, '..');
    expect(
      cacheOfBuiltApp(root, ['cdktf'], 'out', { EKS_EDGE_SYNTH_CACHE: 'off' }),
    ).toBeUndefined();
    expect(cacheOfBuiltApp(dir, ['cdktf'], 'out', {})).toBeUndefined();
  });

  it('has a fingerprint of the code, the dependencies and what cdktf reads from the environment', () => {
    const root = join(dir, 'project');
    const write = (path: string, text: string) => {
      const file = join(root, path);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, text);
    };
    write('dist/stacks/app.js', 'code');
    write('node_modules/cdktf/package.json', '{"version": "0.21.0"}');
    const fingerprint = (env: NodeJS.ProcessEnv = {}) =>
      cacheOfBuiltApp(root, ['cdktf'], 'out', env)?.fingerprint;
    const before = fingerprint();
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint({ SYNTH_HCL_OUTPUT: 'true' })).not.toBe(before);
    expect(fingerprint({ CDKTF_CONTEXT_JSON: '{}' })).not.toBe(before);
    expect(fingerprint({ CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: '1' })).not.toBe(before);
    write('node_modules/cdktf/package.json', '{"version": "0.21.1"}');
    expect(fingerprint()).not.toBe(before);
    write('node_modules/cdktf/package.json', '{"version": "0.21.0"}');
    write('dist/stacks/app.js', 'other code');
    expect(fingerprint()).not.toBe(before);
    expect(
      cacheOfBuiltApp(root, ['cdktf'], 'out', { EKS_EDGE_SYNTH_CACHE: join(dir, 'c') })?.dir,
    ).toMatch(new RegExp(`^${join(dir, 'c')}/[0-9a-f]{16}$`));
  });
});
