/**
 * The controller's lifecycle: every CRD it needs applied at its version from pinned files,
 * adopted where it exists, upgraded in place and never deleted by an upgrade, a rollback or
 * turning a feature off; objects whose apiVersion changes kept without a gap; ExternalDNS sources
 * checked against the Gateway API the cluster gets; a destroy that refuses to orphan load
 * balancers; a disruption budget and an explicit annotation prefix.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  LBC_RELEASES,
  chartCrdNames,
  gatewayCrdNames,
} from '../catalog/aws-load-balancer-controller/releases';
import { gatewayApiRelease } from '../catalog/gateway-api';
import { DESTROY_GUARD_SCRIPT } from '../modules/aws-load-balancer-controller/destroy-guard';
import { documentOf } from '../modules/shared/pinned-manifests';
import {
  addressOf,
  configIssues,
  configWith,
  dataSources,
  exampleRaw,
  TERRAFORM,
  has,
  withTerraform,
  resourceAt,
  resources,
  synthesize,
  synthesizeCluster,
  terraformEval,
} from './helpers';
import type { Json } from './helpers';
import { planChanges, summarize } from '../review/plan';

const withVersion = (version: string, change: (raw: Json) => void = () => undefined) =>
  synthesize(
    configWith((raw) => {
      raw.clusters[0].loadBalancerController.version = version;
      change(raw);
    }),
  );
const noGateway = (raw: Json) => {
  delete raw.clusters[0].gatewayApi;
  raw.clusters[0].externalDns[0].sources = ['service', 'ingress'];
};
/** `Kind/name` of every kubernetes_manifest of a stack, from the objects' construct paths. */
const manifestNames = (tf: Json) =>
  resources(tf, 'kubernetes_manifest')
    .map((m) => m['//'].metadata.path.split('/').pop() as string)
    .sort();
const crdIds = (names: string[]) => names.map((name) => `customresourcedefinition-${name}`).sort();

describe.each(['v2.13.4', 'v2.16.0', 'v2.17.1', 'v3.4.3', 'v3.5.0'])('controller %s', (version) => {
  const facts = LBC_RELEASES[version];
  const gateway = Boolean(facts.gatewayApi);
  const tf = withVersion(version, gateway ? undefined : noGateway)['prod-edge-demo'];
  const downloads = Object.values(tf.data.http as Json);

  it("applies the chart's own CRDs of its tag, pinned by the catalogued checksum", () => {
    const crds = resourceAt(tf, 'http', 'controller-crds/file-crds');
    expect(crds.url).toBe(
      `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${version}/helm/aws-load-balancer-controller/crds/crds.yaml`,
    );
    expect(crds.lifecycle.postcondition[1].condition).toContain(facts.chartCrds);
    const applied = manifestNames(tf).filter(
      (id) => id.endsWith('.elbv2.k8s.aws') || id.endsWith('.aga.k8s.aws'),
    );
    expect(applied).toEqual(crdIds(chartCrdNames(version)));
  });

  if (!gateway) {
    it('has no stable Gateway API support: gatewayApi is refused, and no gateway CRD applied', () => {
      expect(
        configIssues((raw) => (raw.clusters[0].loadBalancerController.version = version)),
      ).toEqual([
        expect.stringMatching(
          new RegExp(
            `^clusters\\[0\\]\\.gatewayApi\\.enabled: controller version ${version} has no known Gateway API version`,
          ),
        ),
      ]);
      expect(manifestNames(tf).filter((id) => id.includes('gateway'))).toEqual([]);
    });
  } else {
    it('applies the standard channel of its Gateway API release and its gateway.k8s.aws CRDs, each file pinned', () => {
      const release = gatewayApiRelease(facts.gatewayApi ?? '');
      for (const file of release?.standardFiles ?? []) {
        const download = downloads.find((d) => d.url === file.url);
        expect([file.name, download?.lifecycle.postcondition[1].condition]).toEqual([
          file.name,
          `\${sha256(self.response_body) == "${file.sha256}"}`,
        ]);
      }
      expect(downloads.some((d) => String(d.url).includes('standard-install.yaml'))).toBe(false);
      const names = manifestNames(tf);
      for (const name of gatewayCrdNames(version))
        expect(names).toContain(`customresourcedefinition-${name}`);
      for (const resource of release?.standardResources ?? []) {
        expect(names).toContain(`customresourcedefinition-${resource}.gateway.networking.k8s.io`);
      }
    });
  }

  it('starts the controller after every CRD, applies them server-side and adopts the ones that exist', () => {
    const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
    for (const manifest of resources(tf, 'kubernetes_manifest')) {
      const address = addressOf(tf, 'kubernetes_manifest', manifest);
      expect(release.depends_on).toContain(address);
      expect(manifest.field_manager).toEqual({ name: 'eks-edge', force_conflicts: true });
      const adopt = (tf.import as Json[]).find((i) => i.to === address);
      expect(adopt?.id).toBe('${each.value}');
      expect(adopt?.for_each).toMatch(
        /^\$\{contains\(\[for object in .* : object\.metadata\.name\], ".*"\) \? toset\(\["apiVersion=.*,kind=.*,name=.*"\]\) : toset\(\[\]\)\}$/,
      );
    }
  });
});

describe('one object of a pinned file, picked by Terraform', () => {
  withTerraform('by kind and name, without a header part, status or creationTimestamp', () => {
    const file = [
      '# Copyright header',
      '---',
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  creationTimestamp: null',
      '  name: gateways.gateway.networking.k8s.io',
      'spec:',
      '  group: gateway.networking.k8s.io',
      'status:',
      '  storedVersions: null',
      '---',
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: httproutes.gateway.networking.k8s.io',
      'spec: {}',
      '',
    ].join('\n');
    const picked = terraformEval(
      documentOf(JSON.stringify(file), {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'gateways.gateway.networking.k8s.io',
      }),
    );
    expect(picked).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gateways.gateway.networking.k8s.io' },
      spec: { group: 'gateway.networking.k8s.io' },
    });
  });
});

