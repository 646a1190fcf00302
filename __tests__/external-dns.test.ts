import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadConfig } from '../config/load';
import { buildApp, synthesize as synthesizeApp, warningsOf } from '../stacks/app';
import {
  addressOf,
  configIssues,
  configWith,
  coreExampleRaw,
  CROSS_ACCOUNT_PATH,
  EXAMPLE_PATH,
  requires,
  resourceAt,
  resources,
  sharedUpstream,
  synthesize,
  synthesizeCluster,
} from './helpers';
import type { Json } from './helpers';
import {
  CHART_1_21_1_TOP_LEVEL_KEYS,
  CHECKED_RULES,
  strictSchema,
} from './fixtures/external-dns-chart-rules';

const tf = synthesizeCluster(loadConfig(EXAMPLE_PATH));
const release = (t: Json, name: string): Json =>
  resourceAt(t, 'helm_release', `external-dns-${name}/release`);
const valuesOf = (t: Json, name: string): Json => parse(release(t, name).values[0]);
const route53Statements = (t: Json, name: string): Json[] =>
  resourceAt(t, 'aws_iam_policy_document', `external-dns-${name}/route53-access`).statement;
const lbcReleaseAddress = (t: Json): string =>
  addressOf(
    t,
    'helm_release',
    resourceAt(t, 'helm_release', 'aws-load-balancer-controller/release'),
  );

/** The example's cluster with only the given ExternalDNS instances. */
const withInstances = (...instances: Json[]) =>
  configWith((raw) => {
    raw.clusters[0].externalDns = instances;
  });
const publicInstance = (): Json => ({
  name: 'public',
  zones: [{ name: 'example.com', id: 'Z0EXAMPLEPUBLIC0001' }],
});

