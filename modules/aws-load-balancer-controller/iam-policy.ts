import { Construct } from 'constructs';
import type { LbcRelease } from '../../catalog/aws-load-balancer-controller';
import type { Partition, ResolvedLoadBalancerController } from '../../config/model';
import { CONTROLLER_VERSION_TAG } from '../../config/naming';
import { VerifiedUpstreamPolicy } from '../shared/verified-upstream-policy';

export interface LbcIamPoliciesProps {
  readonly release: LbcRelease;
  readonly partition: Partition;
  readonly names: ResolvedLoadBalancerController['names'];
}

/**
 * The controller's IAM policies, taken from upstream at the controller's own release tag and
 * verified by checksum: the partition's `iam_policy*.json`, and optionally the v1 → v2 migration
 * policy and the Global Accelerator controller's policy.
 */
export class LbcIamPolicies extends Construct {
  readonly controller: VerifiedUpstreamPolicy;
  readonly migration?: VerifiedUpstreamPolicy;
  readonly globalAccelerator?: VerifiedUpstreamPolicy;

  constructor(scope: Construct, id: string, props: LbcIamPoliciesProps) {
    super(scope, id);
    const { release } = props;
    // The version goes in a tag, not the description: a changed description replaces an IAM
    // policy (detach, delete, create), leaving the running controller without permissions.
    const versionTags = { [CONTROLLER_VERSION_TAG]: release.version };
    this.controller = new VerifiedUpstreamPolicy(this, 'controller', {
      name: props.names.policy,
      description: `AWS Load Balancer Controller: upstream ${release.policy.file} at the controller's release tag`,
      file: release.policy,
      tags: versionTags,
    });
    if (release.migrationPolicy) {
      this.migration = new VerifiedUpstreamPolicy(this, 'migration', {
        name: props.names.migrationPolicy,
        description: `Extra permissions for taking over from the ALB Ingress Controller v1: upstream ${release.migrationPolicy.file}`,
        file: release.migrationPolicy,
        // Upstream ships this file for the commercial partition only.
        rewriteToPartition: props.partition,
        tags: versionTags,
      });
    }
    if (release.globalAcceleratorPolicy) {
      this.globalAccelerator = new VerifiedUpstreamPolicy(this, 'global-accelerator', {
        name: props.names.globalAcceleratorPolicy,
        description: `AWS Load Balancer Controller's Global Accelerator controller: upstream ${release.globalAcceleratorPolicy.file} at the controller's release tag`,
        file: release.globalAcceleratorPolicy,
        tags: versionTags,
      });
    }
  }
}
