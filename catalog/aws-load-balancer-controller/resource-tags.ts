/**
 * How the controller marks what it makes in AWS, and how the ALB Ingress Controller v1 marked it.
 * Source: kubernetes-sigs/aws-load-balancer-controller v2.17.1 `pkg/deploy/tracking/provider.go`
 * (clusterNameTagKey, clusterNameTagKeyLegacy) and `docs/deploy/upgrade/migrate_v1_v2.md`.
 */

/** Tag key the controller puts on its load balancers, target groups and security groups. */
export const LBC_CLUSTER_TAG = 'elbv2.k8s.aws/cluster';

/**
 * Tag key of v1 (v1.1.3 and later). The controller keeps it on what it takes over (it is one of
 * its ignored `LegacyTagKeys`) and adds its own, so a resource with only this tag is one v1 made
 * and the controller has not taken over yet.
 */
export const V1_CLUSTER_TAG = 'ingress.k8s.aws/cluster';

/**
 * Description of a node security-group inbound rule the controller manages (and removes when the
 * load balancer goes). v1 wrote its rules without a description: the migration guide has users
 * add this one to the rules whose source is a group v1 made.
 */
export const SHARED_BACKEND_RULE_DESCRIPTION = 'elbv2.k8s.aws/targetGroupBinding=shared';

/**
 * The Ingress annotation that names its IngressGroup (one ALB per group). The `group` of the
 * Ingress's IngressClassParams wins over it (pkg/ingress/group_loader.go:234-236 at v2.17.1).
 */
export const ALB_GROUP_NAME_ANNOTATION = 'alb.ingress.kubernetes.io/group.name';
