/**
 * `npm run preview` (scripts/preview.ts) as a reviewer and a CI job use it: two configuration
 * files in, the report in each format out, and the exit code that gates a pull request. The
 * classifier behind it is the day-2 suite's (change-safety.test.ts runs every row through
 * `preview`); the `--git` side is tested end to end in preview-ci.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main } from '../main';
import { ACTIONS } from '../review/plan';
import { exitCodeOf, preview } from '../review/preview';
import type { Side } from '../review/preview';
import { runPreview } from '../scripts/preview';
import { CROSS_ACCOUNT_PATH, EXAMPLE_PATH, crossAccountRaw, exampleRaw } from './helpers';
import type { Json } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'eks-edge-preview-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A configuration file: the example (or `base`) with `edit` applied. */
function configFile(edit: (raw: Json) => void, base: () => Json = exampleRaw): string {
  const raw = base();
  edit(raw);
  const path = join(dir, `config-${(files += 1)}.yaml`);
  writeFileSync(path, stringify(raw));
  return path;
}

async function previewOf(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPreview(
    argv,
    {},
    {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    },
  );
  return { code, out: out.join(''), err: err.join('') };
}

const json = async (...argv: string[]) => {
  const run = await previewOf(...argv, '--format', 'json');
  return { ...run, report: JSON.parse(run.out) };
};

describe('the JSON report', () => {
  it('lists every change with its stack, address, action and reason, stacks in deploy order', async () => {
    const after = configFile((raw) => {
      raw.clusters[0].externalDns[0].policy = 'sync';
      raw.clusters[0].externalDns[1].namespace = 'dns';
    });
    const { code, report } = await json(EXAMPLE_PATH, after);
    expect(code).toBe(2);
    expect(report.formatVersion).toBe(1);
    expect(report.stacks.map((s: Json) => s.stack)).toEqual([
      'prod-edge-demo',
      'prod-edge-demo-edge',
    ]);
    for (const change of report.changes) {
      expect(Object.keys(change)).toEqual(expect.arrayContaining(['stack', 'address', 'action']));
      expect(ACTIONS).toContain(change.action);
      if (['replace', 'delete'].includes(change.action))
        expect(change.reason).toEqual(expect.any(String));
    }
    const byAddress = Object.fromEntries(report.changes.map((c: Json) => [c.address, c]));
    expect(byAddress['helm_release.external-dns-private_release_F4C21977']).toEqual({
      stack: 'prod-edge-demo',
      address: 'helm_release.external-dns-private_release_F4C21977',
      type: 'helm_release',
      action: 'replace',
      arguments: ['namespace'],
      reason: expect.stringMatching(/^namespace changed: Helm uninstalls the release/),
    });
    expect(byAddress['helm_release.external-dns-public_release_6705A20F']).toMatchObject({
      action: 'update',
      arguments: ['values'],
    });
    expect(report.disruptive).toBe(true);
    expect(report.verdict).toMatch(/^DISRUPTIVE: .*\(in 1 of 2 stacks\)$/);
  });

  it('puts the DNS stack first across accounts, and says which stacks a removed cluster orphans', async () => {
    const after = configFile((raw) => raw.clusters.splice(1), crossAccountRaw);
    const { code, report } = await json(CROSS_ACCOUNT_PATH, after);
    expect(report.stacks.map((s: Json) => [s.stack, s.status])).toEqual([
      ['dns', 'kept'],
      ['prod-edge-prod', 'kept'],
      ['prod-edge-prod-edge', 'kept'],
      ['staging-edge-staging', 'removed'],
      ['staging-edge-staging-edge', 'removed'],
    ]);
    // Its edge stack is empty: only the cluster stack leaves live objects without a manager.
    const orphaned = report.changes.filter((c: Json) => c.action === 'orphan');
    expect(new Set(orphaned.map((c: Json) => c.stack))).toEqual(new Set(['staging-edge-staging']));
    expect(report.stacks[3].verdict).toMatch(/^DISRUPTIVE: \d+ orphan/);
    expect(code).toBe(2);
  });
});

