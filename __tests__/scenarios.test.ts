/**
 * What the users' scenarios need beyond the defaults: Gateways that admit routes only from chosen
 * namespaces, ALB groups and a controller that target pods directly (ClusterIP Services), the
 * choice of who owns `Service type=LoadBalancer`, and the checks that stop an ALB group without
 * subnets for its scheme or access-log attributes beside `accessLogs`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadConfig } from '../config/load';
import { EMBEDDED_SCHEMAS } from './fixtures/crd-rules';
import {
  addressOf,
  configIssues,
  configWith,
  withTerraform,
  resourceAt,
  resources,
  synthesize,
  terraformEval,
} from './helpers';
import type { Json } from './helpers';

const ajv = new Ajv({ allowUnionTypes: true, strict: false });
const valid = (object: Json) => {
  const validate = ajv.compile(EMBEDDED_SCHEMAS[object.kind]);
  return validate(object) ? [] : validate.errors;
};
const objectsOf = (tf: Json): Record<string, Json> =>
  Object.fromEntries(
    resources(tf, 'kubernetes_manifest').map((m) => [
      `${m.manifest.kind}/${m.manifest.metadata.name}`,
      m.manifest,
    ]),
  );

describe('Gateway and target options', () => {
  const stacks = synthesize(
    configWith((raw) => {
      const [cluster] = raw.clusters;
      Object.assign(cluster.gatewayApi.gateways[0], {
        allowedRoutes: 'Selector',
        allowedNamespaceLabels: { 'edge/public': 'true' },
      });
      Object.assign(cluster.albGroups[0], { targetType: 'ip', sslRedirectPort: 443 });
      Object.assign(cluster.loadBalancerController, {
        defaultTargetType: 'ip',
        serviceMutatorWebhook: false,
        defaultLoadBalancerScheme: 'internal',
      });
    }),
  );
  const objects = objectsOf(stacks['prod-edge-demo-edge']);

  it("admit routes only from the Gateway's own namespace with Same", () => {
    const same = objectsOf(
      synthesize(
        configWith((raw) => (raw.clusters[0].gatewayApi.gateways[0].allowedRoutes = 'Same')),
      )['prod-edge-demo-edge'],
    )['Gateway/public'];
    for (const listener of same.spec.listeners)
      expect(listener.allowedRoutes).toEqual({ namespaces: { from: 'Same' } });
    expect(valid(same)).toEqual([]);
  });

  it('admit routes only from namespaces with the chosen labels', () => {
    const gateway = objects['Gateway/public'];
    for (const listener of gateway.spec.listeners) {
      expect(listener.allowedRoutes).toEqual({
        namespaces: { from: 'Selector', selector: { matchLabels: { 'edge/public': 'true' } } },
      });
    }
    expect(valid(gateway)).toEqual([]);
  });

  it('give an ALB group its target type and SSL redirect, as the CRD types them', () => {
    const params = objects['IngressClassParams/alb-public'];
    expect(params.spec).toMatchObject({ targetType: 'ip', sslRedirectPort: '443' });
    expect(valid(params)).toEqual([]);
    expect(objects['IngressClassParams/alb-vpn'].spec.targetType).toBeUndefined();
  });

  it("set the controller's default target type, scheme and service webhook", () => {
    const values = parse(
      resourceAt(stacks['prod-edge-demo'], 'helm_release', 'aws-load-balancer-controller/release')
        .values[0],
    );
    expect(values).toMatchObject({
      defaultTargetType: 'ip',
      enableServiceMutatorWebhook: false,
      defaultLoadBalancerScheme: 'internal',
    });
  });

  it('leave the defaults alone when not set (nothing changes for existing deployments)', () => {
    const plain = synthesize(configWith(() => undefined));
    const values = parse(
      resourceAt(plain['prod-edge-demo'], 'helm_release', 'aws-load-balancer-controller/release')
        .values[0],
    );
    expect(values.defaultTargetType).toBeUndefined();
    expect(values.enableServiceMutatorWebhook).toBeUndefined();
    const gateway = objectsOf(plain['prod-edge-demo-edge'])['Gateway/public'];
    expect(gateway.spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'All' } });
  });

  it('are refused where they would not work', () => {
    expect(
      configIssues((raw) => (raw.clusters[0].gatewayApi.gateways[0].allowedRoutes = 'Selector')),
    ).toEqual([
      'clusters[0].gatewayApi.gateways[0].allowedNamespaceLabels: is required with allowedRoutes: Selector (the labels a namespace needs for its routes to attach)',
    ]);
    expect(
      configIssues((raw) => {
        raw.clusters[0].loadBalancerController.version = 'v2.17.1';
        raw.clusters[0].loadBalancerController.defaultLoadBalancerScheme = 'internal';
      }),
    ).toContainEqual(
      'clusters[0].loadBalancerController.defaultLoadBalancerScheme: the chart has this value from controller v3.0.0; v2.17.1 would ignore it',
    );
  });
});

describe('GitOps: the charts deployed by Argo CD or Flux (deploy: iam-only)', () => {
  const gitops = (raw: Json) => {
    delete raw.clusters[0].gatewayApi;
    raw.clusters[0].externalDns[0].sources = ['service', 'ingress'];
    raw.clusters[0].loadBalancerController.deploy = 'iam-only';
    for (const instance of raw.clusters[0].externalDns) instance.deploy = 'iam-only';
  };
  const tf = synthesize(configWith(gitops))['prod-edge-demo'];

  it('makes the IAM, the Pod Identity association and the subnet tags, and no release', () => {
    expect(resources(tf, 'helm_release')).toEqual([]);
    // Only the owner-id check: the tool deploys the owner ids this stack gives it (its outputs).
    expect(resources(tf, 'terraform_data').map((check) => check['//'].metadata.path)).toEqual([
      'prod-edge-demo/txt-owner-guard/check',
    ]);
    expect(
      resources(tf, 'aws_iam_role')
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      'edge-demo-aws-load-balancer-controller',
      'edge-demo-external-dns-private',
      'edge-demo-external-dns-public',
    ]);
    expect(resources(tf, 'aws_eks_pod_identity_association')).toHaveLength(1);
    expect(resources(tf, 'aws_ec2_tag').length).toBeGreaterThan(0);
  });

  it('releases a release made before to the tool instead of uninstalling it', () => {
    const released = (tf.removed as Json[]).filter((b) => b.from.startsWith('helm_release.'));
    expect(released.map((b) => b.lifecycle)).toEqual([
      { destroy: false },
      { destroy: false },
      { destroy: false },
    ]);
  });

  it('outputs each role, service account and the chart values to deploy with', () => {
    const identities = tf.output.workload_identities.value;
    expect(identities['aws-load-balancer-controller']).toMatchObject({
      role_arn: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/),
      namespace: 'kube-system',
      service_account: 'aws-load-balancer-controller',
      service_account_annotations: {
        'eks.amazonaws.com/role-arn': expect.stringMatching(/^\$\{aws_iam_role\./),
      },
    });
    expect(identities['external-dns-private']).toMatchObject({
      service_account: 'external-dns-private',
      service_account_annotations: {},
    });
    const values = tf.output.chart_values.value;
    expect(values['external-dns-public']).toMatchObject({
      repository: 'https://kubernetes-sigs.github.io/external-dns/',
      name: 'external-dns',
      deployed_by: 'iam-only',
      values: {
        txtOwnerId: 'prod-edge-demo-public',
        extraArgs: expect.arrayContaining(['--zone-id-filter=Z0EXAMPLEPUBLIC0001']),
      },
    });
    expect(values['aws-load-balancer-controller'].values).toMatchObject({
      clusterName: 'edge-demo',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
    });
  });

  it('refuses Gateway API, which comes with a release this project deploys', () => {
    expect(
      configIssues((raw) => (raw.clusters[0].loadBalancerController.deploy = 'iam-only')),
    ).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.gatewayApi\.enabled: needs the controller deployed by this project/,
      ),
    );
  });
});

describe('existing installs: a controller installed before by Helm, eksctl or another tool', () => {
  const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
  const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
  const address = addressOf(tf, 'helm_release', release);
  const adopt = (tf.import as Json[]).find((i) => i.to === address) as Json;

  it('are imported, release and all, instead of failing as a release that exists', () => {
    expect(adopt.id).toBe('${each.value}');
    expect(adopt.for_each).toContain('"kube-system/aws-load-balancer-controller"');
    expect(
      resourceAt(tf, 'kubernetes_resources', 'aws-load-balancer-controller/release-deployed'),
    ).toMatchObject({
      api_version: 'apps/v1',
      kind: 'Deployment',
      namespace: 'kube-system',
      label_selector:
        'app.kubernetes.io/instance=aws-load-balancer-controller,app.kubernetes.io/managed-by=Helm',
    });
    for (const instance of ['public', 'private']) {
      const other = resourceAt(tf, 'helm_release', `external-dns-${instance}/release`);
      const to = addressOf(tf, 'helm_release', other);
      expect((tf.import as Json[]).find((i) => i.to === to)?.for_each).toContain(
        `"external-dns/external-dns-${instance}"`,
      );
    }
  });
  withTerraform('only where the Deployment of that release exists (evaluated by Terraform)', () => {
    const importIds = (objects: Json[]) =>
      terraformEval(
        adopt.for_each
          .slice(2, -1)
          .replace(/data\.kubernetes_resources\.[\w-]+\.objects/g, JSON.stringify(objects)),
      );
    expect(importIds([])).toEqual([]);
    expect(importIds([{ metadata: { name: 'aws-load-balancer-controller' } }])).toEqual([
      'kube-system/aws-load-balancer-controller',
    ]);
  });
});

describe('a service account left to its owner (createServiceAccount: false)', () => {
  const withExisting = (identity: 'irsa' | 'pod-identity') =>
    synthesize(
      configWith((raw) => {
        Object.assign(raw.clusters[0].loadBalancerController, {
          identity,
          createServiceAccount: false,
        });
        if (identity === 'pod-identity') raw.clusters[0].installPodIdentityAgent = true;
      }),
    )['prod-edge-demo'];
  const irsa = withExisting('irsa');
  const podIdentity = withExisting('pod-identity');
  const releaseOf = (tf: Json) =>
    resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
  const lookupOf = (tf: Json) =>
    `data.kubernetes_resources.${Object.keys(tf.data.kubernetes_resources).find((key) =>
      key.includes('existing-service-account_lookup'),
    )}`;

  it('gives the chart only its name, and reads it by name in its namespace', () => {
    for (const tf of [irsa, podIdentity]) {
      expect(parse(releaseOf(tf).values[0]).serviceAccount).toEqual({
        create: false,
        name: 'aws-load-balancer-controller',
      });
      expect(resourceAt(tf, 'kubernetes_resources', 'existing-service-account/lookup')).toEqual(
        expect.objectContaining({
          api_version: 'v1',
          kind: 'ServiceAccount',
          namespace: 'kube-system',
          field_selector: 'metadata.name=aws-load-balancer-controller',
        }),
      );
    }
  });

  it('keeps the checks to the release this project deploys, and the chart makes it by default', () => {
    const gitops = synthesize(
      configWith((raw) => {
        delete raw.clusters[0].gatewayApi;
        raw.clusters[0].externalDns[0].sources = ['service', 'ingress'];
        Object.assign(raw.clusters[0].loadBalancerController, {
          deploy: 'iam-only',
          createServiceAccount: false,
        });
      }),
    )['prod-edge-demo'];
    expect(gitops.output.chart_values.value['aws-load-balancer-controller'].values).toMatchObject({
      serviceAccount: { create: false, name: 'aws-load-balancer-controller' },
    });
    expect(JSON.stringify(gitops)).not.toContain('existing-service-account');
    expect(JSON.stringify(synthesize(configWith(() => undefined)))).not.toContain(
      'existing-service-account',
    );
  });
  /** A service account as the lookup returns it. */
  const account = (annotations: Record<string, string> = {}) => [
    { metadata: { name: 'aws-load-balancer-controller', namespace: 'kube-system', annotations } },
  ];
  const ROLE = 'arn:aws:iam::111122223333:role/edge-demo-aws-load-balancer-controller';
  /** A condition with the lookup's objects, the locals and the role ARN given (not evaluated). */
  const given = (tf: Json, condition: string, objects: Json[]) => {
    let expression = condition.replace(/^\$\{([\s\S]*)\}$/, '$1');
    for (const [name, value] of Object.entries(tf.locals as Json))
      expression = expression.replaceAll(
        `local.${name}`,
        `(${(value as string).replace(/^\$\{([\s\S]*)\}$/, '$1')})`,
      );
    return `(${expression
      .replaceAll(`${lookupOf(tf)}.objects`, JSON.stringify(objects))
      .replace(/aws_iam_role\.[\w-]+\.arn/g, JSON.stringify(ROLE))})`;
  };
  /** Every expression in one Terraform run (each run costs a process). */
  const evaluated = (expressions: string[]) =>
    terraformEval(`[${expressions.join(', ')}]`) as unknown[];
  const preconditions = (tf: Json, objects: Json[]) =>
    `[${(releaseOf(tf).lifecycle.precondition as Json[])
      .filter((p) => p.error_message.includes('service account'))
      .map((p) => given(tf, p.condition, objects))
      .join(', ')}]`;
  const warns = (tf: Json, objects: Json[]) => {
    const [check] = Object.entries(tf.check as Json)
      .filter(([name]) => name.includes('existing-service-account'))
      .map(([, block]) => block);
    return `!${given(tf, check.assert[0].condition, objects)}`;
  };

  withTerraform(
    "stop the plan while it is missing, or is the release's own and Helm would delete it (evaluated by Terraform)",
    () => {
      const helmMade = {
        'meta.helm.sh/release-name': 'aws-load-balancer-controller',
        'meta.helm.sh/release-namespace': 'kube-system',
      };
      const cases: [Json[], boolean[]][] = [
        [[], [false, true]],
        [account(helmMade), [true, false]],
        [account({ ...helmMade, 'helm.sh/resource-policy': 'keep' }), [true, true]],
        [account({ 'app.kubernetes.io/managed-by': 'eksctl' }), [true, true]],
        // A release of that name in another namespace is another release.
        [account({ ...helmMade, 'meta.helm.sh/release-namespace': 'other' }), [true, true]],
        // Another release's service account is not this release's to delete.
        [account({ ...helmMade, 'meta.helm.sh/release-name': 'other' }), [true, true]],
      ];
      expect(evaluated(cases.map(([objects]) => preconditions(irsa, objects)))).toEqual(
        cases.map(([, expected]) => expected),
      );
    },
  );

  withTerraform(
    'warn while its IRSA annotation is not what the identity needs (evaluated by Terraform)',
    () => {
      const annotated = (role: string) => account({ 'eks.amazonaws.com/role-arn': role });
      const cases: [Json, Json[], boolean][] = [
        [irsa, annotated(ROLE), false],
        [irsa, annotated('arn:aws:iam::111122223333:role/eksctl-made'), true],
        [irsa, account(), true],
        // With Pod Identity, an IRSA annotation wins over the association.
        [podIdentity, account(), false],
        [podIdentity, annotated('arn:aws:iam::111122223333:role/eksctl-made'), true],
        // A missing service account is the preconditions' to report.
        [irsa, [], false],
      ];
      expect(evaluated(cases.map(([tf, objects]) => warns(tf, objects)))).toEqual(
        cases.map(([, , expected]) => expected),
      );
    },
  );
});

