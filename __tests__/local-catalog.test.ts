/**
 * A local catalog next to the configuration (`localCatalog`): a controller release newer than the
 * built-in catalog runs with every check a catalogued one gets (its checksums, Gateway API and
 * feature gates from the entry), every synth says where the version comes from, and the file is
 * validated like the rest of the configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { lbcFeatureGates } from '../catalog/aws-load-balancer-controller';
import { ConfigError, loadConfig, validateConfig } from '../config/load';
import type { ResolvedConfig } from '../config/model';
import { coreExampleRaw, resourceAt, synthesize } from './helpers';
import type { Json } from './helpers';

const TAG = 'v3.6.0';
const ENTRY = {
  chart: '3.6.0',
  gatewayApi: 'v1.6.0',
  gatewayCrds: 'a'.repeat(64),
  chartCrds: 'b'.repeat(64),
  policies: { 'iam_policy.json': 'c'.repeat(64) },
  featureGates: [...lbcFeatureGates('v3.5.0')!, 'ListenerRuleTransforms'],
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eks-edge-local-catalog-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The minimal example on `TAG`, with `catalog` as its local catalog file, loaded from disk. */
function load(catalog: unknown, change: (raw: Json) => void = () => undefined): ResolvedConfig {
  const raw = coreExampleRaw();
  raw.localCatalog = 'catalog.local.yaml';
  raw.clusters[0].loadBalancerController.version = TAG;
  change(raw);
  writeFileSync(join(dir, 'catalog.local.yaml'), stringify(catalog));
  writeFileSync(join(dir, 'eks-edge.yaml'), stringify(raw));
  return loadConfig(join(dir, 'eks-edge.yaml'));
}
const problems = (catalog: unknown, change?: (raw: Json) => void): string[] => {
  try {
    load(catalog, change);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('a local catalog', () => {
  const catalog = { loadBalancerController: { [TAG]: ENTRY } };

  it("pins the release by the entry's checksums, with the Gateway API and gates it names", () => {
    const config = load(catalog);
    const [cluster] = config.clusters;
    const release = cluster.loadBalancerController!.release;
    expect(release.policy).toEqual({
      file: 'iam_policy.json',
      url: `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${TAG}/docs/install/iam_policy.json`,
      sha256: 'c'.repeat(64),
    });
    expect(release.chartCrds.sha256).toBe('b'.repeat(64));
    expect(release.chart.version).toBe('3.6.0');
    expect(release.cataloguedAs).toBeUndefined();
    expect(release.gatewayApi?.gatewayApi.version).toBe('v1.6.0');
    expect(release.gatewayApi?.lbcCrds.sha256).toBe('a'.repeat(64));
    expect(config.warnings).toContainEqual(
      `clusters[0].loadBalancerController.version: ${TAG} comes from the local catalog catalog.local.yaml, not the built-in one (v2.13.4 – v3.5.0): its checksums, Gateway API release and feature gates are the ones written there`,
    );
    expect(config.warnings.join('\n')).not.toContain('outside the built-in catalog');
    const tf = synthesize(config)[cluster.stackName];
    const download = resourceAt(tf, 'http', 'aws-load-balancer-controller/iam/controller/document');
    expect(download.lifecycle.postcondition[1].condition).toContain('c'.repeat(64));
  });

  it('checks feature gates set by hand against the gates of the entry', () => {
    const gates = (featureGates: Json) => (raw: Json) =>
      (raw.clusters[0].loadBalancerController.values = { controllerConfig: { featureGates } });
    expect(() => load(catalog, gates({ ListenerRuleTransforms: true }))).not.toThrow();
    expect(
      problems(
        {
          loadBalancerController: {
            [TAG]: { ...ENTRY, featureGates: ['ALBGatewayAPI', 'NLBGatewayAPI'] },
          },
        },
        gates({ EnableRGTAPI: true }),
      ),
    ).toEqual([
      `clusters[0].loadBalancerController.values.controllerConfig.featureGates.EnableRGTAPI: is not a feature gate of controller ${TAG}, which would refuse to start ("unknown feature"): EnableRGTAPI is a gate of v2.13.4 and later`,
    ]);
  });

  it('refuses the checksum settings for a version it has', () => {
    expect(
      problems(
        catalog,
        (raw) => (raw.clusters[0].loadBalancerController.policySha256 = 'd'.repeat(64)),
      ),
    ).toEqual([
      `clusters[0].loadBalancerController.policySha256: is only for controller versions outside the catalog; ${TAG} is in the local catalog catalog.local.yaml, remove this setting`,
    ]);
  });

  it('is validated like the configuration, naming the file and the setting', () => {
    expect(
      problems({
        loadBalancerController: { [TAG]: { ...ENTRY, chartCrds: 'xyz', featureGates: [] } },
      }),
    ).toEqual([
      `localCatalog (catalog.local.yaml) loadBalancerController["${TAG}"].chartCrds: must be a sha256 checksum: 64 lower-case hex characters`,
      `localCatalog (catalog.local.yaml) loadBalancerController["${TAG}"].featureGates: list at least one feature gate`,
    ]);
    expect(
      problems({
        loadBalancerController: { 'v3.5.0': ENTRY, [TAG]: { ...ENTRY, gatewayApi: 'v1.9.0' } },
      }),
    ).toEqual([
      'localCatalog (catalog.local.yaml) loadBalancerController["v3.5.0"]: is in the built-in catalog: remove it from catalog.local.yaml',
      `localCatalog (catalog.local.yaml) loadBalancerController["${TAG}"].gatewayApi: v1.9.0 is not a catalogued Gateway API release (v1.3.0, v1.5.0, v1.5.1, v1.6.0, v1.6.1)`,
    ]);
  });

  it('must exist where the configuration says, and is read only from a file', () => {
    const raw = coreExampleRaw();
    raw.localCatalog = 'missing.yaml';
    writeFileSync(join(dir, 'eks-edge.yaml'), stringify(raw));
    expect(() => loadConfig(join(dir, 'eks-edge.yaml'))).toThrow(
      /missing\.yaml.*there is no such file/s,
    );
    expect(() => validateConfig(raw)).toThrow(
      /localCatalog: is read relative to the configuration file/,
    );
  });

  it('leaves a configuration without it as it was', () => {
    const raw = coreExampleRaw();
    writeFileSync(join(dir, 'eks-edge.yaml'), stringify(raw));
    expect(loadConfig(join(dir, 'eks-edge.yaml'))).toEqual(validateConfig(coreExampleRaw()));
  });
});

describe('an ExternalDNS chart in a local catalog', () => {
  const CHART = '1.22.0';
  const CHART_ENTRY = {
    appVersion: 'v0.22.0',
    defaultAnnotationPrefix: 'external-dns.kubernetes.io/',
    defaultManagedRecordTypes: ['A', 'AAAA'],
    gatewaySources: { 'gateway-httproute': { resource: 'httproutes', version: 'v1' } },
    dnsEndpointCrd: 'd'.repeat(64),
    templatedValues: [{ path: ['extraArgs', '*'] }],
  };
  const catalog = {
    loadBalancerController: { [TAG]: ENTRY },
    externalDnsCharts: { [CHART]: CHART_ENTRY },
  };
  /** The first instance on the local chart, with the crd source (whose CRD the chart pins). */
  const onChart = (raw: Json) => {
    const [instance] = raw.clusters[0].externalDns;
    instance.chartVersion = CHART;
    instance.sources = [...instance.sources, 'crd'];
  };

  it('runs with the facts of the entry, and every synth says so', () => {
    const config = load(catalog, onChart);
    const [instance] = config.clusters[0].externalDns;
    expect(instance.chart.version).toBe(CHART);
    expect(instance.dnsEndpointCrd).toMatchObject({
      url: `https://raw.githubusercontent.com/kubernetes-sigs/external-dns/external-dns-helm-chart-${CHART}/charts/external-dns/crds/dnsendpoints.externaldns.k8s.io.yaml`,
      sha256: 'd'.repeat(64),
    });
    expect(instance.templatedValues).toEqual([{ path: ['extraArgs', '*'] }]);
    expect(instance.managedTypes).toEqual(['A', 'AAAA']);
    expect(config.warnings).toContainEqual(
      `clusters[0].externalDns[0].chartVersion: ${CHART} comes from the local catalog catalog.local.yaml, not the built-in one (1.21.1): ExternalDNS v0.22.0, its defaults, what each source watches, the DNSEndpoint CRD's sha256 and the values it templates are the ones written there`,
    );
    const tf = synthesize(config)[config.clusters[0].stackName];
    const download = Object.values(tf.data.http as Json).find((d: Json) =>
      d.url.endsWith('/crds/dnsendpoints.externaldns.k8s.io.yaml'),
    );
    expect(JSON.stringify(download.lifecycle.postcondition)).toContain('d'.repeat(64));
    expect(resourceAt(tf, 'helm_release', `${instance.releaseName}/release`).version).toBe(CHART);
  });

  it('checks the sources against what the entry says they watch', () => {
    const gateway = (raw: Json) => {
      onChart(raw);
      raw.clusters[0].gatewayApi = { enabled: true };
      raw.clusters[0].externalDns[0].sources = ['gateway-httproute'];
    };
    expect(() => load(catalog, gateway)).not.toThrow();
    const alpha = { resource: 'httproutes', version: 'v1alpha2' };
    expect(
      problems(
        {
          ...catalog,
          externalDnsCharts: {
            [CHART]: { ...CHART_ENTRY, gatewaySources: { 'gateway-httproute': alpha } },
          },
        },
        gateway,
      ),
    ).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.sources: gateway-httproute: ExternalDNS v0\.22\.0 \(chart 1\.22\.0\) watches httproutes v1alpha2, which the standard channel of Gateway API v1\.6\.0 does not serve/,
      ),
    ]);
  });

  it('is validated, and refused where the built-in catalog has the chart', () => {
    expect(
      problems({
        ...catalog,
        externalDnsCharts: {
          '1.21.1': CHART_ENTRY,
          [CHART]: { ...CHART_ENTRY, appVersion: '0.22.0', defaultManagedRecordTypes: ['B'] },
        },
      }),
    ).toEqual([
      `localCatalog (catalog.local.yaml) externalDnsCharts["${CHART}"].appVersion: must be a release tag such as v0.22.0`,
      expect.stringMatching(
        new RegExp(
          `^localCatalog \\(catalog\\.local\\.yaml\\) externalDnsCharts\\["${CHART.replaceAll('.', '\\.')}"\\]\\.defaultManagedRecordTypes\\[0\\]: `,
        ),
      ),
    ]);
    expect(problems({ ...catalog, externalDnsCharts: { '1.21.1': CHART_ENTRY } })).toEqual([
      'localCatalog (catalog.local.yaml) externalDnsCharts["1.21.1"]: is in the built-in catalog: remove it from catalog.local.yaml',
    ]);
  });
});
