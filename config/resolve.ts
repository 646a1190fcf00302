/**
 * Checks the relations between settings that the schema cannot express and resolves derived
 * values (partition, chart versions, checksums, names), so that stacks and constructs receive
 * complete, typed settings and never re-validate.
 */
import { LBC_MANAGED_VALUES } from '../modules/aws-load-balancer-controller';
import { EXTERNAL_DNS_MANAGED_FLAGS, EXTERNAL_DNS_MANAGED_VALUES } from '../modules/external-dns';
import {
  LBC_RELEASES,
  MIGRATION_POLICY_FILE,
  POLICY_FILE_BY_PARTITION,
  derivedChartVersion,
} from '../modules/aws-load-balancer-controller/versions';
import type { PolicyFile } from '../modules/aws-load-balancer-controller/versions';
import { partitionOf } from '../modules/partition';
import type { Partition } from '../modules/partition';
import { duplicates } from './duplicates';
import {
  checkCrossAccountInstance,
  oversizedTrustPolicies,
  resolveDnsAccount,
} from './resolve-dns-account';
import type { DnsAccountAccess, ResolvedDnsAccount } from './resolve-dns-account';
import { resolveEdge } from './resolve-edge';
import type { ResolvedEdge } from './resolve-edge';
import type {
  ClusterConfig,
  Config,
  DnsAccountConfig,
  ExternalDnsConfig,
  LoadBalancerControllerConfig,
} from './schema';

export interface ConfigIssue {
  /** Dotted path of the setting, e.g. `clusters[0].loadBalancerController.version`. */
  readonly path: string;
  readonly message: string;
}

export interface ResolvedLoadBalancerController extends LoadBalancerControllerConfig {
  readonly chartVersion: string;
  readonly policy: VerifiedPolicyFile;
  /** Present when `migrateFromV1` is on. */
  readonly migrationPolicy?: VerifiedPolicyFile;
}

export interface VerifiedPolicyFile {
  readonly file: PolicyFile;
  readonly sha256: string;
}

export interface ResolvedExternalDns extends ExternalDnsConfig {
  readonly serviceAccountName: string;
  readonly txtOwnerId: string;
  readonly domainFilters: string[];
  /** With `crossAccount`: the DNS-account role and how to reach it. */
  readonly dnsAccountAccess?: DnsAccountAccess;
}

export interface ResolvedCluster
  extends
    Omit<
      ClusterConfig,
      'loadBalancerController' | 'externalDns' | 'albGroups' | 'gatewayApi' | 'accessLogs'
    >,
    ResolvedEdge {
  /** `<environment>-<clusterName>`: the stack name, unique in the app. */
  readonly stackName: string;
  readonly partition: Partition;
  /** Top-level tags merged with the cluster's. */
  readonly tags: Record<string, string>;
  /** Subnets whose role tag this cluster's stack owns, and those that get its cluster tag. */
  readonly subnetTags: {
    readonly public: string[];
    readonly private: string[];
    readonly clusterShared: string[];
  };
  readonly loadBalancerController: ResolvedLoadBalancerController;
  readonly externalDns: ResolvedExternalDns[];
}

export interface ResolvedConfig extends Omit<Config, 'clusters' | 'dnsAccount'> {
  readonly clusters: ResolvedCluster[];
  readonly dnsAccount?: ResolvedDnsAccount;
}

/** Issues are collected, never thrown, so the user sees every problem at once. */
class IssueCollector {
  readonly issues: ConfigIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}

