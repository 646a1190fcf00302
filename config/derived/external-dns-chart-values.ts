/**
 * The chart values this project sets for one ExternalDNS instance (the managed values), and the
 * command-line flags they own. Pure: the configuration checks use both to reject user values and
 * `extraArgs` that would override them.
 */
import type { ResolvedExternalDns } from '../model';
import { serviceAccountValues } from './chart-values';
import type { HelmValues } from './chart-values';
import { EXTERNAL_DNS_FLAGS, EXTERNAL_DNS_VALUE_FLAGS } from '../../catalog/external-dns';
import { ALB_GROUP_LABEL } from '../naming';

/**
 * Flags that settings of an instance own, directly in `extraArgs` or through the chart values
 * the chart renders into flags (the catalog says which).
 */
export const EXTERNAL_DNS_MANAGED_FLAGS: readonly string[] = [
  ...Object.values(EXTERNAL_DNS_VALUE_FLAGS),
  ...Object.values(EXTERNAL_DNS_FLAGS),
];

export interface ExternalDnsChartValuesProps {
  readonly instance: Pick<
    ResolvedExternalDns,
    | 'zoneType'
    | 'domainFilters'
    | 'policy'
    | 'txtOwnerId'
    | 'migrateFromTxtOwner'
    | 'sources'
    | 'annotationPrefix'
    | 'annotationFilter'
    | 'recordTypes'
    | 'txtAffix'
    | 'albGroups'
    | 'albGroupIngressClasses'
    | 'excludeDomains'
    | 'extraArgs'
    | 'serviceAccount'
  >;
  readonly region: string;
  /** Hosted zone ids (`--zone-id-filter`); may be plan-time references. */
  readonly zoneIds: readonly string[];
  /** ExternalDNS assumes the DNS-account role itself. */
  readonly assumeRole?: { readonly roleArn: string; readonly externalId: string };
  readonly serviceAccountAnnotations: Record<string, string>;
  /** The workload identity in words: a change rolls the pods onto the new credentials. */
  readonly podAnnotations: Record<string, string>;
}

/**
 * The flags that tie an instance to ALB groups: Ingresses of the groups' IngressClasses (ExternalDNS
 * compares `spec.ingressClassName`, pkg/apis/externaldns/types.go:563 at v0.21.0), and Gateways
 * carrying the group label (`--gateway-label-filter`, types.go:555).
 */
function albGroupFlags(
  instance: Pick<ResolvedExternalDns, 'albGroups' | 'albGroupIngressClasses' | 'sources'>,
): string[] {
  if (!instance.albGroups) return [];
  const flags = instance.sources.includes('ingress')
    ? (instance.albGroupIngressClasses ?? []).map(
        (name) => `${EXTERNAL_DNS_FLAGS.ingressClass}=${name}`,
      )
    : [];
  if (instance.sources.some((source) => source.startsWith('gateway-')))
    flags.push(
      `${EXTERNAL_DNS_FLAGS.gatewayLabelFilter}=${ALB_GROUP_LABEL} in (${instance.albGroups.join(',')})`,
    );
  return flags;
}

/**
 * Every key is present, also when its setting is not used (value undefined, which the YAML leaves
 * out): the key is still the setting's, and user values may not set it.
 */
export function externalDnsChartValues(props: ExternalDnsChartValuesProps): HelmValues {
  const { instance } = props;
  const extraArgs = [
    ...props.zoneIds.map((zoneId) => `${EXTERNAL_DNS_FLAGS.zoneIdFilter}=${zoneId}`),
    ...(instance.zoneType ? [`${EXTERNAL_DNS_FLAGS.awsZoneType}=${instance.zoneType}`] : []),
    ...(props.assumeRole
      ? [
          `${EXTERNAL_DNS_FLAGS.awsAssumeRole}=${props.assumeRole.roleArn}`,
          `${EXTERNAL_DNS_FLAGS.awsAssumeRoleExternalId}=${props.assumeRole.externalId}`,
        ]
      : []),
    ...(instance.migrateFromTxtOwner
      ? [`${EXTERNAL_DNS_FLAGS.migrateFromTxtOwner}=${instance.migrateFromTxtOwner}`]
      : []),
    ...albGroupFlags(instance),
    ...instance.extraArgs,
  ];
  const managedTypes = instance.recordTypes?.filter((type) => type !== 'TXT');
  return {
    provider: { name: 'aws' },
    policy: instance.policy,
    registry: 'txt',
    txtOwnerId: instance.txtOwnerId,
    domainFilters: [...instance.domainFilters],
    excludeDomains: instance.excludeDomains.length > 0 ? [...instance.excludeDomains] : undefined,
    sources: [...instance.sources],
    extraArgs,
    serviceAccount: serviceAccountValues(instance.serviceAccount, props.serviceAccountAnnotations),
    podAnnotations: props.podAnnotations,
    env: [{ name: 'AWS_DEFAULT_REGION', value: props.region }],
    annotationPrefix: instance.annotationPrefix,
    annotationFilter: instance.annotationFilter,
    managedRecordTypes: managedTypes?.length ? managedTypes : undefined,
    txtPrefix:
      instance.txtAffix && 'prefix' in instance.txtAffix ? instance.txtAffix.prefix : undefined,
    txtSuffix:
      instance.txtAffix && 'suffix' in instance.txtAffix ? instance.txtAffix.suffix : undefined,
  };
}
