/**
 * Bad input never reaches Terraform: every configuration of the corpus is refused by the app
 * itself (exit 1) with what is wrong and where, no stack trace, nothing written, in well under a
 * second; a property test mutates valid configurations at random and checks that each run either
 * synthesizes or says what is wrong. Runs go through `main`, in process.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { main } from '../main';
import { BAD_CONFIGS } from './fixtures/bad-configs';
import type { BadConfig } from './fixtures/bad-configs';
import { labelSelectorProblem } from '../config/label-selector';
import { configIssues, configWith, crossAccountRaw, exampleRaw } from './helpers';
import type { Json } from './helpers';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly milliseconds: number;
  readonly wrote: boolean;
}

/** Runs the app on a file (or arguments) with its output collected and its output folder watched. */
async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const outdir = join(mkdtempSync(join(tmpdir(), 'eks-edge-bad-')), 'cdktf.out');
  const saved = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  let out = '';
  let err = '';
  const started = performance.now();
  try {
    const code = await main(argv, env, {
      out: (text) => (out += text),
      err: (text) => (err += text),
    });
    return { code, out, err, milliseconds: performance.now() - started, wrote: existsSync(outdir) };
  } finally {
    if (saved === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = saved;
  }
}

function fileOf(bad: BadConfig, dir: string): string {
  const path = join(dir, 'config.yaml');
  if (bad.file !== undefined) writeFileSync(path, bad.file);
  else {
    const raw = bad.base === 'cross-account' ? crossAccountRaw() : exampleRaw();
    bad.change?.(raw);
    writeFileSync(path, stringify(raw));
  }
  return path;
}

