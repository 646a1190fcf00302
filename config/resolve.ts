/**
 * Checks the relations between settings that the schema cannot express and resolves derived
 * values (partition, releases from the catalog, names, cross-account access), so that stacks and
 * constructs receive a complete, typed model and never re-validate. Returns the model only when
 * there is no problem at all; otherwise every problem found.
 */
import { KNOWN_REGIONS, partitionOf } from '../catalog/partitions';
import { Issues } from './issues';
import type { ConfigIssue, Result } from './issues';
import type {
  CrossAccountAccess,
  ResolvedCluster,
  ResolvedConfig,
  ResolvedDnsAccount,
  HostedZone,
  ResolvedExternalDns,
  ResolvedLoadBalancerController,
  RoleOptions,
} from './model';
import {
  clusterStackName,
  edgeStackName,
  DNS_ROLE_CLUSTERS_TAG,
  LBC_RELEASE_NAME,
  PROJECT_ROLE_TAG_COUNT,
  ROLE_OWNER_TAGS,
  namedCluster,
  roleOwner,
} from './naming';
import type { NamedCluster } from './naming';
import type { Partition } from '../catalog/partitions';
import {
  checkLocalCatalog,
  checkNoControllerSettings,
  resolveExternalDns,
  resolveLoadBalancerController,
} from './resolve-controllers';
import type { LocalCatalogEntries, LocalExternalDns } from './resolve-controllers';
import { isWithinDomain } from './derived/route53-policy';
import { checkCrossAccountMember, resolveCrossAccount } from './resolve-dns-account';
import type { CheckedMember, CrossAccountMember } from './resolve-dns-account';
import { resolveEdge } from './resolve-edge';
import type { BackendConfig, ClusterConfig, Config } from './schema';

/** What the configuration had of well-formed parts, when the whole did not pass the schema. */
export interface PartialConfig {
  readonly config: Config;
  /** Position in the file of each of `config.clusters` (the malformed ones are left out). */
  readonly clusterIndices: readonly number[];
  /** A `dnsAccount` was given but is malformed: cross-account checks would only mislead. */
  readonly dnsAccountMalformed: boolean;
}

/** A cluster before cross-cluster and cross-account decisions. */
interface ClusterDraft extends Omit<ResolvedCluster, 'subnetTags' | 'externalDns'> {
  readonly path: string;
  readonly config: ClusterConfig;
  readonly externalDns: LocalExternalDns[];
}

