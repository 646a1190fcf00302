/**
 * Least privilege, evaluated with the IAM policy evaluator: each caller of a shared DNS role gets
 * exactly its own zones, names and types; a Pod Identity role is for one service account; a
 * restricted instance may write its TXT registry names and nothing beside them; reads stay in the
 * instance's zones.
 */
import { txtRecordName } from '../config/derived/route53-policy';
import {
  configIssues,
  configWith,
  crossAccountRaw,
  exampleRaw,
  resourceAt,
  synthesize,
} from './helpers';
import type { Json } from './helpers';
import { evaluate, iamPolicyFrom } from './iam-evaluation';
import type { IamPolicyJson } from './iam-evaluation';

const DNS_ACCOUNT = '999988887777';
const PROD_ACCOUNT = '111122223333';
const STAGING_ACCOUNT = '444455556666';
const PUBLIC_ZONE = 'arn:aws:route53:::hostedzone/Z0EXAMPLEPUBLIC0001';
const PRIVATE_ZONE = 'arn:aws:route53:::hostedzone/Z0EXAMPLEPRIVATE001';
const PROD_CLUSTER = `arn:aws:eks:eu-west-1:${PROD_ACCOUNT}:cluster/edge-prod`;

type Context = Record<string, string | string[]>;

/** A change of these records (names and types, as Route 53 gives them to IAM). */
const records = (names: string[], types: string[]): Context => ({
  'route53:ChangeResourceRecordSetsNormalizedRecordNames': names,
  'route53:ChangeResourceRecordSetsRecordTypes': types,
});

describe('the TXT registry names', () => {
  // kubernetes-sigs/external-dns v0.21.0, registry/mapper/mapper_test.go:203-370
  // (TestAffixNameMapper_ToTXTName), the cases without a wildcard replacement.
  it.each([
    ['foo.example.com', 'A', undefined, 'a-foo.example.com'],
    ['foo.example.com', 'AAAA', undefined, 'aaaa-foo.example.com'],
    ['foo.example.com', 'CNAME', undefined, 'cname-foo.example.com'],
    ['foo.example.com', 'A', { prefix: '%{record_type}-' }, 'a-foo.example.com'],
    ['foo.example.com', 'MX', { prefix: '%{record_type}-' }, 'mx-foo.example.com'],
    ['foo.example.com', 'A', { suffix: '-%{record_type}' }, 'foo-a.example.com'],
    ['foo.example.com', 'CNAME', { suffix: '-%{record_type}' }, 'foo-cname.example.com'],
    ['www.example.com', 'A', { prefix: 'txt.' }, 'txt.a-www.example.com'],
    ['www.example.com', 'A', { suffix: '-txt' }, 'a-www-txt.example.com'],
    ['example.com', 'CNAME', { prefix: 'foo.' }, 'foo.cname-example.com'],
    ['example.com', 'CNAME', { prefix: '%{record_type}foo.' }, 'cnamefoo.example.com'],
  ])('of %s %s with %j are %s, as ExternalDNS writes them', (name, type, affix, expected) => {
    expect(txtRecordName(name, type, affix)).toBe(expected);
  });
});

