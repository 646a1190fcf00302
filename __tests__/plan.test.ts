/**
 * The plan classifier of the change-safety suite, on small hand-made stacks, and its force-new
 * table against Terraform itself where the AWS provider is available offline.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TAKES_DEFAULT_TAGS } from '../catalog/provider-schemas';
import {
  configWith,
  crossAccountRaw,
  AWS_PROVIDER,
  requires,
  withTerraform,
  plainTerraform,
  synthesize,
} from './helpers';
import type { Json } from './helpers';
import { policyHolders } from '../review/iam-digest';
import { planChanges } from '../review/plan';

const ROOT = join(__dirname, '..');
const stack = (resource: Json, extra: Json = {}): Json => ({ resource, ...extra });
const role = (name: string, description = 'd') => ({
  name,
  description,
  assume_role_policy: '${data.aws_iam_policy_document.t.json}',
});
const plan = (before: Json, after: Json) =>
  planChanges({ s: before }, after === undefined ? {} : { s: after }).map(
    (c) => `${c.action} ${c.address}`,
  );

describe('the plan classifier', () => {
  it('updates in place what changed outside the force-new arguments', () => {
    expect(
      plan(
        stack({ aws_iam_role: { r: role('a', 'old') } }),
        stack({ aws_iam_role: { r: role('a', 'new') } }),
      ),
    ).toEqual(['update aws_iam_role.r']);
  });

  it('replaces what changed in a force-new argument, and what refers to it there', () => {
    const before = stack({
      aws_iam_role: { r: role('a') },
      aws_iam_role_policy_attachment: { p: { role: '${aws_iam_role.r.name}', policy_arn: 'arn' } },
    });
    const after = stack({
      aws_iam_role: { r: role('b') },
      aws_iam_role_policy_attachment: before.resource.aws_iam_role_policy_attachment,
    });
    expect(plan(before, after)).toEqual([
      'replace aws_iam_role.r',
      'replace aws_iam_role_policy_attachment.p',
    ]);
  });

  it('does not see what ignore_changes lists, nor meta-arguments', () => {
    const group = (description: string, depends: string[]) => ({
      aws_security_group: {
        g: {
          name: 'g',
          description,
          lifecycle: { ignore_changes: ['description'] },
          depends_on: depends,
        },
      },
    });
    expect(plan(stack(group('a', [])), stack(group('b', ['x'])))).toEqual([]);
  });

  it('deletes what left the configuration, forgets what a removed block releases, follows moved blocks', () => {
    const before = stack({
      aws_ec2_tag: {
        a: { resource_id: 's', key: 'k' },
        b: { resource_id: 's', key: 'l' },
        c: { resource_id: 's', key: 'm' },
      },
    });
    const after = stack(
      { aws_ec2_tag: { z: { resource_id: 's', key: 'm' } } },
      {
        removed: [{ from: 'aws_ec2_tag.b', lifecycle: { destroy: false } }],
        moved: [{ from: 'aws_ec2_tag.c', to: 'aws_ec2_tag.z' }],
      },
    );
    expect(plan(before, after)).toEqual([
      'delete aws_ec2_tag.a',
      'forget aws_ec2_tag.b',
      'move aws_ec2_tag.z',
    ]);
  });

  it('updates a resource whose data source changed, and orphans the resources of a stack that left the app', () => {
    const doc = (action: string) => ({
      aws_iam_policy_document: { t: { statement: [{ actions: [action] }] } },
    });
    expect(
      plan(
        stack({ aws_iam_role: { r: role('a') } }, { data: doc('x') }),
        stack({ aws_iam_role: { r: role('a') } }, { data: doc('y') }),
      ),
    ).toEqual(['update aws_iam_role.r']);
    expect(planChanges({ s: stack({ aws_iam_role: { r: role('a') } }) }, {})[0].action).toBe(
      'orphan',
    );
  });

  it('orphans no check-only terraform_data (nothing live), but one with provisioners', () => {
    const check = { lifecycle: { precondition: [{ condition: 'true', error_message: 'x' }] } };
    const provisioned = { ...check, provisioner: [{ 'local-exec': { command: 'true' } }] };
    const left = planChanges({ s: stack({ terraform_data: { check, provisioned } }) }, {});
    expect(left.map((c) => `${c.action} ${c.address}`)).toEqual([
      'orphan terraform_data.provisioned',
    ]);
  });

  it("updates what takes the provider's default tags when they change, and nothing else", () => {
    const tagged = (tags: Json) =>
      stack(
        {
          aws_iam_role: { r: role('a') },
          aws_iam_role_policy_attachment: { p: { role: 'a', policy_arn: 'arn' } },
        },
        { provider: { aws: [{ region: 'eu-west-1', default_tags: [{ tags }] }] } },
      );
    expect(plan(tagged({ team: 'a' }), tagged({ team: 'b' }))).toEqual(['update aws_iam_role.r']);
    expect(plan(tagged({ team: 'a' }), tagged({ team: 'a' }))).toEqual([]);
  });
});

describe('a move from the instances of a for_each resource', () => {
  const before = stack({
    terraform_data: { bundle: { for_each: '${toset(["a", "b"])}', input: '${each.key}' } },
  });
  const after = stack(
    { terraform_data: { a: { input: 'a' }, b: { input: 'b' } } },
    {
      moved: [
        { from: 'terraform_data.bundle["a"]', to: 'terraform_data.a' },
        { from: 'terraform_data.bundle["b"]', to: 'terraform_data.b' },
      ],
    },
  );

  it('destroys and creates nothing, for the classifier', () => {
    expect(plan(before, after)).toEqual([]);
  });

  withTerraform('destroys and creates nothing, for Terraform', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-edge-moved-'));
    try {
      const terraform = plainTerraform(dir);
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(before));
      expect(terraform('apply', '-auto-approve', '-input=false', '-no-color').status).toBe(0);
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(after));
      const run = terraform('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(run.stdout).toContain('has moved to terraform_data.a');
      expect(run.stdout).toContain('0 to add, 0 to change, 0 to destroy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the resource types that take default tags', () => {
  it('are the AWS types the stacks emit whose provider binding has tagsAll', async () => {
    const configs = [
      configWith(() => undefined),
      configWith(() => undefined, crossAccountRaw()),
      ...readdirSync(join(ROOT, 'config/scenarios')).map((file) =>
        configWith(
          () => undefined,
          parse(readFileSync(join(ROOT, 'config/scenarios', file), 'utf8')),
        ),
      ),
    ];
    const types = new Set(
      configs.flatMap((config) =>
        Object.values(synthesize(config)).flatMap((tf) =>
          Object.keys(tf.resource ?? {}).filter((type) => type.startsWith('aws_')),
        ),
      ),
    );
    const takesTags = async (type: string) => {
      const module = await import(`@cdktf/provider-aws/lib/${type.slice(4).replace(/_/g, '-')}`);
      const binding = Object.values(module).find(
        (value) => (value as { tfResourceType?: string }).tfResourceType === type,
      ) as { prototype: object };
      return 'tagsAll' in binding.prototype;
    };
    const tagged = await Promise.all([...types].map(async (type) => [type, await takesTags(type)]));
    expect(
      tagged
        .filter(([, takes]) => takes)
        .map(([type]) => type)
        .sort(),
    ).toEqual([...TAKES_DEFAULT_TAGS].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// The force-new table against Terraform: a plan over a state that holds the "before" object.

interface Case {
  readonly type: string;
  /** Its configuration before, as synth would write it. */
  readonly before: Json;
  /** What the provider adds to the state (ids, computed attributes). */
  readonly computed: Json;
  /** Its configuration now. */
  readonly config: Json;
}