function resolveLoadBalancerController(
  lbc: LoadBalancerControllerConfig,
  partition: Partition,
  path: string,
  issues: IssueCollector,
): ResolvedLoadBalancerController {
  const known = LBC_RELEASES[lbc.version];
  const policyFile = POLICY_FILE_BY_PARTITION[partition];
  if (known) {
    for (const key of ['chartVersion', 'policySha256', 'migrationPolicySha256'] as const) {
      if (lbc[key] !== undefined) {
        issues.add(
          `${path}.${key}`,
          `is only for controller versions outside the built-in catalog; ${lbc.version} is catalogued, remove this setting`,
        );
      }
    }
  }
  const chartVersion = known?.chartVersion ?? lbc.chartVersion ?? derivedChartVersion(lbc.version);
  const policySha256 = known?.policySha256[policyFile] ?? lbc.policySha256;
  const migrationSha256 = known?.policySha256[MIGRATION_POLICY_FILE] ?? lbc.migrationPolicySha256;
  const catalogued = Object.keys(LBC_RELEASES).join(', ');
  rejectManagedValues(lbc.values, LBC_MANAGED_VALUES, `${path}.values`, issues);
  if (lbc.enabled && !known) {
    if (!policySha256) {
      issues.add(
        `${path}.policySha256`,
        `controller version ${lbc.version} is not in the built-in catalog (${catalogued}); set policySha256 to the sha256 of ${policyFile} at tag ${lbc.version}, or choose a catalogued version`,
      );
    }
    if (!chartVersion) {
      issues.add(
        `${path}.chartVersion`,
        `controller version ${lbc.version} is not in the built-in catalog; set the chart version that ships it (charts before 3.0.0 are numbered 1.x)`,
      );
    }
    if (lbc.migrateFromV1 && !migrationSha256) {
      issues.add(
        `${path}.migrationPolicySha256`,
        `migrateFromV1 with uncatalogued version ${lbc.version} needs the sha256 of ${MIGRATION_POLICY_FILE} at that tag`,
      );
    }
  }
  return {
    ...lbc,
    chartVersion: chartVersion ?? '',
    policy: { file: policyFile, sha256: policySha256 ?? '' },
    migrationPolicy: lbc.migrateFromV1
      ? { file: MIGRATION_POLICY_FILE, sha256: migrationSha256 ?? '' }
      : undefined,
  };
}

/** Values a construct derives from other settings cannot also be set by hand: they would silently lose. */
function rejectManagedValues(
  values: Record<string, unknown>,
  managed: readonly string[],
  path: string,
  issues: IssueCollector,
): void {
  for (const key of Object.keys(values).filter((k) => managed.includes(k))) {
    issues.add(
      `${path}.${key}`,
      `is set by this project from the other settings (managed values: ${managed.join(', ')}); remove it`,
    );
  }
}

/** True when `name` is `zone` or a name inside it. */
function isWithinZone(name: string, zone: string): boolean {
  const bare = name.replace(/^\*\./, '');
  return bare === zone || bare.endsWith(`.${zone}`);
}

function resolveExternalDns(
  instance: ExternalDnsConfig,
  cluster: ClusterConfig,
  dnsAccount: DnsAccountConfig | undefined,
  path: string,
  issues: IssueCollector,
): ResolvedExternalDns {
  if (instance.zones.length === 0) {
    issues.add(
      `${path}.zones`,
      'lists no hosted zone: ExternalDNS would look for zones with whatever credentials it finds; name the zones it may change',
    );
  }
  duplicates(instance.zones.map((zone) => zone.name)).forEach((name) =>
    issues.add(`${path}.zones`, `lists zone ${name} more than once`),
  );
  instance.zones.forEach((zone, index) => {
    if (instance.zoneType && zone.private !== (instance.zoneType === 'private')) {
      issues.add(
        `${path}.zones[${index}]`,
        `${zone.name} is a ${zone.private ? 'private' : 'public'} zone but zoneType is ${instance.zoneType}`,
      );
    }
  });
  const domainFilters = instance.domainFilters ?? instance.zones.map((zone) => zone.name);
  (instance.domainFilters ?? []).forEach((filter, index) => {
    if (
      instance.zones.length > 0 &&
      !instance.zones.some((zone) => isWithinZone(filter, zone.name))
    ) {
      issues.add(
        `${path}.domainFilters[${index}]`,
        `${filter} is not inside any of this instance's zones (${instance.zones.map((z) => z.name).join(', ')})`,
      );
    }
  });
  if (instance.identity === 'node-role' && instance.nodeRoleNames.length === 0) {
    issues.add(
      `${path}.nodeRoleNames`,
      'identity node-role needs the names of the node IAM roles to attach the Route 53 policy to',
    );
  }
  if (instance.identity !== 'node-role' && instance.nodeRoleNames.length > 0) {
    issues.add(
      `${path}.nodeRoleNames`,
      `is only used with identity node-role (this instance uses ${instance.identity})`,
    );
  }
  rejectManagedValues(instance.values, EXTERNAL_DNS_MANAGED_VALUES, `${path}.values`, issues);
  instance.extraArgs.forEach((arg, index) => {
    const flag = arg.split('=')[0];
    if (EXTERNAL_DNS_MANAGED_FLAGS.includes(flag)) {
      issues.add(
        `${path}.extraArgs[${index}]`,
        `${flag} is set by this project from the instance's settings (managed flags: ${EXTERNAL_DNS_MANAGED_FLAGS.join(', ')})`,
      );
    }
  });
  if (instance.recordTypes && !instance.recordTypes.includes('TXT')) {
    issues.add(
      `${path}.recordTypes`,
      'must include TXT: the TXT registry records which records this instance owns',
    );
  }
  // Zones of the DNS account are known by id there; the cluster side reuses those ids.
  const zones = instance.crossAccount
    ? instance.zones.map((zone) => ({
        ...zone,
        id: dnsAccount?.zones.find((z) => z.name === zone.name)?.id ?? zone.id,
      }))
    : instance.zones;
  return {
    ...instance,
    zones,
    serviceAccountName: instance.serviceAccountName ?? `external-dns-${instance.name}`,
    txtOwnerId:
      instance.txtOwnerId ?? `${cluster.environment}-${cluster.clusterName}-${instance.name}`,
    domainFilters,
  };
}

