/**
 * EKS Auto Mode's load balancing (issue 27): no controller, Auto Mode's IngressClass and
 * IngressClassParams for ALB groups, the settings Auto Mode lacks refused, ExternalDNS tied to
 * Auto Mode's classes, and the plan-time checks of the cluster stack.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { DEFAULT_LBC_VERSION } from '../catalog/aws-load-balancer-controller';
import { LBC_CLUSTER_TAG } from '../catalog/aws-load-balancer-controller/resource-tags';
import {
  CONTROLLER_FINALIZERS,
  DESTROY_GUARD_SCRIPT,
} from '../modules/aws-load-balancer-controller/destroy-guard';
import {
  autoModeLoadBalancingEnabled,
  managedByController,
} from '../modules/eks-auto-mode/load-balancing-checks';
import { validateEmbedded } from './crd-validation';
import {
  AUTO_MODE_CREATE_TAG_KEYS,
  AUTO_MODE_INGRESS_CLASS_PARAMS_SCHEMA,
} from './fixtures/auto-mode-crd';
import {
  addressOf,
  configIssues,
  configWith,
  coreExampleRaw,
  exampleRaw,
  withTerraform,
  manifests,
  resourceAt,
  resources,
  synthesize,
  terraformEval,
  withoutAutoModeRefusals,
} from './helpers';
import type { Json } from './helpers';

const PUBLIC_CERTIFICATE =
  'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** The example on Auto Mode: its groups without what Auto Mode lacks, no Gateway API. */
export function autoModeRaw(): Json {
  const raw = exampleRaw();
  const cluster = raw.clusters[0];
  cluster.loadBalancing = 'autoMode';
  delete cluster.loadBalancerController;
  withoutAutoModeRefusals(cluster);
  return raw;
}

const stacks = synthesize(configWith(() => undefined, autoModeRaw()));
const cluster = stacks['prod-edge-demo'];
const edge = stacks['prod-edge-demo-edge'];

const objects = manifests(edge);

const validateAutoModeParams = new Ajv({ strict: false }).compile(
  AUTO_MODE_INGRESS_CLASS_PARAMS_SCHEMA,
);
const autoModeParamsProblems = (object: Json) =>
  validateAutoModeParams(JSON.parse(JSON.stringify(object)))
    ? []
    : validateAutoModeParams.errors!.map((e) => `${e.instancePath} ${e.message}`);

