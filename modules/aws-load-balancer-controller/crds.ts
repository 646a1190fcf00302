import type { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import {
  ALL_LBC_CRD_NAMES,
  INGRESS_CLASS_PARAMS,
} from '../../catalog/aws-load-balancer-controller';
import type {
  LbcGatewaySupport,
  PinnedManifestFile,
} from '../../catalog/aws-load-balancer-controller';
import { ALL_STANDARD_FILES, GATEWAY_CLASS } from '../../catalog/gateway-api';
import { crds } from '../../catalog/manifest-files';
import { LiveObjects } from '../shared/live-objects';
import type { ClusterScopedKind } from '../shared/live-objects';
import { PinnedManifests } from '../shared/pinned-manifests';

/** Construct ids: part of the objects' Terraform addresses, which must never change. */
const IDS = {
  chart: 'controller-crds',
  gateway: 'gateway-api-crds',
  standard: 'standard',
  lbc: 'lbc',
  deletionGuard: 'crd-deletion-guard',
} as const;

export interface ControllerCrdsProps {
  /** The chart's own CRDs at the controller's version (absent outside the catalog). */
  readonly chart?: PinnedManifestFile;
  /** A controller runs: its chart's CRDs are needed, also where the catalog does not know them. */
  readonly controller: boolean;
  /** Gateway API support: the standard channel and the controller's gateway.k8s.aws CRDs. */
  readonly gatewayApi?: LbcGatewaySupport;
  /** What becomes of a CRD no longer needed: released (default) or, explicitly, deleted. */
  readonly unused: 'release' | 'delete';
  /** The cluster's edge stack, named in what the plan checks says. */
  readonly edgeStackName: string;
  /** What a destroy of the stack does with them: refused until released, or deleted. */
  readonly onDestroy: 'release' | 'delete';
  /** Prepared for a destroy: with `onDestroy: release`, every CRD is released now. */
  readonly retiring: boolean;
}

/**
 * Every CRD the controller needs, applied by the project at the controller's version (Helm
 * installs a chart's CRDs once and never upgrades them; the controller looks for the Gateway API
 * CRDs once, at start-up, so its release must come after `manifests`):
 * - the chart's CRDs (IngressClassParams, TargetGroupBinding, …), always;
 * - with Gateway API support, the standard channel of the Gateway API release and the
 *   controller's gateway.k8s.aws CRDs.
 * What is not needed any more (Gateway API turned off, a release without a CRD) is released,
 * never deleted, unless `unused` says `delete`: then the plan stops while objects of the
 * project's cluster-scoped kinds (GatewayClass, IngressClassParams) exist.
 */
export class ControllerCrds {
  readonly manifests: Manifest[];
  /** The Gateway API and gateway.k8s.aws objects: what Gateway API sources need first. */
  readonly gatewayManifests: Manifest[];

  constructor(scope: Construct, props: ControllerCrdsProps) {
    const released = props.retiring && props.onDestroy === 'release';
    // Before a destroy, what would be deleted with the stack is released instead.
    const unused = released ? 'release' : props.unused;
    const preventCrdDestroy = props.onDestroy === 'release';
    const chartCrds = { everyDocument: crds(...ALL_LBC_CRD_NAMES.chart), unused };
    const chartFile = released ? undefined : props.chart;
    // A controller outside the catalog still needs its chart's CRDs: released, never deleted.
    const chart = chartFile
      ? new PinnedManifests(scope, IDS.chart, {
          ...chartCrds,
          files: [chartFile],
          preventCrdDestroy,
        })
      : PinnedManifests.unused(scope, IDS.chart, {
          ...chartCrds,
          unused: props.controller ? 'release' : unused,
        });
    const gatewayScope = new Construct(scope, IDS.gateway);
    // Earlier versions applied each set as one for_each resource; its instances move.
    const standard = {
      everyDocument: ALL_STANDARD_FILES.flatMap((file) => file.documents),
      legacyForEach: [IDS.gateway, 'gateway-api'],
      unused,
    };
    const lbc = {
      everyDocument: crds(...ALL_LBC_CRD_NAMES.gateway),
      legacyForEach: [IDS.gateway, 'lbc-gateway'],
      unused,
    };
    const support = released ? undefined : props.gatewayApi;
    const gateway = support
      ? [
          new PinnedManifests(gatewayScope, IDS.standard, {
            ...standard,
            files: support.gatewayApi.standardFiles,
            preventCrdDestroy,
          }),
          new PinnedManifests(gatewayScope, IDS.lbc, {
            ...lbc,
            files: [support.lbcCrds],
            preventCrdDestroy,
          }),
        ]
      : [
          PinnedManifests.unused(gatewayScope, IDS.standard, standard),
          PinnedManifests.unused(gatewayScope, IDS.lbc, lbc),
        ];
    this.gatewayManifests = gateway.flatMap((set) => set?.manifests ?? []);
    this.manifests = [...(chart?.manifests ?? []), ...this.gatewayManifests];
    if (unused === 'delete' && !released) {
      crdDeletionGuard(scope, IDS.deletionGuard, {
        kinds: [
          ...(props.controller ? [] : [INGRESS_CLASS_PARAMS]),
          ...(support ? [] : [GATEWAY_CLASS]),
        ],
        edgeStackName: props.edgeStackName,
      });
    }
  }
}

/**
 * With `unusedCrds: delete`, the plan that would delete the CRDs of a kind stops while objects of
 * it exist. The kinds checked are the cluster-scoped ones the edge stack makes: the edge stack
 * deletes its Gateways and LoadBalancerConfigurations before their GatewayClass, so no
 * GatewayClass left means none of those either. Objects of other kinds (routes, target group
 * bindings of applications) go with their CRD: that is what the setting says.
 */
function crdDeletionGuard(
  scope: Construct,
  id: string,
  props: { kinds: ClusterScopedKind[]; edgeStackName: string },
): void {
  if (props.kinds.length === 0) return;
  new DataResource(scope, id, {
    lifecycle: {
      precondition: props.kinds.map((kind) => {
        const names = LiveObjects.of(scope, kind).namesWhere(() => 'true');
        return {
          condition: `\${length(${names}) == 0}`,
          errorMessage: `unusedCrds is delete and the ${kind.crd} CRD is no longer needed, but ${kind.kind} objects exist: \${join(", ", ${names})}. Deleting the CRD would delete them. Delete them first: for the ones eks-edge made, deploy the edge stack before this one (npx cdktf deploy ${props.edgeStackName} --ignore-missing-stack-dependencies), then deploy again. Or set unusedCrds: release.`,
        };
      }),
    },
  });
}
