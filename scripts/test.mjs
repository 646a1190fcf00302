// `npm test`: the type-check, ESLint, the Prettier check and Jest, started together rather than one
// after another (the static checks take a few seconds each and Jest far longer, so running them
// beside Jest hides them). Each check's output is printed, whole, when it ends, and the run fails if
// any check fails. The checks keep their caches in node_modules/.cache, so a file unchanged since
// the last run is not checked again (a fresh `npm ci` starts them empty).
import { spawn } from 'node:child_process';

const CACHE = 'node_modules/.cache/eks-edge';

const checks = [
  {
    name: 'tsc',
    command: 'tsc',
    args: [
      ...['--noEmit', '-p', 'tsconfig.json'],
      ...['--incremental', '--tsBuildInfoFile', `${CACHE}/tsconfig.tsbuildinfo`],
    ],
  },
  {
    name: 'eslint',
    command: 'eslint',
    args: ['.', '--cache', '--cache-location', `${CACHE}/eslint/`],
  },
  {
    name: 'prettier',
    command: 'prettier',
    args: ['--check', '.', '--cache', '--cache-location', `${CACHE}/prettier`],
  },
  // Jest's own output streams as it runs (it is the long one); its progress goes to stderr.
  { name: 'jest', command: 'jest', args: process.argv.slice(2), streamed: true },
];

function run({ name, command, args, streamed }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, {
      // npm puts node_modules/.bin on PATH for its scripts.
      stdio: streamed ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    if (!streamed) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    let finished = false;
    const finish = (code, error) => {
      if (finished) return;
      finished = true;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      const text = output.trimEnd();
      process.stdout.write(
        `\n── ${name} ${ok ? 'passed' : 'FAILED'} (${seconds} s)${text ? '\n' + text : ''}${error ? '\n' + error.message : ''}\n`,
      );
      resolve({ name, ok });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

const results = await Promise.all(checks.map(run));
const failed = results.filter((result) => !result.ok).map((result) => result.name);
if (failed.length > 0) {
  process.stdout.write(`\nnpm test failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
