// Builds the app into dist/ (type-checking is `npm run typecheck`'s job), in well under a second,
// so `cdktf synth` and `npm run synth` do not pay for tsc on every run:
// - every TypeScript file is transpiled on its own with SWC (the stacks, modules and scripts);
// - the entry point `dist/main.js` is one bundle of the configuration layer (schema, YAML parser,
//   checks) with cdktf and the stacks left out: a bad configuration is rejected before anything
//   else loads, and one file loads much faster than hundreds of small ones;
// - `dist/stacks/app.js`, which main loads once the configuration is valid, is one bundle of the
//   stacks and modules (and the YAML writer) with cdktf and the provider bindings left out: 50 ms
//   less than loading its ~120 files one by one, an eighth of the example's synth.
import { transformFileSync } from '@swc/core';
import { buildSync } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SOURCE_DIRS = ['catalog', 'config', 'modules', 'stacks', 'review', 'scripts'];
const OUT = 'dist';

function* typescriptFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

rmSync(OUT, { recursive: true, force: true });
for (const file of SOURCE_DIRS.flatMap((dir) => [...typescriptFiles(dir)])) {
  const { code } = transformFileSync(file, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: false,
  });
  const target = join(OUT, file.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
}
buildSync({
  entryPoints: ['main.ts'],
  outfile: join(OUT, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  // Loaded only once the configuration is valid, from the per-file build above.
  external: ['./stacks/app', 'cdktf', 'constructs', '@cdktf/*'],
  // `import('./stacks/app')` becomes a `require` of the per-file build.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
});
buildSync({
  entryPoints: ['stacks/app.ts'],
  outfile: join(OUT, 'stacks', 'app.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  // One copy of cdktf for the app and the bindings (the app changes one of its modules).
  external: ['cdktf', 'constructs', '@cdktf/*'],
  logLevel: 'warning',
});
