import { parse } from 'yaml';
import { loadConfig } from '../config/load';
import {
  configIssues,
  configWith,
  CROSS_ACCOUNT_PATH,
  crossAccountRaw,
  EXAMPLE_PATH,
  TERRAFORM,
  has,
  resourceAt,
  resources,
  synthesize,
  terraformEval,
} from './helpers';
import type { Json } from './helpers';
import { evaluate, iamPolicyFrom } from './iam-evaluation';
import type { IamPolicyJson } from './iam-evaluation';

const DNS_ACCOUNT = '999988887777';
const PROD_ACCOUNT = '111122223333';
const STAGING_ACCOUNT = '444455556666';
const PROD_DNS_ROLE = `arn:aws:iam::${DNS_ACCOUNT}:role/prod-edge-prod-external-dns-public`;
const STAGING_DNS_ROLE = `arn:aws:iam::${DNS_ACCOUNT}:role/staging-edge-staging-external-dns-public`;
const PROD_SOURCE_ROLE = `arn:aws:iam::${PROD_ACCOUNT}:role/edge-prod-external-dns-public`;
const STAGING_SOURCE_ROLE = `arn:aws:iam::${STAGING_ACCOUNT}:role/edge-staging-external-dns-public`;
const PUBLIC_ZONE = 'arn:aws:route53:::hostedzone/Z0EXAMPLEPUBLIC0001';
const PRIVATE_ZONE = 'arn:aws:route53:::hostedzone/Z0EXAMPLEPRIVATE001';

const stacks = synthesize(loadConfig(CROSS_ACCOUNT_PATH));
const dns = stacks.dns;
const prod = stacks['prod-edge-prod'];
const staging = stacks['staging-edge-staging'];

const dnsRoleTrust = (tf: Json, role: string): IamPolicyJson =>
  iamPolicyFrom(resourceAt(tf, 'aws_iam_policy_document', `dns/${role}/trust`));
const dnsRoleAccess = (tf: Json, role: string): IamPolicyJson =>
  iamPolicyFrom(resourceAt(tf, 'aws_iam_policy_document', `dns/${role}/route53-access`));
const sourceAssumePolicy = (tf: Json): IamPolicyJson =>
  iamPolicyFrom(
    resourceAt(
      tf,
      'aws_iam_policy_document',
      'external-dns-public/identity/assume-dns-account-role-document',
    ),
  );

/** The request context EKS Pod Identity presents when it chains into the target role. */
function podIdentityTags(
  cluster: string,
  account: string,
  region: string,
  namespace = 'external-dns',
  serviceAccount = 'external-dns-public',
) {
  return {
    'aws:RequestTag/eks-cluster-arn': `arn:aws:eks:${region}:${account}:cluster/${cluster}`,
    'aws:RequestTag/eks-cluster-name': cluster,
    'aws:RequestTag/kubernetes-namespace': namespace,
    'aws:RequestTag/kubernetes-service-account': serviceAccount,
    'aws:TagKeys': [
      'eks-cluster-arn',
      'eks-cluster-name',
      'kubernetes-namespace',
      'kubernetes-service-account',
    ],
  };
}
const PROD_TAGS = podIdentityTags('edge-prod', PROD_ACCOUNT, 'eu-west-1');

