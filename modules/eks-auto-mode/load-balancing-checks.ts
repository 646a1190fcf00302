import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataResource, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { CONTROLLER_FINALIZERS } from '../aws-load-balancer-controller/destroy-guard';
import { releaseDeployments } from '../shared/chart-release';
import { namespacesWhen, objectsInNamespaces } from '../shared/live-objects';

export interface AutoModeLoadBalancingChecksProps {
  /** The cluster as EKS describes it. */
  readonly eks: DataAwsEksCluster;
  readonly loadBalancing: 'autoMode' | 'controllerAndAutoMode';
  /**
   * Where a controller this project installed runs, when the configuration removes it (absent
   * where the controller stays).
   */
  readonly controllerRelease?: { readonly releaseName: string; readonly namespace: string };
}

/**
 * The objects in `objects` (a Terraform list) that carry one of the controller's finalizers, as
 * `"<kind> <namespace>/<name>"`: what the controller still manages (and would leave frozen, or
 * stuck on its finalizer, if it went).
 */
export function managedByController(
  objects: string,
  kind: string,
  finalizers: readonly string[],
): string {
  // Escaped for a Terraform string: each backslash of the regular expression doubled.
  const pattern = `^(${finalizers.join('|')})`.replace(/\\/g, '\\\\');
  const held = `anytrue([for finalizer in try(object.metadata.finalizers, []) : can(regex("${pattern}", finalizer))])`;
  return `[for object in ${objects} : "${kind} \${object.metadata.namespace}/\${object.metadata.name}" if ${held}]`;
}

/**
 * Whether EKS says the cluster (`eks`, a `aws_eks_cluster` data source's address) runs Auto
 * Mode's load balancing; the block is empty on a cluster without Auto Mode.
 */
export function autoModeLoadBalancingEnabled(eks: string): string {
  return `try(${eks}.kubernetes_network_config[0].elastic_load_balancing[0].enabled, false) == true`;
}

/**
 * The plan-time checks of a cluster whose load balancing is (also) EKS Auto Mode's. EKS must say
 * that Auto Mode's load balancing is on (`DescribeCluster`
 * `kubernetesNetworkConfig.elasticLoadBalancing.enabled`, EKS API reference, ElasticLoadBalancing:
 * "If the load balancing capability is enabled, EKS Auto Mode will create and delete load
 * balancers"; the data source's `kubernetes_network_config[0].elastic_load_balancing[0].enabled`,
 * absent on clusters without Auto Mode): otherwise its IngressClasses would never get an ALB.
 * With `autoMode` alone, a controller this project installed goes in this plan, so while it runs
 * the plan reads every namespace and stops while Ingresses or Services still carry its
 * finalizers: AWS does not move load balancers from the controller to Auto Mode ("You cannot
 * directly transfer existing load balancers", EKS user guide, migrate-auto), so they would stay
 * with no controller. The destroy check of its release still runs at apply, for its load
 * balancers and Gateways.
 */
export class AutoModeLoadBalancingChecks extends Construct {
  constructor(scope: Construct, id: string, props: AutoModeLoadBalancingChecksProps) {
    super(scope, id);
    const eks = `data.${DataAwsEksCluster.tfResourceType}.${props.eks.friendlyUniqueId}`;
    const enabled = [
      {
        condition: `\${${autoModeLoadBalancingEnabled(eks)}}`,
        errorMessage: `loadBalancing is ${props.loadBalancing}, but EKS reports that cluster \${${eks}.name} does not run EKS Auto Mode's load balancing (kubernetes_network_config.elastic_load_balancing.enabled is not true): Auto Mode's IngressClasses would never get a load balancer. Enable EKS Auto Mode on the cluster first (compute, block storage and load balancing in one request: EKS user guide, auto-enable-existing), or set loadBalancing to controller.`,
      },
    ];
    new DataResource(this, 'check', { lifecycle: { precondition: enabled } });
    // Its own check, made with the edit that removes the controller: the preview lists it then.
    if (props.controllerRelease) {
      const running = releaseDeployments(this, 'controller', props.controllerRelease);
      const namespaces = namespacesWhen(this, 'namespaces', `length(${running}) > 0`);
      const lookup = (kind: string, apiVersion: string) =>
        objectsInNamespaces(this, kind.toLowerCase(), { apiVersion, kind, namespaces });
      const list = new TerraformLocal(
        this,
        'managed',
        `\${concat(${managedByController(lookup('Ingress', 'networking.k8s.io/v1'), 'Ingress', CONTROLLER_FINALIZERS.ingress)}, ${managedByController(lookup('Service', 'v1'), 'Service', CONTROLLER_FINALIZERS.service)})}`,
      );
      const managed = `local.${list.friendlyUniqueId}`;
      const precondition = [
        {
          condition: `\${length(${managed}) == 0}`,
          errorMessage: `loadBalancing ${props.loadBalancing} removes the AWS Load Balancer Controller, which still manages \${join(", ", ${managed})}. EKS Auto Mode does not take over its load balancers: they would stay with no controller. Set loadBalancing to controllerAndAutoMode, serve these by EKS Auto Mode (an ALB group with servedBy autoMode, Services with loadBalancerClass eks.amazonaws.com/nlb) or delete them, then plan again (docs/alb-edge.md, Moving to EKS Auto Mode).`,
        },
      ];
      new DataResource(this, 'controller-check', { lifecycle: { precondition } });
    }
  }
}
