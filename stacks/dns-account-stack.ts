import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedDnsAccount } from '../config/resolve-dns-account';
import type { BackendConfig } from '../config/schema';
import { DnsAccountRole } from '../modules/external-dns/dns-account-role';
import { awsProvider, stackBackend } from './providers';

export interface DnsAccountStackProps {
  readonly dnsAccount: ResolvedDnsAccount;
  readonly backend: BackendConfig;
  readonly tags: Record<string, string>;
}

/**
 * Everything in the DNS account: one role per cross-account ExternalDNS instance (or one shared
 * role), each trusted only by its pinned caller and allowed to change records only in its zones.
 * It has its own provider credentials and its own state, and deploys before the cluster stacks.
 */
export class DnsAccountStack extends TerraformStack {
  constructor(scope: Construct, props: DnsAccountStackProps) {
    const { dnsAccount } = props;
    super(scope, dnsAccount.stackName);
    stackBackend(this, dnsAccount.backend ?? props.backend, dnsAccount.stackName);
    awsProvider(this, {
      accountId: dnsAccount.accountId,
      region: dnsAccount.region,
      credentials: dnsAccount.credentials,
      tags: props.tags,
    });
    for (const role of dnsAccount.roles) {
      new DnsAccountRole(this, role.name, {
        roleName: role.name,
        partition: dnsAccount.partition,
        callers: role.callers,
        zoneIds: role.zoneIds,
        recordNames: role.recordNames,
        recordTypes: role.recordTypes,
      });
    }
    new TerraformOutput(this, 'external_dns_role_arns', {
      description: 'Roles that cluster-account ExternalDNS instances assume',
      value: dnsAccount.roles.map((role) => role.arn),
    });
  }
}
