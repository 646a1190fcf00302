/**
 * The ExternalDNS Helm chart. Source: kubernetes-sigs/external-dns, `charts/external-dns/Chart.yaml`
 * at tag external-dns-helm-chart-1.21.1 (appVersion 0.21.0).
 */
export const EXTERNAL_DNS_CHART = {
  repository: 'https://kubernetes-sigs.github.io/external-dns/',
  name: 'external-dns',
  defaultVersion: '1.21.1',
} as const;