describe('a restricted instance in its own account', () => {
  /** The example's public instance narrowed to `shop.example.com`, A records (and TXT). */
  const narrowed = (change: (instance: Json) => void = () => undefined) => {
    const tf = synthesize(
      configWith((raw) => {
        const [instance] = raw.clusters[0].externalDns;
        Object.assign(instance, {
          domainFilters: ['shop.example.com'],
          restrictRecordNames: true,
          recordTypes: ['A', 'TXT'],
        });
        change(instance);
      }),
    )['prod-edge-demo'];
    return iamPolicyFrom(
      resourceAt(tf, 'aws_iam_policy_document', 'external-dns-public/route53-access'),
    );
  };
  const change = (policy: IamPolicyJson, zone: string, context: Context) =>
    evaluate(
      {
        principal: `arn:aws:iam::${PROD_ACCOUNT}:role/edge-demo-external-dns-public`,
        action: 'route53:ChangeResourceRecordSets',
        resource: zone,
        resourceAccount: PROD_ACCOUNT,
        context,
      },
      [policy],
    );
  const policy = narrowed();

  it('may write a record at its name and the TXT ownership records ExternalDNS puts beside it', async () => {
    await expect(
      change(
        policy,
        PUBLIC_ZONE,
        records(['shop.example.com', 'a-shop.example.com'], ['A', 'TXT']),
      ),
    ).resolves.toBe('Allowed');
    // An alias A record is registered as `cname`.
    await expect(
      change(policy, PUBLIC_ZONE, records(['cname-shop.example.com'], ['TXT'])),
    ).resolves.toBe('Allowed');
    await expect(
      change(
        policy,
        PUBLIC_ZONE,
        records(['api.shop.example.com', 'a-api.shop.example.com'], ['A', 'TXT']),
      ),
    ).resolves.toBe('Allowed');
  });

  it('may not write a sibling in the parent zone, nor TXT names of types it does not manage', async () => {
    for (const name of [
      'www.example.com',
      'a-www.example.com',
      'aaaa-shop.example.com',
      'example.com',
    ]) {
      await expect(change(policy, PUBLIC_ZONE, records([name], ['TXT']))).resolves.not.toBe(
        'Allowed',
      );
    }
    await expect(
      change(policy, PUBLIC_ZONE, records(['shop.example.com'], ['AAAA'])),
    ).resolves.not.toBe('Allowed');
  });

  it('follows a TXT prefix or suffix: the names it gives, and not the default ones', async () => {
    const suffixed = narrowed((instance) => (instance.txtSuffix = '-owner'));
    await expect(
      change(suffixed, PUBLIC_ZONE, records(['a-shop-owner.example.com'], ['TXT'])),
    ).resolves.toBe('Allowed');
    await expect(
      change(suffixed, PUBLIC_ZONE, records(['a-shop.example.com'], ['TXT'])),
    ).resolves.not.toBe('Allowed');
    // A prefix ending in "." keeps the TXT names under the name: nothing beside it is allowed.
    const prefixed = narrowed((instance) => (instance.txtPrefix = '_owner-%{record_type}.'));
    await expect(
      change(prefixed, PUBLIC_ZONE, records(['_owner-a.shop.example.com'], ['TXT'])),
    ).resolves.toBe('Allowed');
    await expect(
      change(prefixed, PUBLIC_ZONE, records(['a-shop.example.com'], ['TXT'])),
    ).resolves.not.toBe('Allowed');
  });

  it('lists zones on *, and reads records and tags of its own zones only', async () => {
    const call = (action: string, resource: string) =>
      evaluate(
        {
          principal: `arn:aws:iam::${PROD_ACCOUNT}:role/edge-demo-external-dns-public`,
          action,
          resource,
          resourceAccount: PROD_ACCOUNT,
        },
        [policy],
      );
    await expect(call('route53:ListHostedZones', '*')).resolves.toBe('Allowed');
    for (const action of ['route53:ListResourceRecordSets', 'route53:ListTagsForResources']) {
      await expect(call(action, PUBLIC_ZONE)).resolves.toBe('Allowed');
      await expect(call(action, PRIVATE_ZONE)).resolves.not.toBe('Allowed');
    }
  });

  it('refuses a prefix and a suffix together (ExternalDNS takes one)', () => {
    expect(
      configIssues((raw) =>
        Object.assign(raw.clusters[0].externalDns[0], { txtPrefix: 'p-', txtSuffix: '-s' }),
      ),
    ).toEqual([
      'clusters[0].externalDns[0].txtSuffix: ExternalDNS takes either txtPrefix or txtSuffix, not both: remove one',
    ]);
  });
});