describe('the cross-account example', () => {
  it('synthesizes a DNS-account stack and a cluster and an edge stack per cluster', () => {
    expect(Object.keys(stacks)).toEqual([
      'dns',
      'prod-edge-prod',
      'prod-edge-prod-edge',
      'staging-edge-staging',
      'staging-edge-staging-edge',
    ]);
  });

  it.each(['dns', 'prod-edge-prod', 'staging-edge-staging'])(
    'stack %s matches the snapshot',
    (name) => {
      expect(stacks[name]).toMatchSnapshot();
    },
  );

  it('gives each stack its own account credentials', () => {
    expect(dns.provider.aws[0]).toMatchObject({
      allowed_account_ids: [DNS_ACCOUNT],
      assume_role: [{ role_arn: 'arn:aws:iam::999988887777:role/terraform-dns' }],
    });
    expect(prod.provider.aws[0]).toMatchObject({
      allowed_account_ids: [PROD_ACCOUNT],
      region: 'eu-west-1',
      assume_role: [{ role_arn: 'arn:aws:iam::111122223333:role/terraform' }],
    });
    expect(staging.provider.aws[0]).toMatchObject({
      allowed_account_ids: [STAGING_ACCOUNT],
      region: 'us-east-1',
      profile: 'staging',
    });
    expect(staging.provider.helm[0].kubernetes.exec.args).toEqual([
      'eks',
      'get-token',
      '--cluster-name',
      'edge-staging',
      '--region',
      'us-east-1',
      '--profile',
      'staging',
    ]);
    expect(prod.provider.helm[0].kubernetes.exec.args).toContain('--role-arn');
  });

  it('keeps the DNS account state apart from the clusters, in S3 with lock files', () => {
    expect(dns.terraform.backend.s3).toEqual({
      bucket: 'acme-dns-terraform-state',
      key: 'eks-edge/dns.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(prod.terraform.backend.s3).toMatchObject({
      bucket: 'acme-cluster-terraform-state',
      key: 'eks-edge/prod-edge-prod.tfstate',
      use_lockfile: true,
    });
    expect(staging.terraform.backend.s3).toMatchObject({
      bucket: 'acme-cluster-terraform-state',
      key: 'eks-edge/staging-edge-staging.tfstate',
      use_lockfile: true,
    });
  });

  it('deploys the DNS stack before the cluster stacks', () => {
    const config = loadConfig(CROSS_ACCOUNT_PATH);
    const { buildApp } = jest.requireActual('../stacks/app');
    const app = buildApp(config);
    const dependencies = (name: string) =>
      app.node.findChild(name).dependencies.map((d: Json) => d.node.id);
    expect(dependencies('prod-edge-prod')).toEqual(['dns']);
    expect(dependencies('staging-edge-staging')).toEqual(['dns']);
  });

  it('chains Pod Identity into the DNS role: association target and the source role may assume exactly it', () => {
    const association = resourceAt(
      prod,
      'aws_eks_pod_identity_association',
      'external-dns-public/identity/association',
    );
    expect(association.target_role_arn).toBe(PROD_DNS_ROLE);
    expect(association.disable_session_tags).toBe(false);
    expect(sourceAssumePolicy(prod).Statement).toEqual([
      {
        Sid: 'AssumeRolesInOtherAccounts',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: [PROD_DNS_ROLE],
      },
    ]);
    const values = parse(resourceAt(prod, 'helm_release', 'external-dns-public/release').values[0]);
    expect(values.extraArgs.filter((a: string) => a.startsWith('--aws-assume-role'))).toEqual([]);
    expect(values.extraArgs).toContain('--zone-id-filter=Z0EXAMPLEPUBLIC0001');
  });

  it('has no Route 53 permissions in the cluster accounts', () => {
    for (const tf of [prod, staging]) {
      expect(JSON.stringify(resources(tf, 'aws_iam_policy'))).not.toContain('route53');
      expect(JSON.stringify(tf.data.aws_iam_policy_document)).not.toContain('route53:Change');
    }
  });

  it('passes --aws-assume-role and the external id to the IRSA instance', () => {
    const values = parse(
      resourceAt(staging, 'helm_release', 'external-dns-public/release').values[0],
    );
    expect(values.extraArgs).toEqual([
      '--zone-id-filter=Z0EXAMPLEPUBLIC0001',
      `--aws-assume-role=${STAGING_DNS_ROLE}`,
      '--aws-assume-role-external-id=edge-staging-external-dns',
    ]);
    expect(resources(staging, 'aws_eks_pod_identity_association')).toEqual([]);
    expect(sourceAssumePolicy(staging).Statement).toEqual([
      {
        Sid: 'AssumeRolesInOtherAccounts',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: [STAGING_DNS_ROLE],
      },
    ]);
  });

  it('trusts the cluster account root (creatable before the source role) and pins the caller', () => {
    const [statement] = dnsRoleTrust(dns, 'prod-edge-prod-external-dns-public').Statement as Json[];
    expect(statement.Principal).toEqual({ AWS: [`arn:aws:iam::${PROD_ACCOUNT}:root`] });
    expect(statement.Condition.ArnEquals).toEqual({ 'aws:PrincipalArn': [PROD_SOURCE_ROLE] });
  });
});