function resolveCluster(
  settings: ClusterConfig,
  written: unknown,
  config: Config,
  path: string,
  issues: Issues,
  local: LocalCatalogEntries | undefined,
): ClusterDraft {
  const cluster = namedCluster(settings);
  const partition = partitionOf(cluster.region);
  const { subnets } = cluster;
  if (subnets.public.length === 0 && subnets.private.length === 0) {
    issues.add(
      `${path}.subnets`,
      'lists no subnet: give the public and/or private subnet ids the load balancers may use',
    );
  }
  issues.addDuplicates(
    `${path}.subnets`,
    [...subnets.public, ...subnets.private],
    (id) => `${id} is listed more than once (a subnet is either public or private)`,
  );
  const existingOidc = cluster.existingOidcProviderArn;
  if (existingOidc && !existingOidc.startsWith(`arn:${partition}:iam::${cluster.accountId}:`)) {
    issues.add(
      `${path}.existingOidcProviderArn`,
      `must be in partition ${partition} and account ${cluster.accountId} (the cluster's)`,
    );
  }
  if (existingOidc && !existingOidc.includes(`oidc.eks.${cluster.region}.`)) {
    issues.add(
      `${path}.existingOidcProviderArn`,
      `must be the OIDC provider of an EKS cluster in ${cluster.region}`,
    );
  }
  if (existingOidc && cluster.oidcProvider === 'always') {
    issues.add(
      `${path}.oidcProvider`,
      'always creates a provider, but existingOidcProviderArn reuses one: choose one of them',
    );
  }
  const assumeRoleArn = cluster.credentials?.assumeRoleArn;
  if (assumeRoleArn && !assumeRoleArn.includes(`::${cluster.accountId}:`)) {
    issues.add(
      `${path}.credentials.assumeRoleArn`,
      `must be a role in the cluster's account ${cluster.accountId}`,
    );
  }
  const lbcPath = `${path}.loadBalancerController`;
  const lbc = controllerOf(cluster, written, partition, lbcPath, issues, local);
  const externalDns = withExcludedZones(
    cluster.externalDns.map((instance, index) =>
      resolveExternalDns(instance, cluster, `${path}.externalDns[${index}]`, issues, local),
    ),
  );
  issues.addDuplicates(
    `${path}.externalDns`,
    externalDns.map((i) => i.name),
    (name) => `instance name ${name} is used more than once`,
  );
  issues.addDuplicates(
    `${path}.externalDns`,
    externalDns.map((i) => `${i.serviceAccount.namespace}/${i.serviceAccount.name}`),
    (sa) => `service account ${sa} is used by more than one instance`,
  );
  if (lbc) {
    const controller = `${lbc.serviceAccount.namespace}/${lbc.serviceAccount.name}`;
    externalDns.forEach((instance, index) => {
      const account = instance.serviceAccount;
      if (`${account.namespace}/${account.name}` === controller) {
        issues.add(
          `${path}.externalDns[${index}].serviceAccountName`,
          `${controller} is the controller's service account: one chart would overwrite the other's (and its role annotation); choose another name or namespace`,
        );
      }
    });
  }
  checkExternalDnsOverlap(externalDns, path, issues);
  cluster.retiredTxtOwnerIds.forEach((owner, index) => {
    const keeper = externalDns.find((i) => [i.txtOwnerId, i.migrateFromTxtOwner].includes(owner));
    if (keeper) {
      issues.add(
        `${path}.retiredTxtOwnerIds[${index}]`,
        `${owner} is kept by externalDns ${keeper.name} (its txtOwnerId or migrateFromTxtOwner): an owner id is either kept or retired; remove it here`,
      );
    }
  });
  const edge = resolveEdge(cluster, lbc, path, issues, local);
  const modes = [lbc?.identity.mode, ...externalDns.map((i) => i.identity.mode)];
  if (cluster.installPodIdentityAgent && !modes.includes('pod-identity')) {
    issues.add(
      `${path}.installPodIdentityAgent`,
      'is true, but no workload here uses identity pod-identity: the add-on would not be installed (or, if this stack manages it, it would leave the stack: see podIdentityAgentOnRemoval). Set it to false, or use pod-identity',
    );
  }
  const tagCount = Object.keys({ ...config.tags, ...cluster.tags }).length;
  if (tagCount > MAX_USER_TAGS) {
    issues.add(
      `${path}.tags`,
      `with the top-level tags this cluster's resources get ${tagCount} tags: AWS allows 50 per resource, and this project adds up to ${PROJECT_ROLE_TAG_COUNT} of its own to an IAM role (${ROLE_OWNER_TAGS.stack}, ${ROLE_OWNER_TAGS.state}, and on a DNS role ${DNS_ROLE_CLUSTERS_TAG}); keep at most ${MAX_USER_TAGS}`,
    );
  }
  const stackName = clusterStackName(cluster);
  const backend = cluster.backend ?? config.backend;
  return {
    path,
    config: cluster,
    environment: cluster.environment,
    clusterName: cluster.clusterName,
    accountId: cluster.accountId,
    region: cluster.region,
    partition,
    clusterArn: `arn:${partition}:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.clusterName}`,
    credentials: cluster.credentials,
    tags: { ...config.tags, ...cluster.tags },
    backend,
    roleOptions: roleOptions(config, {
      accountId: cluster.accountId,
      stackName,
      backend,
      renamedBy: `${path}.namePrefix`,
    }),
    vpcId: cluster.vpcId,
    stackName,
    oidcProvider: existingOidc
      ? modes.includes('irsa')
        ? { kind: 'existing', arn: existingOidc }
        : undefined
      : modes.includes('irsa') || cluster.oidcProvider === 'always'
        ? { kind: 'create' }
        : undefined,
    releaseUnusedOidcProvider: cluster.oidcProvider !== 'when-needed-then-delete',
    unusedCrds: cluster.unusedCrds,
    crdsOnDestroy: cluster.crdsOnDestroy,
    retiring: cluster.retiring,
    podIdentityAgent:
      cluster.installPodIdentityAgent && modes.includes('pod-identity')
        ? { preserve: cluster.podIdentityAgentOnRemoval === 'keep' }
        : undefined,
    loadBalancerController: lbc,
    loadBalancing: cluster.loadBalancing,
    disabledController: lbc
      ? undefined
      : {
          acceptOrphansOnDestroy: cluster.loadBalancerController.acceptOrphansOnDestroy,
          release: {
            releaseName: LBC_RELEASE_NAME,
            namespace: cluster.loadBalancerController.namespace,
          },
        },
    externalDns,
    retiredTxtOwnerIds: cluster.retiredTxtOwnerIds,
    edge,
  };
}