describe('a cluster on EKS Auto Mode load balancing', () => {
  it('installs no controller: no release, role, policy or chart CRD', () => {
    expect(
      resources(cluster, 'helm_release')
        .map((r) => r.name as string)
        .sort(),
    ).toEqual(['external-dns-private', 'external-dns-public']);
    const iamNames = [
      ...resources(cluster, 'aws_iam_role'),
      ...resources(cluster, 'aws_iam_policy'),
    ].map((r) => r.name as string);
    expect(iamNames.filter((name) => name.includes('load-balancer-controller'))).toEqual([]);
    const crds = resources(cluster, 'kubernetes_manifest').map(
      (m) => m.manifest?.metadata?.name as string,
    );
    expect(crds.filter((name) => name?.endsWith('.elbv2.k8s.aws'))).toEqual([]);
  });

  it('still tags the subnets for their role', () => {
    const tags = resources(cluster, 'aws_ec2_tag').map((t) => `${t.resource_id} ${t.key}`);
    expect(tags).toEqual(
      expect.arrayContaining([
        'subnet-0a1b2c3d4e5f60001 kubernetes.io/role/elb',
        'subnet-0a1b2c3d4e5f60011 kubernetes.io/role/internal-elb',
      ]),
    );
  });

  it('gives each group an IngressClass of Auto Mode and IngressClassParams of its API', () => {
    expect(Object.keys(objects).sort()).toEqual([
      'IngressClass/eks-auto-public',
      'IngressClass/eks-auto-vpn',
      'IngressClassParams/eks-auto-public',
      'IngressClassParams/eks-auto-vpn',
    ]);
    expect(objects['IngressClass/eks-auto-public'].spec).toEqual({
      controller: 'eks.amazonaws.com/alb',
      parameters: {
        apiGroup: 'eks.amazonaws.com',
        kind: 'IngressClassParams',
        name: 'eks-auto-public',
      },
    });
    const params = objects['IngressClassParams/eks-auto-public'];
    expect(params.apiVersion).toBe('eks.amazonaws.com/v1');
    expect(params.metadata.namespace).toBeUndefined();
    expect(params.spec).toMatchObject({
      group: { name: 'public' },
      scheme: 'internet-facing',
      certificateARNs: [PUBLIC_CERTIFICATE],
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      inboundCIDRs: ['0.0.0.0/0'],
    });
    expect(params.spec.loadBalancerAttributes.map((a: Json) => a.key)).toEqual([
      'access_logs.s3.enabled',
      'access_logs.s3.bucket',
      'access_logs.s3.prefix',
    ]);
  });

  it('stops a scheme change at plan, saying Auto Mode would make a new ALB', () => {
    const params = resources(edge, 'kubernetes_manifest').find(
      (m) =>
        m.manifest.metadata.name === 'eks-auto-vpn' && m.manifest.kind === 'IngressClassParams',
    )!;
    const [kept] = params.lifecycle.precondition;
    expect(kept.error_message).toContain(
      'and the configuration makes it internal: EKS Auto Mode would replace its load balancer',
    );
    expect(kept.condition).toContain('"internal"');
  });

  it.each(['IngressClassParams/eks-auto-public', 'IngressClassParams/eks-auto-vpn'])(
    '%s is valid against the Auto Mode CRD schema',
    (key) => {
      expect(autoModeParamsProblems(objects[key])).toEqual([]);
    },
  );

  it.each<[string, (spec: Json) => void]>([
    ["the controller's certificateArn", (spec) => (spec.certificateArn = spec.certificateARNs)],
    ['wafv2AclArn', (spec) => (spec.wafv2AclArn = 'arn')],
    ['a scheme outside the enum', (spec) => (spec.scheme = 'public')],
    ['subnets.tags instead of matchTags', (spec) => (spec.subnets = { tags: {} })],
  ])('the schema refuses %s', (_what, spoil) => {
    const object = structuredClone(objects['IngressClassParams/eks-auto-public']);
    spoil(object.spec);
    expect(autoModeParamsProblems(object)).not.toEqual([]);
  });

  it('checks at plan that EKS runs Auto Mode load balancing, and that the controller manages nothing', () => {
    const [enabled] = resourceAt(cluster, 'terraform_data', 'auto-mode-load-balancing/check')
      .lifecycle.precondition;
    expect(enabled.condition).toContain('elastic_load_balancing[0].enabled');
    expect(enabled.error_message).toContain('loadBalancing is autoMode, but EKS reports');
    const [managed] = resourceAt(
      cluster,
      'terraform_data',
      'auto-mode-load-balancing/controller-check',
    ).lifecycle.precondition;
    expect(managed.error_message).toContain(
      'loadBalancing autoMode removes the AWS Load Balancer Controller, which still manages',
    );
  });

  it('removes a controller installed before through its destroy check, as enabled: false does', () => {
    const withController = synthesize(configWith(() => undefined))['prod-edge-demo'];
    const guard = resourceAt(
      withController,
      'terraform_data',
      'aws-load-balancer-controller/destroy-guard',
    );
    const address = addressOf(withController, 'terraform_data', guard);
    const disabled = synthesize(
      configWith(
        (raw) => (raw.clusters[0].loadBalancerController = { enabled: false }),
        coreExampleRaw(),
      ),
    )['prod-edge-demo'];
    const removedGuard = (tf: Json) => (tf.removed as Json[]).find((b) => b.from === address);
    expect(removedGuard(cluster)).toEqual(removedGuard(disabled));
    expect(removedGuard(cluster)?.provisioner[0]['local-exec'].when).toBe('destroy');
  });

  it("leaves EKS Auto Mode's load balancers out of the removed controller's destroy check", () => {
    // The check lists what carries the controller's cluster tag; Auto Mode may not create a
    // resource with that tag key (its cluster role's policy allows only its own keys).
    expect(DESTROY_GUARD_SCRIPT).toContain(
      `--tag-filters "Key=${LBC_CLUSTER_TAG},Values=$CLUSTER"`,
    );
    expect(AUTO_MODE_CREATE_TAG_KEYS).not.toContain(LBC_CLUSTER_TAG);
  });

  it('ties ExternalDNS to the Auto Mode IngressClass of its groups', () => {
    const raw = autoModeRaw();
    raw.clusters[0].externalDns[0].albGroups = ['public'];
    const tf = synthesize(configWith(() => undefined, raw))['prod-edge-demo'];
    const release = resourceAt(tf, 'helm_release', 'external-dns-public/release');
    expect(parse(release.values[0]).extraArgs).toContain('--ingress-class=eks-auto-public');
  });
});

