/**
 * ExternalDNS and its Helm chart, behind one lookup per chart version (`externalDnsRelease`).
 * Sources: kubernetes-sigs/external-dns at tag external-dns-helm-chart-1.21.1 (the chart) and at
 * v0.21.0 (the ExternalDNS release it runs). `npm run catalog -- add external-dns-chart <version>`
 * writes a new chart's row of RELEASES (scripts/catalog-external-dns.ts).
 */

import type { TemplatedValue } from './chart-templating';
import { crds } from './manifest-files';
import type { PinnedManifestFile } from './manifest-files';

export const EXTERNAL_DNS_CHART = {
  repository: 'https://kubernetes-sigs.github.io/external-dns/',
  name: 'external-dns',
} as const;

/** What one chart version runs, read at its tags. */
export interface ExternalDnsReleaseFacts {
  /** The ExternalDNS release the chart runs (`appVersion` of charts/external-dns/Chart.yaml). */
  readonly appVersion: string;
  /**
   * The annotation prefix it reads by default (`--annotation-prefix`, pkg/apis/externaldns/
   * types.go:543 and source/annotations/annotations.go:22 at v0.21.0). v0.22.0 changed the
   * default to `external-dns.kubernetes.io/`, without a fallback.
   */
  readonly defaultAnnotationPrefix: string;
  /** The record types it manages without `--managed-record-types` (types.go:323 at v0.21.0). */
  readonly defaultManagedRecordTypes: readonly string[];
  /**
   * What each Gateway API source watches, besides Gateways (v1) and Namespaces: source/gateway_
   * {httproute,grpcroute}.go use `V1()`, source/gateway_{tlsroute,tcproute,udproute}.go
   * `V1alpha2()`, at v0.21.0. An informer whose API version the cluster does not serve never
   * syncs, and ExternalDNS exits at start-up (source/gateway.go:217-230, controller/execute.go:
   * 93-95).
   */
  readonly gatewaySources: Readonly<Record<string, { resource: string; version: string }>>;
  /**
   * The DNSEndpoint CRD the `crd` source reads, from the chart's `crds/` folder: Helm installs it
   * on a release's first install and never upgrades it.
   */
  readonly dnsEndpointCrd: PinnedManifestFile;
  /** The values the chart renders through `tpl`. */
  readonly templatedValues: readonly TemplatedValue[];
}

/** The CRD of the `crd` source's DNSEndpoint objects. */
export const DNS_ENDPOINT_CRD = 'dnsendpoints.externaldns.k8s.io';

/** The tag of a chart release in kubernetes-sigs/external-dns. */
export const externalDnsChartTag = (chartVersion: string) =>
  `external-dns-helm-chart-${chartVersion}`;

/**
 * The chart's DNSEndpoint CRD file at its chart release tag, pinned by the sha256
 * of its bytes at the tag (git show <tag>:charts/external-dns/crds/<file> | sha256sum).
 */
export function dnsEndpointCrdFile(chartVersion: string, sha256: string): PinnedManifestFile {
  return {
    name: 'dnsendpoints',
    url: `https://raw.githubusercontent.com/kubernetes-sigs/external-dns/${externalDnsChartTag(chartVersion)}/charts/external-dns/crds/${DNS_ENDPOINT_CRD}.yaml`,
    sha256,
    documents: crds(DNS_ENDPOINT_CRD),
  };
}