/**
 * The controller of a cluster, when it runs one: not on EKS Auto Mode's load balancing, whose
 * clusters may give no controller setting, nor where it is disabled (the edge checks then say
 * what needs it).
 */
function controllerOf(
  cluster: NamedCluster<ClusterConfig>,
  written: unknown,
  partition: Partition,
  path: string,
  issues: Issues,
  local: LocalCatalogEntries | undefined,
): ResolvedLoadBalancerController | undefined {
  if (cluster.loadBalancing === 'autoMode') {
    const settings = (written as { loadBalancerController?: unknown } | null)
      ?.loadBalancerController;
    checkNoControllerSettings(settings, path, issues);
    return undefined;
  }
  if (cluster.loadBalancing === 'controllerAndAutoMode' && !cluster.loadBalancerController.enabled)
    issues.add(
      `${path}.enabled`,
      'is false, but loadBalancing controllerAndAutoMode runs the controller beside EKS Auto Mode: enable it, or set loadBalancing to autoMode',
    );
  return resolveLoadBalancerController(cluster, partition, path, issues, local);
}

/**
 * Each instance excludes the zones of the cluster's other instances that lie inside its domain
 * filters: a public instance for example.com must never publish a name of the private zone
 * internal.example.com that another instance serves (the public zone would match it by suffix).
 */
function withExcludedZones(instances: LocalExternalDns[]): LocalExternalDns[] {
  return instances.map((instance) => {
    const own = new Set(instance.zones.map((zone) => zone.name));
    const excluded = instances
      .filter((other) => other !== instance)
      .flatMap((other) => other.zones.map((zone) => zone.name))
      .filter(
        (zone) =>
          !own.has(zone) && instance.domainFilters.some((filter) => isWithinDomain(zone, filter)),
      );
    return {
      ...instance,
      excludeDomains: [...new Set([...instance.excludeDomains, ...excluded])].sort(),
    };
  });
}

/** AWS allows 50 tags per resource; each IAM role carries the project's owner tags besides. */
const MAX_USER_TAGS = 50 - PROJECT_ROLE_TAG_COUNT;

/**
 * Two instances of a cluster on one zone must read different objects: otherwise both write the
 * same names, each under its own owner id, and fight over them. An annotation filter on each
 * (different ones), or domain filters that do not overlap, keep them apart.
 */
function checkExternalDnsOverlap(
  instances: readonly LocalExternalDns[],
  path: string,
  issues: Issues,
): void {
  // No domain filter is every domain.
  const overlaps = (a: readonly string[], b: readonly string[]) =>
    a.length === 0 ||
    b.length === 0 ||
    a.some((x) => b.some((y) => isWithinDomain(x, y) || isWithinDomain(y, x)));
  const zoneKey = (zone: HostedZone) => `${zone.name} (${zone.private ? 'private' : 'public'})`;
  instances.forEach((instance, index) => {
    // One problem per instance, naming the earlier ones it clashes with: n instances on one zone
    // give n - 1 problems, not n² / 2.
    const clashes: number[] = [];
    const shared = new Set<string>();
    for (let other = 0; other < index; other += 1) {
      const earlier = instances[other];
      const zones = instance.zones
        .map(zoneKey)
        .filter((key) => earlier.zones.some((z) => zoneKey(z) === key));
      if (zones.length === 0) continue;
      const [mine, theirs] = [instance.annotationFilter, earlier.annotationFilter];
      const filtered = mine !== undefined && theirs !== undefined && mine !== theirs;
      const [groups, otherGroups] = [instance.albGroups, earlier.albGroups];
      const grouped =
        groups !== undefined &&
        otherGroups !== undefined &&
        !groups.some((group) => otherGroups.includes(group));
      if (!filtered && !grouped && overlaps(instance.domainFilters, earlier.domainFilters)) {
        clashes.push(other);
        for (const zone of zones) shared.add(zone);
      }
    }
    if (clashes.length === 0) return;
    const named = clashes.slice(0, 3).map((other) => `${path}.externalDns[${other}]`);
    const more = clashes.length > 3 ? ` (and ${clashes.length - 3} more)` : '';
    issues.add(
      `${path}.externalDns[${index}]`,
      `shares zone ${[...shared].join(', ')} with ${named.join(', ')}${more}, and nothing separates the objects they read: both would write the same records under different owner ids. Give them different annotationFilters (e.g. eks-edge/zone in (public) and eks-edge/zone notin (public)), different albGroups, or domainFilters that do not overlap`,
    );
  });
}

const EXTERNAL_OWNER = 'external';

