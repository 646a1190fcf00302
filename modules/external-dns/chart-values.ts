/**
 * The chart values this project sets for one ExternalDNS instance (the managed values), and the
 * command-line flags they own. Pure: the configuration checks use both to reject user values and
 * `extraArgs` that would override them.
 */
import type { ResolvedExternalDns } from '../../config/model';
import type { HelmValues } from '../shared/chart-values';

/**
 * Flags that settings of an instance own, directly in `extraArgs` or through the chart values
 * the chart renders into flags (`provider.name` → `--provider`, `txtOwnerId` → `--txt-owner-id`, …
 * in the chart's templates/deployment.yaml).
 */
export const EXTERNAL_DNS_MANAGED_FLAGS = [
  '--provider',
  '--policy',
  '--registry',
  '--txt-owner-id',
  '--migrate-from-txt-owner',
  '--domain-filter',
  '--source',
  '--annotation-filter',
  '--annotation-prefix',
  '--managed-record-types',
  '--txt-prefix',
  '--txt-suffix',
  '--zone-id-filter',
  '--aws-zone-type',
  '--aws-assume-role',
  '--aws-assume-role-external-id',
] as const;

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
 * Every key is present, also when its setting is not used (value undefined, which the YAML leaves
 * out): the key is still the setting's, and user values may not set it.
 */
export function externalDnsChartValues(props: ExternalDnsChartValuesProps): HelmValues {
  const { instance } = props;
  const extraArgs = [
    ...props.zoneIds.map((zoneId) => `--zone-id-filter=${zoneId}`),
    ...(instance.zoneType ? [`--aws-zone-type=${instance.zoneType}`] : []),
    ...(props.assumeRole
      ? [
          `--aws-assume-role=${props.assumeRole.roleArn}`,
          `--aws-assume-role-external-id=${props.assumeRole.externalId}`,
        ]
      : []),
    ...(instance.migrateFromTxtOwner
      ? [`--migrate-from-txt-owner=${instance.migrateFromTxtOwner}`]
      : []),
    ...instance.extraArgs,
  ];
  const managedTypes = instance.recordTypes?.filter((type) => type !== 'TXT');
  return {
    provider: { name: 'aws' },
    policy: instance.policy,
    registry: 'txt',
    txtOwnerId: instance.txtOwnerId,
    domainFilters: [...instance.domainFilters],
    sources: [...instance.sources],
    extraArgs,
    serviceAccount: {
      create: true,
      name: instance.serviceAccount.name,
      annotations: props.serviceAccountAnnotations,
    },
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
