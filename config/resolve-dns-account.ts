/**
 * Cross-account DNS: checks the instances that manage zones of the DNS account and derives the
 * roles of the DNS-account stack, with deterministic ARNs on both sides, so neither stack has to
 * read the other's state and the DNS role can exist before the cluster roles do.
 */
import { trustStatements } from '../modules/external-dns/dns-account-role';
import type { DnsRoleCaller } from '../modules/external-dns/dns-account-role';
import { iamPolicyJson, policySize } from '../modules/iam-policy-json';
import { externalDnsRoleName } from '../modules/external-dns';
import { boundedName } from '../modules/naming';
import { partitionOf } from '../modules/partition';
import type { Partition } from '../modules/partition';
import type { DnsAccountConfig, ExternalDnsConfig } from './schema';

export interface ResolvedDnsRole {
  readonly name: string;
  readonly arn: string;
  readonly zoneIds: string[];
  readonly recordNames?: string[];
  readonly recordTypes?: string[];
  readonly callers: DnsRoleCaller[];
}

export interface ResolvedDnsAccount extends DnsAccountConfig {
  readonly stackName: string;
  readonly partition: Partition;
  readonly roles: ResolvedDnsRole[];
}

/** How an instance reaches its DNS-account role. */
export interface DnsAccountAccess {
  readonly roleArn: string;
  readonly via: 'pod-identity-target' | 'assume-role';
  readonly externalId?: string;
  readonly disableSessionTags: boolean;
}

export const DNS_STACK_NAME = 'dns';
export const SHARED_DNS_ROLE_NAME = 'external-dns-cross-account';

export interface CrossAccountInstance {
  readonly path: string;
  readonly cluster: {
    readonly environment: string;
    readonly clusterName: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: Partition;
  };
  readonly instance: ExternalDnsConfig & {
    readonly serviceAccountName: string;
    readonly domainFilters: string[];
  };
}

type AddIssue = (path: string, message: string) => void;

/** Checks one instance's cross-account settings against the DNS account. */
export function checkCrossAccountInstance(
  { path, cluster, instance }: CrossAccountInstance,
  dnsAccount: DnsAccountConfig | undefined,
  addIssue: AddIssue,
): void {
  const crossAccount = instance.crossAccount;
  if (!crossAccount) return;
  if (!dnsAccount) {
    addIssue(
      `${path}.crossAccount`,
      'needs a dnsAccount (accountId and zones) at the top level of the configuration',
    );
    return;
  }
  if (dnsAccount.accountId === cluster.accountId) {
    addIssue(
      `${path}.crossAccount`,
      `the DNS account ${dnsAccount.accountId} is the cluster's own account: remove crossAccount and give the zones directly`,
    );
  }
  if (partitionOf(dnsAccount.region) !== cluster.partition) {
    addIssue(
      'dnsAccount.region',
      `is in another partition than cluster ${cluster.clusterName} (${cluster.partition}): roles cannot be assumed across partitions`,
    );
  }
  instance.zones.forEach((zone, index) => {
    const owned = dnsAccount.zones.find((z) => z.name === zone.name);
    if (!owned) {
      addIssue(
        `${path}.zones[${index}]`,
        `${zone.name} is not one of dnsAccount.zones (${dnsAccount.zones.map((z) => z.name).join(', ')})`,
      );
    } else if (owned.private !== zone.private) {
      addIssue(
        `${path}.zones[${index}].private`,
        `${zone.name} is ${owned.private ? 'private' : 'public'} in dnsAccount.zones`,
      );
    } else if (zone.id && zone.id !== owned.id) {
      addIssue(
        `${path}.zones[${index}].id`,
        `${zone.id} differs from the id of ${zone.name} in dnsAccount.zones (${owned.id}); leave it out`,
      );
    }
  });
  if (instance.identity === 'node-role') {
    addIssue(
      `${path}.identity`,
      'cross-account access needs an own role: use pod-identity (or irsa with via assume-role)',
    );
  }
  if (crossAccount.via === 'pod-identity-target' && instance.identity === 'irsa') {
    addIssue(
      `${path}.crossAccount.via`,
      'pod-identity-target needs identity pod-identity; for IRSA use via assume-role with an externalId',
    );
  }
  if (crossAccount.via === 'assume-role' && !crossAccount.externalId) {
    addIssue(
      `${path}.crossAccount.externalId`,
      'assume-role needs an external id that the DNS role will require (any secret-less unique string, e.g. the cluster ARN)',
    );
  }
  if (crossAccount.via === 'assume-role' && crossAccount.disableSessionTags) {
    addIssue(`${path}.crossAccount.disableSessionTags`, 'is only for via pod-identity-target');
  }
}