/**
 * Subnet role tags: a subnet listed by several clusters is tagged by exactly one of them, named
 * explicitly (`roleTagOwnedBy` in the others), so that adding, reordering or destroying clusters
 * never moves or removes a tag; each cluster adds its own cluster tag.
 */
function subnetTagsOf(
  clusters: readonly ClusterDraft[],
  issues: Issues,
): ResolvedCluster['subnetTags'][] {
  const listings = new Map<string, { cluster: ClusterDraft; role: 'public' | 'private' }[]>();
  for (const cluster of clusters) {
    for (const role of ['public', 'private'] as const) {
      for (const id of cluster.config.subnets[role])
        listings.set(id, [...(listings.get(id) ?? []), { cluster, role }]);
    }
  }
  for (const [id, listed] of listings) {
    // A subnet lies in one VPC of one account and region: clusters elsewhere cannot share it.
    const [first] = listed;
    const where = (c: ClusterDraft) => `${c.accountId}/${c.region}/${c.vpcId}`;
    const elsewhere = listed.find((l) => where(l.cluster) !== where(first.cluster));
    if (elsewhere) {
      const { accountId, region, vpcId } = first.cluster;
      issues.add(
        `${elsewhere.cluster.path}.subnets.${elsewhere.role}`,
        `${id} is listed by ${first.cluster.path} in ${vpcId} (account ${accountId}, ${region}): a subnet lies in one VPC, and this cluster's is ${elsewhere.cluster.vpcId} (account ${elsewhere.cluster.accountId}, ${elsewhere.cluster.region})`,
      );
      continue;
    }
    // Listed twice by one cluster: its own duplicate check says so, once.
    if (new Set(listed.map((l) => l.cluster)).size < listed.length) continue;
    const roles = new Set(listed.map((l) => l.role));
    if (roles.size > 1) {
      const [first, other] = [listed[0], listed.find((l) => l.role !== listed[0].role)];
      if (other && other.cluster !== first.cluster) {
        issues.add(
          `${other.cluster.path}.subnets.${other.role}`,
          `${id} is ${first.role} in ${first.cluster.path}: a subnet is either public or private`,
        );
      }
    }
    const owners = listed.filter((l) => !(id in l.cluster.config.subnets.roleTagOwnedBy));
    const ownerStacks = new Set(owners.map((o) => o.cluster.stackName));
    const stacks = listed.map((l) => l.cluster.stackName);
    if (owners.length > 1) {
      for (const extra of owners.slice(1)) {
        issues.add(
          `${extra.cluster.path}.subnets.roleTagOwnedBy`,
          `${id} is also listed by ${owners[0].cluster.path}: exactly one cluster tags its kubernetes.io/role tag; add ${id}: ${owners[0].cluster.stackName} here (or name another owner)`,
        );
      }
    }
    for (const { cluster } of listed) {
      const owner = cluster.config.subnets.roleTagOwnedBy[id];
      if (owner === undefined || owner === EXTERNAL_OWNER) continue;
      const path = `${cluster.path}.subnets.roleTagOwnedBy`;
      if (owner === cluster.stackName) {
        issues.add(
          path,
          `${id}: names this cluster's own stack; leave the subnet out of roleTagOwnedBy to own its tag`,
        );
      } else if (!ownerStacks.has(owner)) {
        issues.add(
          path,
          `${id}: ${owner} does not tag it (allowed: ${[...stacks.filter((s) => s !== cluster.stackName), EXTERNAL_OWNER].join(', ')}, as a cluster that lists the subnet without roleTagOwnedBy)`,
        );
      }
    }
  }
  return clusters.map((cluster) => {
    const { subnets } = cluster.config;
    const ownsTag = (id: string) => !(id in subnets.roleTagOwnedBy);
    for (const id of Object.keys(subnets.roleTagOwnedBy)) {
      if (!subnets.public.includes(id) && !subnets.private.includes(id)) {
        issues.add(
          `${cluster.path}.subnets.roleTagOwnedBy`,
          `${id} is not one of this cluster's public or private subnets`,
        );
      }
    }
    return {
      public: subnets.public.filter(ownsTag),
      private: subnets.private.filter(ownsTag),
      clusterShared: subnets.tagClusterShared ? [...subnets.public, ...subnets.private] : [],
      released: {
        public: subnets.public.filter((id) => !ownsTag(id)),
        private: subnets.private.filter((id) => !ownsTag(id)),
      },
    };
  });
}