/** Evaluates an AssumeRole into a DNS role with the caller's identity policy and the role's trust. */
async function assume(
  request: { principal: string; context: Record<string, string | string[]>; action?: string },
  dnsRole: string,
  sourceTf: Json,
  trust: IamPolicyJson,
) {
  return evaluate(
    {
      principal: request.principal,
      action: request.action ?? 'sts:AssumeRole',
      resource: dnsRole,
      resourceAccount: DNS_ACCOUNT,
      context: request.context,
    },
    [sourceAssumePolicy(sourceTf)],
    trust,
  );
}

describe('the DNS role trust, evaluated (Pod Identity target role with session tags)', () => {
  const trust = dnsRoleTrust(dns, 'prod-edge-prod-external-dns-public');
  const call = (principal: string, context: Record<string, string | string[]>, action?: string) =>
    assume({ principal, context, action }, PROD_DNS_ROLE, prod, trust);

  it('allows the ExternalDNS source role with its own session tags, for AssumeRole and TagSession', async () => {
    await expect(call(PROD_SOURCE_ROLE, PROD_TAGS)).resolves.toBe('Allowed');
    await expect(call(PROD_SOURCE_ROLE, PROD_TAGS, 'sts:TagSession')).resolves.toBe('Allowed');
  });

  it('denies another role of the cluster account with the same tags', async () => {
    await expect(
      call(`arn:aws:iam::${PROD_ACCOUNT}:role/edge-prod-aws-load-balancer-controller`, PROD_TAGS),
    ).resolves.not.toBe('Allowed');
  });

  it('denies the right role for another namespace or service account', async () => {
    await expect(
      call(PROD_SOURCE_ROLE, podIdentityTags('edge-prod', PROD_ACCOUNT, 'eu-west-1', 'default')),
    ).resolves.not.toBe('Allowed');
    await expect(
      call(
        PROD_SOURCE_ROLE,
        podIdentityTags(
          'edge-prod',
          PROD_ACCOUNT,
          'eu-west-1',
          'external-dns',
          'external-dns-private',
        ),
      ),
    ).resolves.not.toBe('Allowed');
  });

  it("denies another cluster's session tags and a call without session tags", async () => {
    await expect(
      call(PROD_SOURCE_ROLE, podIdentityTags('edge-other', PROD_ACCOUNT, 'eu-west-1')),
    ).resolves.not.toBe('Allowed');
    await expect(call(PROD_SOURCE_ROLE, {})).resolves.not.toBe('Allowed');
  });

  it('denies a role of the same name in another account', async () => {
    await expect(
      call(`arn:aws:iam::${STAGING_ACCOUNT}:role/edge-prod-external-dns-public`, PROD_TAGS),
    ).resolves.not.toBe('Allowed');
  });
});

describe('the DNS role trust, evaluated (IRSA with --aws-assume-role and an external id)', () => {
  const trust = dnsRoleTrust(dns, 'staging-edge-staging-external-dns-public');
  const call = (principal: string, externalId?: string) =>
    assume(
      { principal, context: externalId ? { 'sts:ExternalId': externalId } : {} },
      STAGING_DNS_ROLE,
      staging,
      trust,
    );

  it('allows the source role with the external id', async () => {
    await expect(call(STAGING_SOURCE_ROLE, 'edge-staging-external-dns')).resolves.toBe('Allowed');
  });

  it('denies a wrong or missing external id, another role, another account', async () => {
    await expect(call(STAGING_SOURCE_ROLE, 'guess')).resolves.not.toBe('Allowed');
    await expect(call(STAGING_SOURCE_ROLE)).resolves.not.toBe('Allowed');
    await expect(
      call(`arn:aws:iam::${STAGING_ACCOUNT}:role/admin`, 'edge-staging-external-dns'),
    ).resolves.not.toBe('Allowed');
    await expect(
      call(
        `arn:aws:iam::${PROD_ACCOUNT}:role/edge-staging-external-dns-public`,
        'edge-staging-external-dns',
      ),
    ).resolves.not.toBe('Allowed');
  });

  it('is not the prod role: the staging caller cannot assume the prod DNS role', async () => {
    const prodTrust = dnsRoleTrust(dns, 'prod-edge-prod-external-dns-public');
    await expect(
      assume(
        {
          principal: STAGING_SOURCE_ROLE,
          context: podIdentityTags('edge-staging', STAGING_ACCOUNT, 'us-east-1'),
        },
        PROD_DNS_ROLE,
        staging,
        prodTrust,
      ),
    ).resolves.not.toBe('Allowed');
  });
});