const RELEASES: Readonly<Record<string, ExternalDnsReleaseFacts>> = {
  '1.21.1': {
    appVersion: 'v0.21.0',
    defaultAnnotationPrefix: 'external-dns.alpha.kubernetes.io/',
    defaultManagedRecordTypes: ['A', 'AAAA', 'CNAME'],
    gatewaySources: {
      'gateway-httproute': { resource: 'httproutes', version: 'v1' },
      'gateway-grpcroute': { resource: 'grpcroutes', version: 'v1' },
      'gateway-tlsroute': { resource: 'tlsroutes', version: 'v1alpha2' },
      'gateway-tcproute': { resource: 'tcproutes', version: 'v1alpha2' },
      'gateway-udproute': { resource: 'udproutes', version: 'v1alpha2' },
    },
    dnsEndpointCrd: dnsEndpointCrdFile(
      '1.21.1',
      '96f4383d550a04d7c78b3312edc6e0f9dab9777d8195ff4cfdc76a0ca9587bbe',
    ),
    // charts/external-dns/templates at the tag: deployment.yaml line 2 (provider), lines 144 and
    // 153 (extraArgs as a map, its lists), line 162 (extraArgs as a list), lines 34, 177 and 179
    // with secret.yaml line 11 (secretConfiguration), serviceaccount.yaml line 15 (annotations).
    templatedValues: [
      { path: ['provider'] },
      { path: ['provider', 'name'] },
      { path: ['extraArgs', '*'] },
      { path: ['extraArgs', '*', '*'] },
      { path: ['secretConfiguration', 'data', '*'] },
      { path: ['secretConfiguration', 'mountPath'] },
      { path: ['secretConfiguration', 'subPath'] },
      { path: ['serviceAccount', 'annotations', '*'], keys: true },
    ],
  },
};

export const DEFAULT_EXTERNAL_DNS_CHART_VERSION = '1.21.1';

export const CATALOGUED_EXTERNAL_DNS_CHARTS = Object.keys(RELEASES);

export interface ExternalDnsRelease extends ExternalDnsReleaseFacts {
  readonly chart: { readonly repository: string; readonly name: string; readonly version: string };
  /**
   * `true`: the facts were read at this chart version's tags (the built-in catalog's, or the
   * user's local catalog's). `false`: a chart version outside both, which the project passes
   * through unchecked, assuming the default version's facts.
   */
  readonly catalogued: boolean;
  /** The local catalog file the facts come from, where they do. */
  readonly localCatalog?: string;
}

/** A chart release of the user's local catalog: its facts, and the file they are written in. */
export interface LocalExternalDnsChart {
  readonly facts: ExternalDnsReleaseFacts;
  readonly file: string;
}

/**
 * Everything a chart version needs: its chart reference and what ExternalDNS does there, from
 * the built-in catalog, or else from the local catalog's entry for it.
 */
export function externalDnsRelease(
  chartVersion: string,
  local?: LocalExternalDnsChart,
): ExternalDnsRelease {
  const facts = RELEASES[chartVersion] ?? local?.facts;
  return {
    ...(facts ?? RELEASES[DEFAULT_EXTERNAL_DNS_CHART_VERSION]),
    chart: { ...EXTERNAL_DNS_CHART, version: chartVersion },
    catalogued: facts !== undefined,
    localCatalog: RELEASES[chartVersion] ? undefined : local?.file,
  };
}

/**
 * The flags the chart renders from its values (charts/external-dns/templates/deployment.yaml
 * lines 96-138 at external-dns-helm-chart-1.21.1): a user's `extraArgs` may not repeat them for
 * a value this project sets.
 */
export const EXTERNAL_DNS_VALUE_FLAGS = {
  'provider.name': '--provider',
  policy: '--policy',
  registry: '--registry',
  txtOwnerId: '--txt-owner-id',
  domainFilters: '--domain-filter',
  excludeDomains: '--exclude-domains',
  sources: '--source',
  annotationFilter: '--annotation-filter',
  annotationPrefix: '--annotation-prefix',
  managedRecordTypes: '--managed-record-types',
  txtPrefix: '--txt-prefix',
  txtSuffix: '--txt-suffix',
} as const;

/**
 * Flags the chart has no value for, which this project passes in `extraArgs` (pkg/apis/
 * externaldns/types.go at v0.21.0).
 */
export const EXTERNAL_DNS_FLAGS = {
  zoneIdFilter: '--zone-id-filter',
  awsZoneType: '--aws-zone-type',
  awsAssumeRole: '--aws-assume-role',
  awsAssumeRoleExternalId: '--aws-assume-role-external-id',
  migrateFromTxtOwner: '--migrate-from-txt-owner',
  ingressClass: '--ingress-class',
  gatewayLabelFilter: '--gateway-label-filter',
} as const;