/** The items by their key, in the order of their first appearance (linear, for large inputs). */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Problems between clusters: names that must be unique in the app, an account or a zone. */
function checkAcrossClusters(
  clusters: readonly ClusterDraft[],
  config: Config,
  issues: Issues,
): void {
  // Compared without case: on macOS and Windows, stacks named alike share a folder in cdktf.out
  // and a local state file, and their DNS-account roles would share an IAM name.
  for (const alike of groupBy(clusters, (c) => c.stackName.toLowerCase()).values()) {
    if (alike.length < 2) continue;
    const names = [...new Set(alike.map((c) => c.stackName))].join(', ');
    issues.add(
      'clusters',
      `environment + clusterName ${names} appears more than once (stack names are compared without case): each cluster needs its own stack name`,
    );
  }
  // Stack names share one namespace: a cluster stack may not take an edge stack's or the DNS stack's name.
  const others = new Set(
    [
      ...clusters.map((c) => c.edge.stackName),
      ...(config.dnsAccount ? [config.dnsAccount.stackName] : []),
    ].map((name) => name.toLowerCase()),
  );
  for (const cluster of clusters.filter((c) => others.has(c.stackName.toLowerCase()))) {
    issues.add(
      `${cluster.path}.environment`,
      `the stack name ${cluster.stackName} (environment-clusterName) is already the name of another stack of this configuration; choose another environment or cluster name`,
    );
  }
  checkUniqueNames(clusters, issues);
  // Two ExternalDNS instances with one owner id would each delete or overwrite the other's records.
  const owners = clusters.flatMap((cluster) =>
    cluster.externalDns.map((instance, i) => ({
      owner: instance.txtOwnerId,
      path: `${cluster.path}.externalDns[${i}].txtOwnerId`,
    })),
  );
  for (const [owner, sharing] of groupBy(owners, (o) => o.owner)) {
    if (sharing.length < 2) continue;
    issues.add(
      sharing.map((o) => o.path).join(', '),
      `txtOwnerId ${owner} is used by more than one ExternalDNS instance: they would fight over the same records`,
    );
  }
}

/**
 * Names that must be unique where AWS keeps them: IAM roles and policies per account, security
 * groups per VPC, buckets everywhere. A clash would make one cluster's apply fail on the other's
 * object (or worse, adopt it), so it is refused here, naming the setting that separates them.
 */
function checkUniqueNames(clusters: readonly ClusterDraft[], issues: Issues): void {
  const claims = clusters.flatMap((cluster) => {
    /** `key` names the object; objects of the same `same` clash. */
    const named = (key: string, same = key) => ({ key, same, cluster });
    // IAM names are unique without regard to case: `Edge-…` and `edge-…` are one name.
    const iam = (kind: string, name: string) =>
      named(
        `IAM ${kind} ${name} in account ${cluster.accountId}`,
        `IAM ${kind} ${name.toLowerCase()} in account ${cluster.accountId}`,
      );
    const lbc = cluster.loadBalancerController;
    return [
      ...(lbc
        ? [
            iam('role', lbc.names.role),
            iam('policy', lbc.names.policy),
            iam('policy', lbc.names.migrationPolicy),
            iam('policy', lbc.names.globalAcceleratorPolicy),
            iam('policy', lbc.names.certificateManagementPolicy),
          ]
        : []),
      ...cluster.externalDns.flatMap((i) =>
        i.identity.mode === 'node-role' ? [] : [iam('role', i.names.role)],
      ),
      // The Route 53 policy exists only where the permissions live in the cluster's account.
      ...cluster.externalDns
        .filter((_, i) => !cluster.config.externalDns[i].crossAccount)
        .map((i) => iam('policy', i.names.policy)),
      ...cluster.edge.albGroups.flatMap((g) =>
        g.securityGroup
          ? [named(`security group ${g.securityGroup.name} in ${cluster.vpcId}`)]
          : [],
      ),
      ...(cluster.edge.accessLogs
        ? [named(`S3 bucket ${cluster.edge.accessLogs.bucketName}`)]
        : []),
    ];
  });
  for (const claimed of groupBy(claims, (c) => c.same).values()) {
    const owners = [...new Set(claimed.map((c) => c.cluster))];
    if (owners.length < 2) continue;
    const key = [...new Set(claimed.map((c) => c.key))].join(' / ');
    issues.add(
      owners.map((o) => `${o.path}.namePrefix`).join(', '),
      `${key} would be made by ${owners.map((o) => o.stackName).join(' and ')}: give each cluster its own namePrefix (or bucketName)`,
    );
  }
}