function resolveCluster(
  cluster: ClusterConfig,
  config: Config,
  path: string,
  issues: IssueCollector,
): Omit<ResolvedCluster, 'subnetTags'> {
  const partition = partitionOf(cluster.region);
  const { subnets } = cluster;
  if (subnets.public.length === 0 && subnets.private.length === 0) {
    issues.add(
      `${path}.subnets`,
      'lists no subnet: give the public and/or private subnet ids the load balancers may use',
    );
  }
  duplicates([...subnets.public, ...subnets.private]).forEach((id) =>
    issues.add(
      `${path}.subnets`,
      `${id} is listed more than once (a subnet is either public or private)`,
    ),
  );
  if (
    cluster.existingOidcProviderArn &&
    !cluster.existingOidcProviderArn.startsWith(`arn:${partition}:iam::${cluster.accountId}:`)
  ) {
    issues.add(
      `${path}.existingOidcProviderArn`,
      `must be in partition ${partition} and account ${cluster.accountId} (the cluster's)`,
    );
  }
  if (
    cluster.existingOidcProviderArn &&
    !cluster.existingOidcProviderArn.includes(`oidc.eks.${cluster.region}.`)
  ) {
    issues.add(
      `${path}.existingOidcProviderArn`,
      `must be the OIDC provider of an EKS cluster in ${cluster.region}`,
    );
  }
  const assumeRoleArn = cluster.credentials?.assumeRoleArn;
  if (assumeRoleArn && !assumeRoleArn.includes(`::${cluster.accountId}:`)) {
    issues.add(
      `${path}.credentials.assumeRoleArn`,
      `must be a role in the cluster's account ${cluster.accountId}`,
    );
  }
  const lbc = resolveLoadBalancerController(
    cluster.loadBalancerController,
    partition,
    `${path}.loadBalancerController`,
    issues,
  );
  const externalDns = cluster.externalDns.map((instance, index) =>
    resolveExternalDns(
      instance,
      cluster,
      config.dnsAccount,
      `${path}.externalDns[${index}]`,
      issues,
    ),
  );
  duplicates(externalDns.map((i) => i.name)).forEach((name) =>
    issues.add(`${path}.externalDns`, `instance name ${name} is used more than once`),
  );
  duplicates(externalDns.map((i) => `${i.namespace}/${i.serviceAccountName}`)).forEach((sa) =>
    issues.add(`${path}.externalDns`, `service account ${sa} is used by more than one instance`),
  );
  const edge = resolveEdge(cluster, path, (p, message) => issues.add(p, message));
  return {
    ...cluster,
    ...edge,
    stackName: `${cluster.environment}-${cluster.clusterName}`,
    partition,
    tags: { ...config.tags, ...cluster.tags },
    loadBalancerController: lbc,
    externalDns,
  };
}

/** What the configuration had of well-formed parts, when the whole did not pass the schema. */
export interface PartialConfig {
  readonly config: Config;
  /** Position in the file of each of `config.clusters` (the malformed ones are left out). */
  readonly clusterIndices: readonly number[];
  /** A `dnsAccount` was given but is malformed: cross-account checks would only mislead. */
  readonly dnsAccountMalformed: boolean;
}

/**
 * Subnet tags: the first cluster (in file order) that lists a subnet owns its role tag, so that
 * destroying another cluster's stack never removes it; each cluster adds its own cluster tag.
 */
