/**
 * Facts of EKS Auto Mode's built-in load balancing that the project's output depends on. Sources:
 * the EKS user guide (awsdocs/amazon-eks-user-guide, `latest/ug/automode/`, as of December 2025,
 * and the 2026 page https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html) and
 * the Auto Mode CRD as clusters serve it (no AWS-published copy exists; a dump of it:
 * willejs/CRDs-catalog@42ce9c715b713c9b30eb43988f1b3f2be30d5edf,
 * `eks.amazonaws.com/ingressclassparams_v1.json`).
 */

/**
 * The controller name of Auto Mode's Ingress support (IngressClass `spec.controller`):
 * auto-configure-alb, Step 3, "controller: eks.amazonaws.com/alb"; migrate-auto, the reference
 * table, `ingress.k8s.aws/alb` → `eks.amazonaws.com/alb`.
 */
export const AUTO_MODE_INGRESS_CONTROLLER = 'eks.amazonaws.com/alb';

/**
 * Auto Mode's IngressClassParams: `eks.amazonaws.com/v1` (auto-configure-alb, Step 2,
 * "apiVersion: eks.amazonaws.com/v1"; migrate-auto, `elbv2.k8s.aws/v1beta1` →
 * `eks.amazonaws.com/v1`), cluster-scoped (the CRD's `scope: Cluster`). EKS installs the CRD.
 */
export const AUTO_MODE_INGRESS_CLASS_PARAMS = {
  apiVersion: 'eks.amazonaws.com/v1',
  kind: 'IngressClassParams',
  crd: 'ingressclassparams.eks.amazonaws.com',
} as const;

/**
 * The `loadBalancerClass` of Services Auto Mode turns into NLBs, set by default on Auto Mode
 * clusters (auto-configure-nlb: "The `loadBalancerClass: eks.amazonaws.com/nlb` specification is
 * automatically set as the cluster default"). The controller's is `service.k8s.aws/nlb`.
 */
export const AUTO_MODE_SERVICE_LOAD_BALANCER_CLASS = 'eks.amazonaws.com/nlb';

/** The controller's `loadBalancerClass` for Services (its mutating webhook sets it). */
export const CONTROLLER_SERVICE_LOAD_BALANCER_CLASS = 'service.k8s.aws/nlb';

/**
 * ALB group settings that Auto Mode's IngressClassParams cannot carry, with the reason and what to
 * do instead: auto-configure-alb (2026), "Considerations", IngressClassParams table
 * (`spec.wafv2AclArn`, `spec.sslRedirectPort`: "Not supported", use the Ingress annotation);
 * `securityGroups` is not a field of the Auto Mode CRD (willejs/CRDs-catalog dump above) nor of
 * any version of the page, and this project's group security group serves Gateways, which it does
 * not make on Auto Mode; `targetType` is on the 2026 page but not in the served CRD of that dump,
 * so a cluster whose Auto Mode predates it would drop it (Auto Mode's default is `ip`:
 * auto-networking, "The default targeting mode is IP Mode"; the sample workload sets
 * `alb.ingress.kubernetes.io/target-type` on the Ingress, auto-elb-example, Step 4).
 */
export const AUTO_MODE_UNSUPPORTED_GROUP_SETTINGS = {
  webAclArn:
    'EKS Auto Mode does not support spec.wafv2AclArn in IngressClassParams (EKS user guide, auto-configure-alb, Considerations): annotate the Ingresses with alb.ingress.kubernetes.io/wafv2-acl-arn instead, and remove it here',
  sslRedirectPort:
    'EKS Auto Mode does not support spec.sslRedirectPort in IngressClassParams (EKS user guide, auto-configure-alb, Considerations): annotate the Ingresses with alb.ingress.kubernetes.io/ssl-redirect instead, and remove it here',
  securityGroup:
    "EKS Auto Mode's IngressClassParams has no security-group field, and the group's security group is for Gateways, which eks-edge does not make on Auto Mode yet: set inboundCidrs for who may reach the ALB, and remove it here",
  targetType:
    "is documented for EKS Auto Mode only since 2026 and is missing from the IngressClassParams CRD that Auto Mode clusters have served (eks.amazonaws.com/v1), so eks-edge does not set it yet: Auto Mode's default is ip; annotate an Ingress with alb.ingress.kubernetes.io/target-type for instance, and remove it here",
} as const;

/**
 * Why Gateway API is refused on Auto Mode. AWS documents Auto Mode's Gateway API support from
 * 28 Oct 2026 (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-gateway-api.html:
 * "An Application Load Balancer (ALB) serves L7 routes, and a Network Load Balancer (NLB) serves
 * L4 routes"; HTTPRoute, GRPCRoute, TCPRoute and UDPRoute, no TLSRoute), but:
 * - the GatewayClass `controllerName` and the kind of its parameters are in no AWS text this
 *   project could read (only a third-party post names them), and a GatewayClass with a guessed
 *   controller name is never accepted;
 * - EKS can install and update the Gateway API CRDs itself (EKS API CrdManagementConfiguration,
 *   `kubernetesNetworkConfig.elasticLoadBalancing.gatewayApi.crds.managed`), which collides with
 *   the CRDs this project installs, and the pinned AWS provider's `aws_eks_cluster` has no such
 *   setting to read or set (auto-mode.test.ts checks the binding).
 */
export const AUTO_MODE_GATEWAY_API_UNSUPPORTED =
  "is not supported by eks-edge on EKS Auto Mode yet: AWS documents Auto Mode's Gateway API support from 28 Oct 2026 (auto-configure-gateway-api), but the GatewayClass controllerName and the parameters kind it uses could not be confirmed from AWS's documentation (a GatewayClass with a wrong controllerName is never accepted), and EKS may manage the Gateway API CRDs itself (gatewayApi.crds.managed), which the pinned AWS provider cannot read or set; install nothing for it here and follow the AWS page for such clusters";