describe('a service account the chart creates (createServiceAccount: true, the default)', () => {
  const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
  const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
  const [check] = (release.lifecycle.precondition as Json[]).filter((p) =>
    p.error_message.includes('Helm does not own it'),
  );
  const lookup = Object.keys(tf.data.kubernetes_resources).find((key) =>
    key.startsWith('aws-load-balancer-controller_chart-service-account_lookup'),
  );

  it('is read by name before the release, and the stop names the fix', () => {
    expect(
      resourceAt(
        tf,
        'kubernetes_resources',
        'aws-load-balancer-controller/chart-service-account/lookup',
      ),
    ).toMatchObject({ kind: 'ServiceAccount', namespace: 'kube-system' });
    expect(check.error_message).toBe(
      'The service account kube-system/aws-load-balancer-controller exists, and Helm does not own it for the release aws-load-balancer-controller (eksctl or kubectl made it): with createServiceAccount true, Helm would refuse to take it over and the release would fail. Use it as it is: set createServiceAccount false (the plan then checks its IRSA annotation). Or delete it, so that the chart makes it.',
    );
  });

  withTerraform(
    'stops the plan where one exists that Helm may not take into the release (evaluated by Terraform)',
    () => {
      const account = (labels: Json, annotations: Json) => [
        { metadata: { name: 'aws-load-balancer-controller', labels, annotations } },
      ];
      const owned = {
        'meta.helm.sh/release-name': 'aws-load-balancer-controller',
        'meta.helm.sh/release-namespace': 'kube-system',
      };
      const helm = { 'app.kubernetes.io/managed-by': 'Helm' };
      const cases: [unknown, boolean][] = [
        [null, true],
        [[], true],
        [account(helm, owned), true],
        // eksctl create iamserviceaccount, or kubectl create serviceaccount.
        [account({ 'app.kubernetes.io/managed-by': 'eksctl' }, {}), false],
        [account({}, {}), false],
        // Helm's check wants the label and both annotations (pkg/action/validate.go).
        [account({}, owned), false],
        [account(helm, { ...owned, 'meta.helm.sh/release-name': 'other' }), false],
        [account(helm, { ...owned, 'meta.helm.sh/release-namespace': 'other' }), false],
      ];
      const condition = (objects: unknown) =>
        `(${check.condition
          .slice(2, -1)
          .replaceAll(`data.kubernetes_resources.${lookup}.objects`, JSON.stringify(objects))})`;
      expect(terraformEval(`[${cases.map(([objects]) => condition(objects)).join(', ')}]`)).toEqual(
        cases.map(([, passes]) => passes),
      );
    },
  );
});

