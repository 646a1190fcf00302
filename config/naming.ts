/**
 * Every name this project gives to a stack, an AWS object or a Kubernetes object, built in one
 * place. A name is part of an object's identity: changing how one is built replaces (deletes and
 * recreates) the live object, so every rule here is pinned by tests.
 */
import { createHash } from 'node:crypto';

/** IAM role and policy names: 64 characters for roles; policies allow 128 (see below). */
export const IAM_ROLE_NAME_LIMIT = 64;
const IAM_POLICY_NAME_LIMIT = 128;
const S3_BUCKET_NAME_LIMIT = 63;
const SECURITY_GROUP_NAME_LIMIT = 255;
const TAG_VALUE_LIMIT = 256;

/**
 * Joins name parts with "-" and keeps the result within an AWS name limit. A name that is too long
 * is cut and given a short hash of the full name, so it stays unique and identical on every synth.
 */
export function boundedName(parts: readonly string[], maxLength: number): string {
  const full = parts.filter(Boolean).join('-');
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

/** What a cluster's names are built from. */
export interface ClusterIdentity {
  readonly environment: string;
  readonly clusterName: string;
  /** Prefix of the cluster's AWS names (`namePrefix`, by default the cluster name). */
  readonly namePrefix: string;
}

/** A cluster's settings (`C`) with its name prefix decided. */
export type NamedCluster<C> = C & ClusterIdentity;

/** The cluster's settings with `namePrefix` defaulted to the cluster name. */
export function namedCluster<
  C extends Omit<ClusterIdentity, 'namePrefix'> & { readonly namePrefix?: string },
>(cluster: C): NamedCluster<C> {
  return { ...cluster, namePrefix: cluster.namePrefix ?? cluster.clusterName };
}

/** Helm's limit on a release name (it becomes a label value with a suffix). */
export const HELM_RELEASE_NAME_LIMIT = 53;

export const DNS_STACK_NAME = 'dns';

/** `<environment>-<clusterName>`: the cluster stack (and its state file). */
export function clusterStackName(cluster: Omit<ClusterIdentity, 'namePrefix'>): string {
  return `${cluster.environment}-${cluster.clusterName}`;
}

/** The cluster's ALB edge stack, deployed after the cluster stack. */
export function edgeStackName(cluster: Omit<ClusterIdentity, 'namePrefix'>): string {
  return `${clusterStackName(cluster)}-edge`;
}

export const LBC_RELEASE_NAME = 'aws-load-balancer-controller';

export const lbcNames = ({ namePrefix }: ClusterIdentity) => ({
  role: boundedName([namePrefix, 'aws-load-balancer-controller'], IAM_ROLE_NAME_LIMIT),
  policy: boundedName([namePrefix, 'aws-load-balancer-controller'], IAM_POLICY_NAME_LIMIT),
  migrationPolicy: boundedName(
    [namePrefix, 'aws-load-balancer-controller-v1-migration'],
    IAM_POLICY_NAME_LIMIT,
  ),
  globalAcceleratorPolicy: boundedName(
    [namePrefix, 'aws-load-balancer-controller-global-accelerator'],
    IAM_POLICY_NAME_LIMIT,
  ),
  certificateManagementPolicy: boundedName(
    [namePrefix, 'aws-load-balancer-controller-certificates'],
    IAM_POLICY_NAME_LIMIT,
  ),
});

/** An ExternalDNS instance's release, default service account and IAM role and policy. */
export const externalDnsNames = (cluster: ClusterIdentity, instance: string) => ({
  release: `external-dns-${instance}`,
  serviceAccount: `external-dns-${instance}`,
  // The role's ARN is pinned by DNS-account trusts, so it must be derivable offline.
  role: boundedName([cluster.namePrefix, 'external-dns', instance], IAM_ROLE_NAME_LIMIT),
  policy: boundedName([cluster.namePrefix, 'external-dns', instance], IAM_ROLE_NAME_LIMIT),
  txtOwnerId: `${clusterStackName(cluster)}-${instance}`,
});

/** The role in the DNS account for one cluster's instance, or the one shared role. */
export function dnsRoleName(
  cluster: Omit<ClusterIdentity, 'namePrefix'>,
  instance: string,
): string {
  return boundedName([clusterStackName(cluster), 'external-dns', instance], IAM_ROLE_NAME_LIMIT);
}

/** Default access-log bucket: globally unique through the account and region. */
export function accessLogBucketName(cluster: {
  namePrefix: string;
  accountId: string;
  region: string;
}): string {
  const base = cluster.namePrefix.toLowerCase().replace(/_/g, '-');
  return boundedName([base, 'alb-logs', cluster.accountId, cluster.region], S3_BUCKET_NAME_LIMIT);
}

/** Label on each Gateway naming its ALB group: ExternalDNS instances select Gateways by it. */
export const ALB_GROUP_LABEL = 'eks-edge/alb-group';

/** What makes an ALB group's load balancer. */
export type AlbImplementation = 'controller' | 'autoMode';

/**
 * The IngressClass (and IngressClassParams) of an ALB group. Auto Mode's have names of their own:
 * the controller's chart and AWS's Auto Mode examples both call their class `alb`, and on a
 * cluster running both, a group moves by a class beside the old one, never by rewriting it.
 */
export function ingressClassName(group: string, servedBy: AlbImplementation): string {
  return servedBy === 'autoMode' ? `eks-auto-${group}` : `alb-${group}`;
}

export function albSecurityGroupName({ namePrefix }: ClusterIdentity, group: string): string {
  return boundedName([namePrefix, 'alb', group], SECURITY_GROUP_NAME_LIMIT);
}

/** The ARN of a role (its path is part of it). */
export function roleArn(
  account: { readonly partition: string; readonly accountId: string },
  path: string,
  name: string,
): string {
  return `arn:${account.partition}:iam::${account.accountId}:role${path}${name}`;
}

/** The state file of a stack with local state, in the backend's directory. */
export function localStateFile(stackName: string): string {
  return `terraform.${stackName}.tfstate`;
}

/** The S3 key of a stack's state. */
export function s3StateKey(keyPrefix: string, stackName: string): string {
  return `${keyPrefix}/${stackName}.tfstate`;
}

/** Tag on the controller's IAM policies: the controller release their document is from. */
export const CONTROLLER_VERSION_TAG = 'eks-edge/controller-version';

/**
 * Tags on every IAM role the project creates, naming the deployment that owns it: its stack and,
 * with S3 state, where that state lives. IAM role names are unique per account, so a plan-time
 * check compares them with those of an existing role of the same name (see role-name-claim.ts).
 */
export const ROLE_OWNER_TAGS = { stack: 'eks-edge/stack', state: 'eks-edge/state' } as const;

/**
 * On a DNS-account role: the cluster stacks it serves, space-separated, so that a DNS stack can
 * tell its roles of clusters another configuration file lists.
 */
export const DNS_ROLE_CLUSTERS_TAG = 'eks-edge/clusters';

/** The most tags the project writes on one role: its owner's, and a DNS role's clusters. */
export const PROJECT_ROLE_TAG_COUNT = Object.keys(ROLE_OWNER_TAGS).length + 1;

/** Tag keys the project writes itself; configurations may not set them. */
export const PROJECT_TAG_KEYS: readonly string[] = [
  CONTROLLER_VERSION_TAG,
  ROLE_OWNER_TAGS.stack,
  ROLE_OWNER_TAGS.state,
  DNS_ROLE_CLUSTERS_TAG,
];

/**
 * The deployment a stack's roles belong to. Local state has no location that tells two
 * deployments apart (every checkout has the same relative path), so only S3 state is named.
 */
export interface RoleOwner {
  readonly stack: string;
  /** `s3://<bucket>/<key>` of the stack's state; absent with local state. */
  readonly state?: string;
}

export function roleOwner(
  stackName: string,
  backend: { readonly type: 'local' } | { readonly type: 's3'; bucket: string; keyPrefix: string },
): RoleOwner {
  if (backend.type === 'local') return { stack: stackName };
  const location = `s3://${backend.bucket}/${s3StateKey(backend.keyPrefix, stackName)}`;
  return { stack: stackName, state: boundedName([location], TAG_VALUE_LIMIT) };
}