describe('a Pod Identity role', () => {
  const tf = synthesize(
    configWith((raw) => (raw.clusters[0].loadBalancerController.identity = 'pod-identity')),
  )['prod-edge-demo'];
  const trust = iamPolicyFrom(
    resourceAt(tf, 'aws_iam_policy_document', 'aws-load-balancer-controller/identity/trust'),
  );
  const CLUSTER = 'arn:aws:eks:eu-west-1:111122223333:cluster/edge-demo';
  const assume = (tags: { cluster?: string; namespace?: string; serviceAccount?: string }) =>
    evaluate(
      {
        principal: 'pods.eks.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: 'arn:aws:iam::111122223333:role/edge-demo-aws-load-balancer-controller',
        resourceAccount: '111122223333',
        context: {
          'aws:SourceAccount': '111122223333',
          'aws:SourceArn': CLUSTER,
          'aws:RequestTag/eks-cluster-arn': tags.cluster ?? CLUSTER,
          'aws:RequestTag/kubernetes-namespace': tags.namespace ?? 'kube-system',
          'aws:RequestTag/kubernetes-service-account':
            tags.serviceAccount ?? 'aws-load-balancer-controller',
        },
      },
      [],
      trust,
    );

  it('is assumed for its own service account', async () => {
    await expect(assume({})).resolves.toBe('Allowed');
  });

  it('is refused to another namespace or another service account of the same cluster', async () => {
    await expect(assume({ namespace: 'default' })).resolves.not.toBe('Allowed');
    await expect(assume({ serviceAccount: 'default' })).resolves.not.toBe('Allowed');
    await expect(
      assume({ cluster: 'arn:aws:eks:eu-west-1:111122223333:cluster/other' }),
    ).resolves.not.toBe('Allowed');
  });
});

// ---------------------------------------------------------------------------------------------
// A shared DNS role with callers of different scopes

/**
 * Three callers of one shared role: prod `public` (Pod Identity target, names under
 * shop.example.com, A only), prod `private` (Pod Identity target, the private zone) and staging
 * `public` (IRSA with --aws-assume-role, names under staging.example.com, AAAA only).
 */
function sharedRoleConfig(): Json {
  const raw = crossAccountRaw();
  raw.dnsAccount.sharedRole = true;
  const [prod, staging] = raw.clusters;
  Object.assign(prod.externalDns[0], {
    domainFilters: ['shop.example.com'],
    restrictRecordNames: true,
    recordTypes: ['A', 'TXT'],
  });
  // Its names no longer reach staging's subdomain: nothing to exclude.
  delete prod.externalDns[0].excludeDomains;
  prod.externalDns.push({
    name: 'private',
    identity: 'pod-identity',
    zones: [{ name: 'internal.example.com', private: true }],
    zoneType: 'private',
    txtOwnerId: 'prod-private',
    crossAccount: { via: 'pod-identity-target' },
  });
  Object.assign(staging.externalDns[0], { recordTypes: ['AAAA', 'TXT'] });
  return raw;
}

