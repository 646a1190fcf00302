import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { DataHttp } from '@cdktf/provider-http/lib/data-http';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { Partition, PinnedFile } from '../../config/model';
import { verifiedDownload } from './verified-download';

export interface VerifiedUpstreamPolicyProps {
  /** IAM policy name. */
  readonly name: string;
  readonly description: string;
  /** The policy file at a release tag, and the sha256 it must have (else the plan fails). */
  readonly file: PinnedFile;
  /**
   * Rewrite `arn:aws:` to this partition after the checksum check, for upstream files that exist
   * only for the commercial partition.
   */
  readonly rewriteToPartition?: Partition;
  readonly tags?: Record<string, string>;
}

/**
 * An IAM policy whose document is downloaded at plan time from a pinned upstream URL and accepted
 * only if the HTTP status is 200 and the body has the expected sha256. The policy can therefore
 * never silently differ from the file of the pinned controller release.
 */
export class VerifiedUpstreamPolicy extends Construct {
  readonly download: DataHttp;
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: VerifiedUpstreamPolicyProps) {
    super(scope, id);
    this.download = verifiedDownload(this, 'document', props.file);
    const body = this.download.responseBody;
    this.policy = new IamPolicy(this, 'policy', {
      name: props.name,
      description: props.description,
      policy:
        props.rewriteToPartition && props.rewriteToPartition !== 'aws'
          ? Fn.replace(body, 'arn:aws:', `arn:${props.rewriteToPartition}:`)
          : body,
      tags: props.tags,
    });
  }
}