/** A well-formed region this version does not know: maybe new, maybe a typo. */
function checkRegions(config: Config, issues: Issues): void {
  const regions = [
    ...config.clusters.map((cluster, c) => [`clusters[${c}].region`, cluster.region]),
    ...(config.dnsAccount ? [['dnsAccount.region', config.dnsAccount.region]] : []),
  ];
  for (const [path, region] of regions) {
    if (!KNOWN_REGIONS.includes(region)) {
      issues.warn(
        path,
        `${region} is not a region this version knows (a typo? if AWS opened it recently, the region-specific defaults such as ELB log delivery may not apply)`,
      );
    }
  }
}

/**
 * Instances of different clusters on one zone read different clusters, so no annotation filter
 * keeps them apart: where their domain filters overlap (less what they exclude), both may write
 * the same names, and only the TXT ownership records stop one from taking the other's. Said at
 * synth, naming both and the settings that separate them.
 */
function checkZonesSharedAcrossClusters(
  drafts: readonly ClusterDraft[],
  config: Config,
  issues: Issues,
): void {
  const dnsZones = new Map(
    (config.dnsAccount?.zones ?? []).map((z) => [`${z.name}|${z.private ?? false}`, z.id]),
  );
  const entries = drafts.flatMap((draft, c) =>
    draft.externalDns.map((instance, i) => {
      const crossAccount = draft.config.externalDns?.[i]?.crossAccount !== undefined;
      const zoneKey = (zone: HostedZone) =>
        zone.id ??
        (crossAccount ? dnsZones.get(`${zone.name}|${zone.private}`) : undefined) ??
        `${zone.name} (${zone.private ? 'private' : 'public'}) in account ${crossAccount ? config.dnsAccount?.accountId : draft.accountId}`;
      return { c, path: `${draft.path}.externalDns[${i}]`, draft, instance, zoneKey };
    }),
  );
  type Entry = (typeof entries)[number];
  const byZone = new Map<string, { entry: Entry; zone: string }[]>();
  for (const entry of entries)
    for (const zone of entry.instance.zones) {
      const key = entry.zoneKey(zone);
      const sharing = byZone.get(key) ?? [];
      sharing.push({ entry, zone: zone.name });
      byZone.set(key, sharing);
    }
  // The names `a` may change that `b` may change too: a filter of one inside a filter of the
  // other, unless the one whose filter is wider excludes that part.
  const overlap = (a: LocalExternalDns, b: LocalExternalDns) =>
    a.domainFilters.flatMap((fa) =>
      b.domainFilters.flatMap((fb) => {
        const [x, y] = [fa.replace(/^\*\./, ''), fb.replace(/^\*\./, '')];
        const excludedBy = (instance: LocalExternalDns, name: string) =>
          instance.excludeDomains.some((e) => isWithinDomain(name, e));
        if (isWithinDomain(y, x) && !excludedBy(a, y) && !excludedBy(b, y)) return [y];
        if (isWithinDomain(x, y) && !excludedBy(b, x) && !excludedBy(a, x)) return [x];
        return [];
      }),
    );
  // One warning per instance, naming the first instances of other clusters it may clash with:
  // n clusters on one zone give n - 1 warnings, not n² / 2.
  const clashes = new Map<Entry, { zone: string; earlier: Entry; names: string[] }[]>();
  for (const sharing of byZone.values()) {
    sharing.forEach(({ entry, zone }, index) => {
      for (const { entry: earlier } of sharing.slice(0, index)) {
        if (earlier.c === entry.c) continue;
        const names = [...new Set(overlap(earlier.instance, entry.instance))];
        if (names.length === 0) continue;
        // Appended in place: with hundreds of clusters on one zone, copying the list each time
        // made this check cubic.
        const found = clashes.get(entry) ?? [];
        found.push({ zone, earlier, names });
        clashes.set(entry, found);
      }
    });
  }
  const describe = (e: Entry) => `${e.path} (${e.draft.stackName}, policy ${e.instance.policy})`;
  for (const [entry, found] of clashes) {
    const named = found
      .slice(0, 3)
      .map((f) => `${describe(f.earlier)} in zone ${f.zone} (${f.names.join(', ')})`);
    const more = found.length > 3 ? ` and ${found.length - 3} more` : '';
    issues.warn(
      entry.path,
      `(${entry.draft.stackName}, policy ${entry.instance.policy}) may change the same names as ${named.join('; ')}${more}: only the TXT ownership records keep them from taking over each other's records. Separate them: domainFilters that do not overlap (one subdomain each) with restrictRecordNames: true, so IAM enforces the split, or excludeDomains on the instance whose filters are wider`,
    );
  }
}

/**
 * Every provider pins its stack's account (`allowed_account_ids`), and one set of ambient
 * credentials reaches one account: where stacks of several accounts give no `credentials`, the
 * plans of all but one of those accounts will stop. Said at synth, naming them.
 */