describe('ExternalDNS instances tied to ALB groups', () => {
  it('warn about an annotation filter on the group annotation, which the controller ignores', () => {
    const byAnnotation = configWith((raw) => {
      raw.clusters[0].externalDns[0].annotationFilter =
        'alb.ingress.kubernetes.io/group.name in (public)';
    });
    expect(byAnnotation.warnings).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.annotationFilter: selects by alb\.ingress\.kubernetes\.io\/group\.name, which the controller ignores .* Use albGroups instead$/,
      ),
    ]);
    expect(configWith(() => undefined).warnings).toEqual([]);
  });

  const valuesOf = (tf: Json, name: string) =>
    parse(resourceAt(tf, 'helm_release', `external-dns-${name}/release`).values[0]);

  it('keep a public instance out of a private zone nested under its domain', () => {
    const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
    expect(valuesOf(tf, 'public').excludeDomains).toEqual(['internal.example.com']);
    expect(valuesOf(tf, 'private').excludeDomains).toBeUndefined();
  });

  it('publish only the Ingresses and Gateways of their groups', () => {
    const stacks = synthesize(
      configWith((raw) => {
        const [publicDns, privateDns] = raw.clusters[0].externalDns;
        delete publicDns.annotationFilter;
        delete privateDns.annotationFilter;
        publicDns.albGroups = ['public'];
        Object.assign(privateDns, { albGroups: ['vpn'], sources: ['ingress'] });
      }),
    );
    const tf = stacks['prod-edge-demo'];
    expect(valuesOf(tf, 'public').extraArgs).toEqual(
      expect.arrayContaining([
        '--ingress-class=alb-public',
        '--gateway-label-filter=eks-edge/alb-group in (public)',
      ]),
    );
    expect(valuesOf(tf, 'private').extraArgs).toContain('--ingress-class=alb-vpn');
    expect(valuesOf(tf, 'private').extraArgs.join(' ')).not.toContain('gateway-label-filter');
    const gateway = objectsOf(stacks['prod-edge-demo-edge'])['Gateway/public'];
    expect(gateway.metadata.labels).toMatchObject({ 'eks-edge/alb-group': 'public' });
  });

  it('are refused for groups the cluster does not have, or sources that read neither', () => {
    expect(
      configIssues((raw) => {
        raw.clusters[0].externalDns[1].albGroups = ['internal'];
        raw.clusters[0].externalDns[1].sources = ['service'];
      }),
    ).toEqual([
      "clusters[0].externalDns[1].albGroups[0]: internal is not one of this cluster's albGroups (public, vpn)",
      'clusters[0].externalDns[1].albGroups: selects Ingresses and Gateways by ALB group, but the sources read neither: add ingress or a gateway source, or remove albGroups',
    ]);
  });
});

