/**
 * Guards against regressions no functional test notices: a root import of a provider package
 * (loading the root of the AWS provider pulls in every one of its ~1,500 resource bindings and
 * costs seconds and hundreds of MB on every synth), and output that differs between two synths of
 * the same configuration or leaks the machine it was made on (paths, timestamps).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TerraformStack } from 'cdktf';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import { Intrinsic } from 'cdktf/lib/tokens/private/intrinsic';
import { loadConfig, validateConfig } from '../config/load';
import { buildApp, synthesize } from '../stacks/app';
import { ProjectStack } from '../stacks/project-stack';
import { hclOutputRequested } from '../stacks/stack-synthesizer';
import { VARIANTS } from './fixtures/variants';
import { CROSS_ACCOUNT_PATH, EXAMPLE_PATH, filesOf } from './helpers';

const ROOT = join(__dirname, '..');

// ---------------------------------------------------------------------------------------------
// Root imports of provider packages

/** Built from pieces, so that this file does not contain what it looks for. */
const PROVIDER_PREFIX = ['@cdktf', 'provider-'].join('/');
const escaped = PROVIDER_PREFIX.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/**
 * `from '<pkg>'` (import and export), `import '<pkg>'`, `import('<pkg>')` and `require('<pkg>')`,
 * where <pkg> is a provider package's bare name: the closing quote right after it rules out deep
 * paths such as `<pkg>/lib/iam-role`.
 */
const ROOT_PROVIDER_IMPORT = new RegExp(
  String.raw`(?:\bfrom|\bimport|\brequire)\s*\(?\s*(['"\x60])` + escaped + String.raw`[\w.-]+\1`,
  'g',
);

const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  'dist',
  'cdktf.out',
  'cdktf.out.hcl',
  'coverage',
]);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Every TypeScript and JavaScript file of the project, outside dependencies, output and dot folders. */
function sourceFiles(dir: string = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.')
        ? []
        : sourceFiles(path);
    return SOURCE_FILE.test(entry.name) ? [path] : [];
  });
}

/** `file:line: text` for every root provider import in `text`. */
function rootProviderImports(file: string, text: string): string[] {
  return [...text.matchAll(ROOT_PROVIDER_IMPORT)].map((match) => {
    const line = text.slice(0, match.index).split('\n').length;
    return `${file}:${line}: ${text.split('\n')[line - 1].trim()}`;
  });
}

describe('provider packages', () => {
  it('are imported by deep path only (a root import loads every binding of the provider)', () => {
    const files = sourceFiles();
    const scanned = files.map((file) => relative(ROOT, file).split('\\').join('/'));
    // The scan must see the project, or it passes for nothing.
    expect(scanned).toEqual(
      expect.arrayContaining([
        'main.ts',
        'stacks/cluster-stack.ts',
        'scripts/build.mjs',
        '__tests__/guards.test.ts',
      ]),
    );
    expect(scanned.some((file) => file.startsWith('config/'))).toBe(true);
    expect(scanned.some((file) => file.startsWith('modules/'))).toBe(true);
    const offenders = files.flatMap((file) =>
      rootProviderImports(relative(ROOT, file), readFileSync(file, 'utf8')),
    );
    // Import from `<provider>/lib/<resource>` instead, e.g. `…/lib/iam-role`.
    expect(offenders).toEqual([]);
  });

  it('root imports are recognised in every form, deep imports are not', () => {
    const pkg = `${PROVIDER_PREFIX}aws`;
    const roots = [
      `import { IamRole } from '${pkg}';`,
      `import * as aws from "${pkg}";`,
      `import type { provider } from '${pkg}';`,
      `export { iamRole } from '${pkg}';`,
      `import '${pkg}';`,
      `const aws = require('${pkg}');`,
      `const aws = require ( "${pkg}" );`,
      `const aws = await import('${PROVIDER_PREFIX}helm');`,
      `import {\n  IamRole,\n} from '${PROVIDER_PREFIX}kubernetes';`,
    ];
    const deep = [
      `import { IamRole } from '${pkg}/lib/iam-role';`,
      `const { Release } = require('${PROVIDER_PREFIX}helm/lib/release');`,
      `// see ${pkg} for the bindings`,
      `import { App } from 'cdktf';`,
    ];
    expect(roots.filter((line) => rootProviderImports('x.ts', line).length !== 1)).toEqual([]);
    expect(deep.filter((line) => rootProviderImports('x.ts', line).length !== 0)).toEqual([]);
    expect(rootProviderImports('x.ts', `// a\n${roots[0]}`)).toEqual([`x.ts:2: ${roots[0]}`]);
  });
});

// ---------------------------------------------------------------------------------------------
// Deterministic, machine-independent output