describe('settings EKS Auto Mode does not support', () => {
  const issues = (change: (cluster: Json) => void) =>
    configIssues((raw) => change(raw.clusters[0]), autoModeRaw());

  it('are refused on an Auto Mode group, each with its reason', () => {
    const found = issues((cluster) => {
      Object.assign(cluster.albGroups[0], {
        webAclArn:
          'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/edge-public/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
        sslRedirectPort: 443,
        securityGroup: true,
        targetType: 'instance',
      });
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.albGroups\[0\]\.webAclArn: EKS Auto Mode does not support spec\.wafv2AclArn .*alb\.ingress\.kubernetes\.io\/wafv2-acl-arn/,
      ),
      expect.stringMatching(
        /^clusters\[0\]\.albGroups\[0\]\.sslRedirectPort: EKS Auto Mode does not support spec\.sslRedirectPort .*ssl-redirect/,
      ),
      expect.stringMatching(
        /^clusters\[0\]\.albGroups\[0\]\.securityGroup: EKS Auto Mode's IngressClassParams has no security-group field/,
      ),
      expect.stringMatching(
        /^clusters\[0\]\.albGroups\[0\]\.targetType: is documented for EKS Auto Mode only since 2026/,
      ),
    ]);
  });

  it('refuses Gateway API on an Auto Mode cluster, saying why', () => {
    const found = issues((cluster) => (cluster.gatewayApi = { enabled: true }));
    expect(found).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.gatewayApi\.enabled: Gateway API is not supported by eks-edge on EKS Auto Mode yet: .*controllerName.*gatewayApi\.crds\.managed/,
      ),
    ]);
  });

  it("refuses it while the pinned AWS provider cannot see EKS's own Gateway API CRDs setting", () => {
    // When the binding gains the setting (EKS API GatewayApiConfiguration), who owns the Gateway
    // API CRDs on an Auto Mode cluster can be read and decided: revisit the refusal then.
    const binding = readFileSync(
      require.resolve('@cdktf/provider-aws/lib/eks-cluster/index.d.ts'),
      'utf8',
    );
    expect(binding).toContain('elasticLoadBalancing');
    expect(binding).not.toMatch(/gatewayApi/i);
  });

  it('refuses gateway sources of ExternalDNS on an Auto Mode cluster', () => {
    const found = issues((cluster) => (cluster.externalDns[0].sources = ['gateway-httproute']));
    expect(found).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.sources: gateway-httproute read Gateway API objects: Gateway API is not supported/,
      ),
    ]);
  });

  it('refuses every controller-only setting, each by its path', () => {
    const found = issues(
      (cluster) =>
        (cluster.loadBalancerController = {
          version: 'v3.4.0',
          replicaCount: 3,
          acceptOrphansOnDestroy: true,
          values: {
            controllerConfig: { featureGates: { ALBGatewayAPI: true } },
            logLevel: 'debug',
          },
        }),
    ).map((issue) => issue.split(':')[0]);
    expect(found).toEqual([
      'clusters[0].loadBalancerController.version',
      'clusters[0].loadBalancerController.replicaCount',
      'clusters[0].loadBalancerController.values.controllerConfig.featureGates.ALBGatewayAPI',
      'clusters[0].loadBalancerController.values.logLevel',
    ]);
  });

  it('refuses a controller setting written at its default value, and enabled: true', () => {
    const found = issues(
      (cluster) =>
        (cluster.loadBalancerController = {
          enabled: true,
          version: DEFAULT_LBC_VERSION,
          replicaCount: 2,
        }),
    ).map((issue) => issue.split(':')[0]);
    expect(found).toEqual([
      'clusters[0].loadBalancerController.enabled',
      'clusters[0].loadBalancerController.version',
      'clusters[0].loadBalancerController.replicaCount',
    ]);
  });

  it('takes the settings that remove a controller installed before', () => {
    const config = configWith(
      (raw) =>
        (raw.clusters[0].loadBalancerController = {
          enabled: false,
          acceptOrphansOnDestroy: true,
          namespace: 'kube-system',
        }),
      autoModeRaw(),
    );
    expect(config.clusters[0].disabledController).toEqual({
      acceptOrphansOnDestroy: true,
      release: { releaseName: 'aws-load-balancer-controller', namespace: 'kube-system' },
    });
  });

  it('refuses a group served by the controller, and one served by Auto Mode on a controller cluster', () => {
    expect(issues((cluster) => (cluster.albGroups[1].servedBy = 'controller'))).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.albGroups\[1\]\.servedBy: controller: loadBalancing autoMode runs no AWS Load Balancer Controller/,
      ),
    ]);
    expect(configIssues((raw) => (raw.clusters[0].albGroups[1].servedBy = 'autoMode'))).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.albGroups\[1\]\.servedBy: autoMode needs a cluster with EKS Auto Mode load balancing/,
      ),
    ]);
  });
});