/** Terraform's planned action for each case, in one plan over a state that holds every "before". */
function terraformActions(cases: readonly Case[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-plan-'));
  try {
    const resource: Json = {};
    for (const [index, c] of cases.entries())
      resource[c.type] = { ...resource[c.type], [`r${index}`]: c.config };
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({
        provider: {
          aws: [
            {
              region: 'eu-west-1',
              access_key: 'x',
              secret_key: 'y',
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: true,
            },
          ],
        },
        resource,
      }),
    );
    writeFileSync(
      join(dir, 'terraform.tfstate'),
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.0',
        serial: 1,
        lineage: '00000000-0000-0000-0000-000000000000',
        outputs: {},
        resources: cases.map((c, index) => ({
          mode: 'managed',
          type: c.type,
          name: `r${index}`,
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [{ schema_version: 0, attributes: { ...c.computed, ...c.before } }],
        })),
      }),
    );
    const terraform = plainTerraform(dir);
    const init = terraform('init', '-input=false', '-no-color');
    if (init.status !== 0) throw new Error(`terraform init: ${init.stderr}`);
    // The machine-readable plan log says each change's action: one run, no `show` that loads the
    // provider's schema again.
    const plan = terraform('plan', '-refresh=false', '-input=false', '-no-color', '-json');
    if (plan.status !== 0) throw new Error(`terraform plan: ${plan.stdout}${plan.stderr}`);
    const actions = new Map<string, string>(
      plan.stdout
        .split('\n')
        .filter((line) => line.includes('"planned_change"'))
        .map((line) => JSON.parse(line).change)
        .map((change: Json) => [change.resource.addr, change.action]),
    );
    return cases.map((c, index) => actions.get(`${c.type}.r${index}`) ?? 'no-op');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

