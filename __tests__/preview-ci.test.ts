/**
 * The pull-request job of docs/reviewing.md, end to end: `scripts/preview-pull-request.sh` in a
 * throwaway git repository holding this project, on two commits, with a stand-in GitHub CLI that
 * records what it was asked to post. The base side is built and synthesized from the base commit
 * (a temporary worktree), so this is also the test of `npm run preview -- --git`.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'eks-edge-preview-ci-'));
const repo = join(dir, 'repo');
const posted = join(dir, 'gh-calls');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(command, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

function git(...args: string[]) {
  const result = run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function commitEdit(message: string, edit: (raw: any) => void) {
  const file = join(repo, 'config', 'example.yaml');
  const raw = parse(readFileSync(file, 'utf8'));
  edit(raw);
  writeFileSync(file, stringify(raw));
  git('commit', '-qam', message);
}

const job = (env: NodeJS.ProcessEnv) =>
  run('bash', ['scripts/preview-pull-request.sh'], {
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    ...env,
  });

beforeAll(() => {
  // The project as it stands in this checkout (tracked and new files), committed as the base.
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  for (const file of listed.stdout.split('\n').filter(Boolean)) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(ROOT, file), join(repo, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\ndist\ncdktf.out\npreview.md\n');
  mkdirSync(join(dir, 'bin'));
  // A stand-in GitHub CLI: records each call; `api` lists the comment id in gh-comment-id, if any.
  writeFileSync(
    join(dir, 'bin', 'gh'),
    [
      '#!/usr/bin/env bash',
      `echo "$*" >> '${posted}'`,
      `if [ "$1" = api ] && [ "$2" != -X ]; then cat '${dir}/gh-comment-id' 2>/dev/null; fi`,
      `if [ "$1" = pr ]; then cp "\${@: -1}" '${posted}.body'; fi`,
      `if [ "$2" = -X ]; then cp "\${6#body=@}" '${posted}.body'; fi`,
      '',
    ].join('\n'),
  );
  chmodSync(join(dir, 'bin', 'gh'), 0o755);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the pull-request preview job', () => {
  it('posts the report of a change that replaces nothing, and passes', () => {
    commitEdit('sync the public zone', (raw) => (raw.clusters[0].externalDns[0].policy = 'sync'));
    const result = job({ BASE_REF: 'HEAD~1', PR_NUMBER: '7', GH_TOKEN: 'token' });
    expect(result.stderr).not.toContain('internal error');
    expect(result.status).toBe(0);
    const report = readFileSync(join(repo, 'preview.md'), 'utf8');
    expect(report).toContain('## eks-edge preview');
    expect(report).toContain('config/example.yaml at HEAD~1');
    expect(report).toContain('| update | `helm_release.external-dns-public_release_6705A20F` |');
    expect(report).toContain('- policy: "upsert-only"\n+ policy: "sync"');
    expect(report).toContain('nothing live is replaced or deleted');
    // No comment of this script yet: a new one, which starts with the marker.
    expect(readFileSync(posted, 'utf8').split('\n')).toEqual([
      'api repos/{owner}/{repo}/issues/7/comments --paginate --jq .[] | select(.body | startswith("<!-- eks-edge-preview -->")) | .id',
      'pr comment 7 --body-file preview.md',
      '',
    ]);
    expect(readFileSync(`${posted}.body`, 'utf8')).toBe(report);
    expect(report.startsWith('<!-- eks-edge-preview -->\n## eks-edge preview')).toBe(true);
  }, 60_000);

  it('fails with exit 2 where the change replaces something live, and lists it', () => {
    commitEdit('move the private instance', (raw) => {
      raw.clusters[0].externalDns[1].namespace = 'dns';
    });
    const result = job({ BASE_REF: 'HEAD~1' });
    expect(result.status).toBe(2);
    const report = readFileSync(join(repo, 'preview.md'), 'utf8');
    expect(report).toContain(
      '| **replace** | `helm_release.external-dns-private_release_F4C21977` | namespace changed',
    );
    expect(report).toContain('⚠️ DISRUPTIVE');
    expect(result.stderr).toContain('--allow-disruptive');
  }, 60_000);

  it('previews a change of eks-edge itself: the base side is synthesized with the base code', () => {
    // A code change alone (the configuration stays): the policy description is force-new.
    const file = join(repo, 'modules', 'aws-load-balancer-controller', 'iam-policy.ts');
    const code = readFileSync(file, 'utf8');
    const changed = code.replace("at the controller's release tag", 'at the release tag');
    expect(changed).not.toBe(code);
    writeFileSync(file, changed);
    git('commit', '-qam', 'reword the policy description');
    // The script's comment from before is replaced, not a second one posted.
    writeFileSync(join(dir, 'gh-comment-id'), '4242\n');
    rmSync(posted, { force: true });
    const result = job({
      BASE_REF: 'HEAD~1',
      ALLOW_DISRUPTIVE: 'true',
      PR_NUMBER: '7',
      GH_TOKEN: 'token',
    });
    expect(result.status).toBe(0);
    expect(readFileSync(posted, 'utf8').split('\n')[1]).toBe(
      'api -X PATCH repos/{owner}/{repo}/issues/comments/4242 -F body=@preview.md',
    );
    const report = readFileSync(join(repo, 'preview.md'), 'utf8');
    expect(readFileSync(`${posted}.body`, 'utf8')).toBe(report);
    expect(report).toContain(
      '| **replace** | `aws_iam_policy.aws-load-balancer-controller_iam_controller_policy_FF29617E` | description changed',
    );
    expect(result.stderr).toContain('allowed by --allow-disruptive');
  }, 60_000);
});