describe("a group's own subnets (subnetIds)", () => {
  const PRIVATE = ['subnet-0a1b2c3d4e5f60012', 'subnet-0a1b2c3d4e5f60011'];
  const paramsOf = (raw: Json, name: string) =>
    manifests(synthesize(configWith(() => undefined, raw))['prod-edge-demo-edge'])[
      `IngressClassParams/${name}`
    ];

  it('go into Auto Mode params as subnets.ids, in a canonical order', () => {
    const raw = autoModeRaw();
    raw.clusters[0].albGroups[1].subnetIds = PRIVATE;
    const params = paramsOf(raw, 'eks-auto-vpn');
    expect(params.spec.subnets).toEqual({ ids: [...PRIVATE].sort() });
    expect(autoModeParamsProblems(params)).toEqual([]);
  });

  it("go into the controller's params too, valid by its CRD's rules", () => {
    const raw = exampleRaw();
    raw.clusters[0].albGroups[1].subnetIds = PRIVATE;
    const params = paramsOf(raw, 'alb-vpn');
    expect(params.spec.subnets).toEqual({ ids: [...PRIVATE].sort() });
    expect(validateEmbedded(params)).toEqual([]);
  });

  it("must be the cluster's subnets of the group's scheme, and not a Gateway's group", () => {
    const found = configIssues((raw) => {
      raw.clusters[0].albGroups[0].subnetIds = ['subnet-0a1b2c3d4e5f60011'];
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.albGroups\[0\]\.subnetIds\[0\]: subnet-0a1b2c3d4e5f60011 is not one of subnets\.public/,
      ),
      expect.stringMatching(
        /^clusters\[0\]\.gatewayApi\.gateways\[0\]\.group: public sets subnetIds, which the Gateways here do not carry/,
      ),
    ]);
  });
});

