import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { DNS_ROLE_CLUSTERS_TAG } from '../../config/naming';
import type { Partition, ResolvedDnsRole, RoleOptions } from '../../config/model';
import { renewedWith, roleSettings } from '../identity/role-options';
import { dnsRoleTrustPolicy } from '../../config/derived/dns-role-trust-policy';
import { dnsRoleAccessStatements } from '../../config/derived/dns-role-access-policy';

export interface DnsAccountRoleProps {
  readonly role: ResolvedDnsRole;
  readonly partition: Partition;
  readonly roleOptions: RoleOptions;
}

/**
 * The role in the DNS account that ExternalDNS instances of cluster accounts assume: trusted only
 * by its pinned callers, each allowed the same zone-scoped Route 53 changes as its instance would
 * have in a single account, and nothing another caller of the same role is allowed.
 */
export class DnsAccountRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: DnsAccountRoleProps) {
    super(scope, id);
    const { role, partition } = props;
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: dnsRoleTrustPolicy(partition, role.callers),
    });
    const callerAccounts = [...new Set(role.callers.map((c) => c.callerAccountId))];
    const settings = roleSettings(this, role.name, props.roleOptions);
    this.role = new IamRole(this, 'role', {
      description: `ExternalDNS from ${callerAccounts.join(', ')}: records in the zones it names`,
      assumeRolePolicy: trust.json,
      ...settings,
      tags: { ...settings.tags, [DNS_ROLE_CLUSTERS_TAG]: role.servedClusters.join(' ') },
    });
    const access = new DataAwsIamPolicyDocument(this, 'route53-access', {
      statement: dnsRoleAccessStatements(partition, role.grants),
    });
    new IamRolePolicy(this, 'route53', {
      name: 'route53-records',
      role: this.role.name,
      lifecycle: renewedWith(this.role),
      policy: access.json,
    });
  }
}
