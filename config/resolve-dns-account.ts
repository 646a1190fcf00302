/**
 * Cross-account DNS: checks each cross-account ExternalDNS instance against the DNS account and
 * derives the DNS-account roles, each instance's access to its role, and the callers each role's
 * trust admits. Role ARNs are deterministic, so both sides are built from the same record
 * without reading remote state.
 */
import { partitionOf } from '../catalog/partitions';
import type { Partition } from '../catalog/partitions';
import { dnsRoleAccessStatements } from './derived/dns-role-access-policy';
import { dnsRoleTrustPolicy } from './derived/dns-role-trust-policy';
import { iamPolicyJson, policySize } from './derived/iam-policy-json';
import type { Issues } from './issues';
import type { CrossAccountAccess, DnsRoleGrant, HostedZone, ResolvedDnsRole } from './model';
import type { LocalExternalDns } from './resolve-controllers';
import { DNS_ROLE_CLUSTERS_TAG, clusterStackName, dnsRoleName, roleArn } from './naming';

/** AWS's longest tag value. */
const TAG_VALUE_LIMIT = 256;
import type { DnsAccountConfig, ExternalDnsConfig } from './schema';

/** One cross-account instance with what the DNS side needs to know of its cluster. */
export interface CrossAccountMember {
  readonly path: string;
  readonly cluster: {
    readonly environment: string;
    readonly clusterName: string;
    readonly clusterArn: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: Partition;
    readonly roleOptions: { readonly path: string };
  };
  readonly crossAccount: NonNullable<ExternalDnsConfig['crossAccount']>;
  readonly instance: LocalExternalDns;
}

/** A member whose settings passed the checks, with its zones' ids from the DNS account. */
export interface CheckedMember {
  readonly path: string;
  readonly cluster: CrossAccountMember['cluster'];
  readonly instance: LocalExternalDns;
  readonly zones: readonly (HostedZone & { readonly id: string })[];
  readonly via:
    | { readonly kind: 'assume-role'; readonly externalId: string }
    | {
        readonly kind: 'pod-identity-target';
        readonly disableSessionTags: boolean;
        /** The id EKS sends with session tags disabled, where it is not the documented one. */
        readonly externalId?: string;
      };
}

/** Checks one instance's cross-account settings against the DNS account. */
export function checkCrossAccountMember(
  { path, cluster, crossAccount, instance }: CrossAccountMember,
  dnsAccount: DnsAccountConfig | undefined,
  issues: Issues,
): CheckedMember | undefined {
  if (!dnsAccount) {
    issues.add(
      `${path}.crossAccount`,
      'needs a dnsAccount (accountId and zones) at the top level of the configuration',
    );
    return undefined;
  }
  const before = issues.count;
  if (dnsAccount.accountId === cluster.accountId) {
    issues.add(
      `${path}.crossAccount`,
      `the DNS account ${dnsAccount.accountId} is the cluster's own account: remove crossAccount and give the zones directly`,
    );
  }
  if (partitionOf(dnsAccount.region) !== cluster.partition) {
    issues.add(
      'dnsAccount.region',
      `is in another partition than cluster ${cluster.clusterName} (${cluster.partition}): roles cannot be assumed across partitions`,
    );
  }
  const zones = instance.zones.flatMap((zone, index) => {
    const owned = dnsAccount.zones.find((z) => z.name === zone.name);
    if (!owned) {
      issues.add(
        `${path}.zones[${index}]`,
        `${zone.name} is not one of dnsAccount.zones (${dnsAccount.zones.map((z) => z.name).join(', ')})`,
      );
    } else if (owned.private !== zone.private) {
      issues.add(
        `${path}.zones[${index}].private`,
        `${zone.name} is ${owned.private ? 'private' : 'public'} in dnsAccount.zones`,
      );
    } else if (zone.id && zone.id !== owned.id) {
      issues.add(
        `${path}.zones[${index}].id`,
        `${zone.id} differs from the id of ${zone.name} in dnsAccount.zones (${owned.id}); leave it out`,
      );
    } else {
      return [{ ...zone, id: owned.id }];
    }
    return [];
  });
  const identity = instance.identity.mode;
  if (identity === 'node-role') {
    issues.add(
      `${path}.identity`,
      'cross-account access needs an own role: use pod-identity (or irsa with via assume-role)',
    );
  }
  let via: CheckedMember['via'] | undefined;
  if (crossAccount.via === 'assume-role') {
    if (crossAccount.externalId) via = { kind: 'assume-role', externalId: crossAccount.externalId };
    else {
      issues.add(
        `${path}.crossAccount.externalId`,
        'assume-role needs an external id that the DNS role will require (any secret-less unique string, e.g. the cluster ARN)',
      );
    }
    if (crossAccount.disableSessionTags) {
      issues.add(`${path}.crossAccount.disableSessionTags`, 'is only for via pod-identity-target');
    }
  } else {
    if (identity === 'irsa') {
      issues.add(
        `${path}.crossAccount.via`,
        'pod-identity-target needs identity pod-identity; for IRSA use via assume-role with an externalId',
      );
    }
    if (crossAccount.externalId !== undefined && !crossAccount.disableSessionTags) {
      issues.add(
        `${path}.crossAccount.externalId`,
        'is for via assume-role, or with disableSessionTags (the id EKS sends instead of session tags); EKS sends session tags here: remove it',
      );
    }
    via = {
      kind: 'pod-identity-target',
      disableSessionTags: crossAccount.disableSessionTags,
      externalId: crossAccount.externalId,
    };
  }
  if (issues.count > before || !via) return undefined;
  return { path, cluster, instance, zones, via };
}

