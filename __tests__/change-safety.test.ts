/**
 * Day-2 safety: a catalogue of the edits platform teams make to the configuration, each
 * synthesized before and after, with what the plan does to every live resource (create, update
 * in place, replace, delete, forget, orphan). A replacement or a delete happens only where the edit
 * itself asks for it (`askedFor` says how); everything else updates in place or creates.
 * docs/operations.md carries this table; a test checks that it is the one computed here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configWith, crossAccountRaw, exampleRaw, synthesize } from './helpers';
import type { Json } from './helpers';
import { planChanges, summarize } from './plan';

const SUBNETS = [
  'subnet-0a1b2c3d4e5f60001',
  'subnet-0a1b2c3d4e5f60002',
  'subnet-0a1b2c3d4e5f60011',
  'subnet-0a1b2c3d4e5f60012',
];

/** A second cluster in the example's account and VPC, on the same subnets, tagged by `owner`. */
function staging(raw: Json, owner = 'prod-edge-demo'): Json {
  const cluster = structuredClone(raw.clusters[0]);
  Object.assign(cluster, { environment: 'staging', clusterName: 'edge-staging', externalDns: [] });
  delete cluster.albGroups;
  delete cluster.gatewayApi;
  delete cluster.accessLogs;
  cluster.subnets.roleTagOwnedBy =
    owner === 'staging-edge-staging' ? {} : Object.fromEntries(SUBNETS.map((id) => [id, owner]));
  return cluster;
}

export interface Edit {
  readonly name: string;
  readonly base?: () => Json;
  /** The configuration before the edit (the base, changed). */
  readonly before?: (raw: Json) => void;
  readonly edit: (raw: Json) => void;
  /** What the plan does, as `summarize` writes it. */
  readonly plan: string[];
  /** For a replacement or delete: the setting of the edit that asks for it. */
  readonly askedFor?: string;
}

