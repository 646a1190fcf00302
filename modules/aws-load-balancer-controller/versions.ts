/**
 * What we know about each AWS Load Balancer Controller release: the Helm chart that ships it and the
 * sha256 of the upstream IAM policy files at its tag. One controller version drives the chart
 * version, the policy URL tag and the checksums, so they cannot drift apart.
 *
 * Sources: aws/eks-charts `stable/aws-load-balancer-controller/Chart.yaml` (chart ↔ appVersion) and
 * `docs/install/*.json` at each tag of kubernetes-sigs/aws-load-balancer-controller. The policy files
 * were byte-identical from v2.13.0 to v3.5.0.
 */

import type { Partition } from '../partition';

export type PolicyFile =
  | 'iam_policy.json'
  | 'iam_policy_cn.json'
  | 'iam_policy_us-gov.json'
  | 'iam_policy_v1_to_v2_additional.json';

export interface LbcRelease {
  /** Version of the `aws-load-balancer-controller` chart whose appVersion is this controller version. */
  readonly chartVersion: string;
  /** sha256 (hex) of each upstream policy file at this controller's tag. */
  readonly policySha256: Readonly<Record<PolicyFile, string>>;
}

const POLICY_SHA256_SINCE_V2_13: Readonly<Record<PolicyFile, string>> = {
  'iam_policy.json': '16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a',
  'iam_policy_cn.json': 'b1ac7c188d27a2cdb3095c7efd8376cd21705fe75d6ce91715558a85987b25bc',
  'iam_policy_us-gov.json': 'eff0caf0b8f205e63e09ee1ea37a90fba6a87a417ac40fc83da50b204a55f372',
  'iam_policy_v1_to_v2_additional.json':
    '1e07e08600fa5bb72805da789d361e972d1fc5602f877903348e885763e83b30',
};

/** From chart 3.0.0 on, the chart version equals the controller version; before, chart 1.x shipped v2.x. */
function release(chartVersion: string): LbcRelease {
  return { chartVersion, policySha256: POLICY_SHA256_SINCE_V2_13 };
}

export const LBC_RELEASES: Readonly<Record<string, LbcRelease>> = {
  'v2.13.4': release('1.13.4'),
  'v2.14.0': release('1.14.0'),
  'v2.14.1': release('1.14.1'),
  'v2.15.0': release('1.15.0'),
  'v2.16.0': release('1.16.0'),
  'v2.17.0': release('1.17.0'),
  'v2.17.1': release('1.17.1'),
  'v3.0.0': release('3.0.0'),
  'v3.1.0': release('3.1.0'),
  'v3.2.0': release('3.2.0'),
  'v3.2.1': release('3.2.1'),
  'v3.2.2': release('3.2.2'),
  'v3.3.0': release('3.3.0'),
  'v3.4.0': release('3.4.0'),
  'v3.4.1': release('3.4.1'),
  'v3.4.2': release('3.4.2'),
  'v3.4.3': release('3.4.3'),
  'v3.5.0': release('3.5.0'),
};

export const DEFAULT_LBC_VERSION = 'v3.5.0';

/** The chart version for a controller version outside the catalog, where it can be derived. */
export function derivedChartVersion(controllerVersion: string): string | undefined {
  const major = Number(controllerVersion.slice(1).split('.')[0]);
  return major >= 3 ? controllerVersion.slice(1) : undefined;
}

/** Each partition has its own copy of the policy (ARN prefixes and service names differ). */
export const POLICY_FILE_BY_PARTITION: Readonly<Record<Partition, PolicyFile>> = {
  aws: 'iam_policy.json',
  'aws-cn': 'iam_policy_cn.json',
  'aws-us-gov': 'iam_policy_us-gov.json',
};

export const MIGRATION_POLICY_FILE: PolicyFile = 'iam_policy_v1_to_v2_additional.json';

/** The raw URL of a policy file at a release tag: always a tag, never a branch. */
export function policyUrl(controllerVersion: string, file: PolicyFile): string {
  return `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${controllerVersion}/docs/install/${file}`;
}

/** What Gateway API support needs for one controller release. */
export interface LbcGatewaySupport {
  /** Gateway API release (standard channel) the controller is built for. */
  readonly gatewayApiVersion: string;
  /** apiVersion of the controller's own gateway.k8s.aws kinds (LoadBalancerConfiguration, …). */
  readonly lbcGatewayApiVersion: 'gateway.k8s.aws/v1' | 'gateway.k8s.aws/v1beta1';
  /** sha256 of `config/crd/gateway/gateway-crds.yaml` at the controller's tag, where known. */
  readonly lbcGatewayCrdsSha256?: string;
}

function gatewaySupport(
  gatewayApiVersion: string,
  lbcGatewayCrdsSha256?: string,
  lbcGatewayApiVersion: LbcGatewaySupport['lbcGatewayApiVersion'] = 'gateway.k8s.aws/v1beta1',
): LbcGatewaySupport {
  return { gatewayApiVersion, lbcGatewayApiVersion, lbcGatewayCrdsSha256 };
}

/**
 * Gateway API version per controller release, from the controller's docs/guide/gateway/gateway.md
 * at each tag. v2.17.0's guide still names v1.2.0, but that release is built against v1.3.0
 * (go.mod), as is v2.17.1, whose guide says v1.3.0. Releases before v2.17.0 are left out: their
 * Gateway support was experimental.
 */
export const LBC_GATEWAY_SUPPORT: Readonly<Record<string, LbcGatewaySupport>> = {
  'v2.17.0': gatewaySupport('v1.3.0'),
  'v2.17.1': gatewaySupport(
    'v1.3.0',
    'a1f4298ada0a7d6137acfc8838a460383ee6c6649d9ce718a4ebdc625ca0eaca',
  ),
  'v3.0.0': gatewaySupport('v1.3.0'),
  'v3.1.0': gatewaySupport('v1.3.0'),
  'v3.2.0': gatewaySupport('v1.5.0'),
  'v3.2.1': gatewaySupport('v1.5.0'),
  'v3.2.2': gatewaySupport('v1.5.0'),
  'v3.3.0': gatewaySupport('v1.5.0'),
  'v3.4.0': gatewaySupport('v1.5.0'),
  'v3.4.1': gatewaySupport('v1.5.0'),
  'v3.4.2': gatewaySupport('v1.5.0'),
  'v3.4.3': gatewaySupport('v1.5.0'),
  'v3.5.0': gatewaySupport(
    'v1.6.0',
    'fce68bbfc74b4ed7dbea675f46981cbef1fffc8981cf19c0c1e7a2e9d6464862',
    'gateway.k8s.aws/v1',
  ),
};

/** The standard-channel install bundle of a Gateway API release. */
export function gatewayApiBundleUrl(gatewayApiVersion: string): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${gatewayApiVersion}/standard-install.yaml`;
}

/** The controller's own gateway.k8s.aws CRDs at its tag (Helm installs its chart copy only once). */
export function lbcGatewayCrdsUrl(controllerVersion: string): string {
  return `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${controllerVersion}/config/crd/gateway/gateway-crds.yaml`;
}
