import { parse } from 'yaml';
import { loadConfig } from '../config/load';
import { buildApp } from '../stacks/app';
import {
  addressOf,
  configIssues,
  configWith,
  dataSources,
  EXAMPLE_PATH,
  exampleRaw,
  manifests,
  requires,
  resourceAt,
  resources,
  synthesize,
  terraformEval,
  withTerraform,
} from './helpers';
import type { Json } from './helpers';
import { UPSTREAM_CRDS, upstreamCrds, validateEmbedded, validateUpstream } from './crd-validation';

const stacks = synthesize(loadConfig(EXAMPLE_PATH));
const cluster = stacks['prod-edge-demo'];
const edge = stacks['prod-edge-demo-edge'];

const objects = manifests(edge);
const bucketAddress = addressOf(edge, 'aws_s3_bucket', resources(edge, 'aws_s3_bucket')[0]);
const accessLogAttributes = (prefix: string) => [
  { key: 'access_logs.s3.enabled', value: 'true' },
  { key: 'access_logs.s3.bucket', value: `\${${bucketAddress}.bucket}` },
  { key: 'access_logs.s3.prefix', value: prefix },
];
const PUBLIC_CERTIFICATE =
  'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const PUBLIC_WEB_ACL =
  'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/edge-public/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';

describe('the example with Gateway API and two ALB groups', () => {
  it('edge stack matches the snapshot', () => {
    expect(edge).toMatchSnapshot();
  });

  it('turns the ALB gateway feature gate on and starts the controller after the CRDs', () => {
    const release = resourceAt(cluster, 'helm_release', 'aws-load-balancer-controller/release');
    expect(parse(release.values[0]).controllerConfig).toEqual({
      featureGates: { ALBGatewayAPI: true, NLBGatewayAPI: false },
    });
    for (const crd of resources(cluster, 'kubernetes_manifest')) {
      expect(release.depends_on).toContain(addressOf(cluster, 'kubernetes_manifest', crd));
    }
  });

  it('keeps the CRD instances in a stack that deploys after the CRDs', () => {
    const app = buildApp(loadConfig(EXAMPLE_PATH));
    const edgeStack = app.node.findChild('prod-edge-demo-edge') as unknown as {
      dependencies: { node: { id: string } }[];
    };
    expect(edgeStack.dependencies.map((d) => d.node.id)).toEqual(['prod-edge-demo']);
    expect(Object.keys(manifests(cluster))).toEqual([]);
    expect(Object.keys(objects).sort()).toEqual([
      'Gateway/public',
      'GatewayClass/aws-alb',
      'IngressClass/alb-public',
      'IngressClass/alb-vpn',
      'IngressClassParams/alb-public',
      'IngressClassParams/alb-vpn',
      'LoadBalancerConfiguration/public',
    ]);
  });

  it('serves the GatewayClass by the ALB gateway controller', () => {
    expect(objects['GatewayClass/aws-alb'].spec).toEqual({ controllerName: 'gateway.k8s.aws/alb' });
  });

  it('gives the Gateway its LoadBalancerConfiguration with scheme, certificate, WAF, security group and logs', () => {
    const config = objects['LoadBalancerConfiguration/public'];
    expect(config.apiVersion).toBe('gateway.k8s.aws/v1');
    expect(config.metadata.namespace).toBe('gateway-system');
    const [securityGroup] = Object.keys(edge.resource.aws_security_group);
    expect(config.spec).toEqual({
      scheme: 'internet-facing',
      listenerConfigurations: [
        {
          protocolPort: 'HTTPS:443',
          defaultCertificate: PUBLIC_CERTIFICATE,
          sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        },
      ],
      wafV2: { webACL: PUBLIC_WEB_ACL },
      securityGroups: [`\${aws_security_group.${securityGroup}.id}`],
      manageBackendSecurityGroupRules: true,
      loadBalancerAttributes: accessLogAttributes('gateway/public'),
    });
    const gateway = objects['Gateway/public'];
    expect(gateway.metadata.namespace).toBe('gateway-system');
    expect(gateway.spec.gatewayClassName).toBe('aws-alb');
    expect(gateway.spec.infrastructure).toEqual({
      parametersRef: {
        group: 'gateway.k8s.aws',
        kind: 'LoadBalancerConfiguration',
        name: 'public',
      },
    });
    expect(
      gateway.spec.listeners.map((l: Json) => `${l.protocol}:${l.port} ${l.hostname}`),
    ).toEqual(['HTTP:80 *.example.com', 'HTTPS:443 *.example.com']);
    expect(gateway.spec.listeners.every((l: Json) => l.tls === undefined)).toBe(true);
  });

  it('gives each ALB group an IngressClass whose params carry the group, scheme, certificates and logs', () => {
    expect(objects['IngressClassParams/alb-public'].spec).toEqual({
      group: { name: 'public' },
      scheme: 'internet-facing',
      certificateArn: [PUBLIC_CERTIFICATE],
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      wafv2AclArn: PUBLIC_WEB_ACL,
      inboundCIDRs: ['0.0.0.0/0'],
      loadBalancerAttributes: accessLogAttributes('ingress/public'),
    });
    expect(objects['IngressClassParams/alb-vpn'].spec).toMatchObject({
      group: { name: 'vpn' },
      scheme: 'internal',
      inboundCIDRs: ['10.8.0.0/16'],
    });
    expect(objects['IngressClass/alb-vpn'].spec).toEqual({
      controller: 'ingress.k8s.aws/alb',
      parameters: { apiGroup: 'elbv2.k8s.aws', kind: 'IngressClassParams', name: 'alb-vpn' },
    });
  });

  it('switches logging on only after the bucket policy exists', () => {
    const policy = addressOf(
      edge,
      'aws_s3_bucket_policy',
      resources(edge, 'aws_s3_bucket_policy')[0],
    );
    for (const m of resources(edge, 'kubernetes_manifest').filter((r) =>
      ['IngressClassParams', 'LoadBalancerConfiguration'].includes(r.manifest.kind),
    )) {
      expect(m.depends_on).toContain(policy);
    }
  });

  it('makes the log bucket private, SSE-S3 encrypted, owner-enforced and expiring', () => {
    const [bucket] = resources(edge, 'aws_s3_bucket');
    expect(bucket).toMatchObject({
      bucket: 'edge-demo-alb-logs-111122223333-eu-west-1',
      force_destroy: false,
    });
    expect(resources(edge, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    expect(resources(edge, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resources(edge, 'aws_s3_bucket_ownership_controls')[0].rule).toEqual({
      object_ownership: 'BucketOwnerEnforced',
    });
    expect(resources(edge, 'aws_s3_bucket_lifecycle_configuration')[0].rule[0]).toMatchObject({
      status: 'Enabled',
      expiration: [{ days: 90 }],
    });
  });

  it("lets the region's ELB account and the log-delivery service write this account's logs, over TLS only", () => {
    const statements: Json[] = dataSources(edge, 'aws_iam_policy_document')[0].statement;
    // The bucket's own ARN (it keeps the name it was made with), this account's logs under it.
    const [bucket] = Object.keys(edge.resource.aws_s3_bucket);
    const logObjects = [`\${aws_s3_bucket.${bucket}.arn}/*/AWSLogs/111122223333/*`];
    expect(statements.find((s) => s.sid === 'RegionalElbAccount')).toMatchObject({
      principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::156460612806:root'] }],
      actions: ['s3:PutObject'],
      resources: logObjects,
    });
    expect(statements.find((s) => s.sid === 'LogDeliveryService')).toMatchObject({
      principals: [
        { type: 'Service', identifiers: ['logdelivery.elasticloadbalancing.amazonaws.com'] },
      ],
      actions: ['s3:PutObject'],
      resources: logObjects,
    });
    // The only "*" principal is in a Deny.
    expect(
      statements.filter((s) => JSON.stringify(s.principals).includes('"*"')).map((s) => s.effect),
    ).toEqual(['Deny']);
  });

  it('opens the public security group on 80 and 443 from the configured CIDRs, egress only into the VPC CIDR blocks', () => {
    const ingress = resources(edge, 'aws_vpc_security_group_ingress_rule').map(
      (r) => `${r.from_port}-${r.to_port}/${r.ip_protocol} ${r.cidr_ipv4}`,
    );
    expect(ingress.sort()).toEqual(['443-443/tcp 0.0.0.0/0', '80-80/tcp 0.0.0.0/0']);
    // One egress rule per CIDR block of the VPC (secondary blocks included), nothing else.
    const [egress] = resources(edge, 'aws_vpc_security_group_egress_rule');
    expect(egress.for_each).toBe(
      '${{ for association in data.aws_vpc.vpc.cidr_block_associations : association.cidr_block => association.cidr_block }}',
    );
    expect(egress.cidr_ipv4).toBe('${each.value}');
    expect(resources(edge, 'aws_security_group')).toHaveLength(1);
  });

  it('outputs what app manifests need', () => {
    expect(Object.keys(edge.output).sort()).toEqual([
      'access_log_bucket',
      'alb_security_group_ids',
      'gateways',
      'ingress_classes',
    ]);
    expect(edge.output.ingress_classes.value).toEqual({ public: 'alb-public', vpn: 'alb-vpn' });
    expect(edge.output.gateways.value).toEqual({
      gatewayClassName: 'aws-alb',
      gateways: ['gateway-system/public'],
    });
  });
});

describe('Gateway API with controller v2.17.1', () => {
  const older = synthesize(
    configWith((raw) => (raw.clusters[0].loadBalancerController.version = 'v2.17.1')),
  );

  it('uses gateway.k8s.aws/v1beta1, at its own address', () => {
    const configuration = manifests(older['prod-edge-demo-edge'])[
      'LoadBalancerConfiguration/public'
    ];
    expect(configuration.apiVersion).toBe('gateway.k8s.aws/v1beta1');
    const [name] = Object.entries(older['prod-edge-demo-edge'].resource.kubernetes_manifest).find(
      ([, m]) => (m as Json).manifest?.kind === 'LoadBalancerConfiguration',
    ) ?? [''];
    expect(name).toMatch(/^gateway-public_configuration-v1beta1_/);
  });
});

describe('construct names', () => {
  it('do not clash for a gateway named like an internal construct', () => {
    const raw = exampleRaw();
    raw.clusters[0].gatewayApi.gateways[0].name = 'class';
    expect(
      Object.keys(manifests(synthesize(configWith(() => undefined, raw))['prod-edge-demo-edge'])),
    ).toContain('Gateway/class');
  });
});

describe('access logs in a region opened after August 2022', () => {
  it('use the log-delivery service principal only', () => {
    const raw = exampleRaw();
    const c = raw.clusters[0];
    c.region = 'ap-south-2';
    for (const group of c.albGroups) {
      group.certificateArns = group.certificateArns.map((arn: string) =>
        arn.replace('eu-west-1', 'ap-south-2'),
      );
      if (group.webAclArn) group.webAclArn = group.webAclArn.replace('eu-west-1', 'ap-south-2');
    }
    const tf = synthesize(configWith(() => undefined, raw))['prod-edge-demo-edge'];
    const statements: Json[] = dataSources(tf, 'aws_iam_policy_document')[0].statement;
    expect(statements.map((s) => s.sid)).toEqual(['LogDeliveryService', 'DenyInsecureTransport']);
  });
});

describe('edge configuration errors', () => {
  const group = (r: Json, name: string) =>
    r.clusters[0].albGroups.find((g: Json) => g.name === name);
  const cases: [string, (raw: Json) => void, string, RegExp][] = [
    [
      'certificate from another region',
      (r) =>
        (group(r, 'public').certificateArns = [
          PUBLIC_CERTIFICATE.replace('eu-west-1', 'us-east-1'),
        ]),
      'clusters[0].albGroups[0].certificateArns[0]',
      /is in us-east-1, but an ALB in eu-west-1 can only use certificates of its own region/,
    ],
    [
      'malformed WAF ARN',
      (r) =>
        (group(r, 'public').webAclArn = 'arn:aws:wafv2:eu-west-1:111122223333:global/webacl/x/1'),
      'clusters[0].albGroups[0].webAclArn',
      /regional WAFv2 web ACL ARN/,
    ],
    [
      'WAF ACL from another region',
      (r) => (group(r, 'public').webAclArn = PUBLIC_WEB_ACL.replace('eu-west-1', 'eu-central-1')),
      'clusters[0].albGroups[0].webAclArn',
      /only attach in their own region/,
    ],
    [
      'Gateway API with an unmapped controller version',
      (r) => (r.clusters[0].loadBalancerController.version = 'v2.16.0'),
      'clusters[0].gatewayApi.enabled',
      /v2\.16\.0 has no known Gateway API version \(supported: v2\.17\.0, v2\.17\.1,/,
    ],
    [
      'two groups with one name',
      (r) => (group(r, 'vpn').name = 'public'),
      'clusters[0].albGroups',
      /group name public is used more than once/,
    ],
    [
      'internal group on an internet-facing gateway',
      (r) =>
        Object.assign(r.clusters[0].gatewayApi.gateways[0], {
          group: 'vpn',
          scheme: 'internet-facing',
        }),
      'clusters[0].gatewayApi.gateways[0].scheme',
      /gateway public is internet-facing, but its group vpn is internal/,
    ],
    [
      'gateway of an unknown group',
      (r) => (r.clusters[0].gatewayApi.gateways[0].group = 'partner'),
      'clusters[0].gatewayApi.gateways[0].group',
      /partner is not one of albGroups \(public, vpn\)/,
    ],
    [
      'gateway source without Gateway API',
      (r) => (r.clusters[0].gatewayApi = { enabled: false }),
      'clusters[0].externalDns[0].sources',
      /gateway-httproute need the Gateway API CRDs/,
    ],
    [
      'a CRD checksum, no longer a setting',
      (r) => (r.clusters[0].gatewayApi.lbcCrdsSha256 = 'a'.repeat(64)),
      'clusters[0].gatewayApi.lbcCrdsSha256',
      /is no longer needed: the catalog knows the checksum/,
    ],
    [
      'a port twice',
      (r) => (group(r, 'public').ports = [443, 443]),
      'clusters[0].albGroups[0].ports',
      /must not list a value twice/,
    ],
    [
      'a CIDR twice',
      (r) => (group(r, 'vpn').inboundCidrs = ['10.8.0.0/16', '10.8.0.0/16']),
      'clusters[0].albGroups[1].inboundCidrs',
      /must not list a value twice/,
    ],
    [
      'internal security group without CIDRs',
      (r) => Object.assign(group(r, 'vpn'), { securityGroup: true, inboundCidrs: undefined }),
      'clusters[0].albGroups[1].inboundCidrs',
      /needs the CIDRs/,
    ],
  ];

  it.each(cases)('%s', (_name, change, path, message) => {
    const issues = configIssues(change);
    expect(issues.find((i) => i.startsWith(`${path}: `))).toMatch(message);
  });
});

// ---------------------------------------------------------------------------------------------
// The emitted objects against their CRD schemas. Embedded: the rules of the fields we set, with
// unknown fields rejected (the API server would silently prune a misspelt field). Where the shared
// upstream copies of the CRDs are present, also the full upstream schemas, made strict the same way.

const SPOILERS: [string, string, (object: Json) => void][] = [
  [
    'LoadBalancerConfiguration/public',
    'wafV2 spelt wafv2',
    (o) => (o.spec = { ...o.spec, wafv2: o.spec.wafV2, wafV2: undefined }),
  ],
  [
    'LoadBalancerConfiguration/public',
    'scheme spelt schema',
    (o) => (o.spec = { ...o.spec, schema: o.spec.scheme, scheme: undefined }),
  ],
  [
    'LoadBalancerConfiguration/public',
    'protocolPort without a colon',
    (o) => (o.spec.listenerConfigurations[0].protocolPort = 'HTTPS443'),
  ],
  [
    'Gateway/public',
    'listener protocol spelt protocl',
    (o) => (o.spec.listeners[0] = { ...o.spec.listeners[0], protocl: 'HTTP', protocol: undefined }),
  ],
  [
    'IngressClassParams/alb-public',
    'certificateArn as a string',
    (o) => (o.spec.certificateArn = o.spec.certificateArn[0]),
  ],
  ['IngressClassParams/alb-vpn', 'scheme outside the enum', (o) => (o.spec.scheme = 'public')],
];

/** Drops `undefined` members, as JSON would. */
const plain = (object: Json): Json => JSON.parse(JSON.stringify(object));

describe('emitted Kubernetes objects against the embedded CRD rules', () => {
  it.each(Object.keys(objects))('%s is valid', (key) => {
    expect(validateEmbedded(objects[key])).toEqual([]);
  });

  it.each(SPOILERS)('%s with %s fails', (key, _what, spoil) => {
    const object = structuredClone(objects[key]);
    spoil(object);
    expect(validateEmbedded(plain(object))).not.toEqual([]);
  });
});

describe('emitted Kubernetes objects against the upstream CRD schemas', () => {
  const keys = Object.keys(objects).filter((key) => UPSTREAM_CRDS[key.split('/')[0]]);

  requires(upstreamCrds).each(keys)('%s is valid', (key) => {
    expect(validateUpstream(objects[key])).toEqual([]);
  });

  const upstreamSpoilers = SPOILERS.filter(([key]) => UPSTREAM_CRDS[key.split('/')[0]]);
  requires(upstreamCrds).each(upstreamSpoilers)('%s with %s fails', (key, _what, spoil) => {
    const object = structuredClone(objects[key]);
    spoil(object);
    expect(validateUpstream(plain(object))).not.toEqual([]);
  });
});

describe('the ALB security group on day 2', () => {
  const withCidrs = (inboundCidrs: string[]) =>
    synthesize(configWith((raw) => (raw.clusters[0].albGroups[0].inboundCidrs = inboundCidrs)))[
      'prod-edge-demo-edge'
    ];
  const before = withCidrs(['0.0.0.0/0', '10.8.0.0/16']);
  const [groupName] = Object.keys(before.resource.aws_security_group);
  const ingressRules = (tf: Json) => tf.resource.aws_vpc_security_group_ingress_rule as Json;

  it('keeps the group identical when the CIDRs are reordered or changed: its force-new attributes carry no rule', () => {
    for (const after of [withCidrs(['10.8.0.0/16', '0.0.0.0/0']), withCidrs(['10.9.0.0/16'])]) {
      expect(after.resource.aws_security_group).toEqual(before.resource.aws_security_group);
    }
    const group = before.resource.aws_security_group[groupName];
    expect(group.description).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
    expect(group.description.length).toBeLessThanOrEqual(255);
    // Groups made before the description was fixed are not replaced for it, nor for a new name.
    expect(group.lifecycle.ignore_changes).toEqual(['description', 'name']);
  });

  it('changes only the rule of a changed CIDR; a reorder changes no rule', () => {
    expect(ingressRules(withCidrs(['10.8.0.0/16', '0.0.0.0/0']))).toEqual(ingressRules(before));
    const changed = ingressRules(withCidrs(['0.0.0.0/0', '10.9.0.0/16']));
    const gone = Object.keys(ingressRules(before)).filter((k) => !(k in changed));
    const added = Object.keys(changed).filter((k) => !(k in ingressRules(before)));
    expect([gone.length, added.length]).toEqual([2, 2]);
    expect(gone.map((k) => ingressRules(before)[k].cidr_ipv4)).toEqual([
      '10.8.0.0/16',
      '10.8.0.0/16',
    ]);
    expect(added.map((k) => changed[k].cidr_ipv4)).toEqual(['10.9.0.0/16', '10.9.0.0/16']);
  });
});

describe('the edge stack without any edge setting', () => {
  const bare = synthesize(
    configWith((raw) => {
      const [cluster] = raw.clusters;
      delete cluster.albGroups;
      delete cluster.gatewayApi;
      delete cluster.accessLogs;
      cluster.externalDns[0].sources = ['service', 'ingress'];
    }),
  )['prod-edge-demo-edge'];

  it('stays in the app with only its in-use check, so deploying it destroys what it had: nothing is orphaned', () => {
    // The check stops that deploy while Ingresses or routes still use what it would remove.
    expect(Object.keys(bare.resource)).toEqual(['terraform_data']);
    expect(
      Object.values(bare.resource.terraform_data as Record<string, Json>).map(
        (r) => r['//'].metadata.path,
      ),
    ).toEqual(['prod-edge-demo-edge/in-use-guard/check']);
    // What destroying its former objects needs: the same state, and providers that reach the cluster.
    expect(bare.terraform.backend).toEqual(edge.terraform.backend);
    expect(Object.keys(bare.provider).sort()).toEqual(['aws', 'kubernetes']);
    expect(bare.provider.kubernetes).toEqual(edge.provider.kubernetes);
  });
});

describe("an ALB group's scheme on a live cluster", () => {
  const edgeOf = (change: (raw: Json) => void = () => undefined) =>
    synthesize(configWith(change))['prod-edge-demo-edge'];
  const paramsOf = (tf: Json, group: string) =>
    resourceAt(tf, 'kubernetes_manifest', `ingress-group-${group}/params`);

  withTerraform(
    'stops the plan where it changes (the controller would replace the ALB), evaluated by Terraform',
    () => {
      const [check] = paramsOf(edgeOf(), 'public').lifecycle.precondition;
      const live = (scheme?: string) =>
        `(${check.condition
          .slice(2, -1)
          .replace(
            /data\.kubernetes_resources\.[\w-]+\.objects/g,
            scheme ? `[{ spec = { scheme = "${scheme}" } }]` : 'null',
          )})`;
      expect(
        terraformEval(`[${[live(), live('internet-facing'), live('internal')].join(', ')}]`),
      ).toEqual([true, true, false]);
      expect(check.error_message).toContain(
        'set clusters[0].albGroups[0].replaceOnSchemeChange: true',
      );
    },
  );

  it('checks Gateways of the group the same way, and nothing where the replacement is accepted', () => {
    const tf = edgeOf();
    const configuration = resourceAt(tf, 'kubernetes_manifest', 'gateway-public/configuration');
    expect(configuration.lifecycle.precondition[0].error_message).toMatch(
      /^The scheme of Gateway gateway-system\/public \(its LoadBalancerConfiguration\) is/,
    );
    const accepted = edgeOf((raw) => (raw.clusters[0].albGroups[0].replaceOnSchemeChange = true));
    expect(paramsOf(accepted, 'public').lifecycle).toBeUndefined();
  });
});