function assignSubnetTags(
  clusters: Omit<ResolvedCluster, 'subnetTags'>[],
  pathOf: (c: number) => string,
  issues: IssueCollector,
): ResolvedCluster[] {
  const roleOwner = new Map<string, { cluster: number; role: 'public' | 'private' }>();
  return clusters.map((cluster, c) => {
    const owned = { public: [] as string[], private: [] as string[] };
    for (const role of ['public', 'private'] as const) {
      for (const id of cluster.subnets[role]) {
        const owner = roleOwner.get(id);
        if (!owner) {
          roleOwner.set(id, { cluster: c, role });
          owned[role].push(id);
        } else if (owner.role !== role) {
          issues.add(
            `${pathOf(c)}.subnets.${role}`,
            `${id} is ${owner.role} in ${pathOf(owner.cluster)}: a subnet is either public or private`,
          );
        }
      }
    }
    const all = [...cluster.subnets.public, ...cluster.subnets.private];
    return {
      ...cluster,
      subnetTags: { ...owned, clusterShared: cluster.subnets.tagClusterShared ? all : [] },
    };
  });
}

/**
 * Resolves the configuration and collects every problem between settings. Given the well-formed
 * parts of a configuration that failed the schema, it reports their problems too, with the
 * clusters' positions in the file.
 */
export function resolveConfig(
  config: Config,
  partial?: Omit<PartialConfig, 'config'>,
): { config: ResolvedConfig; issues: ConfigIssue[] } {
  const issues = new IssueCollector();
  const pathOf = (c: number) => `clusters[${partial?.clusterIndices[c] ?? c}]`;
  const resolved = config.clusters.map((cluster, c) =>
    resolveCluster(cluster, config, pathOf(c), issues),
  );
  const clusters = assignSubnetTags(resolved, pathOf, issues);
  duplicates(clusters.map((c) => c.stackName)).forEach((name) =>
    issues.add(
      'clusters',
      `environment + clusterName ${name} appears more than once: each cluster needs its own stack name`,
    ),
  );
  // IAM names are global per account and derive from the cluster name.
  duplicates(clusters.map((c) => `${c.accountId}/${c.clusterName}`)).forEach((key) =>
    issues.add(
      'clusters',
      `cluster ${key.replace('/', ' ')} is listed more than once in one account: its IAM role names would collide`,
    ),
  );
  // Two ExternalDNS instances with one owner id would each delete or overwrite the other's records.
  const owners = clusters.flatMap((cluster, c) =>
    cluster.externalDns.map((instance, i) => ({
      owner: instance.txtOwnerId,
      path: `${pathOf(c)}.externalDns[${i}].txtOwnerId`,
    })),
  );
  duplicates(owners.map((o) => o.owner)).forEach((owner) =>
    issues.add(
      owners
        .filter((o) => o.owner === owner)
        .map((o) => o.path)
        .join(', '),
      `txtOwnerId ${owner} is used by more than one ExternalDNS instance: they would fight over the same records`,
    ),
  );
  if (partial?.dnsAccountMalformed)
    return { config: { ...config, clusters, dnsAccount: undefined }, issues: issues.issues };

  const crossAccount = clusters.flatMap((cluster, c) =>
    cluster.externalDns
      .map((instance, i) => ({ path: `${pathOf(c)}.externalDns[${i}]`, cluster, instance }))
      .filter(({ instance }) => instance.crossAccount),
  );
  crossAccount.forEach((member) =>
    checkCrossAccountInstance(member, config.dnsAccount, (path, message) =>
      issues.add(path, message),
    ),
  );
  const dnsRole = config.dnsAccount?.credentials?.assumeRoleArn;
  if (config.dnsAccount && dnsRole && !dnsRole.includes(`::${config.dnsAccount.accountId}:`)) {
    issues.add(
      'dnsAccount.credentials.assumeRoleArn',
      `must be a role in the DNS account ${config.dnsAccount.accountId}`,
    );
  }
  if (!config.dnsAccount || issues.issues.length > 0) {
    return { config: { ...config, clusters, dnsAccount: undefined }, issues: issues.issues };
  }
  const { account, access } = resolveDnsAccount(config.dnsAccount, crossAccount);
  for (const { role, size } of oversizedTrustPolicies(account)) {
    issues.add(
      config.dnsAccount.sharedRole ? 'dnsAccount.sharedRole' : 'dnsAccount',
      `the trust policy of role ${role} would be ${size} characters, over the account's quota of ${account.trustPolicyQuota} (trustPolicyQuota): use one role per instance (sharedRole: false), or raise the IAM quota and trustPolicyQuota (at most 4096)`,
    );
  }
  const withAccess = clusters.map((cluster, c) => ({
    ...cluster,
    externalDns: cluster.externalDns.map((instance, i) => ({
      ...instance,
      dnsAccountAccess: access.get(`${pathOf(c)}.externalDns[${i}]`),
    })),
  }));
  return {
    config: { ...config, clusters: withAccess, dnsAccount: account },
    issues: issues.issues,
  };
}