requires(AWS_PROVIDER).describe(
  'the force-new table, checked by Terraform (local AWS provider mirror)',
  () => {
    const tag = {
      type: 'aws_ec2_tag',
      before: { resource_id: 'subnet-1', key: 'k', value: '1' },
      computed: { id: 'subnet-1,k' },
    };
    const group = {
      type: 'aws_security_group',
      before: { name: 'g', description: 'old', vpc_id: 'vpc-1', revoke_rules_on_delete: true },
      computed: {
        id: 'sg-1',
        ingress: [],
        egress: [],
        tags: {},
        tags_all: {},
        arn: 'a',
        owner_id: '1',
        name_prefix: '',
      },
    };
    const role = {
      type: 'aws_iam_role',
      before: { name: 'r', assume_role_policy: '{"Version":"2012-10-17","Statement":[]}' },
      computed: {
        id: 'r',
        arn: 'arn:aws:iam::111122223333:role/r',
        unique_id: 'AROAEXAMPLE',
        path: '/',
        max_session_duration: 3600,
        force_detach_policies: false,
        managed_policy_arns: [],
        inline_policy: [],
        tags: {},
        tags_all: {},
      },
    };
    const cases: [string, Case, string][] = [
      [
        "a role's path and session duration written out at the provider's defaults",
        { ...role, config: { ...role.before, path: '/', max_session_duration: 3600 } },
        'no-op',
      ],
      ['a role path', { ...role, config: { ...role.before, path: '/eks-edge/' } }, 'replace'],
      ['a tag value', { ...tag, config: { ...tag.before, value: '2' } }, 'update'],
      ['a tag key', { ...tag, config: { ...tag.before, key: 'other' } }, 'replace'],
      [
        'a security group description',
        { ...group, config: { ...group.before, description: 'new' } },
        'replace',
      ],
      [
        'an ignored security group description',
        {
          ...group,
          config: {
            ...group.before,
            description: 'new',
            lifecycle: { ignore_changes: ['description'] },
          },
        },
        'no-op',
      ],
    ];

    it('plans what the table and the classifier say for each case', () => {
      const actual = terraformActions(cases.map(([, c]) => c));
      expect(cases.map(([name], i) => `${name}: ${actual[i]}`)).toEqual(
        cases.map(([name, , expected]) => `${name}: ${expected}`),
      );
      const byClassifier = cases.map(
        ([, c]) =>
          planChanges(
            { s: { resource: { [c.type]: { r: c.before } } } },
            { s: { resource: { [c.type]: { r: c.config } } } },
          )[0]?.action ?? 'no-op',
      );
      expect(byClassifier).toEqual(actual);
    }, 60_000);
  },
);