describe('a CRD that would drop a version the cluster stores objects in', () => {
  // A rollback to v3.4.3 with Gateway API: its gateway.k8s.aws CRDs have no v1, which v3.5.0 stores.
  const cluster = withVersion('v3.4.3')['prod-edge-demo'];
  const name = 'loadbalancerconfigurations.gateway.k8s.aws';
  const [precondition] = Object.values(cluster.resource.kubernetes_manifest as Json).find(
    (m: Json) => m['//'].metadata.path.endsWith(`customresourcedefinition-${name}`),
  ).lifecycle.precondition;
  const document = (versions: string[]) =>
    [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      `  name: ${name}`,
      'spec:',
      '  versions:',
      ...versions.map((version) => `  - name: ${version}`),
      '',
    ].join('\n');
  const live = (storedVersions: string[]) => [{ metadata: { name }, status: { storedVersions } }];
  /** The expression with the downloaded file and the cluster's CRDs given (not evaluated). */
  const given = (expression: string, versions: string[], objects: Json[]) =>
    `(${expression
      .replace(/^\$\{([\s\S]*)\}$/, '$1')
      .replace(/data\.http\.[\w-]+\.response_body/g, JSON.stringify(document(versions)))
      .replace(/data\.kubernetes_resources\.[\w-]+\.objects/g, JSON.stringify(objects))})`;

  it('is a precondition of every CRD the stack applies', () => {
    const crds = Object.values(cluster.resource.kubernetes_manifest as Json).filter((m: Json) =>
      m['//'].metadata.path.includes('/customresourcedefinition-'),
    );
    expect(crds.length).toBeGreaterThan(10);
    for (const crd of crds) {
      const gatewayApi = crd['//'].metadata.path.endsWith('.gateway.networking.k8s.io');
      expect(crd.lifecycle.precondition).toHaveLength(gatewayApi ? 2 : 1);
    }
  });
  withTerraform(
    'stops the plan only while the cluster stores a version the document lacks (evaluated by Terraform)',
    () => {
      const condition = precondition.condition;
      const message = precondition.error_message.replace(
        /^[\s\S]*\$\{(join[\s\S]*?)\}\. Kubernetes[\s\S]*$/,
        '$1',
      );
      const other = [
        { metadata: { name: 'other.example.com' }, status: { storedVersions: ['v1'] } },
      ];
      // One Terraform run for every case.
      const cases = [
        given(condition, ['v1beta1'], live(['v1beta1', 'v1'])),
        given(condition, ['v1beta1', 'v1'], live(['v1beta1', 'v1'])),
        given(condition, ['v1beta1'], live(['v1beta1'])),
        // Not in the cluster yet, or another CRD: nothing to keep.
        given(condition, ['v1beta1'], []),
        given(condition, ['v1beta1'], other),
        given(`\${${message}}`, ['v1beta1'], live(['v1beta1', 'v1'])),
        // CRDs of different shapes in one cluster (the provider gives each its own type).
        given(condition, ['v1beta1'], [...differentShape, ...live(['v1beta1', 'v1'])]),
      ];
      expect(terraformEval(`[${cases.join(', ')}]`)).toEqual([
        false,
        true,
        true,
        true,
        true,
        'v1',
        false,
      ]);
    },
  );
});

describe('a Gateway API CRD older than the one in the cluster', () => {
  // A rollback to v3.1.0 (Gateway API v1.3.0) without gatewayApi.version.
  const cluster = withVersion('v3.1.0')['prod-edge-demo'];
  const name = 'httproutes.gateway.networking.k8s.io';
  const preconditions = Object.values(cluster.resource.kubernetes_manifest as Json).find(
    (m: Json) => m['//'].metadata.path.endsWith(`customresourcedefinition-${name}`),
  ).lifecycle.precondition as Json[];
  const [notDowngraded] = preconditions.filter((p) => p.error_message.includes('downgraded'));
  const document = (release: string) =>
    [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  annotations:',
      `    gateway.networking.k8s.io/bundle-version: ${release}`,
      `  name: ${name}`,
      'spec:',
      '  versions:',
      '  - name: v1',
      '',
    ].join('\n');
  const live = (release?: string) => [
    {
      metadata: {
        name,
        annotations: release ? { 'gateway.networking.k8s.io/bundle-version': release } : {},
      },
      status: { storedVersions: ['v1'] },
    },
  ];
  const given = (expression: string, release: string, objects: Json[]) =>
    `(${expression
      .replace(/^\$\{([\s\S]*)\}$/, '$1')
      .replace(/data\.http\.[\w-]+\.response_body/g, JSON.stringify(document(release)))
      .replace(/data\.kubernetes_resources\.[\w-]+\.objects/g, JSON.stringify(objects))})`;

  it('is checked with the stored versions on every Gateway API CRD', () => {
    expect(preconditions).toHaveLength(2);
    expect(notDowngraded.error_message).toContain('set gatewayApi.version to');
  });
  withTerraform(
    'stops the plan only when the cluster has a newer release (evaluated by Terraform)',
    () => {
      const { condition } = notDowngraded;
      const cases = [
        given(condition, 'v1.3.0', live('v1.6.0')),
        given(condition, 'v1.5.1', live('v1.6.0')),
        given(condition, 'v1.6.0', live('v1.6.0')),
        given(condition, 'v1.6.0', live('v1.3.0')),
        given(condition, 'v1.10.0', live('v1.9.2')),
        given(condition, 'v1.9.2', live('v1.10.0')),
        // A release candidate compares as its release; no annotation or no CRD: nothing to keep.
        given(condition, 'v1.6.0', live('v1.6.0-rc.1')),
        given(condition, 'v1.3.0', live()),
        given(condition, 'v1.3.0', []),
        // CRDs of different shapes in one cluster (the provider gives each its own type).
        given(condition, 'v1.3.0', [...differentShape, ...live('v1.6.0')]),
      ];
      expect(terraformEval(`[${cases.join(', ')}]`)).toEqual([
        false,
        false,
        true,
        true,
        true,
        false,
        true,
        true,
        true,
        false,
      ]);
    },
  );
});

