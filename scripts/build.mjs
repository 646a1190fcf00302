// Transpiles the app to dist/ with SWC (type-checking is `npm run typecheck`'s job): well under a
// second, so `cdktf synth` and `npm run synth` do not pay for tsc on every run.
import { transformFileSync } from '@swc/core';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SOURCE_DIRS = ['catalog', 'config', 'modules', 'stacks', 'scripts'];
const OUT = 'dist';

function* typescriptFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

rmSync(OUT, { recursive: true, force: true });
for (const file of ['main.ts', ...SOURCE_DIRS.flatMap((dir) => [...typescriptFiles(dir)])]) {
  const { code } = transformFileSync(file, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: false,
  });
  const target = join(OUT, file.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
}