/** How a checked member reaches its DNS role, and what pins it in that role's trust. */
function accessOf(member: CheckedMember, dnsRoleArn: string): CrossAccountAccess {
  const { cluster, via, instance } = member;
  const { namespace, name } = instance.serviceAccount;
  // EKS Pod Identity session tags are transitive: they travel into the DNS-role session.
  const tags = { clusterArn: cluster.clusterArn, namespace, serviceAccount: name };
  const podIdentity = instance.identity.mode === 'pod-identity';
  const base = {
    dnsRoleArn,
    callerAccountId: cluster.accountId,
    sourceRoleArn: roleArn(cluster, cluster.roleOptions.path, instance.names.role),
  };
  if (via.kind === 'assume-role') {
    return {
      ...base,
      sessionTags: podIdentity ? tags : undefined,
      via: 'assume-role',
      proof: { kind: 'external-id', externalId: via.externalId, tagSession: podIdentity },
    };
  }
  if (via.disableSessionTags) {
    // What EKS sends as sts:ExternalId when session tags are disabled: the documented format
    // (EKS User Guide, pod-id-assign-target-role), unless the configuration gives the id.
    const eksExternalId = `${cluster.region}/${cluster.accountId}/${cluster.clusterName}/${namespace}/${name}`;
    return {
      ...base,
      via: 'pod-identity-target',
      proof: { kind: 'external-id', externalId: via.externalId ?? eksExternalId, tagSession: true },
    };
  }
  return {
    ...base,
    sessionTags: tags,
    via: 'pod-identity-target',
    proof: { kind: 'session-tags', ...tags },
  };
}

const scopeOf = (member: CheckedMember): Omit<DnsRoleGrant, 'sessions'> => ({
  zones: member.zones.map(({ name, id }) => ({ name, id })),
  records: {
    recordNames: member.instance.recordNames,
    recordTypes: member.instance.recordTypes,
    managedTypes: member.instance.managedTypes,
    txtAffix: member.instance.txtAffix,
  },
});

/** A scope, the same for the same zones, names and types in any order. */
function scopeKey({ zones, records }: Omit<DnsRoleGrant, 'sessions'>): string {
  const sorted = (list: readonly string[] | undefined) => (list ? [...list].sort() : null);
  return JSON.stringify([
    sorted(zones.map((zone) => zone.id)),
    sorted(records.recordNames),
    sorted(records.recordTypes),
    sorted(records.managedTypes),
    records.txtAffix ?? null,
  ]);
}

/**
 * The Route 53 grants of a role. One caller: its scope. Several (a shared role): each caller's
 * scope, held only by sessions carrying its Pod Identity session tags. Callers that reach the role
 * without such tags (IRSA, or session tags disabled) cannot be told apart there, so they share one
 * grant and must have the same scope; otherwise synth refuses the shared role.
 */
