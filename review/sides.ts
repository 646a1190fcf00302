/**
 * The two sides of a preview, each synthesized into a temporary folder of its own (never
 * `cdktf.out/`): a configuration file with this checkout's code, or a configuration file at a git
 * ref with that ref's code, built and run in a temporary worktree, so an upgrade of eks-edge itself
 * is previewed too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig } from '../config/load';
import type { Side } from './preview';
import type { Json, SynthesizedStacks } from './terraform-json';

/** A failure to produce a side that is not a bug: said as it is, exit 1. */
export class PreviewError extends Error {}

/** The stacks a synth wrote to `outdir`, and their deploy order from cdktf's manifest. */
export function readSynth(outdir: string): { stacks: SynthesizedStacks; order: string[] } {
  const manifest: Json = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const entries = Object.entries(manifest.stacks as Record<string, Json>);
  const stacks: SynthesizedStacks = Object.fromEntries(
    entries.map(([name, stack]) => [
      name,
      JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8')),
    ]),
  );
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const dependency of (manifest.stacks[name]?.dependencies ?? []) as string[])
      visit(dependency);
    order.push(name);
  };
  entries.forEach(([name]) => visit(name));
  return { stacks, order };
}

function inTemporaryFolder<T>(prefix: string, work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A configuration file synthesized with this checkout's code. */
export async function synthesizeFile(path: string, label = path): Promise<Side> {
  const config = loadConfig(path);
  const { synthesize } = await import('../stacks/app');
  return inTemporaryFolder('eks-edge-preview-', (outdir) => {
    const { warnings } = synthesize(config, outdir);
    return { label, ...readSynth(outdir), warnings: [...config.warnings, ...warnings] };
  });
}

/** No stacks at all: the side of a configuration file that did not exist yet. */
export const nothing = (label: string): Side => ({ label, stacks: {}, order: [], warnings: [] });

function git(cwd: string, ...args: string[]): { ok: boolean; out: string; err: string } {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: run.status === 0, out: (run.stdout ?? '').trim(), err: (run.stderr ?? '').trim() };
}

/** The folder holding this checkout's node_modules (the worktree borrows it). */
function dependencies(): string {
  return dirname(dirname(require.resolve('cdktf/package.json')));
}

/**
 * The configuration file as it was at `ref`, synthesized with the code of `ref`. A file that git
 * tracks is read at that ref (absent there: nothing was deployed from it, so the side is empty);
 * a file git does not track (your own, outside the repository or ignored) is the same file on both
 * sides, so only the code changes.
 */
export function synthesizeAtRef(ref: string, configPath: string): Side {
  const cwd = process.cwd();
  const top = git(cwd, 'rev-parse', '--show-toplevel');
  if (!top.ok) throw new PreviewError(`--git ${ref}: ${cwd} is not in a git repository`);
  const commit = git(cwd, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  if (!commit.ok)
    throw new PreviewError(
      `--git ${ref}: no such commit in this repository (in a shallow CI checkout, fetch the base first)`,
    );
  const short = commit.out.slice(0, 12);
  const absolute = isAbsolute(configPath) ? configPath : resolve(cwd, configPath);
  const inRepo = relative(top.out, absolute).split('\\').join('/');
  const tracked =
    !inRepo.startsWith('..') && git(top.out, 'ls-files', '--error-unmatch', inRepo).ok;
  const label = `${configPath} at ${ref} (${short})`;
  if (tracked && !git(top.out, 'cat-file', '-e', `${commit.out}:${inRepo}`).ok)
    return nothing(`${label}: the file did not exist there`);
  return inTemporaryFolder('eks-edge-preview-git-', (dir) => {
    const tree = join(dir, 'tree');
    const added = git(top.out, 'worktree', 'add', '--detach', '--quiet', tree, commit.out);
    if (!added.ok) throw new PreviewError(`--git ${ref}: git worktree add failed: ${added.err}`);
    try {
      symlinkSync(dependencies(), join(tree, 'node_modules'), 'dir');
      const config = tracked ? join(tree, inRepo) : absolute;
      const outdir = join(dir, 'out');
      const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
        cwd: tree,
        encoding: 'utf8',
      });
      if (build.status !== 0 || !existsSync(join(tree, 'dist', 'main.js')))
        throw new PreviewError(`the code at ${ref} does not build: ${build.stderr}`);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        EKS_EDGE_CONFIG: config,
        CDKTF_OUTDIR: outdir,
        CHECKPOINT_DISABLE: '1',
      };
      delete env.CDKTF_CONTEXT_JSON;
      const synth = spawnSync(process.execPath, ['dist/main.js'], {
        cwd: tree,
        env,
        encoding: 'utf8',
      });
      const lines = (synth.stderr ?? '').split('\n').filter((line) => line.trim() !== '');
      if (synth.status !== 0)
        throw new PreviewError(
          `${label} does not synthesize with the code of ${ref}:\n${lines.join('\n')}`,
        );
      // The ref's code runs on this checkout's dependencies: say so where they differ.
      const lock = (at: string) => git(top.out, 'show', `${at}:package-lock.json`).out;
      const notes =
        lock(commit.out) === lock('HEAD')
          ? []
          : [
              `the code at ${ref} was built with this checkout's node_modules, and its package-lock.json differs: the before side may differ from what ${ref} synthesized`,
            ];
      return { label, ...readSynth(outdir), warnings: notes };
    } finally {
      git(top.out, 'worktree', 'remove', '--force', tree);
    }
  });
}
