/**
 * The resolved configuration: what stacks and constructs are built from. Every value is final
 * (defaults applied, names built, upstream files pinned); alternatives are discriminated unions,
 * so no consumer checks a setting twice or meets a placeholder.
 */
import type {
  GatewayFeatureGate,
  LbcGatewaySupport,
  LbcRelease,
  PinnedFile,
} from '../catalog/aws-load-balancer-controller';
import type { TemplatedValue } from '../catalog/chart-templating';
import type { PinnedManifestFile } from '../catalog/manifest-files';
import type { Partition } from '../catalog/partitions';
import type { AlbImplementation, RoleOwner } from './naming';
import type { BackendConfig, CredentialsConfig } from './schema';

export type { BackendConfig, CredentialsConfig, Partition, PinnedFile };

export interface ResolvedConfig {
  readonly clusters: readonly ResolvedCluster[];
  readonly dnsAccount?: ResolvedDnsAccount;
  /** What the configuration may get wrong where offline checks cannot tell (e.g. a new region). */
  readonly warnings: readonly string[];
}

/** What every IAM role a stack creates gets (`iamRoles`, the boundary of the stack's account). */
export interface RoleOptions {
  readonly path: string;
  readonly maxSessionDuration: number;
  readonly permissionsBoundary?: string;
  /** The deployment the stack's roles belong to: written on each role and checked at plan. */
  readonly owner: RoleOwner;
  /** What gives the stack's roles other names, for the plan's stop on a name another owns. */
  readonly renamedBy: string;
}

/** An AWS account as one stack sees it. */
export interface StackAccount {
  readonly accountId: string;
  readonly region: string;
  readonly partition: Partition;
  readonly credentials?: CredentialsConfig;
  /** Tags for every AWS resource of the stack (the provider's default_tags). */
  readonly tags: Readonly<Record<string, string>>;
  /** This stack's backend (its own, or the top-level one). */
  readonly backend: BackendConfig;
  readonly roleOptions: RoleOptions;
}

export interface ResolvedCluster extends StackAccount {
  readonly environment: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly vpcId: string;
  /** `<environment>-<clusterName>`: the stack name, unique in the app. */
  readonly stackName: string;
  /** Subnets whose role tag this cluster's stack owns, and those that get its cluster tag. */
  readonly subnetTags: {
    readonly public: readonly string[];
    readonly private: readonly string[];
    readonly clusterShared: readonly string[];
    /** Role tags this stack does not own: released if it owned them before, never deleted. */
    readonly released: { readonly public: readonly string[]; readonly private: readonly string[] };
  };
  /**
   * The cluster's IAM OIDC provider: created here, an existing one, or (absent) none. When this
   * stack does not create one, a provider it created before is released (kept in IAM), unless
   * the configuration opted into deleting it.
   */
  readonly oidcProvider?:
    { readonly kind: 'create' } | { readonly kind: 'existing'; readonly arn: string };
  /** Keep (in IAM) a provider this stack created before, when it no longer creates one. */
  readonly releaseUnusedOidcProvider: boolean;
  /** What becomes of a CRD no longer needed: released (kept in the cluster) or deleted. */
  readonly unusedCrds: 'release' | 'delete';
  /** What a destroy of the stack does with the CRDs it applies. */
  readonly crdsOnDestroy: 'release' | 'delete';
  /** Prepared for a destroy: what a destroy must leave in place is released (forgotten). */
  readonly retiring: boolean;
  /**
   * The EKS Pod Identity Agent add-on this stack installs or adopts (only with a pod-identity
   * workload); `preserve`: when the stack stops managing it, the agent keeps running.
   */
  readonly podIdentityAgent?: { readonly preserve: boolean };
  /** What makes the load balancers: the controller, EKS Auto Mode, or both side by side. */
  readonly loadBalancing: 'controller' | 'autoMode' | 'controllerAndAutoMode';
  readonly loadBalancerController?: ResolvedLoadBalancerController;
  /**
   * With the controller disabled, or on Auto Mode's load balancing: whether removing one it installed before may leave its load
   * balancers behind (the destroy check of its release still runs).
   */
  readonly disabledController?: {
    readonly acceptOrphansOnDestroy: boolean;
    /** Where the release of a controller this project installed runs. */
    readonly release: { readonly releaseName: string; readonly namespace: string };
  };
  readonly externalDns: readonly ResolvedExternalDns[];
  /** Owner ids of removed ExternalDNS instances whose records may stay unmanaged. */
  readonly retiredTxtOwnerIds: readonly string[];
  /**
   * The ALB edge stack. Every cluster has one, also with no ALB group, Gateway API or access logs:
   * a stack that left the app would orphan what it deployed; an empty one destroys it.
   */
  readonly edge: ResolvedEdge;
}

