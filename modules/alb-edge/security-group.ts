import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformIterator } from 'cdktf';
import { Construct } from 'constructs';

export interface AlbSecurityGroupProps {
  readonly name: string;
  readonly vpcId: string;
  /**
   * Every CIDR block of the VPC (primary and secondary, e.g. EKS custom networking), as a map from
   * CIDR to CIDR: the ALB may only open connections to targets inside them. May be a Terraform
   * reference.
   */
  readonly vpcCidrs: Record<string, string>;
  /** Listener ports clients may reach. */
  readonly ports: readonly number[];
  /** Who may reach them. */
  readonly inboundCidrs: readonly string[];
}

/**
 * The frontend security group of an ALB: ingress on the listener ports from the given CIDRs only,
 * egress only into the VPC's CIDR blocks. Rules to the nodes are not here: the Load Balancer Controller adds
 * them to the node security group for the target ports it uses (`manageBackendSecurityGroupRules`).
 */
export class AlbSecurityGroup extends Construct {
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: AlbSecurityGroupProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: props.name,
      // The description is force-new, so it names the group and nothing that changes: the CIDRs
      // are rules of their own. Groups made by earlier versions keep their old description
      // (it listed the CIDRs) instead of being replaced under the live ALB.
      description: `ALB ${props.name}: listener ports from the inbound CIDRs (rules of this group)`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      // The group keeps the name it was made with: a new name (namePrefix) would replace it under
      // the live ALB, and AWS refuses to delete a group an ALB still uses, after its rules are gone.
      lifecycle: { ignoreChanges: ['description', 'name'] },
    });
    const securityGroupId = this.securityGroup.id;
    for (const port of props.ports) {
      for (const cidr of props.inboundCidrs) {
        new VpcSecurityGroupIngressRule(this, `ingress-${port}-${cidr}`, {
          securityGroupId,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
          description: `Clients to listener ${port}`,
        });
      }
    }
    const vpcCidr = TerraformIterator.fromMap(props.vpcCidrs);
    new VpcSecurityGroupEgressRule(this, 'egress-vpc', {
      forEach: vpcCidr,
      securityGroupId,
      ipProtocol: '-1',
      cidrIpv4: vpcCidr.value,
      description: 'ALB to targets in the VPC',
    });
  }
}
