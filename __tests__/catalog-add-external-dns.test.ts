/**
 * `npm run catalog -- add external-dns-chart <version>` end to end, against a loopback server
 * standing in for raw.githubusercontent.com and the GitHub contents API, for a made-up catalogued
 * chart and its made-up successor (so the test needs no upstream copy). The entry is written into
 * a copy of catalog/external-dns.ts, which is then loaded and read back. Nothing reaches the
 * internet.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import * as manifestFiles from '../catalog/manifest-files';
import { externalDnsChartTag } from '../catalog/external-dns';
import type { ExternalDnsRelease } from '../catalog/external-dns';
import { localCatalogSchema } from '../config/schema/local-catalog';
import { EXTERNAL_DNS_REPOSITORY, addExternalDnsChart } from '../scripts/catalog-external-dns';
import { sha256 } from '../scripts/catalog-upstream';
import { fakeGitHub, loadCatalogFile, prettierCheck } from './catalog-files';

const PREVIOUS = '1.30.0';
const NEXT = '1.31.0';
const CRD_PATH = 'charts/external-dns/crds/dnsendpoints.externaldns.k8s.io.yaml';

const crdFile = (versions: string[]) =>
  stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'dnsendpoints.externaldns.k8s.io' },
    spec: {
      group: 'externaldns.k8s.io',
      versions: versions.map((name, i) => ({ name, served: true, storage: i === 0 })),
    },
  });

/** The deployment template's lines this project relies on: its flags and its `tpl` calls. */
const VALUE_FLAG_LINES = [
  'policy',
  'registry',
  'txt-owner-id',
  'domain-filter',
  'exclude-domains',
  'source',
  'annotation-filter',
  'annotation-prefix',
  'managed-record-types',
  'txt-prefix',
  'txt-suffix',
  'provider',
].map((flag) => `            - --${flag}={{ .Values.x }}`);
const deployment = (tplLines: string[]) =>
  [
    '{{- $providerName := tpl (include "external-dns.providerName" .) $ }}',
    ...VALUE_FLAG_LINES,
    ...tplLines,
  ].join('\n');

/** The files of a made-up chart release and of the ExternalDNS release it runs. */
function release(version: string, app: string) {
  return {
    chart: {
      'Chart.yaml': stringify({ apiVersion: 'v2', name: 'external-dns', version, appVersion: app }),
      [`crds/dnsendpoints.externaldns.k8s.io.yaml`]: crdFile(['v1alpha1']),
      'templates/deployment.yaml': deployment(['            - {{ tpl . $ | quote }}']),
      'templates/serviceaccount.yaml': '{{ toYaml (tpl $k $) }}: {{ toYaml (tpl $v $) }}',
      'templates/NOTES.txt': '{{ tpl "not a template the chart renders" $ }}',
      'values.schema.json': JSON.stringify({
        properties: { provider: {}, extraArgs: {}, txtOwnerId: {}, serviceAccount: {} },
      }),
    } as Record<string, string>,
    app: {
      'source/annotations/annotations.go':
        'const (\n\tDefaultAnnotationPrefix = "external-dns.alpha.kubernetes.io/"\n)',
      'pkg/apis/externaldns/types.go': [
        '\tManagedDNSRecordTypes: []string{endpoint.RecordTypeA, endpoint.RecordTypeCNAME},',
        ...[
          'zone-id-filter',
          'aws-zone-type',
          'aws-assume-role',
          'aws-assume-role-external-id',
          'migrate-from-txt-owner',
          'ingress-class',
          'gateway-label-filter',
        ].map((flag) => `\tb.StringVar("${flag}", "help", x, &cfg.X)`),
      ].join('\n'),
      'endpoint/endpoint.go':
        '\tRecordTypeA = "A"\n\tRecordTypeAAAA = "AAAA"\n\tRecordTypeCNAME = "CNAME"',
      'source/types/types.go':
        '\tGatewayHttpRoute Type = "gateway-httproute"\n\tGatewayTlsRoute Type = "gateway-tlsroute"',
      'source/gateway_httproute.go': 'return &informer{factory.Gateway().V1().HTTPRoutes()}',
      'source/gateway_tlsroute.go': 'return &informer{factory.Gateway().V1alpha2().TLSRoutes()}',
    } as Record<string, string>,
  };
}