/** A Kubernetes service account. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** A workload's service account, and who makes it. */
export interface WorkloadServiceAccount extends ServiceAccountRef {
  /** `true`: the chart creates it, and Helm owns it. `false`: it exists, and its owner keeps it. */
  readonly createdByChart: boolean;
}

export type WorkloadIdentityMode =
  | { readonly mode: 'irsa' }
  | { readonly mode: 'pod-identity' }
  | { readonly mode: 'node-role'; readonly nodeRoleNames: readonly string[] };

/**
 * How a workload's chart is deployed: by this project (`helm`), or by another tool such as Argo CD
 * or Flux (`iam-only`: this project makes the IAM and says, in outputs, what the chart needs).
 */
export type ChartDeploy = 'helm' | 'iam-only';

/** Chart values the configuration exposes as settings. */
export interface LbcChartOptions {
  readonly defaultTargetType?: 'instance' | 'ip';
  readonly enableServiceMutatorWebhook?: boolean;
  readonly defaultLoadBalancerScheme?: 'internet-facing' | 'internal';
}

export interface ChartRef {
  readonly repository: string;
  readonly name: string;
  readonly version: string;
}

export interface ResolvedLoadBalancerController {
  readonly release: LbcRelease;
  readonly releaseName: string;
  readonly chart: ChartRef;
  /** `existing-irsa-role`: IRSA through a role another tool keeps (`existingRoleArn`). */
  readonly identity:
    | { readonly mode: 'irsa' }
    | { readonly mode: 'pod-identity' }
    | { readonly mode: 'existing-irsa-role'; readonly roleArn: string };
  readonly serviceAccount: WorkloadServiceAccount;
  readonly replicaCount: number;
  /** Destroy the controller even while it owns load balancers (they are left behind). */
  readonly acceptOrphansOnDestroy: boolean;
  readonly names: {
    readonly role: string;
    readonly policy: string;
    readonly migrationPolicy: string;
    readonly globalAcceleratorPolicy: string;
    readonly certificateManagementPolicy: string;
  };
  /** The user's chart values (checked not to override the managed ones). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Present when Gateway API support is enabled: the CRDs and feature gates it needs. */
  readonly gatewayApi?: { readonly support: LbcGatewaySupport; readonly nlb: boolean };
  /**
   * The Gateway API feature gates, set explicitly for every release that has them (their default
   * changed at v3.2.0: an upgrade must not turn Gateway support on or off by itself).
   */
  readonly featureGates?: Readonly<Record<GatewayFeatureGate, boolean>>;
  /** Runs the Global Accelerator controller (its policy is `release.globalAcceleratorPolicy`). */
  readonly globalAccelerator: boolean;
  /** ACM certificate management: where it may validate, which Private CAs it may use. */
  readonly certificateManagement?: {
    readonly zones: readonly HostedZone[];
    readonly certificateAuthorityArns: readonly string[];
  };
  /** The feature gates these settings turn on, in the chart's values. */
  readonly capabilityGates: readonly string[];
  /** Chart values set by settings (target type, service webhook, default scheme). */
  readonly chartOptions: LbcChartOptions;
  /** Who deploys the chart: this project, or another tool given the IAM and values. */
  readonly deploy: ChartDeploy;
}

export interface HostedZone {
  readonly name: string;
  /** When absent, looked up by name (and privacy) at plan time. */
  readonly id?: string;
  readonly private: boolean;
}

/**
 * How an ExternalDNS instance reaches its role in the DNS account, and what pins it in that
 * role's trust: the same record serves the cluster side (association target or
 * `--aws-assume-role`) and the DNS side (trust statements).
 */