describe('the DNS role trust, evaluated (Pod Identity with session tags disabled)', () => {
  const config = configWith(
    (raw) => (raw.clusters[0].externalDns[0].crossAccount.disableSessionTags = true),
    crossAccountRaw(),
  );
  const disabled = synthesize(config);
  const trust = dnsRoleTrust(disabled.dns, 'prod-edge-prod-external-dns-public');
  const call = (externalId: string, action = 'sts:AssumeRole', principal = PROD_SOURCE_ROLE) =>
    assume(
      { principal, context: { 'sts:ExternalId': externalId }, action },
      PROD_DNS_ROLE,
      disabled['prod-edge-prod'],
      trust,
    );

  it('sets disable_session_tags on the association', () => {
    expect(
      resourceAt(
        disabled['prod-edge-prod'],
        'aws_eks_pod_identity_association',
        'external-dns-public/identity/association',
      ).disable_session_tags,
    ).toBe(true);
  });

  it('allows the external id EKS sends (region/account/cluster/namespace/service account)', async () => {
    await expect(
      call('eu-west-1/111122223333/edge-prod/external-dns/external-dns-public'),
    ).resolves.toBe('Allowed');
    await expect(
      call('eu-west-1/111122223333/edge-prod/external-dns/external-dns-public', 'sts:TagSession'),
    ).resolves.toBe('Allowed');
  });

  it('denies the external id of another namespace, and TagSession by another role', async () => {
    await expect(
      call('eu-west-1/111122223333/edge-prod/default/external-dns-public'),
    ).resolves.not.toBe('Allowed');
    await expect(
      call('x', 'sts:TagSession', `arn:aws:iam::${PROD_ACCOUNT}:role/other`),
    ).resolves.not.toBe('Allowed');
  });
});

describe('the DNS role Route 53 permissions, evaluated', () => {
  const change = (role: string, zone: string, context: Record<string, string | string[]> = {}) =>
    evaluate(
      {
        principal: `arn:aws:iam::${DNS_ACCOUNT}:role/${role}`,
        action: 'route53:ChangeResourceRecordSets',
        resource: zone,
        resourceAccount: DNS_ACCOUNT,
        context,
      },
      [dnsRoleAccess(dns, role)],
    );

  it('allow changes in the named zone and deny them in another zone', async () => {
    await expect(change('prod-edge-prod-external-dns-public', PUBLIC_ZONE)).resolves.toBe(
      'Allowed',
    );
    await expect(change('prod-edge-prod-external-dns-public', PRIVATE_ZONE)).resolves.not.toBe(
      'Allowed',
    );
  });

  it('allow listing zones on *', async () => {
    const list = await evaluate(
      {
        principal: `arn:aws:iam::${DNS_ACCOUNT}:role/prod-edge-prod-external-dns-public`,
        action: 'route53:ListHostedZones',
        resource: '*',
        resourceAccount: DNS_ACCOUNT,
      },
      [dnsRoleAccess(dns, 'prod-edge-prod-external-dns-public')],
    );
    expect(list).toBe('Allowed');
  });

  it('restrict the staging role to names under its domain filter', async () => {
    const names = (...n: string[]) => ({
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': n,
    });
    await expect(
      change(
        'staging-edge-staging-external-dns-public',
        PUBLIC_ZONE,
        names('app.staging.example.com', 'cname-app.staging.example.com'),
      ),
    ).resolves.toBe('Allowed');
    await expect(
      change(
        'staging-edge-staging-external-dns-public',
        PUBLIC_ZONE,
        names('app.staging.example.com', 'www.example.com'),
      ),
    ).resolves.not.toBe('Allowed');
  });
});