export const EDITS: Edit[] = [
  {
    name: 'reorder the inbound CIDRs of a group with its own security group',
    before: (raw) => (raw.clusters[0].albGroups[0].inboundCidrs = ['0.0.0.0/0', '10.8.0.0/16']),
    edit: (raw) => (raw.clusters[0].albGroups[0].inboundCidrs = ['10.8.0.0/16', '0.0.0.0/0']),
    plan: [],
  },
  {
    name: 'change one inbound CIDR of such a group',
    before: (raw) => (raw.clusters[0].albGroups[0].inboundCidrs = ['0.0.0.0/0', '10.8.0.0/16']),
    edit: (raw) => (raw.clusters[0].albGroups[0].inboundCidrs = ['0.0.0.0/0', '10.9.0.0/16']),
    plan: [
      'create aws_vpc_security_group_ingress_rule ×2',
      'delete aws_vpc_security_group_ingress_rule ×2',
      'update kubernetes_manifest',
    ],
    askedFor: 'the CIDR removed from inboundCidrs: only its rules go',
  },
  {
    name: 'move the last IRSA workloads to Pod Identity',
    edit: (raw) => {
      raw.clusters[0].loadBalancerController.identity = 'pod-identity';
      raw.clusters[0].externalDns[0].identity = 'pod-identity';
    },
    plan: [
      'create aws_eks_pod_identity_association ×2',
      'forget aws_iam_openid_connect_provider',
      'update aws_iam_role ×2',
      'update helm_release ×2',
    ],
  },
  {
    name: 'switch the controller from IRSA to Pod Identity',
    edit: (raw) => (raw.clusters[0].loadBalancerController.identity = 'pod-identity'),
    plan: ['create aws_eks_pod_identity_association', 'update aws_iam_role', 'update helm_release'],
  },
  {
    name: 'switch an ExternalDNS instance from Pod Identity to IRSA',
    edit: (raw) => (raw.clusters[0].externalDns[1].identity = 'irsa'),
    plan: ['delete aws_eks_pod_identity_association', 'update aws_iam_role', 'update helm_release'],
    askedFor: 'identity: irsa, which needs no Pod Identity association',
  },
  {
    name: 'add a cluster sharing the subnets',
    edit: (raw) => raw.clusters.push(staging(raw)),
    plan: [
      'create aws_iam_openid_connect_provider',
      'create aws_iam_policy',
      'create aws_iam_role',
      'create aws_iam_role_policy_attachment',
      'create helm_release',
      'create kubernetes_manifest ×4',
      'create terraform_data',
    ],
  },
  {
    name: 'prepend that cluster instead (reorder clusters)',
    before: (raw) => raw.clusters.push(staging(raw)),
    edit: (raw) => raw.clusters.reverse(),
    plan: [],
  },
  {
    name: 'move the subnet role tags to the other cluster',
    before: (raw) => raw.clusters.push(staging(raw)),
    edit: (raw) => {
      raw.clusters[0].subnets.roleTagOwnedBy = Object.fromEntries(
        SUBNETS.map((id) => [id, 'staging-edge-staging']),
      );
      raw.clusters[1].subnets.roleTagOwnedBy = {};
    },
    plan: ['create aws_ec2_tag ×4', 'forget aws_ec2_tag ×4'],
  },
  {
    name: 'remove every ALB group, gateway and access-log setting',
    edit: (raw) => {
      delete raw.clusters[0].albGroups;
      delete raw.clusters[0].gatewayApi;
      delete raw.clusters[0].accessLogs;
      raw.clusters[0].externalDns[0].sources = ['service', 'ingress'];
    },
    plan: [
      'delete aws_s3_bucket',
      'delete aws_s3_bucket_lifecycle_configuration',
      'delete aws_s3_bucket_ownership_controls',
      'delete aws_s3_bucket_policy',
      'delete aws_s3_bucket_public_access_block',
      'delete aws_s3_bucket_server_side_encryption_configuration',
      'delete aws_security_group',
      'delete aws_vpc_security_group_egress_rule',
      'delete aws_vpc_security_group_ingress_rule ×2',
      'delete kubernetes_manifest ×7',
      'delete kubernetes_namespace_v1',
      'forget kubernetes_manifest ×15',
      'update helm_release ×2',
    ],
    askedFor: 'the removed groups, gateways and logs',
  },
  {
    // The roles' owner tag names the new state (see docs/operations.md, Who owns a role name).
    name: 'move the state from local files to S3 (with `cdktf deploy --migrate-state`)',
    edit: (raw) => (raw.backend = { type: 's3', bucket: 'acme-tf-state', region: 'eu-west-1' }),
    plan: ['update aws_iam_role ×3'],
  },
  {
    name: 'change the TXT owner id, migrating the records',
    edit: (raw) =>
      Object.assign(raw.clusters[0].externalDns[0], {
        txtOwnerId: 'edge-public',
        migrateFromTxtOwner: 'prod-edge-demo-public',
      }),
    plan: ['update helm_release'],
  },
  {
    name: 'rename an ExternalDNS instance, keeping its owner id',
    edit: (raw) =>
      Object.assign(raw.clusters[0].externalDns[0], {
        name: 'internet',
        txtOwnerId: 'prod-edge-demo-public',
      }),
    plan: [
      'create aws_iam_policy',
      'create aws_iam_role',
      'create aws_iam_role_policy_attachment',
      'create helm_release',
      'delete aws_iam_policy',
      'delete aws_iam_role',
      'delete aws_iam_role_policy_attachment',
      'delete helm_release',
    ],
    askedFor: 'the new name: a new release, role and policy replace the old ones',
  },
  {
    name: 'add a zone to an instance',
    edit: (raw) =>
      raw.clusters[0].externalDns[0].zones.push({ name: 'example.org', id: 'Z0EXAMPLEORG000001' }),
    plan: ['update aws_iam_policy', 'update helm_release'],
  },
  {
    name: 'add a record type',
    edit: (raw) => raw.clusters[0].externalDns[1].recordTypes.push('SRV'),
    plan: ['update aws_iam_policy', 'update helm_release'],
  },
  {
    name: "change an instance's namespace",
    edit: (raw) => (raw.clusters[0].externalDns[1].namespace = 'dns'),
    plan: [
      'replace aws_eks_pod_identity_association',
      'replace helm_release',
      'update aws_iam_role',
    ],
    askedFor: 'namespace: the release and its Pod Identity association move there',
  },
  {
    name: 'upgrade the ExternalDNS chart',
    edit: (raw) => (raw.clusters[0].externalDns[0].chartVersion = '1.22.0'),
    plan: ['update helm_release'],
  },
  {
    name: 'scale the controller',
    edit: (raw) => (raw.clusters[0].loadBalancerController.replicaCount = 3),
    plan: ['update helm_release'],
  },
  {
    // Helm would delete the service account it made: the plan stops first (a precondition).
    name: "leave the controller's service account to its owner (createServiceAccount: false)",
    edit: (raw) => (raw.clusters[0].loadBalancerController.createServiceAccount = false),
    plan: ['update helm_release'],
  },
  {
    name: 'change a tag of every resource (top-level tags)',
    edit: (raw) => (raw.tags = { ...raw.tags, 'cost-center': 'platform-2' }),
    plan: [
      'update aws_eks_pod_identity_association',
      'update aws_iam_openid_connect_provider',
      'update aws_iam_policy ×3',
      'update aws_iam_role ×3',
      'update aws_s3_bucket',
      'update aws_security_group',
      'update aws_vpc_security_group_egress_rule',
      'update aws_vpc_security_group_ingress_rule ×2',
    ],
  },
  {
    name: 'upgrade the controller (v3.4.3 to v3.5.0)',
    before: (raw) => (raw.clusters[0].loadBalancerController.version = 'v3.4.3'),
    edit: (raw) => (raw.clusters[0].loadBalancerController.version = 'v3.5.0'),
    // The LoadBalancerConfiguration moves to v1: the v1beta1 address is released (forget), and the
    // v1 one (a create) adopts the live object by import; the CRDs new in v3.5.0 are created.
    plan: [
      'create kubernetes_manifest ×3',
      'forget kubernetes_manifest',
      'update aws_iam_policy',
      'update helm_release',
      'update kubernetes_manifest ×17',
    ],
  },
  {
    name: 'add an ALB group',
    edit: (raw) => raw.clusters[0].albGroups.push({ name: 'partners', scheme: 'internet-facing' }),
    plan: ['create kubernetes_manifest ×2'],
  },
  {
    name: 'change the certificate of an ALB group',
    edit: (raw) =>
      (raw.clusters[0].albGroups[1].certificateArns = [
        'arn:aws:acm:eu-west-1:111122223333:certificate/2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
      ]),
    plan: ['update kubernetes_manifest'],
  },
  {
    name: 'add a cluster in another account',
    edit: (raw) => {
      const cluster = staging(raw);
      Object.assign(cluster, {
        accountId: '444455556666',
        vpcId: 'vpc-0b1b2c3d4e5f60718',
        subnets: { public: ['subnet-0b1b2c3d4e5f60001'] },
      });
      raw.clusters.push(cluster);
    },
    plan: [
      'create aws_ec2_tag',
      'create aws_iam_openid_connect_provider',
      'create aws_iam_policy',
      'create aws_iam_role',
      'create aws_iam_role_policy_attachment',
      'create helm_release',
      'create kubernetes_manifest ×4',
      'create terraform_data',
    ],
  },
  {
    name: "set a cluster's namePrefix",
    edit: (raw) => (raw.clusters[0].namePrefix = 'demo'),
    plan: [
      'replace aws_iam_policy ×3',
      'replace aws_iam_role ×3',
      'replace aws_iam_role_policy_attachment ×3',
      'replace aws_s3_bucket',
      'replace aws_s3_bucket_lifecycle_configuration',
      'replace aws_s3_bucket_ownership_controls',
      'replace aws_s3_bucket_policy',
      'replace aws_s3_bucket_public_access_block',
      'replace aws_s3_bucket_server_side_encryption_configuration',
      'replace aws_security_group',
      'replace aws_vpc_security_group_egress_rule',
      'replace aws_vpc_security_group_ingress_rule ×2',
      'update helm_release ×3',
    ],
    askedFor:
      'namePrefix: IAM roles and policies, security groups and the log bucket get the new names',
  },
  {
    name: 'share one DNS role across clusters',
    base: crossAccountRaw,
    edit: (raw) => (raw.dnsAccount.sharedRole = true),
    plan: [
      'create aws_iam_role',
      'create aws_iam_role_policy',
      'delete aws_iam_role ×2',
      'delete aws_iam_role_policy ×2',
      'update aws_eks_pod_identity_association',
      'update aws_iam_role_policy ×2',
      'update helm_release ×2',
    ],
    askedFor: 'sharedRole: the per-instance DNS roles give way to the shared one',
  },
  {
    name: 'hand the controllers to a GitOps tool (deploy: iam-only)',
    // Gateway API comes with the release this project deploys: the base has none.
    base: () => {
      const raw = exampleRaw();
      delete raw.clusters[0].gatewayApi;
      raw.clusters[0].externalDns[0].sources = ['service', 'ingress'];
      return raw;
    },
    edit: (raw) => {
      raw.clusters[0].loadBalancerController.deploy = 'iam-only';
      for (const instance of raw.clusters[0].externalDns) instance.deploy = 'iam-only';
    },
    plan: ['forget helm_release ×3', 'forget kubernetes_manifest ×4', 'forget terraform_data'],
    askedFor: '',
  },
  {
    name: 'move every role under an IAM path',
    base: crossAccountRaw,
    edit: (raw) => (raw.iamRoles = { path: '/eks-edge/' }),
    plan: [
      'replace aws_iam_role ×6',
      'replace aws_iam_role_policy ×4',
      'replace aws_iam_role_policy_attachment ×2',
      'update aws_eks_pod_identity_association',
      'update helm_release ×4',
    ],
    askedFor: 'iamRoles.path: every role, with its attachments and inline policies, is made anew',
  },
  {
    name: 'add a cross-account cluster',
    base: crossAccountRaw,
    edit: (raw) => {
      const cluster = structuredClone(raw.clusters[0]);
      Object.assign(cluster, {
        environment: 'dev',
        clusterName: 'edge-dev',
        accountId: '777788889999',
        credentials: undefined,
        vpcId: 'vpc-0c1b2c3d4e5f60718',
        subnets: { public: ['subnet-0c1b2c3d4e5f60001'] },
      });
      raw.clusters.push(cluster);
    },
    plan: [
      'create aws_ec2_tag',
      'create aws_eks_pod_identity_association ×2',
      'create aws_iam_policy',
      'create aws_iam_role ×3',
      'create aws_iam_role_policy ×2',
      'create aws_iam_role_policy_attachment',
      'create helm_release ×2',
      'create kubernetes_manifest ×4',
      'create terraform_data',
    ],
  },
];

