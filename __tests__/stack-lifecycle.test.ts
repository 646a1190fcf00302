/**
 * `npm run deploy|destroy -- <stack>` (scripts/stack-lifecycle.ts): one cluster's stacks in the
 * right order, never another environment's. cdktf itself needs AWS and a cluster, so a stand-in
 * `cdktf` on PATH records each call and the configuration its app would read; what that
 * configuration synthesizes is then checked here.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runStackCommand } from '../scripts/stack-lifecycle';
import { CROSS_ACCOUNT_PATH, EXAMPLE_PATH, configWith, synthesize } from './helpers';
import type { Json } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'eks-edge-stacks-test-'));
const calls = join(dir, 'calls.jsonl');
writeFileSync(
  join(dir, 'cdktf'),
  `#!/usr/bin/env node
const fs = require('fs');
const config = fs.readFileSync(process.env.EKS_EDGE_CONFIG, 'utf8');
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ args: process.argv.slice(2), config }) + '\\n');
process.exit(process.argv.includes('fail-here') ? 1 : Number(process.env.STAND_IN_EXIT ?? 0));
`,
);
chmodSync(join(dir, 'cdktf'), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(command: 'deploy' | 'destroy', argv: string[], extra: NodeJS.ProcessEnv = {}) {
  rmSync(calls, { force: true });
  const out: string[] = [];
  const err: string[] = [];
  const code = runStackCommand(
    command,
    argv,
    { ...process.env, PATH: `${dir}:${process.env.PATH}`, EKS_EDGE_CONFIG: undefined, ...extra },
    { out: (t) => out.push(t), err: (t) => err.push(t) },
  );
  let recorded: { args: string[]; config: Json }[] = [];
  try {
    recorded = readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .map((c) => ({ args: c.args, config: parse(c.config) }));
  } catch {
    // No call was made.
  }
  return { code, out: out.join(''), err: err.join(''), recorded };
}

const IGNORE = '--ignore-missing-stack-dependencies';

describe('destroying one cluster of a multi-cluster file', () => {
  const result = run('destroy', ['staging-edge-staging', '--config', CROSS_ACCOUNT_PATH]);

  it('destroys its edge stack, releases what must stay, destroys its cluster stack, then updates the DNS stack', () => {
    expect(result.code).toBe(0);
    expect(result.recorded.map((c) => c.args)).toEqual([
      ['destroy', 'staging-edge-staging-edge', IGNORE],
      ['deploy', 'staging-edge-staging', IGNORE],
      ['destroy', 'staging-edge-staging', IGNORE],
      ['deploy', 'dns', IGNORE],
    ]);
    // Never another environment's stack, and never a pattern.
    expect(JSON.stringify(result.recorded.map((c) => c.args))).not.toMatch(/prod|\*/);
  });

  it('releases the CRDs and the OIDC provider before the destroy: Terraform forgets them', () => {
    const [, release, destroy] = result.recorded;
    expect(release.config.clusters[1].retiring).toBe(true);
    expect(release.config.clusters[0].retiring).toBeUndefined();
    expect(destroy.config).toEqual(release.config);
    const stack = synthesize(configWith(() => undefined, release.config))['staging-edge-staging'];
    expect(stack.resource.kubernetes_manifest).toBeUndefined();
    expect(stack.resource.aws_iam_openid_connect_provider).toBeUndefined();
    const released = (stack.removed as Json[]).map((r) => r.from);
    expect(released).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_iam_openid_connect_provider\.oidc_provider_/),
        expect.stringMatching(
          /^kubernetes_manifest\.controller-crds_customresourcedefinition-targetgroupbindings/,
        ),
      ]),
    );
  });

  it("updates the DNS stack from the file without the cluster: its DNS roles go, prod's stay", () => {
    const dns = result.recorded[3].config;
    expect(dns.clusters.map((c: Json) => c.clusterName)).toEqual(['edge-prod']);
    const roles = Object.values(
      synthesize(configWith(() => undefined, dns)).dns.resource.aws_iam_role as Json,
    ).map((r) => r.name);
    expect(roles).toEqual(['prod-edge-prod-external-dns-public']);
  });

  it('says what to do next: remove the cluster from the file', () => {
    expect(result.out).toContain(
      `Now remove the cluster edge-staging (staging-edge-staging) from ${CROSS_ACCOUNT_PATH}`,
    );
  });
});