describe('a shared DNS role', () => {
  const stacks = synthesize(configWith(() => undefined, sharedRoleConfig()));
  const access = iamPolicyFrom(
    resourceAt(
      stacks.dns,
      'aws_iam_policy_document',
      'dns/external-dns-cross-account/route53-access',
    ),
  );
  const ROLE = `arn:aws:iam::${DNS_ACCOUNT}:role/external-dns-cross-account`;
  /** The principal tags of a DNS-role session reached from a Pod Identity session. */
  const tagsOf = (serviceAccount: string): Context => ({
    'aws:PrincipalTag/eks-cluster-arn': PROD_CLUSTER,
    'aws:PrincipalTag/eks-cluster-name': 'edge-prod',
    'aws:PrincipalTag/kubernetes-namespace': 'external-dns',
    'aws:PrincipalTag/kubernetes-service-account': serviceAccount,
  });
  const prodPublic = tagsOf('external-dns-public');
  const prodPrivate = tagsOf('external-dns-private');
  const staging: Context = {};
  const change = (session: Context, zone: string, names: string[], types: string[]) =>
    evaluate(
      {
        principal: ROLE,
        action: 'route53:ChangeResourceRecordSets',
        resource: zone,
        resourceAccount: DNS_ACCOUNT,
        context: { ...session, ...records(names, types) },
      },
      [access],
    );

  it('lets each caller change exactly what its own instance may', async () => {
    await expect(change(prodPublic, PUBLIC_ZONE, ['shop.example.com'], ['A'])).resolves.toBe(
      'Allowed',
    );
    await expect(
      change(prodPrivate, PRIVATE_ZONE, ['db.internal.example.com'], ['A']),
    ).resolves.toBe('Allowed');
    await expect(
      change(
        staging,
        PUBLIC_ZONE,
        ['api.staging.example.com', 'aaaa-api.staging.example.com'],
        ['AAAA', 'TXT'],
      ),
    ).resolves.toBe('Allowed');
  });

  it("denies every caller the other callers' zones, names and types", async () => {
    // prod public: not the private zone, not staging's names, not AAAA
    await expect(
      change(prodPublic, PRIVATE_ZONE, ['db.internal.example.com'], ['A']),
    ).resolves.not.toBe('Allowed');
    await expect(
      change(prodPublic, PUBLIC_ZONE, ['api.staging.example.com'], ['AAAA']),
    ).resolves.not.toBe('Allowed');
    await expect(change(prodPublic, PUBLIC_ZONE, ['shop.example.com'], ['AAAA'])).resolves.not.toBe(
      'Allowed',
    );
    // prod private: not the public zone
    await expect(change(prodPrivate, PUBLIC_ZONE, ['shop.example.com'], ['A'])).resolves.not.toBe(
      'Allowed',
    );
    // staging (no session tags): not the private zone, not prod's names, not A
    await expect(
      change(staging, PRIVATE_ZONE, ['db.internal.example.com'], ['A']),
    ).resolves.not.toBe('Allowed');
    await expect(change(staging, PUBLIC_ZONE, ['shop.example.com'], ['A'])).resolves.not.toBe(
      'Allowed',
    );
    await expect(
      change(staging, PUBLIC_ZONE, ['api.staging.example.com'], ['A']),
    ).resolves.not.toBe('Allowed');
    // a Pod Identity session of another service account of the same cluster: nothing
    await expect(
      change(tagsOf('intruder'), PUBLIC_ZONE, ['shop.example.com'], ['A']),
    ).resolves.not.toBe('Allowed');
  });

  it('keeps reads in each caller’s own zones', async () => {
    const read = (session: Context, zone: string) =>
      evaluate(
        {
          principal: ROLE,
          action: 'route53:ListResourceRecordSets',
          resource: zone,
          resourceAccount: DNS_ACCOUNT,
          context: session,
        },
        [access],
      );
    await expect(read(prodPrivate, PRIVATE_ZONE)).resolves.toBe('Allowed');
    await expect(read(prodPublic, PRIVATE_ZONE)).resolves.not.toBe('Allowed');
    await expect(read(staging, PRIVATE_ZONE)).resolves.not.toBe('Allowed');
  });

  it('is refused at synth for callers without session tags whose scopes differ', () => {
    const issues = configIssues((raw) => {
      raw.clusters[0].externalDns[0].crossAccount.disableSessionTags = true;
    }, sharedRoleConfig());
    expect(issues).toEqual([
      expect.stringMatching(
        /^dnsAccount\.sharedRole: clusters\[0\]\.externalDns\[0\], clusters\[1\]\.externalDns\[0\] reach the shared role external-dns-cross-account without Pod Identity session tags .* Use one role per instance \(sharedRole: false\)/,
      ),
    ]);
  });
});

describe('a DNS role reached with session tags disabled', () => {
  const raw = crossAccountRaw();
  raw.clusters[0].externalDns[0].crossAccount.disableSessionTags = true;
  const ROLE_NAME = 'prod-edge-prod-external-dns-public';
  const trustOf = (config: Json) =>
    iamPolicyFrom(
      resourceAt(
        synthesize(configWith(() => undefined, config)).dns,
        'aws_iam_policy_document',
        `dns/${ROLE_NAME}/trust`,
      ),
    );
  const tagSession = (trust: IamPolicyJson, context: Context) =>
    evaluate(
      {
        principal: `arn:aws:iam::${PROD_ACCOUNT}:role/edge-prod-external-dns-public`,
        action: 'sts:TagSession',
        resource: `arn:aws:iam::${DNS_ACCOUNT}:role/${ROLE_NAME}`,
        resourceAccount: DNS_ACCOUNT,
        context,
      },
      [
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:TagSession', Resource: '*' }],
        },
      ],
      trust,
    );

  it('may not be handed Pod Identity tags, which would pass for another caller', async () => {
    const trust = trustOf(raw);
    await expect(tagSession(trust, {})).resolves.toBe('Allowed');
    await expect(
      tagSession(trust, { 'aws:RequestTag/kubernetes-service-account': 'external-dns-public' }),
    ).resolves.not.toBe('Allowed');
  });

  it('takes the external id EKS sends from the configuration where it differs from the documented one', async () => {
    const custom = structuredClone(raw);
    custom.clusters[0].externalDns[0].crossAccount.externalId = 'eks-association-id-1234';
    const trust = trustOf(custom);
    const assume = (externalId: string) =>
      evaluate(
        {
          principal: `arn:aws:iam::${PROD_ACCOUNT}:role/edge-prod-external-dns-public`,
          action: 'sts:AssumeRole',
          resource: `arn:aws:iam::${DNS_ACCOUNT}:role/${ROLE_NAME}`,
          resourceAccount: DNS_ACCOUNT,
          context: { 'sts:ExternalId': externalId },
        },
        [
          {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
          },
        ],
        trust,
      );
    await expect(assume('eks-association-id-1234')).resolves.toBe('Allowed');
    await expect(
      assume('eu-west-1/111122223333/edge-prod/external-dns/external-dns-public'),
    ).resolves.not.toBe('Allowed');
  });

  it('refuses an external id where EKS sends session tags', () => {
    const issues = configIssues(
      (config) => (config.clusters[0].externalDns[0].crossAccount.externalId = 'x-1'),
      crossAccountRaw(),
    );
    expect(issues).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.crossAccount\.externalId: is for via assume-role, or with disableSessionTags/,
      ),
    ]);
  });
});