/** Every file of a synth of an example, by path relative to the output folder. */
function synthesizeExample(configPath: string): { outdir: string; files: Map<string, Buffer> } {
  const outdir = mkdtempSync(join(tmpdir(), 'eks-edge-guard-'));
  const hcl = process.env.SYNTH_HCL_OUTPUT;
  delete process.env.SYNTH_HCL_OUTPUT;
  try {
    buildApp(loadConfig(configPath), outdir).synth();
  } finally {
    if (hcl !== undefined) process.env.SYNTH_HCL_OUTPUT = hcl;
  }
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(outdir, path).split('\\').join('/'), readFileSync(path));
    }
  };
  walk(outdir);
  return { outdir, files };
}

const EXAMPLES = [EXAMPLE_PATH, CROSS_ACCOUNT_PATH];

describe.each(EXAMPLES.map((path) => [relative(ROOT, path), path]))(
  'the synthesized %s',
  (_name, configPath) => {
    let first: { outdir: string; files: Map<string, Buffer> };
    let second: { outdir: string; files: Map<string, Buffer> };

    beforeAll(() => {
      first = synthesizeExample(configPath);
      second = synthesizeExample(configPath);
    });

    afterAll(() => {
      for (const run of [first, second])
        if (run) rmSync(run.outdir, { recursive: true, force: true });
    });

    it('is byte-identical in two synths, manifest included', () => {
      const names = [...first.files.keys()].sort();
      expect(names).toContain('manifest.json');
      expect(names.some((name) => name.endsWith('/cdk.tf.json'))).toBe(true);
      expect([...second.files.keys()].sort()).toEqual(names);
      for (const name of names) {
        const [a, b] = [first.files.get(name)!, second.files.get(name)!];
        // Compared as text for a readable diff; the byte comparison is the guard.
        if (!a.equals(b))
          expect(`${name}:\n${b.toString('utf8')}`).toBe(`${name}:\n${a.toString('utf8')}`);
        expect(a.equals(b)).toBe(true);
      }
    });

    it('contains no path of this machine and no timestamp', () => {
      const machinePaths = new Set<string>([
        '/work/',
        ROOT,
        realpathSync(ROOT),
        process.cwd(),
        tmpdir(),
        realpathSync(tmpdir()),
        first.outdir,
        second.outdir,
      ]);
      const home = homedir();
      if (home.length > 1) machinePaths.add(home);
      const isoTimestamp = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?/;
      const findings: string[] = [];
      for (const [name, content] of first.files) {
        const text = content.toString('utf8');
        for (const path of machinePaths)
          if (text.includes(path)) findings.push(`${name} contains the machine path ${path}`);
        const timestamp = isoTimestamp.exec(text);
        if (timestamp) findings.push(`${name} contains the timestamp ${timestamp[0]}`);
      }
      expect(findings).toEqual([]);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// The configuration layer loads no cdktf code

/** The packages and project files that `entry` loads at run time (type-only imports excluded). */
function runtimeImports(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.includes(file)) return;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(
      /^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm,
    )) {
      const target = match[1] ?? match[2];
      if (target.startsWith('.')) {
        const base = join(file, '..', target);
        visit(existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts'));
      } else
        packages.add(
          target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0],
        );
    }
  };
  visit(entry);
  return { files: files.map((file) => relative(ROOT, file)), packages };
}

describe('validating a configuration', () => {
  const { files, packages } = runtimeImports(join(ROOT, 'config', 'load.ts'));

  it('loads neither cdktf, constructs, a provider package nor a stack', () => {
    // The walk must see the layer, or it passes for nothing.
    expect(files).toEqual(
      expect.arrayContaining([
        'config/schema/index.ts',
        'config/resolve.ts',
        'catalog/aws-load-balancer-controller/index.ts',
      ]),
    );
    // node:path resolves a configuration's localCatalog next to it.
    expect([...packages].sort()).toEqual(['node:crypto', 'node:fs', 'node:path', 'yaml', 'zod']);
    expect(files.filter((file) => file.startsWith('stacks/'))).toEqual([]);
  });

  it('loads nothing from modules/: policy documents and chart values are config/derived/', () => {
    expect(files.filter((file) => file.startsWith('modules/'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('config/derived/')).length).toBeGreaterThan(3);
  });

  it('is what the entry point loads before the configuration is valid', () => {
    const main = readFileSync(join(ROOT, 'main.ts'), 'utf8');
    expect(main).toMatch(/await import\('\.\/stacks\/app'\)/);
    expect(main).not.toMatch(/^import\s+(?!type\b)[^;]*'\.\/stacks/m);
  });
});

// ---------------------------------------------------------------------------------------------
// Layers: dependencies point one way (docs/development.md, Layering)

/** The layers from the bottom: a file may import only from its own layer and those below. */
const LAYERS: readonly string[][] = [
  ['catalog'],
  ['config'],
  ['modules'],
  ['stacks'],
  ['review', 'main.ts'],
  ['scripts'],
];

function layerOf(path: string): number {
  const top = path.split('/')[0];
  return LAYERS.findIndex((layer) => layer.includes(top));
}

/** `file -> target` for every relative import of `text`, type-only and dynamic ones included. */
function relativeImports(file: string, text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(
    ([, target]) =>
      relative(ROOT, join(ROOT, file, '..', target))
        .split('\\')
        .join('/'),
  );
}

/** Every import of the project's sources that points up a layer, as `file -> target`. */
function upwardImports(sources: Record<string, string>): string[] {
  return Object.entries(sources).flatMap(([file, text]) =>
    relativeImports(file, text)
      .filter((target) => layerOf(target) > layerOf(file))
      .map((target) => `${file} -> ${target}`),
  );
}

describe('the layers', () => {
  it('import only from their own layer and those below, types included', () => {
    const sources = Object.fromEntries(
      sourceFiles()
        .map((file) => relative(ROOT, file).split('\\').join('/'))
        .filter((file) => layerOf(file) >= 0)
        .map((file) => [file, readFileSync(join(ROOT, file), 'utf8')]),
    );
    expect(Object.keys(sources)).toEqual(
      expect.arrayContaining(['catalog/lookup.ts', 'config/model.ts', 'main.ts']),
    );
    expect(upwardImports(sources)).toEqual([]);
  });

  it('are told apart in every import form (the check can fail)', () => {
    const upward = {
      'config/model.ts': [
        "import type { X } from '../modules/shared/chart-release';",
        "import { y } from './derived/chart-values';",
        "const z = await import('../stacks/app');",
      ].join('\n'),
      'catalog/lookup.ts': "export { a } from '../config/naming';",
      'modules/x.ts': "import { b } from '../config/model';",
    };
    expect(upwardImports(upward)).toEqual([
      'config/model.ts -> modules/shared/chart-release',
      'config/model.ts -> stacks/app',
      'catalog/lookup.ts -> config/naming',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// cdktf features the app leaves out (stacks/project-stack.ts, stacks/app.ts)

/**
 * Every file of a synth of `config` (each stack's JSON or HCL, the manifest), HCL or not as the
 * environment says: the app's own (one group of stacks at a time, `synthesize`), or with
 * `cdktfSynthesizer` every stack made first and written by cdktf's `App.synth` and synthesizer.
 */
function stackFiles(
  config: ReturnType<typeof validateConfig>,
  cdktfSynthesizer = false,
): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'eks-edge-prepare-'));
  try {
    if (!cdktfSynthesizer) synthesize(config, outdir);
    else {
      const app = buildApp(config, outdir);
      for (const stack of app.node.children.filter(TerraformStack.isStack))
        stack.synthesizer = new StackSynthesizer(stack, false, hclOutputRequested());
      app.synth();
    }
    return filesOf(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs `run` with ProjectStack's `method` replaced by `by`. */
function replaced<T>(method: string, by: unknown, run: () => T): T {
  const own = Object.getOwnPropertyDescriptor(ProjectStack.prototype, method)!;
  Object.defineProperty(ProjectStack.prototype, method, { ...own, value: by });
  try {
    return run();
  } finally {
    Object.defineProperty(ProjectStack.prototype, method, own);
  }
}

describe("cdktf's preparation and resolution of the stacks", () => {
  it.each(Object.keys(VARIANTS))(
    "%s: is what cdktf's own preparation, resolve, synthesizer and App.synth write, byte for byte",
    (variant) => {
      const config = validateConfig(VARIANTS[variant]());
      const ours = stackFiles(config);
      // cdktf's own: a preparing resolve of every block (wiring references across stacks), then
      // its toTerraform, which resolves every value of every block, written by its synthesizer.
      const cdktf = replaced('prepareStack', TerraformStack.prototype.prepareStack, () =>
        replaced(
          'blocks',
          function (this: TerraformStack) {
            return TerraformStack.prototype.toTerraform.call(this);
          },
          () => stackFiles(config, true),
        ),
      );
      expect(Object.keys(ours).length).toBeGreaterThan(0);
      expect(ours).toEqual(cdktf);
    },
  );

  it("records no creation stack for tokens: cdktf's module is where the app expects it", () => {
    buildApp(loadConfig(EXAMPLE_PATH), mkdtempSync(join(tmpdir(), 'eks-edge-trace-')));
    expect(new Intrinsic('x').creationStack).toEqual([]);
  });
});
