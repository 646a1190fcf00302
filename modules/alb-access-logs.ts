import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import type { Partition } from './partition';

/**
 * Elastic Load Balancing's log-delivery account in the regions that existed before August 2022
 * (AWS: "Enable access logs for your Application Load Balancer"). Newer regions deliver through
 * the `logdelivery.elasticloadbalancing.amazonaws.com` service principal instead.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
  'us-gov-west-1': '048591011584',
  'us-gov-east-1': '190560391635',
  'cn-north-1': '638102146993',
  'cn-northwest-1': '037604701340',
};

export interface AlbAccessLogsProps {
  readonly bucketName: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: Partition;
  /** Days before log objects expire. */
  readonly expirationDays: number;
  /** Allow `destroy` to delete a bucket that still holds logs. */
  readonly forceDestroy: boolean;
}

/**
 * An S3 bucket that ALBs of this account and region may write access logs to: SSE-S3 (the only
 * encryption ALB log delivery supports), public access blocked, bucket-owner-enforced ownership,
 * TLS-only access and a lifecycle expiry. `attributes(prefix)` gives the load-balancer attributes
 * that switch logging on; anything using them must depend on `policy`, since ELB checks write
 * access when logging is switched on.
 */
export class AlbAccessLogs extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AlbAccessLogsProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy,
    });
    const bucket = this.bucket.bucket;
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.expirationDays }],
        },
      ],
    });
    const bucketArn = `arn:${props.partition}:s3:::${props.bucketName}`;
    const document = new DataAwsIamPolicyDocument(this, 'policy-document', {
      statement: logDeliveryStatements(props, bucketArn),
    });
    this.policy = new S3BucketPolicy(this, 'policy', { bucket, policy: document.json });
  }

  /** Load-balancer attributes that send access logs to this bucket under `prefix`. */
  attributes(prefix: string): { key: string; value: string }[] {
    return [
      { key: 'access_logs.s3.enabled', value: 'true' },
      { key: 'access_logs.s3.bucket', value: this.bucket.bucket },
      { key: 'access_logs.s3.prefix', value: prefix },
    ];
  }
}

function logDeliveryStatements(
  props: AlbAccessLogsProps,
  bucketArn: string,
): DataAwsIamPolicyDocumentStatement[] {
  // ELB writes `<prefix>/AWSLogs/<account>/…` for load balancers of this account only.
  const logObjects = [`${bucketArn}/*/AWSLogs/${props.accountId}/*`];
  const regionalAccount = ELB_LOG_DELIVERY_ACCOUNTS[props.region];
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    {
      sid: 'LogDeliveryService',
      effect: 'Allow',
      principals: [
        { type: 'Service', identifiers: ['logdelivery.elasticloadbalancing.amazonaws.com'] },
      ],
      actions: ['s3:PutObject'],
      resources: logObjects,
    },
  ];
  if (regionalAccount) {
    statements.push({
      sid: 'RegionalElbAccount',
      effect: 'Allow',
      principals: [
        { type: 'AWS', identifiers: [`arn:${props.partition}:iam::${regionalAccount}:root`] },
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
    resources: [bucketArn, `${bucketArn}/*`],
    condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  });
  return statements;
}
