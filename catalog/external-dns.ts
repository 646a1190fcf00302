/**
 * The ExternalDNS Helm chart. Source: kubernetes-sigs/external-dns, `charts/external-dns/Chart.yaml`
 * at tag external-dns-helm-chart-1.21.1 (appVersion 0.21.0).
 */
export const EXTERNAL_DNS_CHART = {
  repository: 'https://kubernetes-sigs.github.io/external-dns/',
  name: 'external-dns',
  defaultVersion: '1.21.1',
  /** The ExternalDNS release the default chart version runs. */
  appVersion: 'v0.21.0',
} as const;

/**
 * The annotation prefix ExternalDNS 0.21.0 reads by default (`--annotation-prefix`,
 * pkg/apis/externaldns/types.go:543 and source/annotations/annotations.go:22 at v0.21.0). v0.22.0
 * changed the default to `external-dns.kubernetes.io/`, without a fallback.
 */
export const EXTERNAL_DNS_ANNOTATION_PREFIX = 'external-dns.alpha.kubernetes.io/';

/**
 * What each Gateway API source of ExternalDNS 0.21.0 watches, besides Gateways (v1) and
 * Namespaces: source/gateway_{httproute,grpcroute}.go use `V1()`, source/gateway_{tlsroute,
 * tcproute,udproute}.go use `V1alpha2()`, at tag v0.21.0. An informer whose API version the
 * cluster does not serve never syncs, and ExternalDNS exits at start-up (source/gateway.go:217-230,
 * controller/execute.go:93-95).
 */
export const EXTERNAL_DNS_GATEWAY_SOURCES: Readonly<
  Record<string, { resource: string; version: string }>
> = {
  'gateway-httproute': { resource: 'httproutes', version: 'v1' },
  'gateway-grpcroute': { resource: 'grpcroutes', version: 'v1' },
  'gateway-tlsroute': { resource: 'tlsroutes', version: 'v1alpha2' },
  'gateway-tcproute': { resource: 'tcproutes', version: 'v1alpha2' },
  'gateway-udproute': { resource: 'udproutes', version: 'v1alpha2' },
};

/**
 * The record types ExternalDNS 0.21.0 manages without `--managed-record-types`
 * (pkg/apis/externaldns/types.go:323 at v0.21.0).
 */
export const EXTERNAL_DNS_DEFAULT_MANAGED_RECORD_TYPES = ['A', 'AAAA', 'CNAME'] as const;
