/**
 * The Route 53 permissions of a DNS-account role. Pure: the configuration checks measure them.
 */
import type { DnsRoleGrant } from '../model';
import { podIdentityTagConditions } from './pod-identity-tag-policy';
import type { PolicyCondition, PolicyStatement } from './iam-policy-json';
import { LIST_HOSTED_ZONES, hostedZoneArn, zoneAccessStatements } from './route53-policy';

/**
 * Sessions without Pod Identity tags (IRSA callers, or session tags disabled): EKS always sends
 * the service-account tag with the others, so its absence tells these sessions apart.
 */
const UNTAGGED_SESSIONS: PolicyCondition[] = [
  { test: 'Null', variable: 'aws:PrincipalTag/kubernetes-service-account', values: ['true'] },
];

/**
 * One grant per caller scope. With one grant the role has one caller, and the statements hold for
 * it alone through the trust. With several, each grant's statements hold only for its own
 * caller's sessions, so no caller gets another's zones, names or types.
 */
export function dnsRoleAccessStatements(
  partition: string,
  grants: readonly DnsRoleGrant[],
): PolicyStatement[] {
  const statements = grants.flatMap((grant, index) => {
    const scope = {
      ...grant.records,
      zoneArns: grant.zones.map((zone) => hostedZoneArn(partition, zone.id)),
      zoneNames: grant.zones.map((zone) => zone.name),
    };
    if (!grant.sessions) return zoneAccessStatements(scope);
    const conditions =
      grant.sessions === 'untagged'
        ? UNTAGGED_SESSIONS
        : podIdentityTagConditions('aws:PrincipalTag', grant.sessions);
    return zoneAccessStatements(scope, { sid: `OfCaller${index + 1}`, conditions });
  });
  return [...statements, LIST_HOSTED_ZONES];
}
