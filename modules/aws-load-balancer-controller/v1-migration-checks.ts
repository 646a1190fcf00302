import { DataAwsResourcegroupstaggingapiResources } from '@cdktf/provider-aws/lib/data-aws-resourcegroupstaggingapi-resources';
import { DataAwsSecurityGroups } from '@cdktf/provider-aws/lib/data-aws-security-groups';
import { DataAwsVpcSecurityGroupRule } from '@cdktf/provider-aws/lib/data-aws-vpc-security-group-rule';
import { DataAwsVpcSecurityGroupRules } from '@cdktf/provider-aws/lib/data-aws-vpc-security-group-rules';
import { TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  LBC_CLUSTER_TAG,
  SHARED_BACKEND_RULE_DESCRIPTION,
  V1_CLUSTER_TAG,
} from '../../catalog/aws-load-balancer-controller';
import { CheckBlock } from '../shared/terraform-blocks';

export interface V1MigrationChecksProps {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  /** `migrateFromV1`: the controller has the upstream migration policy. */
  readonly migrating: boolean;
  /** Where the guide to the migration is, named in the warnings. */
  readonly guide: string;
}

const TAGGED_TYPES = [
  'elasticloadbalancing:loadbalancer',
  'elasticloadbalancing:targetgroup',
  'ec2:security-group',
];

/** The plain address of a data source or local (its HCL is written outside cdktf's tokens). */
const dataAddress = (d: { terraformResourceType: string; friendlyUniqueId: string }) =>
  `data.${d.terraformResourceType}.${d.friendlyUniqueId}`;
const localAddress = (l: TerraformLocal) => `local.${l.friendlyUniqueId}`;
const quoted = (value: string) => JSON.stringify(value);

/**
 * Plan-time warnings (Terraform `check` blocks) for a cluster that ran the ALB Ingress Controller
 * v1, read from what is tagged in AWS:
 * - without `migrateFromV1`, load balancers, target groups or security groups that v1 made for
 *   this cluster and the controller has not taken over yet (only v1's tag): the controller lacks
 *   the permissions to take them over;
 * - with it, the node security-group inbound rules whose source is a group v1 made and whose
 *   description is not the controller's. Those are exactly the rules the migration guide has
 *   users describe; its own script describes every 0-65535 rule of a group whatever its source,
 *   which lets the controller remove rules it never made. Rules from groups not made by v1 (the
 *   project's own ALB security groups, groups named in `security-groups`) are never listed.
 * A warning, not an error: the plan and the apply go on, and the lists go when the work is done.
 */
export class V1MigrationChecks extends Construct {
  constructor(scope: Construct, id: string, props: V1MigrationChecksProps) {
    super(scope, id);
    const v1Made = new DataAwsResourcegroupstaggingapiResources(this, 'v1-made', {
      tagFilter: [{ key: V1_CLUSTER_TAG, values: [props.clusterName] }],
      resourceTypeFilters: TAGGED_TYPES,
    });
    const mappings = `${dataAddress(v1Made)}.resource_tag_mapping_list`;
    if (!props.migrating) {
      const notTakenOver = new TerraformLocal(
        this,
        'v1-not-taken-over',
        `\${join(", ", [for r in ${mappings} : r.resource_arn if !contains(keys(r.tags), ${quoted(LBC_CLUSTER_TAG)})])}`,
      );
      new CheckBlock(this, 'v1-resources', {
        condition: `${localAddress(notTakenOver)} == ""`,
        errorMessage: `The ALB Ingress Controller v1 made these resources for cluster ${props.clusterName} (tag ${V1_CLUSTER_TAG}), and the AWS Load Balancer Controller has not taken them over: \${${localAddress(notTakenOver)}}. It needs the upstream migration policy to do so: set loadBalancerController.migrateFromV1: true (${props.guide}).`,
      });
      return;
    }
    const v1Groups = new TerraformLocal(
      this,
      'v1-security-groups',
      `\${[for r in ${mappings} : trimprefix(split(":", r.resource_arn)[5], "security-group/") if startswith(split(":", r.resource_arn)[5], "security-group/")]}`,
    );
    const admitting = new DataAwsSecurityGroups(this, 'admitting-v1', {
      count: Token.asNumber(`\${length(${localAddress(v1Groups)}) > 0 ? 1 : 0}`),
      filter: [
        { name: 'vpc-id', values: [props.vpcId] },
        { name: 'ip-permission.group-id', values: Token.asList(`\${${localAddress(v1Groups)}}`) },
      ],
    });
    const nodeGroups = new TerraformLocal(
      this,
      'node-security-groups',
      `\${setsubtract(flatten(${dataAddress(admitting)}[*].ids), ${localAddress(v1Groups)})}`,
    );
    const ruleIds = new DataAwsVpcSecurityGroupRules(this, 'node-rules', {
      count: Token.asNumber(`\${length(${localAddress(nodeGroups)}) > 0 ? 1 : 0}`),
      filter: [{ name: 'group-id', values: Token.asList(`\${${localAddress(nodeGroups)}}`) }],
    });
    const rule = new DataAwsVpcSecurityGroupRule(this, 'node-rule', {
      securityGroupRuleId: '${each.value}',
    });
    rule.addOverride('for_each', `\${toset(flatten(${dataAddress(ruleIds)}[*].ids))}`);
    const description = quoted(SHARED_BACKEND_RULE_DESCRIPTION);
    const commands = new TerraformLocal(
      this,
      'node-rules-to-describe',
      `\${join("\\n", [for id, rule in ${dataAddress(rule)} : "aws ec2 update-security-group-rule-descriptions-ingress --region ${props.region} --group-id \${rule.security_group_id} --security-group-rule-descriptions '\${jsonencode([{ SecurityGroupRuleId = id, Description = ${description} }])}'" if !rule.is_egress && try(contains(${localAddress(v1Groups)}, rule.referenced_security_group_id), false) && rule.description != ${description}])}`,
    );
    new CheckBlock(this, 'v1-node-rules', {
      condition: `${localAddress(commands)} == ""`,
      errorMessage: `Node security-group inbound rules admit traffic from security groups the ALB Ingress Controller v1 made for cluster ${props.clusterName}, without the description ${SHARED_BACKEND_RULE_DESCRIPTION}: the AWS Load Balancer Controller then never removes them when their load balancer goes. Describe exactly these rules (and no rule whose source is another group: the controller would remove it) (${props.guide}):\n\${${localAddress(commands)}}`,
    });
  }
}
