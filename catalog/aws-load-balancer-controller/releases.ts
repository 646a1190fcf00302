/**
 * Each catalogued AWS Load Balancer Controller release: the chart that ships it, the Gateway API
 * release it is built for, and the sha256 of its CRD files at the tag.
 *
 * Sources, per tag of kubernetes-sigs/aws-load-balancer-controller:
 * - chart: aws/eks-charts `stable/aws-load-balancer-controller/Chart.yaml` (appVersion). From
 *   3.0.0 the chart version equals the controller version; before, chart 1.x shipped v2.x.
 * - Gateway API: `docs/guide/gateway/gateway.md` at the tag. v2.17.0's guide still names v1.2.0,
 *   but that release is built against v1.3.0 (go.mod), as is v2.17.1, whose guide says v1.3.0.
 *   Releases before v2.17.0 have none here: their Gateway support was experimental.
 * - `config/crd/gateway/gateway-crds.yaml` (the gateway.k8s.aws CRDs) and
 *   `helm/aws-load-balancer-controller/crds/crds.yaml` (the chart's own CRDs: ingressclassparams,
 *   targetgroupbindings, albtargetcontrolconfigs, globalaccelerators), sha256 of the bytes at the tag.
 */

import type { TemplatedValue } from '../chart-templating';
import type { LbcPolicyFile } from './iam-policies';

export interface LbcReleaseFacts {
  /** Version of the `aws-load-balancer-controller` chart whose appVersion is this release. */
  readonly chart: string;
  /** Gateway API release (standard channel) the controller is built for, if it supports one. */
  readonly gatewayApi: string | undefined;
  /** sha256 of `config/crd/gateway/gateway-crds.yaml` at the tag. */
  readonly gatewayCrds: string;
  /** sha256 of `helm/aws-load-balancer-controller/crds/crds.yaml` at the tag. */
  readonly chartCrds: string;
  /** sha256 of the policy files that differ at this tag from the one of iam-policies.ts. */
  readonly policies?: Readonly<Partial<Record<LbcPolicyFile, string>>>;
}

