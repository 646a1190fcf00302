/**
 * A local catalog (`localCatalog`, a YAML file next to the configuration): releases newer than the
 * built-in catalog, written by `npm run catalog -- add lbc <tag> --local <file>` (or
 * `add external-dns-chart <version> --local <file>`) or by hand in the same shape as
 * `LBC_RELEASES` of catalog/aws-load-balancer-controller/releases.ts and `RELEASES` of
 * catalog/external-dns.ts, so that every check the built-in releases get holds for them too.
 */
import * as z from 'zod/mini';
import { POLICY_SHA256 } from '../../catalog/aws-load-balancer-controller/iam-policies';
import {
  chartVersion,
  controllerVersion,
  named,
  nonEmpty,
  nonEmptyList,
  pattern,
  setting,
  sha256,
  uniqueList,
} from './primitives';
import { recordType } from './external-dns';

const policyFile = z.enum(Object.keys(POLICY_SHA256) as [string, ...string[]]);

export const localLbcReleaseSchema = z.strictObject({
  chart: setting(chartVersion, 'Version of the chart whose appVersion is this release.'),
  gatewayApi: setting(
    z.optional(
      pattern(
        'Gateway API release vX.Y.Z',
        /^v\d+\.\d+\.\d+$/,
        'must be a release tag such as v1.6.0',
      ),
    ),
    { description: 'The Gateway API release it is built for (go.mod).', defaultText: 'none' },
  ),
  gatewayCrds: setting(sha256, 'sha256 of `config/crd/gateway/gateway-crds.yaml` at the tag.'),
  chartCrds: setting(
    sha256,
    'sha256 of `helm/aws-load-balancer-controller/crds/crds.yaml` at the tag.',
  ),
  policies: setting(
    z.optional(named('map of policy file to sha256', z.partialRecord(policyFile, sha256))),
    {
      description: "sha256 of the policy files that differ from the built-in catalog's.",
      defaultText: "the built-in catalog's",
    },
  ),
  featureGates: setting(
    nonEmptyList(
      uniqueList(
        pattern(
          'feature gate',
          /^[A-Za-z][A-Za-z0-9]*$/,
          'must be a feature gate name such as ALBGatewayAPI',
        ),
      ),
      'feature gate',
    ),
    'The feature gates of the release (the `Feature = "…"` constants of pkg/config/feature_gates.go).',
  ),
});

const releaseTag = pattern(
  'release tag vX.Y.Z',
  /^v\d+\.\d+\.\d+$/,
  'must be a release tag such as v0.22.0',
);
const apiVersion = pattern(
  'API version',
  /^v\d+((alpha|beta)\d+)?$/,
  'must be a Kubernetes API version such as v1 or v1alpha2',
);

export const localExternalDnsChartSchema = z.strictObject({
  appVersion: setting(releaseTag, 'The ExternalDNS release the chart runs (`appVersion`).'),
  defaultAnnotationPrefix: setting(
    pattern('annotation prefix', /^[a-z0-9.-]+\/$/, 'must be an annotation prefix ending in "/"'),
    'Its default `--annotation-prefix` (source/annotations/annotations.go).',
  ),
  defaultManagedRecordTypes: setting(
    nonEmptyList(uniqueList(recordType), 'record type'),
    'The record types it manages by default (pkg/apis/externaldns/types.go).',
  ),
  gatewaySources: setting(
    z.record(
      pattern(
        'Gateway API source',
        /^gateway-[a-z]+$/,
        'must be a source such as gateway-httproute',
      ),
      z.strictObject({
        resource: pattern('resource', /^[a-z]+$/, 'must be a plural resource such as httproutes'),
        version: apiVersion,
      }),
    ),
    'What each `gateway-*` source watches (source/gateway_<route>.go).',
  ),
  dnsEndpointCrd: setting(
    sha256,
    'sha256 of `charts/external-dns/crds/dnsendpoints.externaldns.k8s.io.yaml` at the chart tag.',
  ),
  templatedValues: setting(
    z.array(
      z.strictObject({
        path: nonEmptyList(z.array(nonEmpty), 'key'),
        keys: z.optional(z.boolean()),
      }),
    ),
    'The values the chart renders through `tpl` (keys from the top; `*` is every entry).',
  ),
});

export const localCatalogSchema = z.strictObject({
  loadBalancerController: setting(
    z._default(z.record(controllerVersion, localLbcReleaseSchema), {}),
    'AWS Load Balancer Controller releases by tag.',
  ),
  externalDnsCharts: setting(
    z._default(z.record(chartVersion, localExternalDnsChartSchema), {}),
    'ExternalDNS chart releases by chart version.',
  ),
});

export type LocalCatalog = z.infer<typeof localCatalogSchema>;
export type LocalExternalDnsChartEntry = z.infer<typeof localExternalDnsChartSchema>;
export type LocalLbcRelease = z.infer<typeof localLbcReleaseSchema>;