describe('the stack commands', () => {
  it('deploy a cluster with the DNS stack it needs first, in one cdktf call', () => {
    const { code, recorded } = run('deploy', ['prod-edge-prod', '--config', CROSS_ACCOUNT_PATH]);
    expect(code).toBe(0);
    expect(recorded.map((c) => c.args)).toEqual([
      ['deploy', 'dns', 'prod-edge-prod', 'prod-edge-prod-edge'],
    ]);
  });

  it('leave the DNS stack of the last cluster of a DNS account as a step of its own', () => {
    const onlyProd = join(dir, 'only-prod.yaml');
    const raw = parse(readFileSync(CROSS_ACCOUNT_PATH, 'utf8'));
    raw.clusters.splice(1);
    writeFileSync(onlyProd, stringify(raw));
    const { code, recorded, out } = run('destroy', ['prod-edge-prod', '--config', onlyProd]);
    expect(code).toBe(0);
    expect(recorded.map((c) => c.args.slice(0, 2))).toEqual([
      ['destroy', 'prod-edge-prod-edge'],
      ['deploy', 'prod-edge-prod'],
      ['destroy', 'prod-edge-prod'],
    ]);
    expect(out).toContain(
      'It was the last cluster of the DNS account: its DNS roles stay until the DNS stack goes',
    );
  });

  it('destroy a single-account cluster without a DNS step', () => {
    const { code, recorded, out } = run('destroy', ['prod-edge-demo'], {
      EKS_EDGE_CONFIG: EXAMPLE_PATH,
    });
    expect(code).toBe(0);
    expect(recorded.map((c) => c.args[1])).toEqual([
      'prod-edge-demo-edge',
      'prod-edge-demo',
      'prod-edge-demo',
    ]);
    expect(out).not.toContain('DNS account');
  });

  it('refuse to destroy the DNS stack while clusters of the file use it', () => {
    const { code, recorded, err } = run('destroy', ['dns', '--config', CROSS_ACCOUNT_PATH]);
    expect([code, recorded]).toEqual([1, []]);
    expect(err).toContain(
      'the DNS stack still serves prod-edge-prod, staging-edge-staging: destroy those clusters first',
    );
  });

  it('refuse a pattern, an unknown stack or two stacks, running nothing', () => {
    for (const argv of [
      ['*'],
      ['prod-*'],
      ['nope'],
      ['prod-edge-demo', 'prod-edge-demo-edge'],
      [],
    ]) {
      const { code, recorded, err } = run('destroy', argv, { EKS_EDGE_CONFIG: EXAMPLE_PATH });
      expect([argv, code, recorded]).toEqual([argv, 1, []]);
      expect(err).toContain('usage: npm run deploy|destroy');
    }
    expect(run('destroy', ['nope'], { EKS_EDGE_CONFIG: EXAMPLE_PATH }).err).toContain(
      'nope is not a cluster stack of',
    );
  });

  it('stop at a failed step, saying what was done and how to go on', () => {
    const { code, recorded, err } = run('destroy', ['prod-edge-demo'], {
      EKS_EDGE_CONFIG: EXAMPLE_PATH,
      STAND_IN_EXIT: '1',
    });
    expect([code, recorded.length]).toEqual([1, 1]);
    expect(err).toContain('step 1 (destroy the edge stack prod-edge-demo-edge) failed');
    expect(err).toContain('run the command again');
  });
});