export type CrossAccountAccess = {
  readonly dnsRoleArn: string;
  /** The cluster account that calls. */
  readonly callerAccountId: string;
  /** The instance's role in the cluster account (the trust pins it; it need not exist yet). */
  readonly sourceRoleArn: string;
  /** The Pod Identity session tags its DNS-role sessions carry (none with IRSA, or disabled). */
  readonly sessionTags?: PodIdentitySessionTags;
} & (
  | {
      /** EKS Pod Identity chains into the DNS role, sending the pod's session tags. */
      readonly via: 'pod-identity-target';
      readonly proof: SessionTagsProof | ExternalIdProof;
    }
  | {
      /** ExternalDNS assumes the DNS role itself with `--aws-assume-role`. */
      readonly via: 'assume-role';
      readonly proof: ExternalIdProof;
    }
);

/** The session tags EKS Pod Identity sends for the pod's cluster, namespace and service account. */
export interface SessionTagsProof extends PodIdentitySessionTags {
  readonly kind: 'session-tags';
}

/**
 * The EKS Pod Identity session tags of one workload. They are transitive, so a DNS-role session
 * reached from a Pod Identity session carries them as principal tags.
 */
export interface PodIdentitySessionTags {
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** An `sts:ExternalId` (from EKS with session tags disabled, or `--aws-assume-role-external-id`). */
export interface ExternalIdProof {
  readonly kind: 'external-id';
  readonly externalId: string;
  /** The caller also calls `sts:TagSession` (EKS Pod Identity always does). */
  readonly tagSession: boolean;
}

export interface ResolvedExternalDns {
  readonly name: string;
  readonly releaseName: string;
  readonly chart: ChartRef;
  /** Where the chart renders values through `tpl` (catalog). */
  readonly templatedValues: readonly TemplatedValue[];
  readonly identity: WorkloadIdentityMode;
  readonly serviceAccount: WorkloadServiceAccount;
  /** Role and policy names in the cluster account. */
  readonly names: { readonly role: string; readonly policy: string };
  readonly zones: readonly HostedZone[];
  readonly zoneType?: 'public' | 'private';
  readonly domainFilters: readonly string[];
  readonly policy: 'upsert-only' | 'sync';
  readonly txtOwnerId: string;
  /** The previous owner id whose records this instance takes over. */
  readonly migrateFromTxtOwner?: string;
  readonly sources: readonly string[];
  readonly annotationPrefix: string;
  readonly annotationFilter?: string;
  /** Record names the IAM policy is narrowed to, when `restrictRecordNames`. */
  readonly recordNames?: readonly string[];
  readonly recordTypes?: readonly string[];
  /** The record types it manages (`--managed-record-types`, or ExternalDNS's default). */
  readonly managedTypes: readonly string[];
  /** `--txt-prefix` or `--txt-suffix` of its TXT registry. */
  readonly txtAffix?: TxtAffix;
  /** The ALB groups whose Ingresses and Gateways it publishes (absent: every group). */
  readonly albGroups?: readonly string[];
  /** The IngressClasses of those groups (`--ingress-class`). */
  readonly albGroupIngressClasses?: readonly string[];
  /**
   * Zones of the cluster's other instances inside its domain filters (`--exclude-domains`): a
   * public instance never publishes a private zone's names.
   */
  readonly excludeDomains: readonly string[];
  readonly extraArgs: readonly string[];
  readonly values: Readonly<Record<string, unknown>>;
  /** Who deploys the chart: this project, or another tool given the IAM and values. */
  readonly deploy: ChartDeploy;
  /**
   * The DNSEndpoint CRD at the chart's version, where the instance reads the `crd` source and
   * the chart version is catalogued (otherwise the chart's first install brings it, as Helm does).
   */
  readonly dnsEndpointCrd?: PinnedManifestFile;
  /** Route 53 permissions in this account, or through a role in the DNS account. */
  readonly route53:
    { readonly kind: 'local' } | ({ readonly kind: 'cross-account' } & CrossAccountAccess);
}

/** `--txt-prefix` or `--txt-suffix` (mutually exclusive), with `%{record_type}` allowed in it. */
export type TxtAffix = { readonly prefix: string } | { readonly suffix: string };

/** Which records an instance may change, and which TXT registry names it writes. */
export type RecordScope = Pick<
  ResolvedExternalDns,
  'recordNames' | 'recordTypes' | 'managedTypes' | 'txtAffix'
>;

/**
 * Route 53 access granted by a DNS-account role. A role with several callers holds one grant per
 * caller, each only for sessions of that caller: those carrying its Pod Identity session tags, or
 * (`untagged`) those carrying none, which callers reaching the role without tags share.
 */
export interface DnsRoleGrant {
  readonly zones: readonly { readonly name: string; readonly id: string }[];
  readonly records: RecordScope;
  readonly sessions?: PodIdentitySessionTags | 'untagged';
}

export interface ResolvedDnsRole {
  readonly name: string;
  readonly arn: string;
  readonly grants: readonly DnsRoleGrant[];
  readonly callers: readonly CrossAccountAccess[];
  /** The cluster stacks whose instances it serves (a tag of the role says so). */
  readonly servedClusters: readonly string[];
}

export interface ResolvedDnsAccount extends StackAccount {
  readonly stackName: string;
  readonly roles: readonly ResolvedDnsRole[];
  /**
   * Cluster stacks whose DNS roles the stack's state may hold: the file's, and those removed
   * from it on purpose (`removedClusters`). A role of any other cluster stops the plan.
   */
  readonly knownClusters: readonly string[];
  /** With `sharedRole`: the one role's name. */
  readonly sharedRoleName?: string;
}

export interface ResolvedAlbGroup {
  readonly name: string;
  /** What makes its ALB: the controller's IngressClassParams or Auto Mode's. */
  readonly servedBy: AlbImplementation;
  /** IngressClass (and IngressClassParams) name: `alb-<name>`, on Auto Mode `eks-auto-<name>`. */
  readonly ingressClassName: string;
  readonly scheme: 'internet-facing' | 'internal';
  /** A changed scheme replaces the ALB: allowed only where `replace` (the setting at `setting`). */
  readonly schemeChange: { readonly setting: string; readonly replace: boolean };
  readonly certificateArns: readonly string[];
  readonly sslPolicy: string;
  readonly webAclArn?: string;
  /** Undefined: the controller's default (anywhere for internet-facing, the VPC for internal). */
  readonly inboundCidrs?: readonly string[];
  /** A security group made for this group's ALB. */
  readonly securityGroup?: {
    readonly name: string;
    readonly ports: readonly number[];
    readonly inboundCidrs: readonly string[];
  };
  readonly attributes: Readonly<Record<string, string>>;
  readonly targetType?: 'instance' | 'ip';
  readonly sslRedirectPort?: number;
  /** The subnets of its ALB, in a canonical order; absent: those tagged for its scheme. */
  readonly subnetIds?: readonly string[];
  /** Key prefix of this group's access logs. */
  readonly logPrefix: string;
}

export interface ResolvedGateway {
  readonly name: string;
  readonly group: ResolvedAlbGroup;
  readonly scheme: 'internet-facing' | 'internal';
  readonly hostname?: string;
  readonly logPrefix: string;
  /** `allowedRoutes.namespaces` of its listeners. */
  readonly allowedRoutes: AllowedNamespaces<'All' | 'Same'>;
  /** `allowedListeners.namespaces`: whose ListenerSets may add listeners. */
  readonly allowedListeners: AllowedNamespaces<'None' | 'All' | 'Same'>;
}

/** Gateway API's namespace choice (`from`, and with `Selector` the labels it selects). */
export type AllowedNamespaces<From extends string> =
  | { readonly from: From }
  | { readonly from: 'Selector'; readonly matchLabels: Readonly<Record<string, string>> };

export interface ResolvedGatewayApi {
  readonly gatewayClassName: string;
  readonly namespace: string;
  /** apiVersion of LoadBalancerConfiguration for the controller version. */
  readonly lbcApiVersion: LbcGatewaySupport['lbcApiVersion'];
  readonly gateways: readonly ResolvedGateway[];
}

export interface ResolvedAccessLogs {
  readonly bucketName: string;
  readonly expirationDays: number;
  readonly forceDestroy: boolean;
  /** The region's ELB log-delivery account, where it has one. */
  readonly elbAccount?: string;
}

export interface ResolvedEdge {
  readonly stackName: string;
  readonly albGroups: readonly ResolvedAlbGroup[];
  readonly gatewayApi?: ResolvedGatewayApi;
  readonly accessLogs?: ResolvedAccessLogs;
}