describe('the DNSEndpoint CRD of the ExternalDNS crd source', () => {
  const withCrdSource = (change: (instance: Json) => void = () => undefined) =>
    synthesize(
      configWith((raw) => {
        const [instance] = raw.clusters[0].externalDns;
        instance.sources = [...instance.sources, 'crd'];
        change(instance);
      }),
    )['prod-edge-demo'];
  const dnsEndpoints = (tf: Json) =>
    Object.entries((tf.resource.kubernetes_manifest ?? {}) as Json).filter(([, m]) =>
      (m as Json)['//'].metadata.path.endsWith(
        'external-dns-crds/customresourcedefinition-dnsendpoints.externaldns.k8s.io',
      ),
    );

  it("is applied at the chart's version, pinned, adopted where it exists, before the instance", () => {
    const tf = withCrdSource();
    const [[name]] = dnsEndpoints(tf);
    const download = Object.values(tf.data.http as Json).find((d: Json) =>
      d.url.endsWith('/crds/dnsendpoints.externaldns.k8s.io.yaml'),
    );
    expect(download.url).toBe(
      'https://raw.githubusercontent.com/kubernetes-sigs/external-dns/external-dns-helm-chart-1.21.1/charts/external-dns/crds/dnsendpoints.externaldns.k8s.io.yaml',
    );
    expect(JSON.stringify(download.lifecycle.postcondition)).toContain(
      '96f4383d550a04d7c78b3312edc6e0f9dab9777d8195ff4cfdc76a0ca9587bbe',
    );
    expect((tf.import as Json[]).map((i) => i.to)).toContain(`kubernetes_manifest.${name}`);
    const release = resourceAt(tf, 'helm_release', 'external-dns-public/release');
    expect(release.depends_on).toContain(`kubernetes_manifest.${name}`);
    // The other instance does not read DNSEndpoints: it does not wait for the CRD.
    const other = resourceAt(tf, 'helm_release', 'external-dns-private/release');
    expect(other.depends_on).not.toContain(`kubernetes_manifest.${name}`);
  });

  it('is never dropped for a chart outside the catalog: the crd source is refused there, naming the catalogued charts', () => {
    expect(
      configIssues((raw) => {
        Object.assign(raw.clusters[0].externalDns[0], { chartVersion: '1.22.0' });
        raw.clusters[0].externalDns[0].sources.push('crd');
      }),
    ).toEqual([
      'clusters[0].externalDns[0].sources: crd needs the DNSEndpoint CRD of chart 1.22.0, which this project applies from the catalog and the catalog does not have: use a catalogued chartVersion (1.21.1), or remove crd',
    ]);
  });

  it('says at every synth what a chart outside the catalog runs without', () => {
    const config = configWith((raw) => (raw.clusters[0].externalDns[0].chartVersion = '1.22.0'));
    expect(config.warnings).toEqual([
      'clusters[0].externalDns[0].chartVersion: 1.22.0 is outside the built-in catalog (1.21.1): this project assumes what chart 1.21.1 (ExternalDNS v0.21.0) does — its flags, what each source watches, the default record types — and does not check the chart values against that chart',
    ]);
  });

  it('is released, never deleted, when no instance this project deploys reads it', () => {
    for (const tf of [
      synthesize(configWith(() => undefined))['prod-edge-demo'],
      withCrdSource((instance) => (instance.deploy = 'iam-only')),
    ]) {
      expect(dnsEndpoints(tf)).toEqual([]);
      expect((tf.removed as Json[]).map((r) => r.from)).toContainEqual(
        expect.stringMatching(
          /^kubernetes_manifest\.external-dns-crds_customresourcedefinition-dnsendpoints/,
        ),
      );
    }
  });
});

describe('an upgrade from v3.4.3 to v3.5.0', () => {
  const [before, after] = [withVersion('v3.4.3'), withVersion('v3.5.0')];
  const changes = planChanges(before, after);

  it('upgrades every CRD in place and adds the new ones: nothing is replaced or deleted', () => {
    expect(changes.filter((c) => ['replace', 'delete', 'orphan'].includes(c.action))).toEqual([]);
    const crds = changes.filter(
      (c) => c.type === 'kubernetes_manifest' && c.stack === 'prod-edge-demo',
    );
    expect(crds.filter((c) => c.action === 'import-if-exists').map((c) => c.address)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('tcproutes'),
        expect.stringContaining('udproutes'),
      ]),
    );
  });

  it('keeps the LoadBalancerConfiguration without a gap: the v1beta1 address is released and the v1 one adopts the object', () => {
    const edge = changes.filter(
      (c) => c.stack === 'prod-edge-demo-edge' && c.type === 'kubernetes_manifest',
    );
    expect(summarize(edge)).toEqual([
      'forget kubernetes_manifest',
      'import-if-exists kubernetes_manifest',
    ]);
    const created = edge.find((c) => c.action === 'import-if-exists')?.address;
    const adopt = (after['prod-edge-demo-edge'].import as Json[]).find((i) => i.to === created);
    expect(adopt?.for_each).toContain(
      'apiVersion=gateway.k8s.aws/v1,kind=LoadBalancerConfiguration,namespace=gateway-system,name=public',
    );
  });
});

