/**
 * A local catalog (`localCatalog`, a YAML file next to the configuration): releases newer than the
 * built-in catalog, written by `npm run catalog -- add lbc <tag> --local <file>` or by hand in the
 * same shape as `LBC_RELEASES` of catalog/aws-load-balancer-controller/releases.ts, so that every
 * check the built-in releases get holds for them too.
 */
import * as z from 'zod/mini';
import { POLICY_SHA256 } from '../../catalog/aws-load-balancer-controller/iam-policies';
import {
  chartVersion,
  controllerVersion,
  named,
  nonEmptyList,
  pattern,
  setting,
  sha256,
  uniqueList,
} from './primitives';

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

export const localCatalogSchema = z.strictObject({
  loadBalancerController: setting(
    z._default(z.record(controllerVersion, localLbcReleaseSchema), {}),
    'AWS Load Balancer Controller releases by tag.',
  ),
});

export type LocalCatalog = z.infer<typeof localCatalogSchema>;
export type LocalLbcRelease = z.infer<typeof localLbcReleaseSchema>;
