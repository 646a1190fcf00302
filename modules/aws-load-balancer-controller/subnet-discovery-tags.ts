import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { Construct } from 'constructs';
import { ReleasedResource } from '../shared/terraform-blocks';

type SubnetIds = { readonly public: readonly string[]; readonly private: readonly string[] };

export interface SubnetDiscoveryTagsProps {
  readonly clusterName: string;
  /** Subnets whose role tag this stack owns, for internet-facing and internal load balancers. */
  readonly roleTags: SubnetIds;
  /** Subnets whose role tag another stack owns: released if this one tagged them before. */
  readonly releasedRoleTags: SubnetIds;
  /**
   * Subnets to tag `kubernetes.io/cluster/<clusterName>=shared`; the controller needs it only before
   * v2.1.1, or where several clusters share a VPC and must not use each other's subnets.
   */
  readonly clusterSharedSubnetIds: readonly string[];
}

const ROLE_TAGS = [
  { role: 'public', key: 'kubernetes.io/role/elb', label: 'elb' },
  { role: 'private', key: 'kubernetes.io/role/internal-elb', label: 'internal-elb' },
] as const;

/**
 * Tags existing subnets so the AWS Load Balancer Controller discovers them: `kubernetes.io/role/elb`
 * on public subnets, `kubernetes.io/role/internal-elb` on private ones. Uses one `aws_ec2_tag` per
 * subnet and key, so the subnets' other tags (owned by whoever made the VPC) are left alone. A
 * role tag whose ownership moved to another stack is released, never deleted: deleting it would
 * untag a subnet the new owner relies on.
 */
export class SubnetDiscoveryTags extends Construct {
  readonly tags: Ec2Tag[] = [];

  constructor(scope: Construct, id: string, props: SubnetDiscoveryTagsProps) {
    super(scope, id);
    for (const { role, key, label } of ROLE_TAGS) {
      for (const subnetId of props.roleTags[role]) {
        this.tags.push(
          new Ec2Tag(this, `${label}-${subnetId}`, { resourceId: subnetId, key, value: '1' }),
        );
      }
    }
    for (const subnetId of props.clusterSharedSubnetIds) {
      this.tags.push(
        new Ec2Tag(this, `cluster-${subnetId}`, {
          resourceId: subnetId,
          key: `kubernetes.io/cluster/${props.clusterName}`,
          value: 'shared',
        }),
      );
    }
    for (const { role, label } of ROLE_TAGS) {
      for (const subnetId of props.releasedRoleTags[role]) {
        new ReleasedResource(this, `released-${label}-${subnetId}`, {
          type: 'aws_ec2_tag',
          path: [this.node.id, `${label}-${subnetId}`],
        });
      }
    }
  }
}