describe('what the preview reads as no change', () => {
  const pinned = (url: string, sha: string) => ({
    url,
    lifecycle: {
      postcondition: [
        { condition: `\${sha256(self.response_body) == "${sha}"}`, error_message: 'x' },
      ],
    },
  });
  const withFile = (url: string, sha: string, extra: Json = {}) =>
    stack(
      {
        kubernetes_manifest: {
          m: { manifest: '${yamldecode(data.http.f.response_body)}' },
        },
        terraform_data: { t: { input: 'a', ...extra } },
      },
      { data: { http: { f: pinned(url, sha) } } },
    );

  it('a pinned file at another release tag with the same checksum, and a changed provisioner', () => {
    const a = 'a'.repeat(64);
    expect(
      plan(
        withFile('https://x/v1/crds.yaml', a),
        withFile('https://x/v2/crds.yaml', a, {
          provisioner: [{ 'local-exec': { command: 'x' } }],
        }),
      ),
    ).toEqual([]);
    expect(
      plan(
        withFile('https://x/v1/crds.yaml', a),
        withFile('https://x/v2/crds.yaml', 'b'.repeat(64)),
      ),
    ).toEqual(['update kubernetes_manifest.m']);
  });
});

describe('the IAM grants of the preview', () => {
  const grants = (statement: Json[]) =>
    policyHolders({
      resource: {
        aws_s3_bucket: { b: { bucket: 'logs' } },
        aws_s3_bucket_policy: {
          p: { bucket: '${aws_s3_bucket.b.id}', policy: '${data.aws_iam_policy_document.d.json}' },
        },
      },
      data: { aws_iam_policy_document: { d: { statement } } },
    }).get('aws_s3_bucket_policy.p');

  it('keep a Not* list as one term, and say * for anyone however it is written', () => {
    expect(
      grants([
        {
          effect: 'Deny',
          not_actions: ['s3:GetObject', 's3:ListBucket'],
          not_resources: ['arn:aws:s3:::logs/public/*'],
          principals: [{ type: '*', identifiers: ['*'] }],
        },
        {
          actions: ['s3:PutObject', 's3:PutObjectTagging'],
          resources: ['arn:aws:s3:::logs/a/*', 'arn:aws:s3:::logs/b/*'],
          principals: [{ type: 'AWS', identifiers: ['*'] }],
        },
      ]),
    ).toEqual({
      holder: 'bucket policy of logs',
      trust: [
        'Allow s3:PutObject by * on arn:aws:s3:::logs/a/*',
        'Allow s3:PutObject by * on arn:aws:s3:::logs/b/*',
        'Allow s3:PutObjectTagging by * on arn:aws:s3:::logs/a/*',
        'Allow s3:PutObjectTagging by * on arn:aws:s3:::logs/b/*',
        'Deny NOT (s3:GetObject | s3:ListBucket) by * on NOT arn:aws:s3:::logs/public/*',
      ],
      permissions: [],
    });
  });
});

describe('references the plan resolves', () => {
  const logs = (bucket: string, resource: string) =>
    stack(
      {
        aws_s3_bucket: { b: { bucket, lifecycle: { ignore_changes: ['bucket'] } } },
        aws_s3_bucket_policy: {
          p: { bucket: '${aws_s3_bucket.b.id}', policy: '${data.aws_iam_policy_document.d.json}' },
        },
      },
      {
        provider: { aws: [{ region: 'eu-west-1' }] },
        data: {
          aws_iam_policy_document: {
            d: { statement: [{ actions: ['s3:PutObject'], resources: [resource] }] },
          },
        },
      },
    );

  it("read a bucket's ARN as its name says, and as the live bucket keeps it where the name is ignored", () => {
    // The literal ARN, then a reference to the same bucket: the same document.
    expect(
      plan(logs('logs', 'arn:aws:s3:::logs/*'), logs('logs', '${aws_s3_bucket.b.arn}/*')),
    ).toEqual([]);
    // A new configured name the bucket ignores: it keeps the old one, and so does the ARN.
    expect(
      plan(logs('logs', 'arn:aws:s3:::logs/*'), logs('logs-2', '${aws_s3_bucket.b.arn}/*')),
    ).toEqual([]);
    expect(plan(logs('logs', 'arn:aws:s3:::logs/*'), logs('logs', 'arn:aws:s3:::other/*'))).toEqual(
      ['update aws_s3_bucket_policy.p'],
    );
  });
});