describe('the exit code', () => {
  const quiet = configFile((raw) => (raw.clusters[0].loadBalancerController.replicaCount = 3));
  const renamed = configFile((raw) => (raw.clusters[0].namePrefix = 'demo'));

  it('is 0 when nothing live is replaced or deleted, 2 when something is, 0 again when allowed', async () => {
    expect((await previewOf(EXAMPLE_PATH, quiet)).code).toBe(0);
    const disruptive = await previewOf(EXAMPLE_PATH, renamed);
    expect(disruptive.code).toBe(2);
    expect(disruptive.err).toContain('--allow-disruptive');
    expect((await previewOf(EXAMPLE_PATH, renamed, '--allow-disruptive')).code).toBe(0);
    expect((await previewOf(EXAMPLE_PATH, EXAMPLE_PATH)).out).toContain(
      'Verdict: no change in 2 stacks',
    );
  });

  it('is 1 for a bad configuration, with the messages synth prints', async () => {
    const bad = configFile((raw) => (raw.clusters[0].accountId = '12'));
    const synth: string[] = [];
    const synthCode = await main(
      ['--config', bad],
      {},
      {
        out: () => undefined,
        err: (text) => synth.push(text),
      },
    );
    const run = await previewOf(EXAMPLE_PATH, bad);
    expect([synthCode, run.code]).toEqual([1, 1]);
    expect(run.err).toBe(synth.join(''));
    expect(run.out).toBe('');
  });

  it('is 1 for arguments it cannot take, with the usage', async () => {
    for (const argv of [
      [EXAMPLE_PATH],
      [EXAMPLE_PATH, quiet, '--format', 'yaml'],
      [EXAMPLE_PATH, quiet, '--colour'],
      ['--git'],
      ['--git', 'HEAD', EXAMPLE_PATH, quiet],
    ]) {
      const run = await previewOf(...argv);
      expect([argv, run.code]).toEqual([argv, 1]);
      expect(run.err).toContain('usage: npm run preview');
    }
    const twice = await previewOf('--git', 'HEAD', '--git', 'HEAD~1');
    expect([twice.code, twice.err]).toEqual([1, expect.stringContaining('--git is given twice')]);
    const help = await previewOf('--help');
    expect([help.code, help.out]).toEqual([0, expect.stringContaining('usage: npm run preview')]);
    const missing = await previewOf('--git', 'no-such-ref-anywhere', EXAMPLE_PATH);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('--git no-such-ref-anywhere: no such commit');
  });
});

describe('what the report says beyond the addresses', () => {
  it('IAM as grants added and removed, never a text diff of JSON', async () => {
    const after = configFile((raw) => {
      raw.clusters[0].externalDns[0].zones.push({ name: 'example.org', id: 'Z0EXAMPLEORG000001' });
      raw.clusters[0].externalDns[1].namespace = 'dns';
    });
    const { report } = await json(EXAMPLE_PATH, after);
    const iam = report.stacks[0].iam;
    const publicRole = iam.find((h: Json) => h.holder === 'role edge-demo-external-dns-public');
    expect(publicRole.permissions).toEqual({
      added: expect.arrayContaining([
        'Allow route53:ChangeResourceRecordSets on arn:aws:route53:::hostedzone/Z0EXAMPLEORG000001',
        'Allow route53:ListResourceRecordSets on arn:aws:route53:::hostedzone/Z0EXAMPLEORG000001',
      ]),
      removed: [],
    });
    expect(publicRole.trust).toEqual({ added: [], removed: [] });
    const privateRole = iam.find((h: Json) => h.holder === 'role edge-demo-external-dns-private');
    const namespaces = (lines: string[]) =>
      lines.map((line) => /kubernetes-namespace = (\S+)/.exec(line)?.[1]);
    expect(namespaces(privateRole.trust.removed)).toEqual(['external-dns', 'external-dns']);
    expect(namespaces(privateRole.trust.added)).toEqual(['dns', 'dns']);
    expect(privateRole.permissions).toEqual({ added: [], removed: [] });
  });

  it('chart values key by key as Helm reads them, and chart version changes', async () => {
    const after = configFile((raw) => {
      raw.clusters[0].externalDns[0].policy = 'sync';
      raw.clusters[0].externalDns[0].chartVersion = '1.22.0';
    });
    const { report } = await json(EXAMPLE_PATH, after);
    const [release] = report.stacks[0].releases;
    expect(release).toMatchObject({
      release: 'external-dns/external-dns-public',
      status: 'changed',
      chart: {
        before: 'external-dns 1.21.1 from https://kubernetes-sigs.github.io/external-dns/',
        after: 'external-dns 1.22.0 from https://kubernetes-sigs.github.io/external-dns/',
      },
    });
    expect(release.values).toEqual(
      expect.arrayContaining([{ path: 'policy', before: 'upsert-only', after: 'sync' }]),
    );
  });

  it('the CRDs applied before and after, and a deleted one loudly', async () => {
    const after = configFile((raw) => {
      delete raw.clusters[0].gatewayApi;
      raw.clusters[0].externalDns[0].sources = ['service', 'ingress'];
      raw.clusters[0].unusedCrds = 'delete';
    });
    const run = await previewOf(EXAMPLE_PATH, after);
    const { report } = await json(EXAMPLE_PATH, after);
    const { crds } = report.stacks[0];
    expect([crds.before, crds.after]).toEqual([17, 4]);
    expect(crds.gone).toContainEqual({
      name: 'httproutes.gateway.networking.k8s.io',
      action: 'delete',
    });
    expect(run.out).toContain(
      '- httproutes.gateway.networking.k8s.io: DELETED, WITH EVERY OBJECT OF ITS KIND',
    );
    expect(run.out).toContain('including 13 CRDs with every object of their kinds');
    expect(run.code).toBe(2);
  });

  it('a Markdown comment: the verdict, a table per stack, details folded', async () => {
    const after = configFile((raw) => (raw.clusters[0].namePrefix = 'demo'));
    const { out } = await previewOf(EXAMPLE_PATH, after, '--format', 'markdown');
    expect(out.startsWith('## eks-edge preview\n\n**⚠️ DISRUPTIVE:')).toBe(true);
    expect(out).toContain('### `prod-edge-demo` (account 111122223333)');
    expect(out).toContain('| Action | Address | Detail |');
    expect(out).toContain(
      '| **replace** | `aws_iam_role.aws-load-balancer-controller_identity_role_E2800E90` | name changed: a new role',
    );
    expect(out).toContain('<details><summary>IAM grants</summary>');
    expect(out).toContain(
      'role edge-demo-aws-load-balancer-controller -> demo-aws-load-balancer-controller',
    );
  });
});

