import { Construct } from 'constructs';
import { boundedName } from '../naming';
import { VerifiedUpstreamPolicy } from '../verified-upstream-policy';
import { policyUrl } from './versions';
import type { Partition } from '../partition';
import type { PolicyFile } from './versions';

export interface LbcPolicyProps {
  readonly clusterName: string;
  readonly controllerVersion: string;
  readonly partition: Partition;
  readonly policy: { readonly file: PolicyFile; readonly sha256: string };
  /** The v1 → v2 migration policy, when replacing the old ALB Ingress Controller. */
  readonly migrationPolicy?: { readonly file: PolicyFile; readonly sha256: string };
  readonly tags?: Record<string, string>;
}

/**
 * The controller's IAM policies, taken from upstream at the controller's own release tag and
 * verified by checksum: the partition's `iam_policy*.json`, and optionally the v1 → v2 migration policy.
 */
export class LbcIamPolicies extends Construct {
  readonly controller: VerifiedUpstreamPolicy;
  readonly migration?: VerifiedUpstreamPolicy;

  constructor(scope: Construct, id: string, props: LbcPolicyProps) {
    super(scope, id);
    // The version goes in a tag, not the description: a changed description replaces an IAM
    // policy (detach, delete, create), leaving the running controller without permissions.
    const versionTags = { ...props.tags, 'eks-edge/controller-version': props.controllerVersion };
    this.controller = new VerifiedUpstreamPolicy(this, 'controller', {
      name: boundedName([props.clusterName, 'aws-load-balancer-controller'], 128),
      description: `AWS Load Balancer Controller: upstream ${props.policy.file} at the controller's release tag`,
      url: policyUrl(props.controllerVersion, props.policy.file),
      sha256: props.policy.sha256,
      tags: versionTags,
    });
    if (props.migrationPolicy) {
      this.migration = new VerifiedUpstreamPolicy(this, 'migration', {
        name: boundedName([props.clusterName, 'aws-load-balancer-controller-v1-migration'], 128),
        description: `Extra permissions for taking over from the ALB Ingress Controller v1: upstream ${props.migrationPolicy.file}`,
        url: policyUrl(props.controllerVersion, props.migrationPolicy.file),
        sha256: props.migrationPolicy.sha256,
        // Upstream ships this file for the commercial partition only.
        rewriteToPartition: props.partition,
        tags: versionTags,
      });
    }
  }
}