/** Files by tag and path, as the server serves them. */
const served: Record<string, Record<string, string>> = {};
function serve(version: string, app: string, files = release(version, app)) {
  served[externalDnsChartTag(version)] = Object.fromEntries(
    Object.entries(files.chart).map(([path, body]) => [`charts/external-dns/${path}`, body]),
  );
  served[`v${app}`] = files.app;
  return files;
}

const github = fakeGitHub(EXTERNAL_DNS_REPOSITORY, (tag) => served[tag]);

let dir: string;
let catalogFile: string;
let next: ReturnType<typeof release>;
beforeEach(() => {
  for (const key of Object.keys(served)) delete served[key];
  serve(PREVIOUS, '0.30.0');
  next = release(NEXT, '0.31.0');
  next.app['source/annotations/annotations.go'] = next.app[
    'source/annotations/annotations.go'
  ].replace('alpha.', '');
  next.app['source/gateway_tlsroute.go'] = 'factory.Gateway().V1().TLSRoutes()';
  next.chart['crds/dnsendpoints.externaldns.k8s.io.yaml'] = crdFile(['v1alpha1', 'v1']);
  serve(NEXT, '0.31.0', next);
  dir = mkdtempSync(join(tmpdir(), 'eks-edge-external-dns-'));
  catalogFile = join(dir, 'external-dns.ts');
  copyFileSync(join(__dirname, '..', 'catalog', 'external-dns.ts'), catalogFile);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What the command derives from the files of `NEXT`, as `beforeEach` serves them. */
const DERIVED = {
  appVersion: 'v0.31.0',
  defaultAnnotationPrefix: 'external-dns.kubernetes.io/',
  defaultManagedRecordTypes: ['A', 'CNAME'],
  gatewaySources: {
    'gateway-httproute': { resource: 'httproutes', version: 'v1' },
    'gateway-tlsroute': { resource: 'tlsroutes', version: 'v1' },
  },
};
const TEMPLATED = [{ path: ['extraArgs', '*'] }, { path: ['a', '*'], keys: true }];
/** The made-up catalog: the previous chart with the sha256 of the CRD served for it. */
const catalogued = () => ({
  [PREVIOUS]: {
    dnsEndpointSha256: sha256(Buffer.from(served[externalDnsChartTag(PREVIOUS)][CRD_PATH])),
    templatedValues: TEMPLATED,
  },
});
const add = (version: string, recorded = catalogued()) =>
  addExternalDnsChart(version, {
    baseUrl: github.base,
    apiUrl: github.base,
    catalogFile,
    catalogued: recorded,
  });

describe('catalog add external-dns-chart', () => {
  it('derives every fact from the release and writes it in the catalog’s format', async () => {
    const result = await add(NEXT);
    expect(result.written).toBe(true);
    const written = loadCatalogFile<{
      externalDnsRelease: (v: string) => ExternalDnsRelease;
    }>(catalogFile, { './manifest-files': manifestFiles }).externalDnsRelease(NEXT);
    expect(written.catalogued).toBe(true);
    expect(written).toMatchObject({ ...DERIVED, templatedValues: TEMPLATED });
    expect(written.dnsEndpointCrd).toMatchObject({
      url: `https://raw.githubusercontent.com/kubernetes-sigs/external-dns/external-dns-helm-chart-${NEXT}/${CRD_PATH}`,
      sha256: sha256(Buffer.from(next.chart['crds/dnsendpoints.externaldns.k8s.io.yaml'])),
    });
    expect(result.report).toEqual(
      expect.arrayContaining([
        '  the default annotation prefix changed: external-dns.alpha.kubernetes.io/ → external-dns.kubernetes.io/ (instances without annotationPrefix read other annotations)',
        '  gateway-tlsroute now watches tlsroutes v1 (was tlsroutes v1alpha2)',
      ]),
    );
    expect(prettierCheck(catalogFile)).toEqual([0, '']);
  });

  it('writes a local catalog entry instead, which the configuration schema takes', async () => {
    const localFile = join(dir, 'catalog.local.yaml');
    const options = { baseUrl: github.base, apiUrl: github.base, catalogFile, localFile };
    const result = await addExternalDnsChart(NEXT, { ...options, catalogued: catalogued() });
    expect(result.report.at(-1)).toMatch(/^Next: name it in the configuration \(localCatalog: /);
    const written = localCatalogSchema.parse(parse(readFileSync(localFile, 'utf8')));
    expect(written.externalDnsCharts[NEXT]).toEqual({
      ...DERIVED,
      dnsEndpointCrd: sha256(Buffer.from(next.chart['crds/dnsendpoints.externaldns.k8s.io.yaml'])),
      templatedValues: TEMPLATED,
    });
    expect(readFileSync(catalogFile, 'utf8')).not.toContain(NEXT);
    await addExternalDnsChart(NEXT, { ...options, catalogued: catalogued() });
    next.app['source/gateway_tlsroute.go'] = 'factory.Gateway().V1alpha2().TLSRoutes()';
    await expect(
      addExternalDnsChart(NEXT, { ...options, catalogued: catalogued() }),
    ).rejects.toThrow(`${NEXT} is in ${localFile} with other facts than upstream has now`);
  });

  it('checks a catalogued chart instead, and refuses one whose tag moved', async () => {
    expect((await add(PREVIOUS)).written).toBe(false);
    const before = catalogued();
    served[externalDnsChartTag(PREVIOUS)][CRD_PATH] += '# moved\n';
    await expect(add(PREVIOUS, before)).rejects.toThrow(
      /^1\.30\.0 is catalogued, and .* changed since \(was [0-9a-f]{64}, is now [0-9a-f]{64}\): the tag moved$/,
    );
    await expect(add(NEXT, before)).rejects.toThrow(
      'the previous chart 1.30.0 no longer has its catalogued',
    );
  });

  it('refuses what the previous chart guaranteed and the next one drops', async () => {
    const dropping = release(NEXT, '0.31.0');
    dropping.chart['crds/dnsendpoints.externaldns.k8s.io.yaml'] = crdFile(['v1']);
    dropping.chart['values.schema.json'] = JSON.stringify({ properties: { provider: {} } });
    dropping.chart['templates/deployment.yaml'] = deployment([
      '            - {{ tpl . $ | quote }}',
    ]).replace('--txt-owner-id=', '--owner=');
    dropping.app['pkg/apis/externaldns/types.go'] = dropping.app[
      'pkg/apis/externaldns/types.go'
    ].replace('"ingress-class"', '"ingress-class-name"');
    dropping.app['source/types/types.go'] = 'GatewayHttpRoute Type = "gateway-httproute"';
    serve(NEXT, '0.31.0', dropping);
    const refusal = add(NEXT);
    for (const loss of [
      'dnsendpoints.externaldns.k8s.io no longer serves v1alpha1',
      'values.schema.json: the value extraArgs was dropped',
      'the source gateway-tlsroute was dropped',
      'templates/deployment.yaml no longer renders --txt-owner-id, which this project sets',
      'ExternalDNS v0.31.0 no longer defines --ingress-class, which this project sets',
    ])
      await expect(refusal).rejects.toThrow(loss);
    expect(readFileSync(catalogFile, 'utf8')).not.toContain(NEXT);
  });

  it('refuses other templating, a missing or tampered release, an older one and a non-version', async () => {
    const templating = release(NEXT, '0.31.0');
    templating.chart['templates/secret.yaml'] = '{{ $key }}: {{ tpl $value $ | b64enc }}';
    serve(NEXT, '0.31.0', templating);
    const refusal = add(NEXT);
    await expect(refusal).rejects.toThrow(
      '1.31.0 renders other values through tpl than 1.30.0; read the templates',
    );
    await expect(refusal).rejects.toThrow('new: secret.yaml: tpl $value $ | b64enc');
    served[externalDnsChartTag(NEXT)]['charts/external-dns/Chart.yaml'] = stringify({
      version: PREVIOUS,
      appVersion: '0.31.0',
    });
    await expect(add(NEXT)).rejects.toThrow(
      "Chart.yaml at external-dns-helm-chart-1.31.0 says version 1.30.0: not this release's file",
    );
    await expect(add('1.32.0')).rejects.toThrow(
      'charts/external-dns/Chart.yaml at external-dns-helm-chart-1.32.0: not found (HTTP 404)',
    );
    serve('1.29.0', '0.29.0');
    await expect(add('1.29.0')).rejects.toThrow(
      '1.29.0 is older than the newest catalogued chart 1.30.0: only newer releases are added',
    );
    await expect(add('main')).rejects.toThrow('main is not a chart version X.Y.Z');
    expect(readFileSync(catalogFile, 'utf8')).not.toContain(NEXT);
  });
});