function checkAmbientCredentials(config: Config, issues: Issues): void {
  const stacks = [
    ...config.clusters.map((cluster, c) => ({
      path: `clusters[${c}]`,
      stacks: `${clusterStackName(cluster)} and ${edgeStackName(cluster)}`,
      accountId: cluster.accountId,
      credentials: cluster.credentials,
    })),
    ...(config.dnsAccount
      ? [
          {
            path: 'dnsAccount',
            stacks: config.dnsAccount.stackName,
            accountId: config.dnsAccount.accountId,
            credentials: config.dnsAccount.credentials,
          },
        ]
      : []),
  ].filter((stack) => !stack.credentials);
  const accounts = [...new Set(stacks.map((stack) => stack.accountId))];
  if (accounts.length < 2) return;
  const listed = stacks.map((s) => `${s.stacks} (account ${s.accountId}, ${s.path})`).join('; ');
  issues.warn(
    stacks[0].path,
    `the stacks of ${accounts.length} accounts give no credentials: ${listed}. One set of ambient credentials reaches one account, and every stack's provider allows only its own account, so the plans of the others will stop (allowed_account_ids). Set credentials.profile or credentials.assumeRoleArn on each of these (or run each account's stacks with its own credentials)`,
  );
}

/** What every role the project creates in `accountId` gets. */
function roleOptions(
  config: Config,
  account: {
    readonly accountId: string;
    readonly stackName: string;
    readonly backend: BackendConfig;
    readonly renamedBy: string;
  },
): RoleOptions {
  const { path, maxSessionDuration, permissionsBoundaries } = config.iamRoles;
  return {
    path,
    maxSessionDuration,
    permissionsBoundary: permissionsBoundaries[account.accountId],
    owner: roleOwner(account.stackName, account.backend),
    renamedBy: account.renamedBy,
  };
}

/** Each permissions boundary is for an account of the configuration, in its partition. */
function checkPermissionsBoundaries(config: Config, issues: Issues): void {
  const accounts = new Map<string, string>([
    ...config.clusters.map((c): [string, string] => [c.accountId, partitionOf(c.region)]),
    ...(config.dnsAccount
      ? [[config.dnsAccount.accountId, partitionOf(config.dnsAccount.region)] as [string, string]]
      : []),
  ]);
  for (const [accountId, arn] of Object.entries(config.iamRoles.permissionsBoundaries)) {
    const path = `iamRoles.permissionsBoundaries.${accountId}`;
    const partition = accounts.get(accountId);
    const [, arnPartition, , , owner] = arn.split(':');
    if (!partition) {
      issues.add(
        path,
        `no role of this configuration is in account ${accountId} (its accounts: ${[...accounts.keys()].join(', ')})`,
      );
    } else if (arnPartition !== partition) {
      issues.add(
        path,
        `${arn} is in partition ${arnPartition}, the account's roles in ${partition}`,
      );
    } else if (owner !== accountId && owner !== 'aws') {
      issues.add(
        path,
        `${arn} is a policy of account ${owner}: a boundary must be a policy of account ${accountId} or an AWS managed one`,
      );
    }
  }
}

/** The cross-account instances of every cluster, checked against the DNS account. */
function crossAccountMembers(
  clusters: readonly ClusterDraft[],
  config: Config,
  issues: Issues,
): CheckedMember[] {
  const members: CrossAccountMember[] = clusters.flatMap((cluster) =>
    cluster.config.externalDns.flatMap((settings, i) =>
      settings.crossAccount
        ? [
            {
              path: `${cluster.path}.externalDns[${i}]`,
              cluster,
              crossAccount: settings.crossAccount,
              instance: cluster.externalDns[i],
            },
          ]
        : [],
    ),
  );
  const dnsRole = config.dnsAccount?.credentials?.assumeRoleArn;
  if (config.dnsAccount && dnsRole && !dnsRole.includes(`::${config.dnsAccount.accountId}:`)) {
    issues.add(
      'dnsAccount.credentials.assumeRoleArn',
      `must be a role in the DNS account ${config.dnsAccount.accountId}`,
    );
  }
  return members.flatMap(
    (member) => checkCrossAccountMember(member, config.dnsAccount, issues) ?? [],
  );
}

/**
 * Resolves the configuration and collects every problem between settings. `writtenClusters` are
 * the clusters as the file writes them, before the schema's defaults: some checks need what was
 * written, not what it means. Given the well-formed parts of a configuration that failed the
 * schema, it reports their problems too, with the clusters' positions in the file.
 */
