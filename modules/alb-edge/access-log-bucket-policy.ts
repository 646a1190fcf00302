/**
 * The bucket policy of the ALB access-log bucket. Pure: statements only.
 */
import { ELB_LOG_DELIVERY_SERVICE } from '../../catalog/elb-log-delivery';
import type { PolicyStatement } from '../../config/derived/iam-policy-json';

export interface AccessLogBucketPolicyProps {
  readonly bucketArn: string;
  /** Only load balancers of this account may deliver. */
  readonly accountId: string;
  readonly partition: string;
  /** The region's ELB log-delivery account, in regions that have one. */
  readonly elbAccount?: string;
}

/**
 * ELB may write `<prefix>/AWSLogs/<account>/…` for load balancers of this account only (through
 * the log-delivery service principal, and the region's ELB account where there is one); nobody
 * may use the bucket without TLS.
 */
export function accessLogBucketPolicy(props: AccessLogBucketPolicyProps): PolicyStatement[] {
  const logObjects = [`${props.bucketArn}/*/AWSLogs/${props.accountId}/*`];
  const statements: PolicyStatement[] = [
    {
      sid: 'LogDeliveryService',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: [ELB_LOG_DELIVERY_SERVICE] }],
      actions: ['s3:PutObject'],
      resources: logObjects,
    },
  ];
  if (props.elbAccount) {
    statements.push({
      sid: 'RegionalElbAccount',
      effect: 'Allow',
      principals: [
        { type: 'AWS', identifiers: [`arn:${props.partition}:iam::${props.elbAccount}:root`] },
      ],
      actions: ['s3:PutObject'],
      resources: logObjects,
    });
  }
  statements.push({
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    principals: [{ type: '*', identifiers: ['*'] }],
    actions: ['s3:*'],
    resources: [props.bucketArn, `${props.bucketArn}/*`],
    condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  });
  return statements;
}