describe('a shared DNS role', () => {
  const shared = synthesize(
    configWith((raw) => (raw.dnsAccount.sharedRole = true), crossAccountRaw()),
  );

  it('is one role that trusts each caller with its own conditions', async () => {
    expect(resources(shared.dns, 'aws_iam_role').map((r) => r.name)).toEqual([
      'external-dns-cross-account',
    ]);
    const trust = dnsRoleTrust(shared.dns, 'external-dns-cross-account');
    const sharedRole = `arn:aws:iam::${DNS_ACCOUNT}:role/external-dns-cross-account`;
    await expect(
      assume(
        { principal: PROD_SOURCE_ROLE, context: PROD_TAGS },
        sharedRole,
        shared['prod-edge-prod'],
        trust,
      ),
    ).resolves.toBe('Allowed');
    await expect(
      assume(
        {
          principal: STAGING_SOURCE_ROLE,
          context: { 'sts:ExternalId': 'edge-staging-external-dns' },
        },
        sharedRole,
        shared['staging-edge-staging'],
        trust,
      ),
    ).resolves.toBe('Allowed');
    // The prod caller cannot use the staging caller's route (external id instead of its tags).
    await expect(
      assume(
        { principal: PROD_SOURCE_ROLE, context: { 'sts:ExternalId': 'edge-staging-external-dns' } },
        sharedRole,
        shared['prod-edge-prod'],
        trust,
      ),
    ).resolves.not.toBe('Allowed');
  });

  it('is the target of every cluster', () => {
    const sharedRole = `arn:aws:iam::${DNS_ACCOUNT}:role/external-dns-cross-account`;
    expect(
      resourceAt(
        shared['prod-edge-prod'],
        'aws_eks_pod_identity_association',
        'external-dns-public/identity/association',
      ).target_role_arn,
    ).toBe(sharedRole);
    expect(
      parse(
        resourceAt(shared['staging-edge-staging'], 'helm_release', 'external-dns-public/release')
          .values[0],
      ).extraArgs,
    ).toContain(`--aws-assume-role=${sharedRole}`);
  });
});

describe('the trust policy size', () => {
  /** The cross-account example with `count` more Pod Identity clusters sharing one DNS role. */
  const sharedWith = (count: number, quota?: number) => (raw: Json) => {
    raw.dnsAccount.sharedRole = true;
    if (quota) raw.dnsAccount.trustPolicyQuota = quota;
    for (let i = 0; i < count; i += 1) {
      const clone = structuredClone(raw.clusters[0]);
      Object.assign(clone, {
        environment: `prod${i}`,
        clusterName: `edge-prod-${i}`,
        accountId: String(300000000000 + i),
        credentials: undefined,
      });
      clone.subnets = { public: [`subnet-${String(i).padStart(8, '0')}`] };
      raw.clusters.push(clone);
    }
  };

  it("is checked against the account's quota at synth, naming the way out", () => {
    expect(configIssues(sharedWith(4), crossAccountRaw())).toContainEqual(
      expect.stringMatching(
        /^dnsAccount\.sharedRole: the trust policy of role external-dns-cross-account would be \d+ characters, over the account's quota of 2048/,
      ),
    );
  });

  it('fits a raised quota, and per-instance roles stay small', () => {
    expect(() => configWith(sharedWith(4, 4096), crossAccountRaw())).not.toThrow();
    expect(() =>
      configWith(
        (raw) => sharedWith(4)(raw) ?? (raw.dnsAccount.sharedRole = false),
        crossAccountRaw(),
      ),
    ).not.toThrow();
  });
});

describe('single-account configurations', () => {
  it('have no DNS stack', () => {
    expect(Object.keys(synthesize(loadConfig(EXAMPLE_PATH)))).toEqual([
      'prod-edge-demo',
      'prod-edge-demo-edge',
    ]);
  });
});

