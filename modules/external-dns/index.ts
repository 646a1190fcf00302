import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { mergeValues, valuesYaml } from '../helm-values';
import type { HelmValues } from '../helm-values';
import { boundedName } from '../naming';
import { WorkloadIdentity } from '../workload-identity';
import type { IrsaIdentity, NodeRoleIdentity, PodIdentity } from '../workload-identity';
import { hostedZoneArn, route53AccessStatements } from './iam-policy';

export const EXTERNAL_DNS_CHART_REPOSITORY = 'https://kubernetes-sigs.github.io/external-dns/';
export const EXTERNAL_DNS_CHART = 'external-dns';

/** Chart values this construct sets from its props; user values may not override them. */
export const EXTERNAL_DNS_MANAGED_VALUES = [
  'provider',
  'policy',
  'registry',
  'txtOwnerId',
  'domainFilters',
  'sources',
  'annotationFilter',
  'managedRecordTypes',
  'extraArgs',
  'serviceAccount',
  'env',
] as const;

/** Name of an instance's IAM role (and policy) in the cluster account; DNS-account trusts pin it. */
export function externalDnsRoleName(clusterName: string, instanceName: string): string {
  return boundedName([clusterName, 'external-dns', instanceName]);
}

/** Command-line flags this construct derives from its props (directly or through chart values). */
export const EXTERNAL_DNS_MANAGED_FLAGS = [
  '--provider',
  '--policy',
  '--registry',
  '--txt-owner-id',
  '--domain-filter',
  '--source',
  '--annotation-filter',
  '--managed-record-types',
  '--zone-id-filter',
  '--aws-zone-type',
  '--aws-assume-role',
  '--aws-assume-role-external-id',
];

export interface HostedZone {
  readonly name: string;
  /** When absent, looked up by name (and privacy) at plan time. */
  readonly id?: string;
  readonly private: boolean;
}

/**
 * Where the Route 53 permissions live: on this instance's identity, or on a role in a separate
 * DNS account that the instance reaches by Pod Identity role chaining or by `--aws-assume-role`.
 */
export type Route53Access =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'pod-identity-target';
      readonly dnsRoleArn: string;
      readonly disableSessionTags: boolean;
    }
  | { readonly kind: 'assume-role'; readonly dnsRoleArn: string; readonly externalId: string };

export interface ExternalDnsProps {
  readonly clusterName: string;
  readonly region: string;
  readonly partition: string;
  /** Instance name; names the release, the IAM role and policy. */
  readonly name: string;
  /** `external-dns` chart version. */
  readonly chartVersion: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  /** Identity settings; for `pod-identity-target` access the target role is filled in here. */
  readonly identity: IrsaIdentity | PodIdentity | NodeRoleIdentity;
  readonly route53Access: Route53Access;
  readonly zones: readonly HostedZone[];
  /** `--aws-zone-type`. */
  readonly zoneType?: 'public' | 'private';
  readonly domainFilters: readonly string[];
  readonly policy: 'upsert-only' | 'sync';
  readonly txtOwnerId: string;
  readonly sources: readonly string[];
  readonly annotationFilter?: string;
  /** Restrict IAM record changes to names under the domain filters. */
  readonly restrictRecordNames: boolean;
  /** Restrict IAM record changes (and `managedRecordTypes`) to these types; includes TXT. */
  readonly recordTypes?: readonly string[];
  /** Extra command-line flags, after the managed ones. */
  readonly extraArgs?: readonly string[];
  readonly values?: HelmValues;
  /** Releases that must be ready first (the LBC, whose webhook gates Services). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One ExternalDNS instance: Route 53 permissions limited to its zones, a workload identity (or the
 * node role, with a warning), and a Helm release with explicit policy, owner id, filters and zone
 * ids, so it can never wander into zones it was not given.
 */
export class ExternalDns extends Construct {
  readonly release: Release;
  readonly identity: WorkloadIdentity;
  /** The Route 53 policy, when the permissions live in this account. */
  readonly route53Policy?: IamPolicy;
  /** Hosted zone ids (literal or looked up). */
  readonly zoneIds: string[];

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const resourceName = externalDnsRoleName(props.clusterName, props.name);
    this.zoneIds = props.zones.map(
      (zone) =>
        zone.id ??
        new DataAwsRoute53Zone(this, `zone-${zone.name}`, {
          name: zone.name,
          privateZone: zone.private,
        }).zoneId,
    );
    const access = props.route53Access;
    const identityProps =
      access.kind === 'pod-identity-target' && props.identity.mode === 'pod-identity'
        ? {
            ...props.identity,
            targetRoleArn: access.dnsRoleArn,
            disableSessionTags: access.disableSessionTags,
          }
        : props.identity;
    this.identity = new WorkloadIdentity(this, 'identity', {
      ...identityProps,
      namespace: props.namespace,
      serviceAccountName: props.serviceAccountName,
      roleName: resourceName,
    });

    if (access.kind === 'local') {
      const document = new DataAwsIamPolicyDocument(this, 'route53-access', {
        statement: route53AccessStatements({
          zoneArns: this.zoneIds.map((zoneId) => hostedZoneArn(props.partition, zoneId)),
          recordNames: props.restrictRecordNames ? props.domainFilters : undefined,
          recordTypes: props.recordTypes,
        }),
      });
      this.route53Policy = new IamPolicy(this, 'route53-policy', {
        name: resourceName,
        // Fixed text: a changed description replaces the policy (see the LBC policy).
        description: `ExternalDNS ${props.name} on ${props.clusterName}: records in its zones only`,
        policy: document.json,
      });
      this.identity.attachPolicy('route53', this.route53Policy.arn);
    } else {
      this.identity.allowAssumeRole('assume-dns-account-role', [access.dnsRoleArn]);
    }

    this.release = new Release(this, 'release', {
      name: `external-dns-${props.name}`,
      repository: EXTERNAL_DNS_CHART_REPOSITORY,
      chart: EXTERNAL_DNS_CHART,
      version: props.chartVersion,
      namespace: props.namespace,
      createNamespace: true,
      values: [valuesYaml(mergeValues(props.values ?? {}, this.managedValues(props)))],
      wait: true,
      timeout: 300,
      cleanupOnFail: true,
      maxHistory: 10,
      dependsOn: [...this.identity.grants, ...(props.dependsOn ?? [])],
    });
  }

  private managedValues(props: ExternalDnsProps): HelmValues {
    const access = props.route53Access;
    const extraArgs = [
      ...this.zoneIds.map((zoneId) => `--zone-id-filter=${zoneId}`),
      ...(props.zoneType ? [`--aws-zone-type=${props.zoneType}`] : []),
      ...(access.kind === 'assume-role'
        ? [
            `--aws-assume-role=${access.dnsRoleArn}`,
            `--aws-assume-role-external-id=${access.externalId}`,
          ]
        : []),
      ...(props.extraArgs ?? []),
    ];
    const values: HelmValues = {
      provider: { name: 'aws' },
      policy: props.policy,
      registry: 'txt',
      txtOwnerId: props.txtOwnerId,
      domainFilters: [...props.domainFilters],
      sources: [...props.sources],
      extraArgs,
      serviceAccount: this.identity.serviceAccount,
      env: [{ name: 'AWS_DEFAULT_REGION', value: props.region }],
    };
    if (props.annotationFilter) values.annotationFilter = props.annotationFilter;
    const managedTypes = props.recordTypes?.filter((type) => type !== 'TXT');
    if (managedTypes?.length) values.managedRecordTypes = managedTypes;
    return values;
  }
}