export function resolveConfig(
  config: Config,
  writtenClusters: readonly unknown[],
  partial?: Omit<PartialConfig, 'config'>,
  local?: LocalCatalogEntries,
): Result<ResolvedConfig> {
  const issues = new Issues();
  if (local) checkLocalCatalog(local, issues);
  const positionOf = (c: number) => partial?.clusterIndices[c] ?? c;
  const drafts = config.clusters.map((cluster, c) =>
    resolveCluster(
      cluster,
      writtenClusters[positionOf(c)],
      config,
      `clusters[${positionOf(c)}]`,
      issues,
      local,
    ),
  );
  const subnetTags = subnetTagsOf(drafts, issues);
  checkAcrossClusters(drafts, config, issues);
  checkPermissionsBoundaries(config, issues);
  checkRegions(config, issues);
  checkAmbientCredentials(config, issues);
  checkZonesSharedAcrossClusters(drafts, config, issues);
  if (config.dnsAccount) {
    const zones = config.dnsAccount.zones;
    issues.addDuplicates(
      'dnsAccount.zones',
      zones.map((zone) => `${zone.name} (${zone.private ? 'private' : 'public'})`),
      (zone) => `${zone} is listed more than once: one entry per hosted zone`,
    );
    issues.addDuplicates(
      'dnsAccount.zones',
      zones.map((zone) => zone.id),
      (id) => `zone id ${id} is listed more than once`,
    );
  }
  const dnsAccount = partial?.dnsAccountMalformed ? undefined : config.dnsAccount;
  dnsAccount?.removedClusters.forEach((stack, index) => {
    if (drafts.some((d) => d.stackName === stack))
      issues.add(
        `dnsAccount.removedClusters[${index}]`,
        `${stack} is a cluster of this file: list only clusters removed from it, whose DNS roles may go`,
      );
  });
  const members = partial?.dnsAccountMalformed ? [] : crossAccountMembers(drafts, config, issues);
  // The DNS roles are derived only from a configuration without other problems: the trust size
  // of half-checked callers would only mislead.
  if (issues.count > 0 || !dnsAccount)
    return issues.result(() => assemble(drafts, subnetTags, [], new Map(), issues.warnings));
  const crossAccount = resolveCrossAccount(dnsAccount, config.iamRoles.path, members, issues);
  const backend = dnsAccount.backend ?? config.backend;
  const account: ResolvedDnsAccount = {
    accountId: dnsAccount.accountId,
    region: dnsAccount.region,
    partition: partitionOf(dnsAccount.region),
    credentials: dnsAccount.credentials,
    tags: config.tags,
    backend,
    roleOptions: roleOptions(config, {
      accountId: dnsAccount.accountId,
      stackName: dnsAccount.stackName,
      backend,
      // Per-instance roles are named after the cluster's stack; the shared one by its setting.
      renamedBy: dnsAccount.sharedRole
        ? 'dnsAccount.sharedRoleName'
        : "the environment or clusterName of the role's cluster (or dnsAccount.sharedRole with a sharedRoleName of its own)",
    }),
    stackName: dnsAccount.stackName,
    roles: crossAccount.roles,
    knownClusters: [...drafts.map((d) => d.stackName), ...dnsAccount.removedClusters].sort(),
    sharedRoleName: dnsAccount.sharedRole ? dnsAccount.sharedRoleName : undefined,
  };
  return issues.result(() => ({
    ...assemble(drafts, subnetTags, members, crossAccount.access, issues.warnings),
    dnsAccount: account,
  }));
}

function assemble(
  drafts: readonly ClusterDraft[],
  subnetTags: readonly ResolvedCluster['subnetTags'][],
  members: readonly CheckedMember[],
  access: ReadonlyMap<string, CrossAccountAccess>,
  warnings: readonly string[],
): ResolvedConfig {
  const clusters = drafts.map(({ path, config: _config, ...cluster }, c): ResolvedCluster => ({
    ...cluster,
    subnetTags: subnetTags[c],
    externalDns: cluster.externalDns.map((instance, i): ResolvedExternalDns => {
      const memberPath = `${path}.externalDns[${i}]`;
      const crossAccount = access.get(memberPath);
      const member = members.find((m) => m.path === memberPath);
      // A cross-account instance names the DNS account's zones by the ids known there.
      return crossAccount && member
        ? { ...instance, zones: member.zones, route53: { kind: 'cross-account', ...crossAccount } }
        : { ...instance, route53: { kind: 'local' } };
    }),
  }));
  return { clusters, warnings };
}

export type { ConfigIssue };