/**
 * The scenario examples under config/scenarios/: each loads without a warning, synthesizes, and
 * gives what its page in docs/scenarios/ says the plan holds.
 */
describe('the scenario examples', () => {
  const scenario = (name: string) =>
    loadConfig(join(__dirname, '..', 'config', 'scenarios', `${name}.yaml`));
  const count = (tf: Json, type: string) => resources(tf, type).length;

  it.each(readdirSync(join(__dirname, '..', 'config', 'scenarios')))(
    '%s loads without warnings and synthesizes',
    (file) => {
      const config = scenario(file.replace(/\.yaml$/, ''));
      expect(config.warnings).toEqual([]);
      expect(Object.keys(synthesize(config)).length).toBeGreaterThanOrEqual(2);
    },
  );

  it('gitops: the IAM side only, and the values for the tool', () => {
    const tf = synthesize(scenario('gitops'))['prod-apps'];
    expect(Object.keys(tf.resource).sort()).toEqual([
      'aws_ec2_tag',
      'aws_eks_pod_identity_association',
      'aws_iam_policy',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
      // The owner-id check: the tool deploys the owner ids this stack gives it.
      'terraform_data',
    ]);
    expect(
      ['aws_ec2_tag', 'aws_iam_policy', 'aws_iam_role', 'aws_iam_role_policy_attachment'].map(
        (type) => count(tf, type),
      ),
    ).toEqual([4, 3, 3, 3]);
    const values = tf.output.chart_values.value;
    // The public instance never publishes a name of the private zone nested under its filter.
    expect(values['external-dns-public'].values.excludeDomains).toEqual(['internal.example.com']);
    expect(values['external-dns-public'].values.txtOwnerId).toBe('apps-prod');
    expect(tf.output.workload_identities.value['external-dns-private']).toMatchObject({
      namespace: 'external-dns',
      service_account: 'external-dns-private',
    });
  });

  it('existing-install: the release adopted, eksctl’s provider and subnet tags left alone', () => {
    const tf = synthesize(scenario('existing-install'))['prod-shop'];
    const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
    expect((tf.import as Json[]).map((i) => i.to)).toContain(
      addressOf(tf, 'helm_release', release),
    );
    expect(count(tf, 'aws_ec2_tag')).toBe(0);
    expect(count(tf, 'aws_iam_openid_connect_provider')).toBe(0);
    expect(resources(tf, 'aws_eks_pod_identity_association')).toEqual([
      expect.objectContaining({
        namespace: 'kube-system',
        service_account: 'aws-load-balancer-controller',
      }),
    ]);
    // eksctl keeps the service account: the chart only names it.
    expect(parse(release.values[0]).serviceAccount).toEqual({
      create: false,
      name: 'aws-load-balancer-controller',
    });
    expect(
      (release.lifecycle.precondition as Json[]).filter((p) =>
        p.error_message.includes('service account kube-system/aws-load-balancer-controller'),
      ),
    ).toHaveLength(2);
    expect(release.version).toBe('1.17.1');
  });

  it('external-dns-irsa: each instance narrowed to its names, TXT names and types', () => {
    const tf = synthesize(scenario('external-dns-irsa'))['prod-shop'];
    const statements = resourceAt(
      tf,
      'aws_iam_policy_document',
      'external-dns-public/route53-access',
    ).statement;
    const change = statements.find((s: Json) => s.sid === 'ChangeRecordsInManagedZones');
    const condition = (variable: string) =>
      change.condition.find((c: Json) => c.variable === variable).values;
    expect(condition('route53:ChangeResourceRecordSetsNormalizedRecordNames')).toEqual(
      expect.arrayContaining([
        'shop.example.com',
        '*.shop.example.com',
        'a-shop.example.com',
        'aaaa-shop.example.com',
        'cname-shop.example.com',
        'api.example.com',
      ]),
    );
    expect(condition('route53:ChangeResourceRecordSetsRecordTypes')).toEqual([
      'A',
      'AAAA',
      'CNAME',
      'TXT',
    ]);
    for (const instance of ['public', 'private']) {
      const release = resourceAt(tf, 'helm_release', `external-dns-${instance}/release`);
      expect((tf.import as Json[]).map((i) => i.to)).toContain(
        addressOf(tf, 'helm_release', release),
      );
      expect(parse(release.values[0])).toMatchObject({
        txtOwnerId: instance === 'public' ? 'shop-prod' : 'shop-prod-private',
        annotationPrefix: 'external-dns.alpha.kubernetes.io/',
      });
    }
  });

  it('v1-migration: the migration policy before the controller, and the node-rule check', () => {
    const tf = synthesize(scenario('v1-migration'))['prod-legacy'];
    const attachments = resources(tf, 'aws_iam_role_policy_attachment').map((a) =>
      addressOf(tf, 'aws_iam_role_policy_attachment', a),
    );
    expect(attachments).toHaveLength(2);
    const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
    expect(release.depends_on).toEqual(expect.arrayContaining(attachments));
    expect(resourceAt(tf, 'aws_iam_policy', 'iam/migration/policy').name).toBe(
      'legacy-aws-load-balancer-controller-v1-migration',
    );
    expect(Object.keys(tf.check)).toEqual([expect.stringContaining('v1-node-rules')]);
  });

  it('gateway-cross-account: routes from labelled namespaces, DNS by a target role', () => {
    const stacks = synthesize(scenario('gateway-cross-account'));
    expect(resources(stacks.dns, 'aws_iam_role').map((r) => r.name)).toEqual([
      'prod-edge-prod-external-dns-public',
      'staging-edge-staging-external-dns-public',
    ]);
    const prod = stacks['prod-edge-prod'];
    expect(count(prod, 'aws_iam_openid_connect_provider')).toBe(0);
    expect(
      resourceAt(
        prod,
        'aws_eks_pod_identity_association',
        'external-dns-public/identity/association',
      ),
    ).toMatchObject({
      namespace: 'external-dns',
      service_account: 'external-dns-public',
      target_role_arn: 'arn:aws:iam::999988887777:role/prod-edge-prod-external-dns-public',
    });
    const dnsValues = parse(
      resourceAt(prod, 'helm_release', 'external-dns-public/release').values[0],
    );
    expect(dnsValues.extraArgs).toEqual(
      expect.arrayContaining([
        '--ingress-class=alb-public',
        '--gateway-label-filter=eks-edge/alb-group in (public)',
      ]),
    );
    const gateway = objectsOf(stacks['prod-edge-prod-edge'])['Gateway/public'];
    expect(gateway.metadata.labels['eks-edge/alb-group']).toBe('public');
    for (const listener of gateway.spec.listeners) {
      expect(listener.allowedRoutes.namespaces).toEqual({
        from: 'Selector',
        selector: { matchLabels: { 'edge/public': 'true' } },
      });
    }
  });
});

