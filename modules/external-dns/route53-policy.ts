import type { PolicyCondition, PolicyStatement } from '../shared/iam-policy-json';

export interface Route53AccessProps {
  /** ARNs of the hosted zones whose records may change. */
  readonly zoneArns: readonly string[];
  /** Restrict changes to these names and their subdomains (…NormalizedRecordNames). */
  readonly recordNames?: readonly string[];
  /** Restrict changes to these record types (…RecordTypes). */
  readonly recordTypes?: readonly string[];
}

/**
 * The Route 53 permissions of one ExternalDNS instance, shared by every place that grants them
 * (the instance's own role, node roles, or a role in a DNS account):
 * - `ChangeResourceRecordSets` only on the instance's zones, optionally narrowed by record name/type;
 * - the list calls on `*`: Route 53 does not support resource scoping for `ListHostedZones`, and
 *   ExternalDNS lists records and zone tags across zones to find its own.
 */
export function route53AccessStatements(props: Route53AccessProps): PolicyStatement[] {
  const conditions: PolicyCondition[] = [];
  if (props.recordNames?.length) {
    conditions.push({
      test: 'ForAllValues:StringLike',
      variable: 'route53:ChangeResourceRecordSetsNormalizedRecordNames',
      values: props.recordNames.flatMap((name) => [name, `*.${name}`]),
    });
  }
  if (props.recordTypes?.length) {
    conditions.push({
      test: 'ForAllValues:StringEquals',
      variable: 'route53:ChangeResourceRecordSetsRecordTypes',
      values: [...props.recordTypes],
    });
  }
  return [
    {
      sid: 'ChangeRecordsInManagedZones',
      effect: 'Allow',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [...props.zoneArns],
      condition: conditions.length > 0 ? conditions : undefined,
    },
    {
      sid: 'ListZonesRecordsAndTags',
      effect: 'Allow',
      actions: [
        'route53:ListHostedZones',
        'route53:ListResourceRecordSets',
        'route53:ListTagsForResources',
      ],
      resources: ['*'],
    },
  ];
}

export function hostedZoneArn(partition: string, zoneId: string): string {
  return `arn:${partition}:route53:::hostedzone/${zoneId}`;
}