function callerOf({ cluster, instance }: CrossAccountInstance): DnsRoleCaller {
  const crossAccount = instance.crossAccount!;
  const sourceRoleArn = `arn:${cluster.partition}:iam::${cluster.accountId}:role/${externalDnsRoleName(cluster.clusterName, instance.name)}`;
  const base = { accountId: cluster.accountId, sourceRoleArn };
  if (crossAccount.via === 'assume-role') {
    // A Pod Identity session carries transitive session tags into the next AssumeRole.
    return {
      ...base,
      kind: 'external-id',
      externalId: crossAccount.externalId!,
      tagSession: instance.identity === 'pod-identity',
    };
  }
  if (crossAccount.disableSessionTags) {
    // What EKS sends as sts:ExternalId when session tags are disabled (documented format).
    const externalId = `${cluster.region}/${cluster.accountId}/${cluster.clusterName}/${instance.namespace}/${instance.serviceAccountName}`;
    return { ...base, kind: 'external-id', externalId, tagSession: true };
  }
  return {
    ...base,
    kind: 'session-tags',
    clusterArn: `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.clusterName}`,
    namespace: instance.namespace,
    serviceAccount: instance.serviceAccountName,
  };
}

/** A restriction applies to a shared role only if every instance asks for it. */
function unionIfAll(lists: (string[] | undefined)[]): string[] | undefined {
  if (lists.some((list) => !list?.length)) return undefined;
  return [...new Set(lists.flatMap((list) => list!))];
}

function roleFor(
  name: string,
  partition: Partition,
  accountId: string,
  dnsAccount: DnsAccountConfig,
  members: CrossAccountInstance[],
): ResolvedDnsRole {
  const zoneIds = [
    ...new Set(
      members.flatMap(({ instance }) =>
        instance.zones.map((zone) => dnsAccount.zones.find((z) => z.name === zone.name)!.id),
      ),
    ),
  ];
  return {
    name,
    arn: `arn:${partition}:iam::${accountId}:role/${name}`,
    zoneIds,
    recordNames: unionIfAll(
      members.map(({ instance }) =>
        instance.restrictRecordNames ? instance.domainFilters : undefined,
      ),
    ),
    recordTypes: unionIfAll(members.map(({ instance }) => instance.recordTypes)),
    callers: members.map(callerOf),
  };
}

/** Roles whose trust policy would exceed the account's quota: CreateRole would fail at apply. */
export function oversizedTrustPolicies(
  account: ResolvedDnsAccount,
): { role: string; size: number }[] {
  return account.roles
    .map((role) => ({
      role: role.name,
      size: policySize(
        iamPolicyJson(role.callers.flatMap((caller) => trustStatements(account.partition, caller))),
      ),
    }))
    .filter(({ size }) => size > account.trustPolicyQuota);
}

/** The DNS-account roles, and for each cross-account instance (by path) how it reaches its role. */
export function resolveDnsAccount(
  dnsAccount: DnsAccountConfig,
  instances: CrossAccountInstance[],
): { account: ResolvedDnsAccount; access: Map<string, DnsAccountAccess> } {
  const partition = partitionOf(dnsAccount.region);
  const roles = dnsAccount.sharedRole
    ? instances.length > 0
      ? [roleFor(SHARED_DNS_ROLE_NAME, partition, dnsAccount.accountId, dnsAccount, instances)]
      : []
    : instances.map((member) =>
        roleFor(
          boundedName([
            member.cluster.environment,
            member.cluster.clusterName,
            'external-dns',
            member.instance.name,
          ]),
          partition,
          dnsAccount.accountId,
          dnsAccount,
          [member],
        ),
      );
  const access = new Map<string, DnsAccountAccess>();
  instances.forEach((member, index) => {
    const crossAccount = member.instance.crossAccount!;
    access.set(member.path, {
      roleArn: (dnsAccount.sharedRole ? roles[0] : roles[index]).arn,
      via: crossAccount.via,
      externalId: crossAccount.externalId,
      disableSessionTags: crossAccount.disableSessionTags,
    });
  });
  return { account: { ...dnsAccount, stackName: DNS_STACK_NAME, partition, roles }, access };
}
