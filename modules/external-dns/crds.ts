import type { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { Construct } from 'constructs';
import { compareVersions } from '../../catalog/aws-load-balancer-controller';
import { DNS_ENDPOINT_CRD } from '../../catalog/external-dns';
import { crds } from '../../catalog/manifest-files';
import type { ResolvedExternalDns } from '../../config/model';
import { PinnedManifests } from '../shared/pinned-manifests';

/** Construct id: part of the object's Terraform address, which must never change. */
const ID = 'external-dns-crds';

/** Chart versions (`1.21.1`) in the order of releases. */
const byVersion = (a: string, b: string) => compareVersions(`v${a}`, `v${b}`);

/**
 * The DNSEndpoint CRD that ExternalDNS's `crd` source reads, applied by the project at the chart's
 * version, pinned by sha256, for the instances this project deploys: the chart ships it in
 * `crds/`, which Helm installs on a release's first install and never upgrades. An existing one
 * (from such a first install) is adopted. With instances of several chart versions, the newest
 * one's. When no instance needs it any more, it is released, not deleted: its objects are the
 * applications'. Returns what the instances reading it must wait for.
 */
export function externalDnsCrds(
  scope: Construct,
  instances: readonly ResolvedExternalDns[],
  destroy: { readonly onDestroy: 'release' | 'delete'; readonly retiring: boolean },
): Manifest[] {
  const [file] = instances
    .filter((instance) => instance.deploy === 'helm' && instance.dnsEndpointCrd)
    .sort((a, b) => byVersion(b.chart.version, a.chart.version))
    .flatMap((instance) => (instance.dnsEndpointCrd ? [instance.dnsEndpointCrd] : []));
  const set = { everyDocument: crds(DNS_ENDPOINT_CRD), unused: 'release' as const };
  // Before a destroy that keeps the CRDs, it is released now, like a CRD no longer needed.
  if (!file || (destroy.retiring && destroy.onDestroy === 'release')) {
    PinnedManifests.unused(scope, ID, set);
    return [];
  }
  return new PinnedManifests(scope, ID, {
    ...set,
    files: [file],
    preventCrdDestroy: destroy.onDestroy === 'release',
  }).manifests;
}