describe('two ExternalDNS instances in the example (public IRSA, private Pod Identity)', () => {
  it('get distinct releases, service accounts, IAM roles and policies', () => {
    const names = (type: string) => resources(tf, type).map((r) => r.name ?? r.service_account);
    expect(names('helm_release').sort()).toEqual([
      'aws-load-balancer-controller',
      'external-dns-private',
      'external-dns-public',
    ]);
    expect(names('aws_iam_role').sort()).toEqual([
      'edge-demo-aws-load-balancer-controller',
      'edge-demo-external-dns-private',
      'edge-demo-external-dns-public',
    ]);
    expect(names('aws_iam_policy').sort()).toEqual([
      'edge-demo-aws-load-balancer-controller',
      'edge-demo-external-dns-private',
      'edge-demo-external-dns-public',
    ]);
    expect(valuesOf(tf, 'public').serviceAccount.name).toBe('external-dns-public');
    expect(valuesOf(tf, 'private').serviceAccount.name).toBe('external-dns-private');
  });

  it('may change and read records only in their own zone; only ListHostedZones is on *', () => {
    const [publicChange, publicRead, listZones] = route53Statements(tf, 'public');
    expect(publicChange).toMatchObject({
      effect: 'Allow',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: ['arn:aws:route53:::hostedzone/Z0EXAMPLEPUBLIC0001'],
    });
    expect(publicChange.condition).toBeUndefined();
    expect(publicRead).toEqual({
      sid: 'ReadManagedZones',
      effect: 'Allow',
      actions: ['route53:ListResourceRecordSets', 'route53:ListTagsForResources'],
      resources: ['arn:aws:route53:::hostedzone/Z0EXAMPLEPUBLIC0001'],
    });
    expect(listZones).toEqual({
      sid: 'ListHostedZones',
      effect: 'Allow',
      actions: ['route53:ListHostedZones'],
      resources: ['*'],
    });
    const [privateChange, privateRead] = route53Statements(tf, 'private');
    const zone = resourceAt(
      tf,
      'aws_route53_zone',
      'external-dns-private/zone-internal.example.com',
    );
    expect(zone).toMatchObject({ name: 'internal.example.com', private_zone: true });
    const [zoneName] = Object.keys(tf.data.aws_route53_zone);
    const privateZone = `arn:aws:route53:::hostedzone/\${data.aws_route53_zone.${zoneName}.zone_id}`;
    expect(privateChange.resources).toEqual([privateZone]);
    expect(privateRead.resources).toEqual([privateZone]);
    const scoped = [publicChange, privateChange, publicRead, privateRead].flatMap(
      (s) => s.resources,
    );
    expect(scoped.some((arn: string) => arn.endsWith('hostedzone/*') || arn === '*')).toBe(false);
  });

  it('narrows the private instance to its names and record types with the Route 53 condition keys', () => {
    const [privateChange] = route53Statements(tf, 'private');
    expect(privateChange.condition).toEqual([
      {
        test: 'ForAllValues:StringLike',
        variable: 'route53:ChangeResourceRecordSetsNormalizedRecordNames',
        values: ['internal.example.com', '*.internal.example.com'],
      },
      {
        test: 'ForAllValues:StringEquals',
        variable: 'route53:ChangeResourceRecordSetsRecordTypes',
        values: ['A', 'AAAA', 'CNAME', 'TXT'],
      },
    ]);
    expect(valuesOf(tf, 'private').managedRecordTypes).toEqual(['A', 'AAAA', 'CNAME']);
  });

  it('trust exactly their own service accounts', () => {
    const [irsa] = resourceAt(
      tf,
      'aws_iam_policy_document',
      'external-dns-public/identity/trust',
    ).statement;
    expect(irsa.condition.find((c: Json) => c.variable.endsWith(':sub')).values).toEqual([
      'system:serviceaccount:external-dns:external-dns-public',
    ]);
    expect(irsa.condition.find((c: Json) => c.variable.endsWith(':aud')).values).toEqual([
      'sts.amazonaws.com',
    ]);
    const association = resourceAt(
      tf,
      'aws_eks_pod_identity_association',
      'external-dns-private/identity/association',
    );
    expect(association).toMatchObject({
      cluster_name: 'edge-demo',
      namespace: 'external-dns',
      service_account: 'external-dns-private',
    });
    const [podIdentity] = resourceAt(
      tf,
      'aws_iam_policy_document',
      'external-dns-private/identity/trust',
    ).statement;
    expect(podIdentity.principals).toEqual([
      { type: 'Service', identifiers: ['pods.eks.amazonaws.com'] },
    ]);
  });

  it('set every value ExternalDNS needs explicitly', () => {
    const publicValues = valuesOf(tf, 'public');
    expect(publicValues).toMatchObject({
      provider: { name: 'aws' },
      policy: 'upsert-only',
      registry: 'txt',
      txtOwnerId: 'prod-edge-demo-public',
      domainFilters: ['example.com'],
      sources: ['service', 'ingress', 'gateway-httproute'],
      extraArgs: ['--zone-id-filter=Z0EXAMPLEPUBLIC0001', '--aws-zone-type=public'],
      env: [{ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' }],
      serviceAccount: { create: true, name: 'external-dns-public' },
    });
    expect(publicValues.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toMatch(
      /^\$\{aws_iam_role\..*external-dns-public.*\.arn\}$/,
    );
    const privateValues = valuesOf(tf, 'private');
    expect(publicValues.annotationFilter).toBe('eks-edge/zone notin (private)');
    expect(privateValues).toMatchObject({
      policy: 'sync',
      txtOwnerId: 'prod-edge-demo-private',
      sources: ['service', 'ingress'],
      annotationFilter: 'eks-edge/zone in (private)',
    });
    expect(privateValues.extraArgs).toContain('--aws-zone-type=private');
    expect(privateValues.serviceAccount.annotations).toEqual({});
  });

  it('install after the LBC release and after their own permissions', () => {
    for (const name of ['public', 'private']) {
      const dependsOn: string[] = release(tf, name).depends_on;
      expect(dependsOn).toContain(lbcReleaseAddress(tf));
      expect(dependsOn).toContain(
        addressOf(
          tf,
          'aws_iam_role_policy_attachment',
          resourceAt(tf, 'aws_iam_role_policy_attachment', `external-dns-${name}/identity/route53`),
        ),
      );
    }
    expect(release(tf, 'private').depends_on).toContain(
      addressOf(
        tf,
        'aws_eks_pod_identity_association',
        resourceAt(
          tf,
          'aws_eks_pod_identity_association',
          'external-dns-private/identity/association',
        ),
      ),
    );
  });

  it('pin the chart', () => {
    expect(release(tf, 'public')).toMatchObject({
      repository: 'https://kubernetes-sigs.github.io/external-dns/',
      chart: 'external-dns',
      version: '1.21.1',
      namespace: 'external-dns',
      create_namespace: true,
      wait: true,
    });
  });
});

describe('an ExternalDNS instance', () => {
  it('does not depend on an LBC that is not deployed', () => {
    const t = synthesizeCluster(
      configWith((raw) => {
        raw.clusters[0].loadBalancerController = { enabled: false };
        raw.clusters[0].externalDns = [publicInstance()];
      }, coreExampleRaw()),
    );
    expect(
      release(t, 'public').depends_on.every((d: string) => !d.startsWith('helm_release.')),
    ).toBe(true);
  });

  it('with node-role identity attaches its policy to each node role and warns', () => {
    const config = withInstances({
      ...publicInstance(),
      identity: 'node-role',
      nodeRoleNames: ['eks-node-a', 'eks-node-b'],
    });
    const t = synthesizeCluster(config);
    const attachments = resources(t, 'aws_iam_role_policy_attachment').filter((a) =>
      ['eks-node-a', 'eks-node-b'].includes(a.role),
    );
    expect(attachments).toHaveLength(2);
    const policy = resourceAt(t, 'aws_iam_policy', 'external-dns-public/route53-policy');
    expect(
      attachments.every(
        (a) => a.policy_arn === `\${${addressOf(t, 'aws_iam_policy', policy)}.arn}`,
      ),
    ).toBe(true);
    expect(resources(t, 'aws_iam_role').map((r) => r.name)).not.toContain(
      'edge-demo-external-dns-public',
    );
    const warning = expect.stringMatching(
      /external-dns-public uses the node role\(s\) eks-node-a, eks-node-b: every pod on those nodes/,
    );
    expect(warningsOf(buildApp(config))).toEqual([warning]);
    // The app's synth, which makes and drops one group of stacks at a time, still reports it.
    const outdir = mkdtempSync(join(tmpdir(), 'eks-edge-warn-'));
    try {
      expect(synthesizeApp(config, outdir).warnings).toEqual([warning]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('with an IRSA or Pod Identity identity produces no warning', () => {
    expect(warningsOf(buildApp(loadConfig(EXAMPLE_PATH)))).toEqual([]);
  });

  it('appends user flags and merges user values under the managed ones', () => {
    const t = synthesizeCluster(
      withInstances({
        ...publicInstance(),
        extraArgs: ['--aws-batch-change-size=500'],
        values: { interval: '5m' },
      }),
    );
    expect(valuesOf(t, 'public')).toMatchObject({
      interval: '5m',
      extraArgs: ['--zone-id-filter=Z0EXAMPLEPUBLIC0001', '--aws-batch-change-size=500'],
    });
  });

  it('defaults the owner id to environment, cluster and instance, so two clusters never share one', () => {
    expect(valuesOf(synthesizeCluster(withInstances(publicInstance())), 'public').txtOwnerId).toBe(
      'prod-edge-demo-public',
    );
  });
});

describe('ExternalDNS configuration errors', () => {
  const cases: [string, (raw: Json) => void, string, RegExp][] = [
    [
      'no zones',
      (r) => (r.clusters[0].externalDns[0].zones = []),
      'clusters[0].externalDns[0].zones',
      /lists no hosted zone/,
    ],
    [
      'malformed zone id',
      (r) => (r.clusters[0].externalDns[0].zones[0].id = 'example.com'),
      'clusters[0].externalDns[0].zones[0].id',
      /Route 53 hosted zone id/,
    ],
    [
      'duplicate instance names',
      (r) => (r.clusters[0].externalDns[1].name = 'public'),
      'clusters[0].externalDns',
      /instance name public is used more than once/,
    ],
    [
      'duplicate txtOwnerId',
      (r) => {
        r.clusters[0].externalDns[0].txtOwnerId = 'shared';
        r.clusters[0].externalDns[1].txtOwnerId = 'shared';
      },
      'clusters[0].externalDns[0].txtOwnerId, clusters[0].externalDns[1].txtOwnerId',
      /fight over the same records/,
    ],
    [
      'node-role without role names',
      (r) => (r.clusters[0].externalDns[0].identity = 'node-role'),
      'clusters[0].externalDns[0].nodeRoleNames',
      /needs the names of the node IAM roles/,
    ],
    [
      'domain filter outside the zones',
      (r) => (r.clusters[0].externalDns[0].domainFilters = ['example.org']),
      'clusters[0].externalDns[0].domainFilters[0]',
      /not inside any of this instance's zones \(example\.com\)/,
    ],
    [
      'zone of the wrong type',
      (r) => (r.clusters[0].externalDns[0].zoneType = 'private'),
      'clusters[0].externalDns[0].zones[0]',
      /public zone but zoneType is private/,
    ],
    [
      'record types without TXT',
      (r) => (r.clusters[0].externalDns[1].recordTypes = ['A']),
      'clusters[0].externalDns[1].recordTypes',
      /must include TXT/,
    ],
    [
      'managed value',
      (r) => (r.clusters[0].externalDns[0].values = { policy: 'sync' }),
      'clusters[0].externalDns[0].values.policy',
      /set by this project/,
    ],
    [
      'a record type twice',
      (r) => (r.clusters[0].externalDns[1].recordTypes = ['A', 'A', 'TXT']),
      'clusters[0].externalDns[1].recordTypes',
      /must not list a value twice/,
    ],
    [
      'a node role twice',
      (r) =>
        Object.assign(r.clusters[0].externalDns[0], {
          identity: 'node-role',
          nodeRoleNames: ['nodes', 'nodes'],
        }),
      'clusters[0].externalDns[0].nodeRoleNames',
      /must not list a value twice/,
    ],
    [
      'a managed flag in extraArgs',
      (r) => (r.clusters[0].externalDns[0].extraArgs = ['--zone-id-filter=Z0EXAMPLEPUBLIC0001']),
      'clusters[0].externalDns[0].extraArgs[0]',
      /--zone-id-filter is set by this project/,
    ],
    [
      'unknown policy',
      (r) => (r.clusters[0].externalDns[0].policy = 'create'),
      'clusters[0].externalDns[0].policy',
      /must be one of "upsert-only", "sync"/,
    ],
  ];

  it.each(cases)('%s', (_name, change, path, message) => {
    const issues = configIssues(change);
    expect(issues.find((i) => i.startsWith(`${path}: `))).toMatch(message);
  });

  it('catches an owner id shared by two clusters', () => {
    const issues = configIssues((raw) => {
      raw.clusters[0].externalDns[0].txtOwnerId = 'edge';
      const second = structuredClone(raw.clusters[0]);
      second.environment = 'staging';
      raw.clusters.push(second);
    });
    expect(issues).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.txtOwnerId, clusters\[1\]\.externalDns\[0\]\.txtOwnerId: txtOwnerId edge is used by more than one/,
      ),
    );
  });
});

const upstreamSchema = sharedUpstream(
  'external-dns/external-dns-helm-chart-1.21.1/values.schema.json',
);

describe('ExternalDNS chart values against the chart 1.21.1 schema rules', () => {
  const validate = new Ajv({ allowUnionTypes: true, strict: false }).compile(strictSchema);
  const instances = ['public', 'private'];

  it.each(instances)('the %s instance values are valid', (name) => {
    const values = valuesOf(tf, name);
    expect(validate(values) ? [] : validate.errors).toEqual([]);
  });

  it('accepts the values of every instance of both examples and of a customised instance', () => {
    const crossAccount = Object.values(synthesize(loadConfig(CROSS_ACCOUNT_PATH)));
    const customised = synthesizeCluster(
      withInstances({
        ...publicInstance(),
        extraArgs: ['--aws-batch-change-size=500'],
        recordTypes: ['A', 'TXT'],
        sources: ['service'],
        values: { interval: '5m' },
      }),
    );
    const releases = [...crossAccount, customised].flatMap((t) =>
      resources(t, 'helm_release').filter((r) => r.chart === 'external-dns'),
    );
    expect(releases.length).toBe(3);
    for (const r of releases) {
      const values = parse(r.values[0]);
      expect(validate(values) ? [] : validate.errors).toEqual([]);
    }
  });

  it.each([
    ['a misspelt key', (v: Json) => ({ ...v, polcy: v.policy })],
    ['a policy outside the enum', (v: Json) => ({ ...v, policy: 'upsert' })],
    ['sources as a string', (v: Json) => ({ ...v, sources: 'service' })],
    [
      'a misspelt service account key',
      (v: Json) => ({ ...v, serviceAccount: { ...v.serviceAccount, annotation: {} } }),
    ],
    ['duplicate extra args', (v: Json) => ({ ...v, extraArgs: [...v.extraArgs, v.extraArgs[0]] })],
  ])('rejects %s', (_name, spoil) => {
    expect(validate(spoil(valuesOf(tf, 'public')))).toBe(false);
  });

  // The shared upstream copy sits beside the project in this workplace; a fresh clone elsewhere has
  // only the embedded rules above.
  const upstream = upstreamSchema.present
    ? JSON.parse(readFileSync(upstreamSchema.name, 'utf8'))
    : undefined;
  requires(upstreamSchema).it(
    'embeds the upstream schema rules faithfully and passes the upstream schema too',
    () => {
      const strip = (rule: unknown): unknown =>
        Array.isArray(rule)
          ? rule.map(strip)
          : rule && typeof rule === 'object'
            ? Object.fromEntries(
                Object.entries(rule)
                  .filter(([k]) => !['description', 'default', 'webhook'].includes(k))
                  .map(([k, v]) => [k, strip(v)]),
              )
            : rule;
      expect(Object.keys(upstream.properties).sort()).toEqual(
        [...CHART_1_21_1_TOP_LEVEL_KEYS].sort(),
      );
      for (const [key, rule] of Object.entries(CHECKED_RULES))
        expect([key, strip(upstream.properties[key])]).toEqual([key, rule]);
      const validateUpstream = new Ajv({ allowUnionTypes: true, strict: false }).compile(upstream);
      for (const name of instances)
        expect(validateUpstream(valuesOf(tf, name)) ? [] : validateUpstream.errors).toEqual([]);
    },
  );
});

describe('the TXT owner id on day 2', () => {
  it('rejects a migration from the current owner id and the flag in extraArgs', () => {
    expect(
      configIssues(
        (raw) => (raw.clusters[0].externalDns[0].migrateFromTxtOwner = 'prod-edge-demo-public'),
      ),
    ).toContainEqual(
      'clusters[0].externalDns[0].migrateFromTxtOwner: is the current txtOwnerId: name the owner id the instance ran with before, or remove it',
    );
    expect(
      configIssues(
        (raw) => (raw.clusters[0].externalDns[0].extraArgs = ['--migrate-from-txt-owner=x']),
      ),
    ).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.extraArgs\[0\]: --migrate-from-txt-owner is set by this project/,
      ),
    );
  });
});
