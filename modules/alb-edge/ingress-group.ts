import {
  INGRESS_CLASS_PARAMS,
  INGRESS_CONTROLLER,
} from '../../catalog/aws-load-balancer-controller';
import {
  AUTO_MODE_INGRESS_CLASS_PARAMS,
  AUTO_MODE_INGRESS_CONTROLLER,
} from '../../catalog/eks-auto-mode';
import type { AlbImplementation } from '../../config/naming';
import type { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ObjectManifest } from '../shared/object-manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import type { AlbSettings } from './alb-settings';
import { schemeKept } from './alb-settings';
import { MANAGED_BY_LABEL, foundObjects } from '../shared/kubernetes-object';
import type { KubernetesObject } from '../shared/kubernetes-object';

export interface AlbIngressGroupProps extends AlbSettings {
  /** ALB group name: every Ingress of the class shares one ALB. */
  readonly groupName: string;
  /** Whose IngressClass and IngressClassParams: the controller's or EKS Auto Mode's. */
  readonly servedBy: AlbImplementation;
  /** IngressClass and IngressClassParams name. */
  readonly className: string;
  readonly targetType?: 'instance' | 'ip';
  readonly sslRedirectPort?: number;
  /** The subnets of the ALB (`spec.subnets.ids`); absent: those tagged for its scheme. */
  readonly subnetIds?: readonly string[];
  /** What must exist first (the controller, whose webhook validates the params; the log bucket policy). */
  readonly dependsOn?: ITerraformDependable[];
}

/** The IngressClass controller and the params kind of each implementation. */
const IMPLEMENTATIONS = {
  controller: { controller: INGRESS_CONTROLLER, params: INGRESS_CLASS_PARAMS },
  autoMode: { controller: AUTO_MODE_INGRESS_CONTROLLER, params: AUTO_MODE_INGRESS_CLASS_PARAMS },
} as const;

/** IngressClassParams: the controller (or Auto Mode) applies these to every Ingress of the class. */
export function ingressClassParams(props: AlbIngressGroupProps): KubernetesObject {
  if (props.servedBy === 'autoMode') return autoModeIngressClassParams(props);
  const spec: Record<string, unknown> = { group: { name: props.groupName }, scheme: props.scheme };
  if (props.certificateArns.length > 0) {
    spec.certificateArn = [...props.certificateArns];
    spec.sslPolicy = props.sslPolicy;
  }
  if (props.webAclArn) spec.wafv2AclArn = props.webAclArn;
  if (props.inboundCidrs) spec.inboundCIDRs = [...props.inboundCidrs];
  if (props.attributes.length > 0)
    spec.loadBalancerAttributes = props.attributes.map((a) => ({ ...a }));
  if (props.targetType) spec.targetType = props.targetType;
  // A string in the CRD (elbv2.k8s.aws IngressClassParams, spec.sslRedirectPort).
  if (props.sslRedirectPort !== undefined) spec.sslRedirectPort = String(props.sslRedirectPort);
  if (props.subnetIds) spec.subnets = { ids: [...props.subnetIds] };
  return {
    apiVersion: INGRESS_CLASS_PARAMS.apiVersion,
    kind: INGRESS_CLASS_PARAMS.kind,
    metadata: { name: props.className, labels: MANAGED_BY_LABEL },
    spec,
  };
}

/**
 * Auto Mode's IngressClassParams (eks.amazonaws.com/v1), in its field names: `certificateARNs`,
 * not the controller's `certificateArn` (EKS user guide, auto-configure-alb, Considerations,
 * "spec.certificateArn → spec.certificateARNs"). The group name lives here: Auto Mode ignores the
 * `alb.ingress.kubernetes.io/group.name` annotation ("Specify groups in IngressClass only"). The
 * settings it lacks are refused in resolve-edge.ts.
 */
function autoModeIngressClassParams(props: AlbIngressGroupProps): KubernetesObject {
  const spec: Record<string, unknown> = { group: { name: props.groupName }, scheme: props.scheme };
  if (props.certificateArns.length > 0) {
    spec.certificateARNs = [...props.certificateArns];
    spec.sslPolicy = props.sslPolicy;
  }
  if (props.inboundCidrs) spec.inboundCIDRs = [...props.inboundCidrs];
  if (props.attributes.length > 0)
    spec.loadBalancerAttributes = props.attributes.map((a) => ({ ...a }));
  if (props.subnetIds) spec.subnets = { ids: [...props.subnetIds] };
  return {
    apiVersion: AUTO_MODE_INGRESS_CLASS_PARAMS.apiVersion,
    kind: AUTO_MODE_INGRESS_CLASS_PARAMS.kind,
    metadata: { name: props.className, labels: MANAGED_BY_LABEL },
    spec,
  };
}

export function ingressClass(props: AlbIngressGroupProps): KubernetesObject {
  const { controller, params } = IMPLEMENTATIONS[props.servedBy];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: props.className, labels: MANAGED_BY_LABEL },
    spec: {
      controller,
      parameters: {
        apiGroup: params.apiVersion.split('/')[0],
        kind: params.kind,
        name: props.className,
      },
    },
  };
}

/**
 * One ALB group for Ingresses: an IngressClass whose IngressClassParams carry the group name,
 * scheme, certificates, WAF ACL, inbound CIDRs and attributes. Apps choose the ALB by
 * `spec.ingressClassName` instead of copying annotations.
 */
export class AlbIngressGroup extends Construct {
  readonly params: Manifest;
  readonly ingressClass: Manifest;

  constructor(scope: Construct, id: string, props: AlbIngressGroupProps) {
    super(scope, id);
    const { params } = IMPLEMENTATIONS[props.servedBy];
    const live = new DataKubernetesResources(this, 'live-params', {
      apiVersion: params.apiVersion,
      kind: params.kind,
      fieldSelector: `metadata.name=${props.className}`,
    });
    const objects = `data.${DataKubernetesResources.tfResourceType}.${live.friendlyUniqueId}.objects`;
    const precondition = schemeKept(
      foundObjects(objects),
      `The scheme of ALB group ${props.groupName} (IngressClassParams ${props.className})`,
      props,
      props.servedBy === 'autoMode' ? 'EKS Auto Mode' : undefined,
    );
    this.params = new ObjectManifest(this, 'params', {
      manifest: ingressClassParams(props),
      dependsOn: props.dependsOn,
      lifecycle: precondition.length > 0 ? { precondition } : undefined,
    });
    this.ingressClass = new ObjectManifest(this, 'class', {
      manifest: ingressClass(props),
      dependsOn: [this.params],
    });
  }
}
