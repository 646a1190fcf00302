/**
 * The IAM statements of the controller's ACM certificate management: upstream
 * `iam_policy_acm_certs.json` (catalog CERTIFICATE_MANAGEMENT_POLICY) with its two grants on `*`
 * narrowed as the controller's guide advises, to what the configuration names:
 * - Route 53 changes only in the named zones, and there only what the controller writes: the
 *   CNAME validation record ACM gives for each name (always `_<token>.<name>`: ACM User Guide,
 *   "DNS validation"), created when the certificate is requested and deleted with it
 *   (pkg/deploy/acm/certificate_manager.go lines 133-146 and 240-253 at v3.5.0: `CREATE`,
 *   `DELETE`, the record's own type).
 * - Private CA issuance only from the named authorities; none without them.
 * The ACM grants are upstream's: requests and deletions only of certificates tagged with the
 * controller's cluster tag.
 */
import { LBC_CLUSTER_TAG } from '../../catalog/aws-load-balancer-controller';
import type { PolicyStatement } from './iam-policy-json';

export interface CertificateManagementScope {
  /** ARNs of the hosted zones it may write validation records in. */
  readonly zoneArns: readonly string[];
  /** Their names: the validation records lie under them. */
  readonly zoneNames: readonly string[];
  /** AWS Private CAs it may issue from. */
  readonly certificateAuthorityArns: readonly string[];
}

export function certificateManagementStatements(
  scope: CertificateManagementScope,
): PolicyStatement[] {
  const taggedBy = (kind: 'RequestTag' | 'ResourceTag') => [
    { test: 'Null', variable: `aws:${kind}/${LBC_CLUSTER_TAG}`, values: ['false'] },
  ];
  return [
    {
      sid: 'TagCertificates',
      effect: 'Allow',
      actions: ['acm:ListTagsForCertificate', 'acm:AddTagsToCertificate'],
      resources: ['*'],
    },
    {
      sid: 'RequestCertificates',
      effect: 'Allow',
      actions: ['acm:RequestCertificate'],
      resources: ['*'],
      condition: taggedBy('RequestTag'),
    },
    {
      sid: 'DeleteOwnCertificates',
      effect: 'Allow',
      actions: ['acm:DeleteCertificate'],
      resources: ['*'],
      condition: taggedBy('ResourceTag'),
    },
    {
      // Route 53 does not scope listing zones to resources.
      sid: 'FindValidationZones',
      effect: 'Allow',
      actions: ['route53:ListHostedZones', 'route53:ListHostedZonesByName'],
      resources: ['*'],
    },
    {
      sid: 'WriteValidationRecords',
      effect: 'Allow',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [...scope.zoneArns],
      condition: [
        {
          test: 'ForAllValues:StringEquals',
          variable: 'route53:ChangeResourceRecordSetsActions',
          values: ['CREATE', 'DELETE'],
        },
        {
          test: 'ForAllValues:StringEquals',
          variable: 'route53:ChangeResourceRecordSetsRecordTypes',
          values: ['CNAME'],
        },
        {
          test: 'ForAllValues:StringLike',
          variable: 'route53:ChangeResourceRecordSetsNormalizedRecordNames',
          values: scope.zoneNames.map((zone) => `_*.${zone}`),
        },
      ],
    },
    ...(scope.certificateAuthorityArns.length > 0
      ? [
          {
            sid: 'IssueFromNamedPrivateCas',
            effect: 'Allow' as const,
            actions: [
              'acm-pca:IssueCertificate',
              'acm-pca:GetCertificate',
              'acm-pca:ListPermissions',
            ],
            resources: [...scope.certificateAuthorityArns],
          },
        ]
      : []),
  ];
}