const STACK_TRACE = /\n\s+at .+[(:]\d+/;

it('the corpus holds at least 60 distinct mistakes', () => {
  expect(BAD_CONFIGS.length).toBeGreaterThanOrEqual(60);
  expect(new Set(BAD_CONFIGS.map((bad) => bad.name)).size).toBe(BAD_CONFIGS.length);
});

describe.each(BAD_CONFIGS.map((bad) => [bad.name, bad] as const))('%s', (_name, bad) => {
  it('is refused: exit 1, what and where, no stack trace, nothing written, fast', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-edge-corpus-'));
    try {
      const file = fileOf(bad, dir);
      const result = await run(bad.argv ? bad.argv(file) : ['--config', file], bad.env);
      for (const words of bad.says) expect(result.err).toContain(words);
      for (const words of bad.saysNot ?? []) expect(result.err).not.toContain(words);
      expect(result.err).not.toMatch(STACK_TRACE);
      expect(result.err).not.toContain('internal error');
      expect([result.code, result.out, result.wrote]).toEqual([1, '', false]);
      expect(result.milliseconds).toBeLessThan(1500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it('reports every problem once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-once-'));
  try {
    const raw = exampleRaw();
    raw.clusters[0].subnets.private.push(raw.clusters[0].subnets.public[0]);
    writeFileSync(join(dir, 'c.yaml'), stringify(raw));
    const { err } = await run(['--config', join(dir, 'c.yaml')]);
    expect(err).toContain('1 configuration problem:');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('stays linear and bounded with tens of thousands of bad tags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-tags-'));
  try {
    const raw = exampleRaw();
    raw.tags = Object.fromEntries(Array.from({ length: 32000 }, (_, i) => [`aws:k${i}`, 'v']));
    writeFileSync(join(dir, 'c.yaml'), stringify(raw));
    const result = await run(['--config', join(dir, 'c.yaml')]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('32000 configuration problems');
    expect(result.err).toContain('… and 31900 more of the same kinds');
    expect(result.milliseconds).toBeLessThan(5000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('reports instances that clash on one zone once each, not once per pair', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-clash-'));
  try {
    const raw = exampleRaw();
    const [template] = raw.clusters[0].externalDns;
    raw.clusters[0].externalDns = Array.from({ length: 300 }, (_, i) => ({
      ...structuredClone(template),
      name: `i${i}`,
      annotationFilter: undefined,
      txtOwnerId: `owner-${i}`,
    }));
    writeFileSync(join(dir, 'c.yaml'), stringify(raw));
    const result = await run(['--config', join(dir, 'c.yaml')]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('299 configuration problems');
    expect(result.err).toContain(
      'clusters[0].externalDns[4]: shares zone example.com (public) with clusters[0].externalDns[0], clusters[0].externalDns[1], clusters[0].externalDns[2] (and 1 more), and nothing separates',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Random edits of valid configurations

type Path = (string | number)[];

/** Every path to a value in a raw configuration. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  return [path, ...entries.flatMap(([key, item]) => pathsOf(item, [...path, key]))];
}

type Edit =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown };

function apply(raw: Json, edit: Edit): void {
  const parentPath = edit.kind === 'add' ? edit.path : edit.path.slice(0, -1);
  const parent = parentPath.reduce<any>((node, key) => node?.[key], raw);
  if (parent === null || typeof parent !== 'object') return;
  if (edit.kind === 'add') parent[edit.key] = edit.value;
  else {
    const key = edit.path[edit.path.length - 1];
    if (edit.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else parent[key] = edit.value;
  }
}

/** The validation library's own wording, which must never reach a user. */
const LIBRARY_WORDING = /Too (small|big)|Invalid input|expected (string|number|object|array)/;

describe('random edits of the examples', () => {
  const bases = {
    example: exampleRaw(),
    'cross-account': crossAccountRaw(),
  };
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('', ' ', '*', '0', '012345678901', 'aws:x', '../x', '/x', 'a'.repeat(300)),
    fc.integer(),
  );
  const editsOf = (raw: Json) => {
    const paths = pathsOf(raw).filter((p) => p.length > 0);
    const path = fc.constantFrom(...paths);
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), path, value }),
      fc.record({ kind: fc.constant('delete' as const), path }),
      fc.record({
        kind: fc.constant('add' as const),
        path: fc.constantFrom(
          ...pathsOf(raw).filter((p) => {
            const node = p.reduce<any>((n, k) => n?.[k], raw);
            return node !== null && typeof node === 'object' && !Array.isArray(node);
          }),
        ),
        key: fc.constantFrom('extra', 'name', 'enabled', 'tags', 'zones'),
        value,
      }),
    );
    return fc.array(edit, { minLength: 1, maxLength: 3 });
  };

  it.each(Object.entries(bases))(
    'of %s either synthesize or name what is wrong: never a stack trace',
    async (_name, base) => {
      const dir = mkdtempSync(join(tmpdir(), 'eks-edge-property-'));
      try {
        await fc.assert(
          fc.asyncProperty(editsOf(base), async (edits) => {
            const raw = structuredClone(base);
            for (const edit of edits) apply(raw, edit);
            const file = join(dir, 'config.yaml');
            writeFileSync(file, stringify(raw));
            const result = await run(['--config', file]);
            expect(result.err).not.toMatch(STACK_TRACE);
            expect(result.err).not.toContain('internal error');
            if (result.code === 0) return;
            expect(result.code).toBe(1);
            expect(result.err).toMatch(/configuration problems?:\n {2}- \S/);
            expect(result.err).not.toMatch(LIBRARY_WORDING);
            expect(result.wrote).toBe(false);
          }),
          { numRuns: 50, seed: Number(process.env.FC_SEED ?? 20261126) },
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

it('warns, without refusing, about a well-formed region it does not know', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-region-'));
  try {
    const raw = parse(
      readFileSync(join(__dirname, '..', 'config', 'minimal.example.yaml'), 'utf8'),
    );
    raw.clusters[0].region = 'eu-west-9';
    writeFileSync(join(dir, 'c.yaml'), stringify(raw));
    const result = await run(['--config', join(dir, 'c.yaml')]);
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      'Warning: clusters[0].region: eu-west-9 is not a region this version knows',
    );
    expect(result.out).toContain('prod-shop, prod-shop-edge');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('reads annotation filters as Kubernetes label selectors do', () => {
  for (const selector of [
    'eks-edge/zone in (private)',
    'a notin (x, y), !b, c=d, e==f, g!=h',
    'k in ()',
    'n > 5',
  ])
    expect([selector, labelSelectorProblem(selector)]).toEqual([selector, undefined]);
  for (const selector of ['a in (b', 'a b', 'a,', 'A/b=c', 'n > x', ''])
    expect(labelSelectorProblem(selector)).toBeDefined();
});

describe('instances on one zone that something keeps apart', () => {
  const second = (change: Json) => (raw: Json) => {
    delete raw.clusters[0].externalDns[0].annotationFilter;
    raw.clusters[0].externalDns.push({
      name: 'second',
      identity: 'irsa',
      zones: [{ name: 'example.com', id: 'Z0EXAMPLEPUBLIC0002' }],
      ...change,
    });
  };
  it('are accepted for a private zone of the same name (split horizon) and for disjoint ALB groups', () => {
    expect(() =>
      configWith(
        second({ zones: [{ name: 'example.com', id: 'Z0EXAMPLEPRIVATE002', private: true }] }),
      ),
    ).not.toThrow();
    expect(() =>
      configWith((raw) => {
        second({ albGroups: ['vpn'] })(raw);
        raw.clusters[0].externalDns[0].albGroups = ['public'];
      }),
    ).not.toThrow();
  });
  it('are refused when one of them has no domain filter at all', () => {
    expect(
      configIssues((raw) => {
        second({ domainFilters: ['shop.example.com'] })(raw);
        raw.clusters[0].externalDns[0].domainFilters = [];
      }),
    ).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[2\]: shares zone example\.com \(public\)/,
      ),
    );
  });
});