describe("adopting eksctl's IRSA role (existingRoleArn)", () => {
  const ESKCTL_ROLE =
    'arn:aws:iam::111122223333:role/eksctl-edge-demo-addon-iamserviceaccount-Role1';
  const adopted = (extra: Json = {}) =>
    synthesize(
      configWith((raw) =>
        Object.assign(raw.clusters[0].loadBalancerController, {
          existingRoleArn: ESKCTL_ROLE,
          createServiceAccount: false,
          ...extra,
        }),
      ),
    )['prod-edge-demo'];
  const tf = adopted();

  it('makes no role: the pinned policy is attached to that role, and the service account keeps its annotation', () => {
    const attachment = resourceAt(
      tf,
      'aws_iam_role_policy_attachment',
      'aws-load-balancer-controller/identity/controller',
    );
    expect(attachment.role).toBe('eksctl-edge-demo-addon-iamserviceaccount-Role1');
    expect(attachment.policy_arn).toMatch(
      /^\$\{aws_iam_policy\.aws-load-balancer-controller_iam_controller_policy_/,
    );
    expect(
      Object.keys(tf.resource.aws_iam_role ?? {}).filter((a) => a.startsWith('aws-load-balancer')),
    ).toEqual([]);
    const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
    expect(parse(release.values[0]).serviceAccount).toEqual({
      create: false,
      name: 'aws-load-balancer-controller',
    });
  });

  withTerraform(
    'checks at plan that the role exists and trusts the controller service account (evaluated by Terraform)',
    () => {
      const lookup = resourceAt(
        tf,
        'aws_iam_role',
        'aws-load-balancer-controller/identity/existing-role',
      );
      expect(lookup.name).toBe('eksctl-edge-demo-addon-iamserviceaccount-Role1');
      const condition = lookup.lifecycle.postcondition[0].condition.slice(2, -1);
      const trust = (sub: string) =>
        JSON.stringify({
          Statement: [{ Condition: { StringEquals: { 'oidc.eks/id/X:sub': sub } } }],
        });
      const cases: [string, string, boolean][] = [
        [
          ESKCTL_ROLE,
          trust('system:serviceaccount:kube-system:aws-load-balancer-controller'),
          true,
        ],
        [
          ESKCTL_ROLE,
          trust('system:serviceaccount:kube-system:aws-load-balancer-controller-2'),
          false,
        ],
        [ESKCTL_ROLE, trust('system:serviceaccount:other:aws-load-balancer-controller'), false],
        [
          'arn:aws:iam::111122223333:role/other',
          trust('system:serviceaccount:kube-system:aws-load-balancer-controller'),
          false,
        ],
      ];
      const expressions = cases.map(
        ([arn, policy]) =>
          `(${condition.replaceAll('self.arn', JSON.stringify(arn)).replaceAll('self.assume_role_policy', JSON.stringify(policy))})`,
      );
      expect(terraformEval(`[${expressions.join(', ')}]`)).toEqual(cases.map(([, , ok]) => ok));
    },
  );

  it('is refused with Pod Identity, or as a role of another account', () => {
    expect(
      configIssues((raw) =>
        Object.assign(raw.clusters[0].loadBalancerController, {
          existingRoleArn: 'arn:aws:iam::999999999999:role/x',
          identity: 'pod-identity',
        }),
      ),
    ).toEqual([
      'clusters[0].loadBalancerController.existingRoleArn: is an IRSA role, but identity is pod-identity: set identity irsa, or remove existingRoleArn',
      "clusters[0].loadBalancerController.existingRoleArn: arn:aws:iam::999999999999:role/x is not a role of the cluster's account 111122223333 (partition aws)",
    ]);
  });
});

describe('an upgrade of the controller while it runs on a role this project does not manage', () => {
  const tf = synthesize(
    configWith((raw) => (raw.clusters[0].loadBalancerController.createServiceAccount = false)),
  )['prod-edge-demo'];
  const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
  const [guard] = (release.lifecycle.precondition as Json[]).filter((p) =>
    p.error_message.startsWith('The controller runs'),
  );

  withTerraform(
    'stops the plan until the pods run on the role with the pinned policy (evaluated by Terraform)',
    () => {
      const locals = tf.locals as Json;
      const local = (prefix: string) =>
        Object.keys(locals).find((name) =>
          name.startsWith(`aws-load-balancer-controller_existing-service-account_${prefix}`),
        ) as string;
      const OWN = 'arn:aws:iam::111122223333:role/edge-demo-aws-load-balancer-controller';
      const condition = (running: string, annotated: string) =>
        `(${guard.condition
          .slice(2, -1)
          .replaceAll(`local.${local('running-version')}`, JSON.stringify(running))
          .replaceAll(`local.${local('irsa-role')}`, JSON.stringify(annotated))
          .replace(/aws_iam_role\.[\w-]+\.arn/g, JSON.stringify(OWN))})`;
      const cases: [string, string, boolean][] = [
        ['', 'arn:aws:iam::111122223333:role/eksctl-role', true], // not installed yet
        ['v3.5.0', 'arn:aws:iam::111122223333:role/eksctl-role', true], // no upgrade
        ['v2.13.0', 'arn:aws:iam::111122223333:role/eksctl-role', false], // the case to stop
        ['v2.13.0', OWN, true], // already on this project's role
      ];
      expect(
        terraformEval(
          `[${cases.map(([running, annotated]) => condition(running, annotated)).join(', ')}]`,
        ),
      ).toEqual(cases.map(([, , ok]) => ok));
      expect(guard.error_message).toContain('loadBalancerController.existingRoleArn');
      // The running version: the tag of the controller Deployment's image, none before it exists.
      const runningOf = (objects: string) =>
        (locals[local('running-version')] as string)
          .slice(2, -1)
          .replace(/data\.kubernetes_resources\.[\w-]+\.objects/g, objects);
      const deployment =
        '[{ spec = { template = { spec = { containers = [{ image = "public.ecr.aws/eks/aws-load-balancer-controller:v2.13.0" }] } } } }]';
      expect(terraformEval(`[${runningOf(deployment)}, ${runningOf('null')}]`)).toEqual([
        'v2.13.0',
        '',
      ]);
    },
  );
});
