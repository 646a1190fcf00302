import { TerraformOutput } from 'cdktf';
import { ProjectStack } from './project-stack';
import type { Construct } from 'constructs';
import type { ResolvedDnsAccount } from '../config/model';
import { DnsAccountRole } from '../modules/external-dns/dns-account-role';
import { DnsStateGuard } from '../modules/external-dns/dns-state-guard';
import { awsProvider, stackBackend } from './providers';

/**
 * Everything in the DNS account: one role per cross-account ExternalDNS instance (or one shared
 * role), each trusted only by its pinned callers and allowed to change records only in its zones.
 * It has its own provider credentials and its own state, and deploys before the cluster stacks.
 */
export class DnsAccountStack extends ProjectStack {
  constructor(scope: Construct, dnsAccount: ResolvedDnsAccount) {
    super(scope, dnsAccount.stackName);
    stackBackend(this, dnsAccount.backend, dnsAccount.stackName);
    awsProvider(this, dnsAccount);
    new DnsStateGuard(this, 'state-guard', {
      owner: dnsAccount.roleOptions.owner,
      knownClusters: dnsAccount.knownClusters,
      sharedRoleName: dnsAccount.sharedRoleName,
    });
    for (const role of dnsAccount.roles) {
      new DnsAccountRole(this, role.name, {
        role,
        partition: dnsAccount.partition,
        roleOptions: dnsAccount.roleOptions,
      });
    }
    new TerraformOutput(this, 'external_dns_role_arns', {
      description: 'Roles that cluster-account ExternalDNS instances assume',
      value: dnsAccount.roles.map((role) => role.arn),
    });
  }
}
