import type { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { ALL_LBC_CRD_NAMES } from '../../catalog/aws-load-balancer-controller';
import type {
  LbcGatewaySupport,
  PinnedManifestFile,
} from '../../catalog/aws-load-balancer-controller';
import { ALL_STANDARD_FILES } from '../../catalog/gateway-api';
import { crds } from '../../catalog/manifest-files';
import { PinnedManifests } from '../shared/pinned-manifests';

/** Construct ids: part of the objects' Terraform addresses, which must never change. */
const IDS = {
  chart: 'controller-crds',
  gateway: 'gateway-api-crds',
  standard: 'standard',
  lbc: 'lbc',
} as const;

export interface ControllerCrdsProps {
  /** The chart's own CRDs at the controller's version (absent outside the catalog: released). */
  readonly chart?: PinnedManifestFile;
  /** Gateway API support: the standard channel and the controller's gateway.k8s.aws CRDs. */
  readonly gatewayApi?: LbcGatewaySupport;
}

/**
 * Every CRD the controller needs, applied by the project at the controller's version (Helm
 * installs a chart's CRDs once and never upgrades them; the controller looks for the Gateway API
 * CRDs once, at start-up, so its release must come after `manifests`):
 * - the chart's CRDs (IngressClassParams, TargetGroupBinding, …), always;
 * - with Gateway API support, the standard channel of the Gateway API release and the
 *   controller's gateway.k8s.aws CRDs.
 * What is not needed any more (Gateway API turned off, a release without a CRD) is released,
 * never deleted.
 */
export class ControllerCrds {
  readonly manifests: Manifest[];
  /** The Gateway API and gateway.k8s.aws objects: what Gateway API sources need first. */
  readonly gatewayManifests: Manifest[];

  constructor(scope: Construct, props: ControllerCrdsProps) {
    const chartCrds = { everyDocument: crds(...ALL_LBC_CRD_NAMES.chart) };
    const chart = props.chart
      ? new PinnedManifests(scope, IDS.chart, { ...chartCrds, files: [props.chart] })
      : PinnedManifests.release(scope, IDS.chart, chartCrds);
    const gatewayScope = new Construct(scope, IDS.gateway);
    // Earlier versions applied each set as one for_each resource; its instances move.
    const standard = {
      everyDocument: ALL_STANDARD_FILES.flatMap((file) => file.documents),
      legacyForEach: [IDS.gateway, 'gateway-api'],
    };
    const lbc = {
      everyDocument: crds(...ALL_LBC_CRD_NAMES.gateway),
      legacyForEach: [IDS.gateway, 'lbc-gateway'],
    };
    const support = props.gatewayApi;
    const gateway = support
      ? [
          new PinnedManifests(gatewayScope, IDS.standard, {
            ...standard,
            files: support.gatewayApi.standardFiles,
          }),
          new PinnedManifests(gatewayScope, IDS.lbc, { ...lbc, files: [support.lbcCrds] }),
        ]
      : [
          PinnedManifests.release(gatewayScope, IDS.standard, standard),
          PinnedManifests.release(gatewayScope, IDS.lbc, lbc),
        ];
    this.gatewayManifests = gateway.flatMap((set) => set?.manifests ?? []);
    this.manifests = [...(chart?.manifests ?? []), ...this.gatewayManifests];
  }
}
