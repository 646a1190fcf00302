import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { Construct } from 'constructs';

export interface SubnetDiscoveryTagsProps {
  readonly clusterName: string;
  /** Subnets for internet-facing load balancers. */
  readonly publicSubnetIds: readonly string[];
  /** Subnets for internal load balancers. */
  readonly privateSubnetIds: readonly string[];
  /**
   * Subnets to tag `kubernetes.io/cluster/<clusterName>=shared`; the controller needs it only before
   * v2.1.1, or where several clusters share a VPC and must not use each other's subnets.
   * @default none
   */
  readonly clusterSharedSubnetIds?: readonly string[];
}

/**
 * Tags existing subnets so the AWS Load Balancer Controller discovers them: `kubernetes.io/role/elb`
 * on public subnets, `kubernetes.io/role/internal-elb` on private ones. Uses one `aws_ec2_tag` per
 * subnet and key, so the subnets' other tags (owned by whoever made the VPC) are left alone.
 */
export class SubnetDiscoveryTags extends Construct {
  readonly tags: Ec2Tag[] = [];

  constructor(scope: Construct, id: string, props: SubnetDiscoveryTagsProps) {
    super(scope, id);
    const roles = [
      { subnetIds: props.publicSubnetIds, key: 'kubernetes.io/role/elb', label: 'elb' },
      {
        subnetIds: props.privateSubnetIds,
        key: 'kubernetes.io/role/internal-elb',
        label: 'internal-elb',
      },
    ];
    for (const { subnetIds, key, label } of roles) {
      for (const subnetId of subnetIds) {
        this.tags.push(
          new Ec2Tag(this, `${label}-${subnetId}`, { resourceId: subnetId, key, value: '1' }),
        );
      }
    }
    for (const subnetId of props.clusterSharedSubnetIds ?? []) {
      this.tags.push(
        new Ec2Tag(this, `cluster-${subnetId}`, {
          resourceId: subnetId,
          key: `kubernetes.io/cluster/${props.clusterName}`,
          value: 'shared',
        }),
      );
    }
  }
}