function grantsOf(
  roleName: string,
  group: readonly CheckedMember[],
  access: ReadonlyMap<string, CrossAccountAccess>,
  issues: Issues,
): DnsRoleGrant[] {
  if (group.length === 1) return [scopeOf(group[0])];
  const tagged = group.flatMap((member) => {
    const tags = access.get(member.path)?.sessionTags;
    return tags ? [{ ...scopeOf(member), sessions: tags }] : [];
  });
  const untagged = group.filter((member) => !access.get(member.path)?.sessionTags);
  const scopes = new Map(untagged.map((m) => [scopeKey(scopeOf(m)), m]));
  if (scopes.size > 1) {
    issues.add(
      'dnsAccount.sharedRole',
      `${untagged.map((m) => m.path).join(', ')} reach the shared role ${roleName} without Pod Identity session tags (IRSA, or disableSessionTags), so the role cannot tell them apart, and their zones, record names or types differ: each would get the others' access. Use one role per instance (sharedRole: false), give them the same zones, names and types, or use pod-identity-target with session tags`,
    );
  }
  const [shared] = scopes.values();
  return [...tagged, ...(shared ? [{ ...scopeOf(shared), sessions: 'untagged' as const }] : [])];
}

/** IAM's limit on the inline policies of one role, in characters without whitespace. */
const INLINE_ROLE_POLICIES_QUOTA = 10240;

export interface ResolvedCrossAccount {
  readonly roles: ResolvedDnsRole[];
  /** Each member's access to its role, by the member's path. */
  readonly access: ReadonlyMap<string, CrossAccountAccess>;
}

/** The DNS-account roles (one per member, or one shared), each member's access, and the trust size check. */
export function resolveCrossAccount(
  dnsAccount: DnsAccountConfig,
  rolePath: string,
  members: readonly CheckedMember[],
  issues: Issues,
): ResolvedCrossAccount {
  const partition = partitionOf(dnsAccount.region);
  const dnsRoleArn = (name: string) =>
    roleArn({ partition, accountId: dnsAccount.accountId }, rolePath, name);
  const roleNameOf = (member: CheckedMember) =>
    dnsAccount.sharedRole
      ? dnsAccount.sharedRoleName
      : dnsRoleName(member.cluster, member.instance.name);
  const access = new Map(
    members.map((member) => [member.path, accessOf(member, dnsRoleArn(roleNameOf(member)))]),
  );
  const roleNames = [...new Set(members.map(roleNameOf))];
  const roles = roleNames.map((name) => {
    const group = members.filter((member) => roleNameOf(member) === name);
    const callers = group.map((m) => access.get(m.path)).filter((a) => a !== undefined);
    const servedClusters = [...new Set(group.map((m) => clusterStackName(m.cluster)))].sort();
    return {
      name,
      arn: dnsRoleArn(name),
      callers,
      grants: grantsOf(name, group, access, issues),
      servedClusters,
    };
  });
  for (const role of roles) {
    if (role.servedClusters.join(' ').length > TAG_VALUE_LIMIT) {
      issues.add(
        'dnsAccount.sharedRole',
        `role ${role.name} serves clusters whose stack names make ${role.servedClusters.join(' ').length} characters in its ${DNS_ROLE_CLUSTERS_TAG} tag, over AWS's ${TAG_VALUE_LIMIT}: share it among fewer clusters, or use one role per instance (sharedRole: false)`,
      );
    }
    const access = policySize(iamPolicyJson(dnsRoleAccessStatements(partition, role.grants)));
    if (access > INLINE_ROLE_POLICIES_QUOTA) {
      issues.add(
        dnsAccount.sharedRole ? 'dnsAccount.sharedRole' : 'dnsAccount',
        `the Route 53 policy of role ${role.name} would be ${access} characters, over IAM's ${INLINE_ROLE_POLICIES_QUOTA} for a role's inline policies: use one role per instance (sharedRole: false), or fewer record names`,
      );
    }
    const size = policySize(iamPolicyJson(dnsRoleTrustPolicy(partition, role.callers)));
    if (size > dnsAccount.trustPolicyQuota) {
      issues.add(
        dnsAccount.sharedRole ? 'dnsAccount.sharedRole' : 'dnsAccount',
        `the trust policy of role ${role.name} would be ${size} characters, over the account's quota of ${dnsAccount.trustPolicyQuota} (trustPolicyQuota): use one role per instance (sharedRole: false), or raise the IAM quota and trustPolicyQuota (at most 4096)`,
      );
    }
  }
  return { roles, access };
}