export const LBC_RELEASES: Readonly<Record<string, LbcReleaseFacts>> = {
  'v2.13.4': {
    chart: '1.13.4',
    gatewayApi: undefined,
    gatewayCrds: '6b917a09785ab4512fe12071763fc0e5a779c77bb1540cbdf5810f478d5b5cac',
    chartCrds: 'ac851d9c697da3ce636aafea89233ab59f0e4d5457bf22570dbd83de84c6570d',
  },
  'v2.14.0': {
    chart: '1.14.0',
    gatewayApi: undefined,
    gatewayCrds: '3d6bf5977214ab249fd560ca128a37737745e0121ba19c0b605a1578b3566ae5',
    chartCrds: '06b7ad402dd6714e2e2dacb6c3742c11ffa95b5fdc6f63e6ec16ce05616ae2e3',
  },
  'v2.14.1': {
    chart: '1.14.1',
    gatewayApi: undefined,
    gatewayCrds: '3d6bf5977214ab249fd560ca128a37737745e0121ba19c0b605a1578b3566ae5',
    chartCrds: '06b7ad402dd6714e2e2dacb6c3742c11ffa95b5fdc6f63e6ec16ce05616ae2e3',
  },
  'v2.15.0': {
    chart: '1.15.0',
    gatewayApi: undefined,
    gatewayCrds: '866824155516fac5740788dc00d619b5cd094756317a70f7b83412c93fb9e74b',
    chartCrds: '2960662612e70a7b23140121d32c1a17524a5ada961ad86c1a816871c9446b96',
  },
  'v2.16.0': {
    chart: '1.16.0',
    gatewayApi: undefined,
    gatewayCrds: 'b20c1cf43a2833acecc64ddccce56cf44428ea98bb93b378b3453294a46a95ea',
    chartCrds: 'a487ab43a46bf889d021b9b81a6867a29eb1531d4255b48271d38e339dba240e',
  },
  'v2.17.0': {
    chart: '1.17.0',
    gatewayApi: 'v1.3.0',
    gatewayCrds: 'aa653e7a162fea2ccfc0144528ac5b5bdc591c35e02e29bc1f585ff7e8574a2b',
    chartCrds: '501482c33d4bfaeecd2ee7d95360839aeedd15008c5aaf97aded056f0ca31b28',
  },
  'v2.17.1': {
    chart: '1.17.1',
    gatewayApi: 'v1.3.0',
    gatewayCrds: 'a1f4298ada0a7d6137acfc8838a460383ee6c6649d9ce718a4ebdc625ca0eaca',
    chartCrds: '501482c33d4bfaeecd2ee7d95360839aeedd15008c5aaf97aded056f0ca31b28',
  },
  'v3.0.0': {
    chart: '3.0.0',
    gatewayApi: 'v1.3.0',
    gatewayCrds: 'a1f4298ada0a7d6137acfc8838a460383ee6c6649d9ce718a4ebdc625ca0eaca',
    chartCrds: 'a8e41e2beeca70e55d3283e20fc5f4e6f7e106fd1b1e1b9de719c4956b964009',
  },
  'v3.1.0': {
    chart: '3.1.0',
    gatewayApi: 'v1.3.0',
    gatewayCrds: 'a1f4298ada0a7d6137acfc8838a460383ee6c6649d9ce718a4ebdc625ca0eaca',
    chartCrds: 'a8e41e2beeca70e55d3283e20fc5f4e6f7e106fd1b1e1b9de719c4956b964009',
  },
  'v3.2.0': {
    chart: '3.2.0',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.2.1': {
    chart: '3.2.1',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.2.2': {
    chart: '3.2.2',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.3.0': {
    chart: '3.3.0',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.4.0': {
    chart: '3.4.0',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.4.1': {
    chart: '3.4.1',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.4.2': {
    chart: '3.4.2',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.4.3': {
    chart: '3.4.3',
    gatewayApi: 'v1.5.0',
    gatewayCrds: '89983f8b43b1b85c3d065d6f0007ee1fa2bffe8790282b9a57ccc9a355f65bd7',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
  'v3.5.0': {
    chart: '3.5.0',
    gatewayApi: 'v1.6.0',
    gatewayCrds: 'fce68bbfc74b4ed7dbea675f46981cbef1fffc8981cf19c0c1e7a2e9d6464862',
    chartCrds: 'cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9',
  },
};

export const DEFAULT_LBC_VERSION = 'v3.5.0';

/**
 * The CRDs in the chart's `crds/crds.yaml` and in `config/crd/gateway/gateway-crds.yaml` at a
 * tag (read at every catalogued tag): kinds were only ever added, at v2.14.0, v2.16.0 and v2.17.0.
 */
export function chartCrdNames(version: string): string[] {
  return [
    ...(compareVersions(version, 'v2.16.0') >= 0 ? ['albtargetcontrolconfigs.elbv2.k8s.aws'] : []),
    ...(compareVersions(version, 'v2.17.0') >= 0 ? ['globalaccelerators.aga.k8s.aws'] : []),
    'ingressclassparams.elbv2.k8s.aws',
    'targetgroupbindings.elbv2.k8s.aws',
  ];
}

export function gatewayCrdNames(version: string): string[] {
  return [
    ...(compareVersions(version, 'v2.14.0') >= 0
      ? ['listenerruleconfigurations.gateway.k8s.aws']
      : []),
    'loadbalancerconfigurations.gateway.k8s.aws',
    'targetgroupconfigurations.gateway.k8s.aws',
  ];
}

/**
 * The controller's Gateway API feature gates, by the `spec.controllerName` of the GatewayClasses
 * each one serves (pkg/config/feature_gates.go, pkg/gateway/constants/controller_constants.go).
 * They exist from v2.13.0 and are off by default until v3.1.0, on by default from v3.2.0: a chart
 * upgrade across that turns Gateway support on unless the gates are set.
 */
export const GATEWAY_FEATURE_GATES = {
  ALBGatewayAPI: 'gateway.k8s.aws/alb',
  NLBGatewayAPI: 'gateway.k8s.aws/nlb',
} as const;
export const GATEWAY_FEATURE_GATES_SINCE = 'v2.13.0';
export type GatewayFeatureGate = keyof typeof GATEWAY_FEATURE_GATES;

/**
 * The feature gates the Global Accelerator controller needs, both off by default:
 * `GlobalAcceleratorController` runs it and `EnableRGTAPI` gives it the Resource Groups Tagging
 * API it finds its accelerators with (docs/guide/globalaccelerator/installation.md at v3.5.0,
 * "Enable the required feature gates": "Both feature gates are required").
 */
export const GLOBAL_ACCELERATOR_FEATURE_GATES = [
  'GlobalAcceleratorController',
  'EnableRGTAPI',
] as const;

/**
 * ListenerSets (Gateway API v1.5.0 and later) are served from controller v3.2.0, by both Gateway
 * controllers; from v3.2.2 behind the gate `GatewayListenerSet`, on by default
 * (docs/guide/gateway/listenersets.md and pkg/config/feature_gates.go line 97 at v3.5.0).
 * A Gateway reports the ListenerSets it accepted in `status.attachedListenerSets`.
 */
export const LISTENER_SETS = {
  since: 'v3.2.0',
  gate: 'GatewayListenerSet',
  gatewayApiResource: 'listenersets',
} as const;

/**
 * The feature gate of ACM certificate management, off by default
 * (docs/guide/ingress/certificate_management.md at v3.5.0, "Enabling Certificate Management").
 */
export const CERTIFICATE_MANAGEMENT_FEATURE_GATE = 'EnableCertificateManagement';

/**
 * The kind the Global Accelerator controller serves (namespaced, `v1beta1` served and stored in
 * the chart's crds.yaml at v2.17.0 and v3.5.0). The controller puts the finalizer
 * `aga.k8s.aws/resources` on each object it reconciles (controllers/aga/
 * globalaccelerator_controller.go line 219, pkg/shared_constants/finalizers.go line 32, v3.5.0).
 */
export const GLOBAL_ACCELERATOR = {
  apiVersion: 'aga.k8s.aws/v1beta1',
  kind: 'GlobalAccelerator',
  crd: 'globalaccelerators.aga.k8s.aws',
} as const;

/** The chart's `defaultLoadBalancerScheme` value exists from chart 3.0.0 (controller v3.0.0). */
export const DEFAULT_SCHEME_VALUE_SINCE = 'v3.0.0';

/** IngressClassParams (a chart CRD, cluster-scoped): what each ALB group of the project makes. */
/** The controller name of the controller's Ingress support (IngressClass `spec.controller`). */
export const INGRESS_CONTROLLER = 'ingress.k8s.aws/alb';

export const INGRESS_CLASS_PARAMS = {
  apiVersion: 'elbv2.k8s.aws/v1beta1',
  kind: 'IngressClassParams',
  crd: 'ingressclassparams.elbv2.k8s.aws',
} as const;

/** From v3.5.0 the controller's own gateway.k8s.aws kinds are served as v1, before as v1beta1. */
export function lbcGatewayApiVersion(
  version: string,
): 'gateway.k8s.aws/v1' | 'gateway.k8s.aws/v1beta1' {
  return compareVersions(version, 'v3.5.0') >= 0 ? 'gateway.k8s.aws/v1' : 'gateway.k8s.aws/v1beta1';
}

/** Orders release tags `vX.Y.Z` numerically. */
export function compareVersions(a: string, b: string): number {
  const parts = (tag: string) => tag.slice(1).split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/**
 * The values the controller's chart renders through `tpl`, from helm/aws-load-balancer-controller/
 * templates at the tag: `clusterName`, `region` and `vpcId` (deployment.yaml lines 67, 71 and 75
 * at every catalogued tag), and from v2.14.1 the service account's annotations, keys and values
 * (serviceaccount.yaml line 11: `tpl (toYaml .)`).
 */
export function lbcTemplatedValues(version: string): readonly TemplatedValue[] {
  return [
    { path: ['clusterName'] },
    { path: ['region'] },
    { path: ['vpcId'] },
    ...(compareVersions(version, 'v2.14.1') >= 0
      ? [{ path: ['serviceAccount', 'annotations', '*'], keys: true }]
      : []),
  ];
}

/**
 * The controller's feature gates (`--feature-gates`, the chart's `controllerConfig.featureGates`):
 * the `Feature = "…"` constants of pkg/config/feature_gates.go at each catalogued tag, with the
 * first catalogued release that has each and, for one that went, the last. The controller refuses
 * to start on a gate it does not know (`Set`: "unknown feature", line 166 at v3.5.0).
 */
const FEATURE_GATES: Readonly<Record<string, { readonly since: string; readonly until?: string }>> =
  {
    ALBGatewayAPI: { since: 'v2.13.4' },
    ALBSingleSubnet: { since: 'v2.13.4' },
    EnableIPTargetType: { since: 'v2.13.4' },
    EnableRGTAPI: { since: 'v2.13.4' },
    EnableServiceController: { since: 'v2.13.4' },
    EnableTCPUDPListener: { since: 'v2.13.4' },
    EndpointsFailOpen: { since: 'v2.13.4' },
    LBCapacityReservation: { since: 'v2.13.4' },
    ListenerRulesTagging: { since: 'v2.13.4' },
    NLBGatewayAPI: { since: 'v2.13.4' },
    NLBHealthCheckAdvancedConfig: { since: 'v2.13.4' },
    NLBSecurityGroup: { since: 'v2.13.4' },
    ServiceTypeLoadBalancerOnly: { since: 'v2.13.4' },
    SubnetDiscoveryByReachability: { since: 'v2.13.4' },
    SubnetsClusterTagCheck: { since: 'v2.13.4' },
    WeightedTargetGroups: { since: 'v2.13.4' },
    EnhancedDefaultBehavior: { since: 'v2.14.0' },
    AGAController: { since: 'v2.14.1', until: 'v2.16.0' },
    EnableDefaultTagsLowPriority: { since: 'v2.14.1' },
    ALBTargetControlAgent: { since: 'v2.16.0' },
    GlobalAcceleratorController: { since: 'v2.17.0' },
    GatewayListenerSet: { since: 'v3.2.2' },
    EnableCertificateManagement: { since: 'v3.3.0' },
    IngressPlanAnnotation: { since: 'v3.4.0' },
  };

/** The feature gates a catalogued release knows; undefined for a version outside the catalog. */
export function lbcFeatureGates(version: string): readonly string[] | undefined {
  if (!(version in LBC_RELEASES)) return undefined;
  return Object.keys(FEATURE_GATES).filter((gate) => hasFeatureGate(version, gate));
}

/** Whether `version` (catalogued or not) has the feature gate `gate`. */
export function hasFeatureGate(version: string, gate: string): boolean {
  const known = FEATURE_GATES[gate];
  return (
    known !== undefined &&
    compareVersions(version, known.since) >= 0 &&
    (!known.until || compareVersions(version, known.until) <= 0)
  );
}

/** The releases that know `gate`, in words (`v3.3.0 and later`), or undefined for no release. */
export function featureGateReleases(gate: string): string | undefined {
  const known = FEATURE_GATES[gate];
  if (!known) return undefined;
  return known.until ? `${known.since} to ${known.until}` : `${known.since} and later`;
}