describe('a CRD whose address changes without a moved block', () => {
  const crd = {
    manifest: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gateways.gateway.networking.k8s.io' },
    },
  };
  const side = (address: string): Side => ({
    label: address,
    stacks: { s: { resource: { kubernetes_manifest: { [address]: crd } } } },
    order: ['s'],
    warnings: [],
  });

  it('is deleted with every object of its kind before it is made again: said loudly', () => {
    const result = preview(side('old'), side('new'));
    expect(result.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'delete kubernetes_manifest.old',
      'create kubernetes_manifest.new',
    ]);
    expect(result.stacks[0].crds.gone).toEqual([
      { name: 'gateways.gateway.networking.k8s.io', action: 'delete' },
    ]);
    expect(result.verdict).toContain('including 1 CRD with every object of its kind');
    expect(exitCodeOf(result, false)).toBe(2);
  });
});

describe('what a change does beyond the resources', () => {
  it("a stack's region or account: disruptive, saying its objects stay out of Terraform's hands", async () => {
    const after = configFile((raw) => (raw.clusters[1].region = 'us-west-2'), crossAccountRaw);
    const { code, report } = await json(CROSS_ACCOUNT_PATH, after);
    expect(code).toBe(2);
    const staging = report.stacks.find((s: Json) => s.stack === 'staging-edge-staging');
    expect(staging.settings.map((s: Json) => [s.setting, s.before, s.after, s.disruptive])).toEqual(
      [
        ['AWS region', 'us-east-1', 'us-west-2', true],
        [
          'cluster reached by helm and kubernetes',
          'edge-staging (us-east-1)',
          'edge-staging (us-west-2)',
          true,
        ],
      ],
    );
    expect(staging.verdict).toMatch(
      /^DISRUPTIVE: the AWS region and cluster reached by helm and kubernetes change/,
    );
  });

  it('a state backend: the state must move with it', async () => {
    const after = configFile(
      (raw) => (raw.backend = { type: 's3', bucket: 'acme-tf-state', region: 'eu-west-1' }),
    );
    const { code, report } = await json(EXAMPLE_PATH, after);
    expect(code).toBe(0);
    expect(report.stacks[0].settings).toEqual([
      expect.objectContaining({
        setting: 'state backend',
        disruptive: false,
        meaning: expect.stringContaining('cdktf deploy --migrate-state'),
      }),
    ]);
  });

  it("a renamed environment: the new stack's creates collide with what the old one leaves live", async () => {
    const after = configFile((raw) => (raw.clusters[1].environment = 'stage'), crossAccountRaw);
    const { report } = await json(CROSS_ACCOUNT_PATH, after);
    const role = report.changes.find(
      (c: Json) =>
        c.stack === 'stage-edge-staging' &&
        c.address === 'aws_iam_role.aws-load-balancer-controller_identity_role_E2800E90',
    );
    expect(role).toMatchObject({
      action: 'create',
      reason:
        'IAM role edge-staging-aws-load-balancer-controller in account 444455556666 stays live with the stack staging-edge-staging, which leaves the app: the plan stops on its name, or the apply fails',
    });
  });

  it('the checks the plan makes against what is live, for what the change touches', async () => {
    const after = configFile((raw) => (raw.clusters[0].externalDns[0].txtOwnerId = 'renamed'));
    const { report } = await json(EXAMPLE_PATH, after);
    // The owner-id check is unchanged; the list of owner ids it keeps (a local) changed.
    expect(report.stacks[0].checks).toContain(
      'ExternalDNS runs with TXT owner ids that no instance of this configuration keeps: ….',
    );
    expect((await previewOf(EXAMPLE_PATH, after)).out).toContain(
      '  The plan stops before changing anything if it finds, live:\n' +
        '      ExternalDNS runs with TXT owner ids that no instance of this configuration keeps',
    );
    const quiet = configFile((raw) => (raw.clusters[0].loadBalancerController.replicaCount = 3));
    const { report: scaled } = await json(EXAMPLE_PATH, quiet);
    expect(scaled.stacks[1].checks).toEqual([]);
  });
});
