import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import type { Partition, ResolvedAccessLogs } from '../../config/model';
import { accessLogBucketPolicy } from './access-log-bucket-policy';

export interface AlbAccessLogsProps extends ResolvedAccessLogs {
  readonly accountId: string;
  readonly partition: Partition;
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
      // The bucket keeps the name it was made with: a new name (namePrefix) would replace a
      // bucket that holds logs, which S3 refuses to delete, after its policy is already gone.
      lifecycle: { ignoreChanges: ['bucket'] },
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
    // The bucket's own name, which may be older than the configuration's.
    const bucketArn = this.bucket.arn;
    const document = new DataAwsIamPolicyDocument(this, 'policy-document', {
      statement: accessLogBucketPolicy({ ...props, bucketArn }),
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