describe('cross-account configuration errors', () => {
  const cases: [string, (raw: Json) => void, string, RegExp][] = [
    [
      'cross-account without a DNS account',
      (r) => delete r.dnsAccount,
      'clusters[0].externalDns[0].crossAccount',
      /needs a dnsAccount/,
    ],
    [
      "DNS account equal to the cluster's",
      (r) => (r.dnsAccount.accountId = PROD_ACCOUNT),
      'clusters[0].externalDns[0].crossAccount',
      /is the cluster's own account/,
    ],
    [
      'zone not owned by the DNS account',
      (r) => (r.clusters[0].externalDns[0].zones = [{ name: 'example.org' }]),
      'clusters[0].externalDns[0].zones[0]',
      /not one of dnsAccount\.zones \(example\.com, internal\.example\.com\)/,
    ],
    [
      'IRSA chaining without an external id',
      (r) => delete r.clusters[1].externalDns[0].crossAccount.externalId,
      'clusters[1].externalDns[0].crossAccount.externalId',
      /assume-role needs an external id/,
    ],
    [
      'IRSA with the Pod Identity target',
      (r) => (r.clusters[1].externalDns[0].crossAccount.via = 'pod-identity-target'),
      'clusters[1].externalDns[0].crossAccount.via',
      /needs identity pod-identity/,
    ],
    [
      'node role across accounts',
      (r) =>
        Object.assign(r.clusters[0].externalDns[0], {
          identity: 'node-role',
          nodeRoleNames: ['nodes'],
        }),
      'clusters[0].externalDns[0].identity',
      /needs an own role/,
    ],
    [
      'zone privacy differs from the DNS account',
      (r) => (r.clusters[0].externalDns[0].zones[0].private = true),
      'clusters[0].externalDns[0].zones[0].private',
      /example\.com is public in dnsAccount\.zones/,
    ],
    [
      'DNS deploy role in another account',
      (r) => (r.dnsAccount.credentials.assumeRoleArn = 'arn:aws:iam::111122223333:role/terraform'),
      'dnsAccount.credentials.assumeRoleArn',
      /role in the DNS account 999988887777/,
    ],
    [
      'state role and profile together',
      (r) =>
        (r.dnsAccount.backend = {
          ...r.dnsAccount.backend,
          profile: 'dns',
          assumeRoleArn: 'arn:aws:iam::999988887777:role/state',
        }),
      'dnsAccount.backend',
      /either assumeRoleArn or profile/,
    ],
    [
      'DNS zone without id',
      (r) => delete r.dnsAccount.zones[0].id,
      'dnsAccount.zones[0].id',
      /is required/,
    ],
    [
      'DNS account in another partition',
      (r) => (r.dnsAccount.region = 'cn-north-1'),
      'dnsAccount.region',
      /another partition/,
    ],
  ];

  it.each(cases)('%s', (_name, change, path, message) => {
    const issues = configIssues(change, crossAccountRaw());
    expect(issues.find((i) => i.startsWith(`${path}: `))).toMatch(message);
  });

  it('are reported together with a shape problem elsewhere', () => {
    const issues = configIssues((r) => {
      r.clusters[0].region = 'mars-1';
      delete r.clusters[1].externalDns[0].crossAccount.externalId;
      r.clusters[1].externalDns[0].zones = [{ name: 'example.org' }];
    }, crossAccountRaw());
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^clusters\[0\]\.region: /),
        expect.stringMatching(/^clusters\[1\]\.externalDns\[0\]\.crossAccount\.externalId: /),
        expect.stringMatching(
          /^clusters\[1\]\.externalDns\[0\]\.zones\[0\]: example\.org is not one of dnsAccount\.zones/,
        ),
      ]),
    );
  });
});

