import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct } from 'constructs';
import { CERTIFICATE_MANAGEMENT_POLICY } from '../../catalog/aws-load-balancer-controller';
import { certificateManagementStatements } from '../../config/derived/certificate-management-policy';
import { hostedZoneArn } from '../../config/derived/route53-policy';
import type { Partition, ResolvedLoadBalancerController } from '../../config/model';
import { hostedZoneIds } from '../shared/hosted-zones';

export interface CertificateManagementPolicyProps {
  readonly settings: NonNullable<ResolvedLoadBalancerController['certificateManagement']>;
  readonly partition: Partition;
  readonly name: string;
}

/**
 * The policy of the controller's ACM certificate management: upstream's, with Route 53 changes
 * narrowed to the validation records of the configured zones and Private CA issuance to the
 * configured authorities (config/derived/certificate-management-policy.ts says how).
 */
export class CertificateManagementPolicy extends Construct {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: CertificateManagementPolicyProps) {
    super(scope, id);
    const zoneIds = hostedZoneIds(this, props.settings.zones);
    const document = new DataAwsIamPolicyDocument(this, 'access', {
      statement: certificateManagementStatements({
        zoneArns: zoneIds.map((zoneId) => hostedZoneArn(props.partition, zoneId)),
        zoneNames: props.settings.zones.map((zone) => zone.name),
        certificateAuthorityArns: props.settings.certificateAuthorityArns,
      }),
    });
    this.policy = new IamPolicy(this, 'policy', {
      name: props.name,
      // Fixed text: a changed description replaces the policy (see the LBC policy).
      description: `AWS Load Balancer Controller certificate management: upstream ${CERTIFICATE_MANAGEMENT_POLICY.file}, scoped to the configured zones and Private CAs`,
      policy: document.json,
    });
  }
}