const plans = EDITS.map((edit) => {
  const base = (edit.base ?? exampleRaw)();
  edit.before?.(base);
  const before = synthesize(configWith(() => undefined, base));
  const after = synthesize(configWith(edit.edit, base));
  return { edit, changes: planChanges(before, after) };
});

describe.each(plans.map((p) => [p.edit.name, p] as const))('%s', (_name, { edit, changes }) => {
  it('plans what the table says', () => {
    if (process.env.PRINT_PLANS) console.log(JSON.stringify({ [edit.name]: summarize(changes) }));
    expect(summarize(changes)).toEqual(edit.plan);
  });

  it(
    edit.askedFor
      ? `replaces or deletes only what it asks for (${edit.askedFor})`
      : 'replaces and deletes nothing',
    () => {
      const destructive = changes.filter((c) => ['replace', 'delete', 'orphan'].includes(c.change));
      if (!edit.askedFor) expect(destructive).toEqual([]);
      else expect(destructive.length).toBeGreaterThan(0);
    },
  );
});

/** The table of docs/operations.md, from the catalogue above. */
function day2Table(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = plans.map(({ edit, changes }) => {
    const plan = summarize(changes);
    return `| ${cell(edit.name)} | ${plan.length ? plan.map((line) => `\`${line}\``).join(', ') : 'no change'} | ${cell(edit.askedFor ?? '')} |`;
  });
  return [
    '| Edit | What the plan does | Replaced or deleted because of |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

const OPERATIONS = join(__dirname, '..', 'docs', 'operations.md');
const START = '<!-- day-2 table: generated by __tests__/change-safety.test.ts (UPDATE_DOCS=1) -->';
const END = '<!-- end of day-2 table -->';

it('docs/operations.md carries the day-2 table of this catalogue', () => {
  const text = readFileSync(OPERATIONS, 'utf8');
  const table = `${START}\n${day2Table()}\n${END}`;
  const current = text.slice(text.indexOf(START), text.indexOf(END) + END.length);
  if (process.env.UPDATE_DOCS && text.includes(START))
    writeFileSync(OPERATIONS, text.replace(current, table));
  expect(EDITS.length).toBeGreaterThanOrEqual(20);
  expect(current).toBe(table);
});