describe('the controller and Auto Mode side by side', () => {
  const both = (change: (cluster: Json) => void = () => undefined) => {
    const raw = exampleRaw();
    raw.clusters[0].loadBalancing = 'controllerAndAutoMode';
    raw.clusters[0].albGroups.push({
      name: 'public-auto',
      servedBy: 'autoMode',
      scheme: 'internet-facing',
      certificateArns: [PUBLIC_CERTIFICATE],
    });
    change(raw.clusters[0]);
    return raw;
  };

  it("keeps the controller's groups and adds Auto Mode's beside them", () => {
    const tf = synthesize(configWith(() => undefined, both()));
    const classes = manifests(tf['prod-edge-demo-edge']);
    expect(classes['IngressClass/alb-public'].spec.controller).toBe('ingress.k8s.aws/alb');
    expect(classes['IngressClass/eks-auto-public-auto'].spec.controller).toBe(
      'eks.amazonaws.com/alb',
    );
    resourceAt(tf['prod-edge-demo'], 'helm_release', 'aws-load-balancer-controller/release');
    resourceAt(tf['prod-edge-demo'], 'terraform_data', 'auto-mode-load-balancing/check');
    // The controller stays: nothing of it is checked.
    const checks = resources(tf['prod-edge-demo'], 'terraform_data').map(
      (r) => r['//'].metadata.path as string,
    );
    expect(checks.filter((path) => path.endsWith('controller-check'))).toEqual([]);
  });

  it('refuses a Gateway on a group served by Auto Mode', () => {
    const found = configIssues(
      () => undefined,
      both((cluster) => (cluster.gatewayApi.gateways[0].group = 'public-auto')),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.gatewayApi\.gateways\[0\]\.group: public-auto is served by EKS Auto Mode, and here Gateways are the controller's/,
      ),
    ]);
  });

  it('needs the controller enabled', () => {
    const found = configIssues(
      () => undefined,
      both((cluster) => {
        cluster.loadBalancerController = { enabled: false };
        delete cluster.gatewayApi;
        cluster.albGroups = cluster.albGroups.filter((g: Json) => g.servedBy === 'autoMode');
        cluster.externalDns[0].sources = ['ingress'];
      }),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.loadBalancerController\.enabled: is false, but loadBalancing controllerAndAutoMode runs the controller/,
      ),
    ]);
  });
});

describe('the expressions of the plan-time checks, evaluated by Terraform', () => {
  withTerraform('tell a cluster with Auto Mode load balancing from one without', () => {
    const cluster = (block: Json[]) =>
      JSON.stringify({ kubernetes_network_config: [{ elastic_load_balancing: block }] });
    expect(terraformEval(autoModeLoadBalancingEnabled(cluster([{ enabled: true }])))).toBe(true);
    expect(terraformEval(autoModeLoadBalancingEnabled(cluster([{ enabled: false }])))).toBe(false);
    expect(terraformEval(autoModeLoadBalancingEnabled(cluster([])))).toBe(false);
  });

  withTerraform("list the objects that carry the controller's finalizers, only those", () => {
    const ingress = (name: string, finalizers?: string[]) => ({
      metadata: { namespace: 'web', name, ...(finalizers ? { finalizers } : {}) },
    });
    const objects = JSON.stringify([
      ingress('grouped', ['group.ingress.k8s.aws/public']),
      ingress('single', ['ingress.k8s.aws/resources']),
      ingress('auto-mode', ['other.example.com/finalizer']),
      ingress('plain'),
    ]);
    expect(
      terraformEval(managedByController(objects, 'Ingress', CONTROLLER_FINALIZERS.ingress)),
    ).toEqual(['Ingress web/grouped', 'Ingress web/single']);
  });
});