describe('a rollback from v3.5.0 to v2.17.1', () => {
  const [before, after] = [withVersion('v3.5.0'), withVersion('v2.17.1')];

  it('deletes no CRD: the ones the older Gateway API lacks are released, with every object of their kinds kept', () => {
    const changes = planChanges(before, after).filter((c) => c.type === 'kubernetes_manifest');
    expect(changes.filter((c) => ['replace', 'delete'].includes(c.action))).toEqual([]);
    const released = changes.filter((c) => c.action === 'forget').map((c) => c.address);
    for (const name of [
      'backendtlspolicies',
      'listenersets',
      'tcproutes',
      'tlsroutes',
      'udproutes',
      'safe-upgrades',
    ]) {
      const count = released.filter((address) => address.includes(name)).length;
      expect([name, count]).toEqual([name, name === 'safe-upgrades' ? 2 : 1]);
    }
  });

  it('keeps the newer Gateway API release on request (gatewayApi.version), so no CRD is downgraded', () => {
    const kept = withVersion('v2.17.1', (raw) => (raw.clusters[0].gatewayApi.version = 'v1.6.0'));
    const crdChanges = planChanges(before, kept).filter(
      (c) =>
        c.type === 'kubernetes_manifest' &&
        c.stack === 'prod-edge-demo' &&
        c.address.includes('gateway-api-crds_standard'),
    );
    expect(crdChanges).toEqual([]);
    expect(configIssues((raw) => (raw.clusters[0].gatewayApi.version = 'v1.3.0'))).toContainEqual(
      'clusters[0].gatewayApi.version: v1.3.0 is older than the v1.6.0 the controller needs',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Turning Gateway API off, and deleting CRDs only when asked

/** The precondition's expression with the live GatewayClass (or other) objects put in. */
function withLiveObjects(expression: string, kind: string, objects: Json[]): string {
  const lookup = new RegExp(`data\\.kubernetes_resources\\.live-${kind}_objects_[0-9A-F]{8}`, 'g');
  return expression.replace(lookup, JSON.stringify([{ objects }]));
}
const gatewayClass = (name: string, controllerName: string) => ({
  metadata: { name },
  spec: { controllerName },
});
const preconditions = (resource: Json): { condition: string; error_message: string }[] =>
  resource.lifecycle?.precondition ?? [];
const inner = (interpolation: string) => interpolation.slice(2, -1);
/** A CRD whose type differs from the others' (free-form schema parts): the lookups must cope. */
const differentShape = [
  {
    metadata: { name: 'other.example.com', labels: { team: 'x' } },
    spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object' } } }] },
  },
];

describe("the controller's Gateway API feature gates", () => {
  const gatesOf = (tf: Json) =>
    parse(resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release').values[0])
      .controllerConfig?.featureGates;

  it.each(['v2.13.4', 'v3.1.0', 'v3.5.0'])(
    'are set explicitly on %s, so no upgrade turns Gateway support on or off by itself',
    (version) => {
      const off = withVersion(version, noGateway)['prod-edge-demo'];
      expect(gatesOf(off)).toEqual({ ALBGatewayAPI: false, NLBGatewayAPI: false });
    },
  );

  it('follow gatewayApi: ALB on with it, NLB only with gatewayApi.nlb', () => {
    const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
    expect(gatesOf(tf)).toEqual({ ALBGatewayAPI: true, NLBGatewayAPI: false });
    const nlb = synthesize(configWith((raw) => (raw.clusters[0].gatewayApi.nlb = true)));
    expect(gatesOf(nlb['prod-edge-demo'])).toEqual({ ALBGatewayAPI: true, NLBGatewayAPI: true });
  });

  const off = withVersion('v3.5.0', noGateway)['prod-edge-demo'];
  const release = resourceAt(off, 'helm_release', 'aws-load-balancer-controller/release');
  const guardOf = (tf: Json, gate: string) => {
    const r = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
    const found = preconditions(r).find((p) => p.error_message.includes(`with ${gate} off`));
    if (!found) throw new Error(`no check for ${gate}`);
    return found;
  };

  it('stop the plan that turns a gate off while GatewayClasses of its controller exist, naming what to deploy first', () => {
    expect(
      preconditions(release).filter((p) => p.error_message.includes('GatewayAPI off')),
    ).toHaveLength(2);
    expect(guardOf(off, 'ALBGatewayAPI').error_message).toMatch(
      /GatewayClasses of gateway\.k8s\.aws\/alb exist: .*deploy the edge stack before this one \(npx cdktf deploy prod-edge-demo-edge --ignore-missing-stack-dependencies\)/,
    );
    const on = synthesize(configWith(() => undefined))['prod-edge-demo'];
    expect(
      preconditions(resourceAt(on, 'helm_release', 'aws-load-balancer-controller/release')).filter(
        (p) => p.error_message.includes('GatewayAPI off'),
      ),
    ).toHaveLength(1);
    expect(guardOf(on, 'NLBGatewayAPI')).toBeDefined();
  });

  it('read GatewayClasses only where their CRD exists (a lookup of an unknown kind fails the plan)', () => {
    const lookup = resourceAt(off, 'kubernetes_resources', 'live-gatewayclass/objects');
    expect(resourceAt(off, 'kubernetes_resources', 'live-gatewayclass/definition')).toMatchObject({
      kind: 'CustomResourceDefinition',
      field_selector: 'metadata.name=gatewayclasses.gateway.networking.k8s.io',
    });
    expect(lookup).toMatchObject({
      api_version: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
    });
    if (!has(TERRAFORM)) return;
    const count = (definitions: Json | null) =>
      terraformEval(
        inner(lookup.count).replace(
          /data\.kubernetes_resources\.live-gatewayclass_definition_[0-9A-F]{8}\.objects/g,
          JSON.stringify(definitions),
        ),
      );
    expect([count(null), count([]), count([{ metadata: { name: 'x' } }])]).toEqual([0, 0, 1]);
  });

  withTerraform('let the plan through only when no GatewayClass of that controller is left', () => {
    const condition = inner(guardOf(off, 'ALBGatewayAPI').condition);
    const holds = (objects: Json[]) =>
      terraformEval(withLiveObjects(condition, 'gatewayclass', objects));
    expect(holds([])).toBe(true);
    expect(holds([gatewayClass('istio', 'istio.io/gateway-controller')])).toBe(true);
    expect(holds([gatewayClass('public-alb', 'gateway.k8s.aws/alb')])).toBe(false);
    // GatewayClasses of different shapes (one with a status) in one cluster.
    expect(
      holds([
        { ...gatewayClass('istio', 'istio.io/gateway-controller'), status: { conditions: [] } },
        gatewayClass('public-alb', 'gateway.k8s.aws/alb'),
      ]),
    ).toBe(false);
    const message = withLiveObjects(
      `"${guardOf(off, 'ALBGatewayAPI').error_message}"`,
      'gatewayclass',
      [gatewayClass('public-alb', 'gateway.k8s.aws/alb'), gatewayClass('b', 'gateway.k8s.aws/alb')],
    );
    expect(terraformEval(message)).toMatch(/exist: public-alb, b\. Their Gateways/);
  });
});

describe('CRDs no longer needed', () => {
  const gatewayOff = (unusedCrds?: string) =>
    synthesize(
      configWith((raw) => {
        noGateway(raw);
        if (unusedCrds) raw.clusters[0].unusedCrds = unusedCrds;
      }),
    );
  const before = synthesize(configWith(() => undefined));

  it('are released by default: no CRD is deleted and no deletion check is made', () => {
    const changes = planChanges(before, gatewayOff());
    const crds = changes.filter(
      (c) => c.stack === 'prod-edge-demo' && c.type === 'kubernetes_manifest',
    );
    expect(summarize(crds)).toEqual(['forget kubernetes_manifest ×15']);
    expect(gatewayOff()['prod-edge-demo'].data.terraform_data).toBeUndefined();
  });

  it('are deleted with unusedCrds: delete, after a check that no GatewayClass is left', () => {
    const after = gatewayOff('delete');
    const crds = planChanges(before, after).filter(
      (c) => c.stack === 'prod-edge-demo' && c.type === 'kubernetes_manifest',
    );
    expect(summarize(crds)).toEqual(['delete kubernetes_manifest ×15']);
    const guard = resourceAt(after['prod-edge-demo'], 'terraform_data', 'crd-deletion-guard');
    expect(preconditions(guard).map((p) => p.error_message)).toEqual([
      expect.stringMatching(
        /^unusedCrds is delete and the gatewayclasses\.gateway\.networking\.k8s\.io CRD is no longer needed, but GatewayClass objects exist: .* deploy the edge stack before this one/,
      ),
    ]);
  });

  withTerraform('the deletion check stops the plan while any GatewayClass exists', () => {
    const guard = resourceAt(
      gatewayOff('delete')['prod-edge-demo'],
      'terraform_data',
      'crd-deletion-guard',
    );
    const condition = inner(preconditions(guard)[0].condition);
    const holds = (objects: Json[]) =>
      terraformEval(withLiveObjects(condition, 'gatewayclass', objects));
    expect(holds([])).toBe(true);
    expect(holds([gatewayClass('istio', 'istio.io/gateway-controller')])).toBe(false);
  });

  it("check IngressClassParams too when the controller (and so its chart's CRDs) goes", () => {
    const noController = synthesize(
      configWith((raw) => {
        noGateway(raw);
        delete raw.clusters[0].albGroups;
        delete raw.clusters[0].accessLogs;
        raw.clusters[0].loadBalancerController = { enabled: false };
        raw.clusters[0].unusedCrds = 'delete';
      }),
    )['prod-edge-demo'];
    const guard = resourceAt(noController, 'terraform_data', 'crd-deletion-guard');
    expect(preconditions(guard).map((p) => p.error_message.split(' CRD ')[0])).toEqual([
      'unusedCrds is delete and the ingressclassparams.elbv2.k8s.aws',
      'unusedCrds is delete and the gatewayclasses.gateway.networking.k8s.io',
    ]);
    expect(
      resourceAt(noController, 'kubernetes_resources', 'live-ingressclassparams/objects'),
    ).toMatchObject({ api_version: 'elbv2.k8s.aws/v1beta1', kind: 'IngressClassParams' });
  });
});

describe('objects of earlier versions of this project', () => {
  it('move from the for_each resources of the CRD bundles to one resource per object', () => {
    const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
    const moved: Json[] = tf.moved ?? [];
    for (const legacy of [
      'gateway-api-crds_gateway-api_34D4FF4A',
      'gateway-api-crds_lbc-gateway_55EAD694',
    ]) {
      // The addresses earlier versions gave the CRD bundles (pinned in __tests__/fixtures until then).
      const fromLegacy = moved.filter((m) => m.from.startsWith(`kubernetes_manifest.${legacy}[`));
      expect(fromLegacy.length).toBeGreaterThanOrEqual(3);
    }
    expect(moved).toContainEqual({
      from: 'kubernetes_manifest.gateway-api-crds_gateway-api_34D4FF4A["CustomResourceDefinition/httproutes.gateway.networking.k8s.io"]',
      to: expect.stringMatching(
        /^kubernetes_manifest\.gateway-api-crds_standard_customresourcedefinition-httproutes/,
      ),
    });
  });
});

describe('ExternalDNS sources against the Gateway API the cluster gets', () => {
  it('refuses a route source whose API version the standard channel does not serve (ExternalDNS would not start)', () => {
    const issues = configIssues((raw) =>
      raw.clusters[0].externalDns[0].sources.push('gateway-tlsroute'),
    );
    expect(issues).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.sources: gateway-tlsroute: ExternalDNS v0\.21\.0 \(chart 1\.21\.1\) watches tlsroutes v1alpha2, which the standard channel of Gateway API v1\.6\.0 does not serve; it would not start\. Gateway API sources that work: gateway-httproute, gateway-grpcroute$/,
      ),
    );
  });

  it('starts an instance with Gateway API sources only after the Gateway API CRDs', () => {
    const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
    const release = resourceAt(tf, 'helm_release', 'external-dns-public/release');
    const httproutes = resources(tf, 'kubernetes_manifest').find((m) =>
      m['//'].metadata.path.includes('httproutes'),
    );
    expect(release.depends_on).toContain(addressOf(tf, 'kubernetes_manifest', httproutes as Json));
  });
});

describe('the controller chart values', () => {
  const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
  const values = (release: string) =>
    parse(resourceAt(tf, 'helm_release', `${release}/release`).values[0]);

  it('have a disruption budget by default, which the user may replace (never merged into one Kubernetes refuses)', () => {
    expect(values('aws-load-balancer-controller').podDisruptionBudget).toEqual({
      maxUnavailable: 1,
    });
    const changed = synthesize(
      configWith(
        (raw) =>
          (raw.clusters[0].loadBalancerController.values = {
            podDisruptionBudget: { minAvailable: 1 },
          }),
      ),
    )['prod-edge-demo'];
    expect(
      parse(resourceAt(changed, 'helm_release', 'aws-load-balancer-controller/release').values[0])
        .podDisruptionBudget,
    ).toEqual({ minAvailable: 1 });
  });

  it('set the ExternalDNS annotation prefix explicitly, so a chart upgrade cannot change which annotations count', () => {
    expect(values('external-dns-public').annotationPrefix).toBe(
      'external-dns.alpha.kubernetes.io/',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The destroy guard, run against a stand-in `aws` command

/**
 * Runs the guard with a stand-in `aws` (its tag lookup answers `listed`) and, when `objects` is
 * given, a stand-in `kubectl` that answers `<namespace>/<name> <finalizers>` lines per kind.
 */
function runGuard(
  listed: string,
  env: Record<string, string> = {},
  objects?: Record<string, string>,
): { status: number | null; out: string; calls: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-guard-'));
  try {
    writeFileSync(join(dir, 'listed.txt'), listed);
    writeFileSync(
      join(dir, 'aws'),
      [
        '#!/bin/sh',
        `echo "$*" >> "${dir}/calls.txt"`,
        'case "$1 $2" in',
        '  sts*) echo "AKIA SECRET TOKEN" ;;',
        `  resourcegroupstaggingapi*) cat "${dir}/listed.txt" ;;`,
        '  eks*) [ -n "${FAIL_EKS:-}" ] && exit 254 ;;',
        'esac',
        'case "$1 $2" in',
        '  "eks get-token") echo k8s-aws-v1.token ;;',
        '  "eks describe-cluster") case "$*" in',
        '    *endpoint*) echo https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com ;;',
        '    *) printf %s "-----BEGIN CERTIFICATE-----" | base64 ;;',
        '  esac ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(dir, 'aws'), 0o755);
    if (objects) {
      // `error: …` makes kubectl fail for that kind, with that message.
      for (const [kind, lines] of Object.entries(objects))
        writeFileSync(
          join(dir, `${lines.startsWith('error: ') ? 'error' : 'objects'}-${kind}.txt`),
          lines,
        );
      writeFileSync(
        join(dir, 'kubectl'),
        [
          '#!/bin/sh',
          `echo "kubectl $*" >> "${dir}/calls.txt"`,
          `[ -n "\${KUBECONFIG_SEEN:-}" ] && cat "$2" >> "${dir}/calls.txt"`,
          'for arg in "$@"; do',
          `  [ -f "${dir}/error-$arg.txt" ] && { cat "${dir}/error-$arg.txt" >&2; exit 1; }`,
          `  [ -f "${dir}/objects-$arg.txt" ] && cat "${dir}/objects-$arg.txt"`,
          'done',
          'exit 0',
          '',
        ].join('\n'),
      );
      chmodSync(join(dir, 'kubectl'), 0o755);
    }
    // Only the tools the script may use: no kubectl of this machine, whatever is installed.
    const tools = join(dir, 'tools');
    mkdirSync(tools);
    for (const tool of ['base64', 'cat', 'grep', 'mktemp', 'rm', 'sed', 'sleep']) {
      const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
      symlinkSync(found.stdout.trim(), join(tools, tool));
    }
    const run = spawnSync('/bin/sh', ['-c', DESTROY_GUARD_SCRIPT], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${tools}`,
        CLUSTER: 'edge-demo',
        REGION: 'eu-west-1',
        WAIT_SECONDS: '0',
        ...env,
      },
    });
    let calls = '';
    try {
      calls = readFileSync(join(dir, 'calls.txt'), 'utf8');
    } catch {
      calls = '';
    }
    return { status: run.status, out: `${run.stdout}${run.stderr}`, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LEFT =
  'arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-public-1/abc\tingress.k8s.aws/stack=public\n' +
  'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-shop-web/def\tservice.k8s.aws/stack=shop/web\n';

describe('the destroy guard', () => {
  it('lets the destroy go on when the controller owns nothing in the cluster any more', () => {
    const run = runGuard('');
    expect(run.status).toBe(0);
    expect(run.out).toContain('no load balancer or target group of cluster edge-demo is left');
    expect(run.calls).toContain('--tag-filters Key=elbv2.k8s.aws/cluster,Values=edge-demo');
    expect(run.calls).toContain('--region eu-west-1');
  });

  it('stops the destroy while load balancers or target groups are left, naming them and the objects that own them', () => {
    const run = runGuard(LEFT);
    expect(run.status).toBe(1);
    expect(run.out).toContain('loadbalancer/app/k8s-public-1/abc\tingress.k8s.aws/stack=public');
    expect(run.out).toContain('targetgroup/k8s-shop-web/def\tservice.k8s.aws/stack=shop/web');
    expect(run.out).toContain(
      'delete the Ingresses, Services of type LoadBalancer and Gateways above',
    );
  });

  it('leaves them behind only with acceptOrphansOnDestroy, saying so', () => {
    const run = runGuard(LEFT, { ACCEPT_ORPHANS: 'true' });
    expect(run.status).toBe(0);
    expect(run.out).toContain('acceptOrphansOnDestroy is true');
  });

  it('stops the destroy while Ingresses, Services or Gateways still carry its finalizers, where kubectl is installed', () => {
    const run = runGuard(
      '',
      {},
      {
        'ingresses.networking.k8s.io':
          'shop/web ["group.ingress.k8s.aws/public"]\nshop/plain ["example.com/other"]\n',
        services: 'shop/api ["service.k8s.aws/resources"]\n',
        'gateways.gateway.networking.k8s.io': 'gateway-system/public ["gateway.k8s.aws/alb"]\n',
      },
    );
    expect(run.status).toBe(1);
    expect(run.out).toContain('ingresses.networking.k8s.io shop/web');
    expect(run.out).toContain('services shop/api');
    expect(run.out).toContain('gateways.gateway.networking.k8s.io gateway-system/public');
    expect(run.out).not.toContain('shop/plain');
    expect(run.calls).toContain('eks get-token --region eu-west-1 --cluster-name edge-demo');
    // Its own kubeconfig: the token is in no command line.
    expect(run.calls).toMatch(/kubectl --kubeconfig \S+ --request-timeout=10s get /);
    expect(run.calls).not.toContain('k8s-aws-v1.token');
  });

  it('writes the kubeconfig with the cluster endpoint, its authority and the token', () => {
    const run = runGuard('', { KUBECONFIG_SEEN: '1' }, {});
    expect(run.calls).toContain('server: https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com');
    expect(run.calls).toContain('token: k8s-aws-v1.token');
    expect(run.calls).toMatch(/certificate-authority-data: \S+/);
  });

  it('says so, and checks AWS only, when the cluster cannot be listed', () => {
    const denied = runGuard('', {}, { 'ingresses.networking.k8s.io': 'error: Unauthorized\n' });
    expect(denied.status).toBe(0);
    expect(denied.out).toContain(
      'eks-edge: kubectl could not list ingresses.networking.k8s.io (error: Unauthorized): the Kubernetes objects the controller manages are not checked',
    );
    const unreachable = runGuard('', { FAIL_EKS: '1' }, {});
    expect(unreachable.status).toBe(0);
    expect(unreachable.out).toContain('the cluster could not be reached with aws eks');
    // Still stopped by what is left in AWS.
    expect(runGuard(LEFT, { FAIL_EKS: '1' }, {}).status).toBe(1);
  });

  it('skips a kind the cluster does not serve (no Gateway API)', () => {
    const run = runGuard(
      '',
      {},
      {
        'gateways.gateway.networking.k8s.io':
          'error: the server doesn\'t have a resource type "gateways"\n',
        services: 'shop/api ["service.k8s.aws/resources"]\n',
      },
    );
    expect(run.status).toBe(1);
    expect(run.out).toContain('services shop/api');
    expect(run.out).not.toContain('could not list');
  });

  it('says when kubectl is missing that only the AWS resources were checked', () => {
    expect(runGuard('').out).toContain('kubectl is not installed');
    const checked = runGuard('', {}, {});
    expect(checked.status).toBe(0);
    expect(checked.out).not.toContain('kubectl is not installed');
  });

  it("uses the stack's role for the AWS CLI", () => {
    const run = runGuard('', { ROLE_ARN: 'arn:aws:iam::111122223333:role/terraform' });
    expect(run.calls).toContain(
      'sts assume-role --role-arn arn:aws:iam::111122223333:role/terraform',
    );
  });

  it('runs before the controller is destroyed, with the script Terraform hands to the shell unchanged', () => {
    const tf = synthesize(configWith(() => undefined))['prod-edge-demo'];
    const guard = resourceAt(tf, 'terraform_data', 'aws-load-balancer-controller/destroy-guard');
    expect(guard.depends_on).toEqual([
      addressOf(
        tf,
        'helm_release',
        resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release'),
      ),
    ]);
    const [{ 'local-exec': exec }] = guard.provisioner;
    expect(exec).toMatchObject({ when: 'destroy', interpreter: ['/bin/sh', '-c'] });
    expect(guard.input).toEqual({
      cluster: 'edge-demo',
      region: 'eu-west-1',
      role_arn: '',
      profile: '',
      accept_orphans: 'false',
    });
    const rendered = terraformEval(JSON.stringify(exec.command));
    if (rendered !== undefined) expect(rendered).toBe(DESTROY_GUARD_SCRIPT);
  });
});

describe('the destroy guard of a controller the configuration turns off', () => {
  const disabled = (acceptOrphans = false) =>
    synthesize(
      configWith((raw) => {
        noGateway(raw);
        delete raw.clusters[0].albGroups;
        delete raw.clusters[0].accessLogs;
        raw.clusters[0].loadBalancerController = {
          enabled: false,
          acceptOrphansOnDestroy: acceptOrphans,
        };
      }),
    )['prod-edge-demo'];
  const enabled = synthesize(configWith(() => undefined))['prod-edge-demo'];
  const guardAddress = addressOf(
    enabled,
    'terraform_data',
    resourceAt(enabled, 'terraform_data', 'aws-load-balancer-controller/destroy-guard'),
  );
  const removedGuard = (tf: Json) =>
    (tf.removed as Json[]).find((block) => block.from === guardAddress);

  it('still runs, from a removed block at the address the guard had', () => {
    const block = removedGuard(disabled()) as Json;
    expect(block.lifecycle).toEqual({ destroy: true });
    const [{ 'local-exec': exec }] = block.provisioner;
    expect(exec).toMatchObject({ when: 'destroy', interpreter: ['/bin/sh', '-c'] });
    expect(exec.environment).toMatchObject({
      CLUSTER: '${self.input.cluster}',
      ACCEPT_ORPHANS: 'false',
    });
    expect(
      removedGuard(disabled(true))?.provisioner[0]['local-exec'].environment.ACCEPT_ORPHANS,
    ).toBe('true');
  });

  withTerraform('stops Terraform from removing the controller while it owns load balancers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-edge-removed-guard-'));
    try {
      const guard = resourceAt(
        enabled,
        'terraform_data',
        'aws-load-balancer-controller/destroy-guard',
      );
      const name = guardAddress.split('.')[1];
      // Alone: the release it depends on is not part of this run.
      const standalone = { ...guard, depends_on: undefined };
      writeFileSync(
        join(dir, 'aws'),
        `#!/bin/sh\ncase "$1" in\n  resourcegroupstaggingapi) printf '${LEFT.replace(/\n/g, '\\n').replace(/\t/g, '\\t')}' ;;\nesac\n`,
      );
      chmodSync(join(dir, 'aws'), 0o755);
      // A kubectl that sees no objects: this machine's is never asked.
      writeFileSync(join(dir, 'kubectl'), '#!/bin/sh\nexit 0\n');
      chmodSync(join(dir, 'kubectl'), 0o755);
      const env = {
        ...process.env,
        PATH: `${dir}:${process.env.PATH}`,
        TF_CLI_CONFIG_FILE: '/dev/null',
        CHECKPOINT_DISABLE: '1',
        WAIT_SECONDS: '0',
      };
      const run = (config: Json) => {
        writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config));
        return spawnSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], {
          cwd: dir,
          encoding: 'utf8',
          env,
        });
      };
      expect(run({ resource: { terraform_data: { [name]: standalone } } }).status).toBe(0);
      const removal = run({ removed: [removedGuard(disabled())] });
      expect(removal.status).not.toBe(0);
      expect(`${removal.stdout}${removal.stderr}`).toContain(
        'still owns (resource, owning object)',
      );
      const accepted = run({ removed: [removedGuard(disabled(true))] });
      expect(`${accepted.stdout}${accepted.stderr}`).toContain('acceptOrphansOnDestroy is true');
      expect(accepted.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CRDs of a configuration without a known controller version', () => {
  const outsideCatalog =
    (extra: Json = {}) =>
    (raw: Json) => {
      noGateway(raw);
      Object.assign(raw.clusters[0].loadBalancerController, {
        version: 'v3.6.0',
        policySha256: 'a'.repeat(64),
        ...extra,
      });
    };

  it('manages the chart CRDs of a controller outside the catalog, pinned by the sha256 the user sets', () => {
    const config = configWith(outsideCatalog({ chartCrdsSha256: 'b'.repeat(64) }));
    const tf = synthesize(config)['prod-edge-demo'];
    const crdFile = resourceAt(tf, 'http', 'controller-crds/file-crds');
    expect(crdFile.url).toBe(
      'https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.6.0/helm/aws-load-balancer-controller/crds/crds.yaml',
    );
    expect(JSON.stringify(crdFile.lifecycle.postcondition)).toContain('b'.repeat(64));
    expect(dataSources(tf, 'http').length).toBeGreaterThan(0);
    const crdNames = Object.keys(tf.resource.kubernetes_manifest).filter((a) =>
      a.startsWith('controller-crds_customresourcedefinition-'),
    );
    expect(crdNames).toHaveLength(4);
    // Said at every synth: what runs without the catalog's checks.
    expect(config.warnings).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.loadBalancerController\.version: v3\.6\.0 is outside the built-in catalog \(v2\.13\.4 – v3\.5\.0\): .*the CRDs applied are the ones v3\.5\.0 knows of .*; Gateway API is not available; feature gates set in values are not checked against the release$/,
      ),
    ]);
  });

  it('refuses a controller outside the catalog without the sha256 of its chart CRDs, naming the file', () => {
    expect(configIssues(outsideCatalog())).toEqual([
      "clusters[0].loadBalancerController.chartCrdsSha256: controller version v3.6.0 is not in the built-in catalog; set chartCrdsSha256 to the sha256 of helm/aws-load-balancer-controller/crds/crds.yaml at tag v3.6.0 (Helm never upgrades the chart's CRDs, so this project applies them from that file), or choose a catalogued version",
    ]);
  });

  it('synthesizes the deletion check also for a cluster with no workload at all', () => {
    const tf = synthesize(
      configWith((raw) => {
        noGateway(raw);
        delete raw.clusters[0].albGroups;
        delete raw.clusters[0].accessLogs;
        raw.clusters[0].externalDns = [];
        raw.clusters[0].loadBalancerController = { enabled: false };
        raw.clusters[0].unusedCrds = 'delete';
      }),
    )['prod-edge-demo'];
    expect(tf.provider.kubernetes).toBeDefined();
    expect(resourceAt(tf, 'terraform_data', 'crd-deletion-guard')).toBeDefined();
  });
});

it('the example configurations keep their Gateway API sources valid', () => {
  expect(() => configWith(() => undefined, exampleRaw())).not.toThrow();
});

describe('feature gates set by hand in the chart values', () => {
  const withGates = (version: string, featureGates: Json) => (raw: Json) =>
    Object.assign(raw.clusters[0].loadBalancerController, {
      version,
      values: { controllerConfig: { featureGates } },
    });

  it("pass where the release knows them, and reach the chart's values", () => {
    const gates = { EnableServiceController: false, IngressPlanAnnotation: true };
    const tf = synthesizeCluster(configWith(withGates('v3.5.0', gates)));
    const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
    expect(parse(release.values[0]).controllerConfig.featureGates).toMatchObject(gates);
  });

  it('are refused where the release does not know them, also one it lost', () => {
    expect(configIssues(withGates('v3.3.0', { IngressPlanAnnotation: true }))).toContainEqual(
      expect.stringContaining('IngressPlanAnnotation is a gate of v3.4.0 and later'),
    );
    expect(configIssues(withGates('v2.17.0', { AGAController: true }))).toContainEqual(
      expect.stringContaining('AGAController is a gate of v2.14.1 to v2.16.0'),
    );
  });
});
