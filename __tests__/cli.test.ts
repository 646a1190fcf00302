/**
 * The app's command line, as people used to kubectl, helm or terraform expect it: help and version
 * exit 0 without reading a configuration, and an output folder that does not exist yet (a nested
 * `cdktf synth --output build/tf`) is made, or refused with what is wrong.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the app in process, writing to `outdir` as `cdktf synth --output <outdir>` makes it. */
async function run(argv: string[], outdir: string): Promise<Run> {
  const saved = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  let out = '';
  let err = '';
  try {
    const code = await main(argv, {}, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    if (saved === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = saved;
  }
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eks-edge-cli-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the command line', () => {
  it.each([['--help'], ['-h'], ['--config', 'missing.yaml', '--help']])(
    '%s prints the usage and exits 0, reading no configuration and writing nothing',
    async (...argv) => {
      const result = await run(argv, join(dir, 'out'));
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/^usage: node dist\/main\.js \[--config <file>\]/);
      for (const words of ['--config <file>', '-h, --help', '--version', 'EKS_EDGE_CONFIG'])
        expect(result.out).toContain(words);
      expect(result.err).toBe('');
      expect(existsSync(join(dir, 'out'))).toBe(false);
    },
  );

  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    const result = await run(['--version'], join(dir, 'out'));
    expect([result.code, result.out, result.err]).toEqual([0, `eks-edge ${version}\n`, '']);
  });

  it('makes a nested output folder that does not exist yet', async () => {
    const outdir = join(dir, 'build', 'tf');
    const result = await run([], outdir);
    expect(result.code).toBe(0);
    expect(existsSync(join(outdir, 'stacks', 'prod-edge-demo', 'cdk.tf.json'))).toBe(true);
  }, 20_000);

  it('refuses an output folder that cannot be made, saying why, with exit 1', async () => {
    writeFileSync(join(dir, 'file'), '');
    const result = await run([], join(dir, 'file', 'tf'));
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `the output folder ${join(dir, 'file', 'tf')} cannot be made (ENOTDIR`,
    );
    expect(result.err).toContain('choose another with cdktf synth --output <folder>');
    expect(result.err).not.toContain('internal error');
  });

  it('gives what npx starts here the cdktf CLI telemetry opt-out, also in another folder', () => {
    // Without the test run's own settings: what a person's shell has.
    const env = { ...process.env };
    delete env.CHECKPOINT_DISABLE;
    delete env.NODE_OPTIONS;
    const nested = `require('child_process').execFileSync(process.execPath, ['-p', 'process.env.CHECKPOINT_DISABLE'], { cwd: ${JSON.stringify(dir)}, env: { ...process.env, CHECKPOINT_DISABLE: '' }, stdio: 'inherit' })`;
    const started = spawnSync('npm', ['exec', '--offline', '--', 'node', '-e', nested], {
      cwd: join(__dirname, '..'),
      env,
      encoding: 'utf8',
    });
    expect([started.status, started.stderr, started.stdout]).toEqual([0, '', '1\n']);
  }, 20_000);
});