describe('two configuration files on one DNS account', () => {
  /** One cluster of the cross-account example per file, each file with its own DNS stack. */
  const split = (keep: 0 | 1, stackName?: string) =>
    configWith((raw) => {
      raw.clusters = [raw.clusters[keep]];
      delete raw.clusters[0].externalDns[0].excludeDomains;
      if (stackName) raw.dnsAccount.stackName = stackName;
    }, crossAccountRaw());
  const prod = synthesize(split(0, 'dns-prod'));
  const staging = synthesize(split(1, 'dns-staging'));

  it('get a DNS stack, a state key and role owners of their own with dnsAccount.stackName', () => {
    expect(Object.keys(prod)).toEqual(['dns-prod', 'prod-edge-prod', 'prod-edge-prod-edge']);
    expect(Object.keys(staging)[0]).toBe('dns-staging');
    expect(prod['dns-prod'].terraform.backend.s3.key).toBe('eks-edge/dns-prod.tfstate');
    expect(staging['dns-staging'].terraform.backend.s3.key).toBe('eks-edge/dns-staging.tfstate');
    const tags = (stacks: Json, dns: string) =>
      Object.values(stacks[dns].resource.aws_iam_role as Json).map((r) => r.tags);
    expect(tags(prod, 'dns-prod')).toEqual([
      {
        'eks-edge/clusters': 'prod-edge-prod',
        'eks-edge/stack': 'dns-prod',
        'eks-edge/state': 's3://acme-dns-terraform-state/eks-edge/dns-prod.tfstate',
      },
    ]);
  });

  const guard = (stacks: Json, dns: string) => {
    const tf = stacks[dns];
    const [local] = Object.entries(tf.locals as Json).filter(([name]) =>
      name.startsWith('state-guard_foreign'),
    );
    const check = resourceAt(tf, 'terraform_data', 'state-guard/check');
    return { expression: local[1] as string, check: check.lifecycle.precondition[0] };
  };

  it("stop the DNS stack's plan while its state holds roles of clusters the file does not list (evaluated by Terraform)", () => {
    const { expression } = guard(synthesize(split(0)), 'dns');
    const role = (name: string, tags: Json) => ({ name, tags });
    const state = 's3://acme-dns-terraform-state/eks-edge/dns.tfstate';
    const roles: Record<string, Json> = {
      mine: role('prod-edge-prod-external-dns-public', {
        'eks-edge/stack': 'dns',
        'eks-edge/state': state,
        'eks-edge/clusters': 'prod-edge-prod',
      }),
      // The other file's role in the same stack and state: the case to stop.
      other: role('staging-edge-staging-external-dns-public', {
        'eks-edge/stack': 'dns',
        'eks-edge/state': state,
        'eks-edge/clusters': 'staging-edge-staging',
      }),
      shared: role('external-dns-cross-account', {
        'eks-edge/stack': 'dns',
        'eks-edge/state': state,
        'eks-edge/clusters': 'prod-edge-prod dev-edge-dev',
      }),
      otherStack: role('x-external-dns-public', {
        'eks-edge/stack': 'dns-staging',
        'eks-edge/state': state,
        'eks-edge/clusters': 'staging-edge-staging',
      }),
      otherState: role('y-external-dns-public', {
        'eks-edge/stack': 'dns',
        'eks-edge/state': 's3://elsewhere/dns.tfstate',
        'eks-edge/clusters': 'staging-edge-staging',
      }),
      untagged: role('z-external-dns-public', {}),
    };
    const evaluated = terraformEval(
      expression
        .slice(2, -1)
        .replace(
          /data\.aws_iam_role\.[\w-]+/,
          JSON.stringify(roles).replace(/"([\w-]+)":/g, '"$1" ='),
        ),
    );
    // Terraform walks the map in key order: other, then shared.
    if (has(TERRAFORM))
      expect(evaluated).toEqual([
        'staging-edge-staging-external-dns-public (staging-edge-staging)',
        'external-dns-cross-account (dev-edge-dev)',
      ]);
  });

  it('stop a renamed environment before the DNS stack deletes the role the running cluster assumes', () => {
    // The DNS stack deploys first: its plan, not the renamed cluster stack's, must stop.
    const renamed = synthesize(
      configWith((raw) => (raw.clusters[1].environment = 'stage'), crossAccountRaw()),
    );
    const { expression, check } = guard(renamed, 'dns');
    const oldRole = {
      old: {
        name: 'staging-edge-staging-external-dns-public',
        tags: {
          'eks-edge/stack': 'dns',
          'eks-edge/state': 's3://acme-dns-terraform-state/eks-edge/dns.tfstate',
          'eks-edge/clusters': 'staging-edge-staging',
        },
      },
    };
    if (has(TERRAFORM))
      expect(
        terraformEval(
          expression
            .slice(2, -1)
            .replace(
              /data\.aws_iam_role\.[\w-]+/,
              JSON.stringify(oldRole).replace(/"([\w-]+)":/g, '"$1" ='),
            ),
        ),
      ).toEqual(['staging-edge-staging-external-dns-public (staging-edge-staging)']);
    expect(check.error_message).toContain('A renamed environment or clusterName makes new stacks');
  });

  it('name the fix in the stop, and let the roles of a cluster removed on purpose go', () => {
    const { check } = guard(synthesize(split(0)), 'dns');
    expect(check.error_message).toMatch(
      /^The DNS stack dns \(state s3:\/\/acme-dns-terraform-state\/eks-edge\/dns\.tfstate\) holds roles of clusters this configuration does not list: .*dnsAccount\.stackName.*dnsAccount\.removedClusters/,
    );
    const removed = synthesize(
      configWith((raw) => {
        raw.clusters = [raw.clusters[0]];
        delete raw.clusters[0].externalDns[0].excludeDomains;
        raw.dnsAccount.removedClusters = ['staging-edge-staging'];
      }, crossAccountRaw()),
    );
    expect(guard(removed, 'dns').expression).toContain('["prod-edge-prod","staging-edge-staging"]');
    expect(
      configIssues(
        (raw) => (raw.dnsAccount.removedClusters = ['prod-edge-prod']),
        crossAccountRaw(),
      ),
    ).toEqual([
      'dnsAccount.removedClusters[0]: prod-edge-prod is a cluster of this file: list only clusters removed from it, whose DNS roles may go',
    ]);
  });
});