it('the example keeps its records beside the private zone apex out of the policy', () => {
  // internal.example.com is the zone's apex: its TXT names (a-internal.example.com) lie outside
  // the zone, where ExternalDNS never writes, so the policy does not allow them.
  const tf = synthesize(configWith(() => undefined, exampleRaw()))['prod-edge-demo'];
  const document = resourceAt(tf, 'aws_iam_policy_document', 'external-dns-private/route53-access');
  expect(JSON.stringify(document)).not.toContain('a-internal.example.com');
});

describe('the roles of an organisation with IAM conventions (iamRoles)', () => {
  const PATH = '/eks-edge/';
  const PROD_BOUNDARY = `arn:aws:iam::${PROD_ACCOUNT}:policy/platform-boundary`;
  const DNS_BOUNDARY = 'arn:aws:iam::aws:policy/AmazonRoute53FullAccess';
  const withConventions = (raw: Json) => {
    raw.iamRoles = {
      path: PATH,
      maxSessionDuration: 7200,
      permissionsBoundaries: { [PROD_ACCOUNT]: PROD_BOUNDARY, [DNS_ACCOUNT]: DNS_BOUNDARY },
    };
  };
  const stacks = synthesize(configWith(withConventions, crossAccountRaw()));
  const roles = (stack: string) =>
    Object.values(stacks[stack].resource.aws_iam_role as Record<string, Json>);

  it('gives every role the path and session duration, and the boundary of its account', () => {
    const expected = {
      'prod-edge-prod': PROD_BOUNDARY,
      'staging-edge-staging': undefined,
      dns: DNS_BOUNDARY,
    };
    for (const [stack, boundary] of Object.entries(expected)) {
      for (const role of roles(stack)) {
        expect([stack, role.path, role.max_session_duration, role.permissions_boundary]).toEqual([
          stack,
          PATH,
          7200,
          boundary,
        ]);
      }
    }
  });

  it('pins and targets the roles by their ARNs with the path', async () => {
    const source = `arn:aws:iam::${PROD_ACCOUNT}:role${PATH}edge-prod-external-dns-public`;
    const dnsRole = `arn:aws:iam::${DNS_ACCOUNT}:role${PATH}prod-edge-prod-external-dns-public`;
    expect(
      resourceAt(
        stacks['prod-edge-prod'],
        'aws_eks_pod_identity_association',
        'external-dns-public/identity/association',
      ).target_role_arn,
    ).toBe(dnsRole);
    const trust = iamPolicyFrom(
      resourceAt(
        stacks.dns,
        'aws_iam_policy_document',
        'dns/prod-edge-prod-external-dns-public/trust',
      ),
    );
    const assume = (principal: string) =>
      evaluate(
        {
          principal,
          action: 'sts:AssumeRole',
          resource: dnsRole,
          resourceAccount: DNS_ACCOUNT,
          context: {
            'aws:RequestTag/eks-cluster-arn': PROD_CLUSTER,
            'aws:RequestTag/kubernetes-namespace': 'external-dns',
            'aws:RequestTag/kubernetes-service-account': 'external-dns-public',
          },
        },
        [
          {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
          },
        ],
        trust,
      );
    await expect(assume(source)).resolves.toBe('Allowed');
    await expect(
      assume(`arn:aws:iam::${PROD_ACCOUNT}:role/edge-prod-external-dns-public`),
    ).resolves.not.toBe('Allowed');
  });

  it('leaves existing roles as they are without iamRoles (the IAM defaults, no boundary)', () => {
    const plain = synthesize(configWith(() => undefined, crossAccountRaw()));
    for (const stack of ['prod-edge-prod', 'dns']) {
      for (const role of Object.values(plain[stack].resource.aws_iam_role as Record<string, Json>))
        expect([role.path, role.max_session_duration, role.permissions_boundary]).toEqual([
          '/',
          3600,
          undefined,
        ]);
    }
  });

  it('refuses boundaries that would not apply, and malformed settings', () => {
    const issues = configIssues((raw) => {
      raw.iamRoles = {
        path: 'eks-edge',
        maxSessionDuration: 60,
        permissionsBoundaries: {
          '123456789012': PROD_BOUNDARY,
          [PROD_ACCOUNT]: `arn:aws:iam::${STAGING_ACCOUNT}:policy/boundary`,
        },
      };
    }, crossAccountRaw());
    expect(issues).toEqual([
      'iamRoles.path: must be an IAM path such as /eks-edge/ (starting and ending with "/": letters, digits and +=,.@_-)',
      'iamRoles.maxSessionDuration: must be at least 3600',
    ]);
    const relations = configIssues((raw) => {
      raw.iamRoles = {
        permissionsBoundaries: {
          '123456789012': PROD_BOUNDARY,
          [PROD_ACCOUNT]: `arn:aws:iam::${STAGING_ACCOUNT}:policy/boundary`,
          [STAGING_ACCOUNT]: `arn:aws-cn:iam::${STAGING_ACCOUNT}:policy/boundary`,
        },
      };
    }, crossAccountRaw());
    expect(relations).toEqual([
      `iamRoles.permissionsBoundaries.123456789012: no role of this configuration is in account 123456789012 (its accounts: ${PROD_ACCOUNT}, ${STAGING_ACCOUNT}, ${DNS_ACCOUNT})`,
      `iamRoles.permissionsBoundaries.${PROD_ACCOUNT}: arn:aws:iam::${STAGING_ACCOUNT}:policy/boundary is a policy of account ${STAGING_ACCOUNT}: a boundary must be a policy of account ${PROD_ACCOUNT} or an AWS managed one`,
      `iamRoles.permissionsBoundaries.${STAGING_ACCOUNT}: arn:aws-cn:iam::${STAGING_ACCOUNT}:policy/boundary is in partition aws-cn, the account's roles in aws`,
    ]);
  });
});

describe('DNS-role policies at the limits', () => {
  it('refuses a Route 53 policy over the inline-policy quota at synth, not at apply', () => {
    const issues = configIssues((raw) => {
      Object.assign(raw.clusters[1].externalDns[0], {
        domainFilters: Array.from({ length: 200 }, (_, i) => `app${i}.staging.example.com`),
      });
    }, crossAccountRaw());
    expect(issues).toEqual([
      expect.stringMatching(
        /^dnsAccount: the Route 53 policy of role staging-edge-staging-external-dns-public would be \d+ characters, over IAM's 10240/,
      ),
    ]);
  });

  it('shares a role between callers without tags whose scopes differ only in order', () => {
    const raw = crossAccountRaw();
    raw.dnsAccount.sharedRole = true;
    raw.clusters[0].externalDns[0] = {
      ...raw.clusters[1].externalDns[0],
      identity: 'irsa',
      domainFilters: ['b.example.com', 'a.example.com'],
      crossAccount: { via: 'assume-role', externalId: 'edge-prod-external-dns' },
    };
    raw.clusters[1].externalDns[0].domainFilters = ['a.example.com', 'b.example.com'];
    expect(() => configWith(() => undefined, raw)).not.toThrow();
  });
});
