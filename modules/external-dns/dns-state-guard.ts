import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { DataAwsIamRoles } from '@cdktf/provider-aws/lib/data-aws-iam-roles';
import { DataResource, TerraformIterator, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DNS_ROLE_CLUSTERS_TAG, ROLE_OWNER_TAGS } from '../../config/naming';
import type { RoleOwner } from '../../config/naming';

export interface DnsStateGuardProps {
  /** The DNS stack and its state, as its roles' owner tags name them. */
  readonly owner: RoleOwner;
  /** The cluster stacks whose roles the stack may hold: the file's, and those removed on purpose. */
  readonly knownClusters: readonly string[];
  /** The shared role's name, with `sharedRole` (per-instance roles carry `external-dns`). */
  readonly sharedRoleName?: string;
}

/**
 * Stops the DNS stack's plan while its state holds a role of a cluster this configuration file
 * does not list: two files that share a DNS account and a backend share one DNS stack state, and
 * each deploy would delete the other's DNS roles (or drop its callers from a shared role). The
 * plan reads the account's ExternalDNS roles (`iam:ListRoles`, then `iam:GetRole` for each whose
 * name carries `external-dns`, or the shared role's name) and their tags: a role of this stack and
 * state whose `eks-edge/clusters` names an unknown cluster stops it, naming the role, the cluster
 * and the setting that separates the files (`dnsAccount.stackName`), or the one that lets the
 * roles of a cluster removed on purpose go (`dnsAccount.removedClusters`).
 */
export class DnsStateGuard extends Construct {
  constructor(scope: Construct, id: string, props: DnsStateGuardProps) {
    super(scope, id);
    const shared = props.sharedRoleName
      ? `|^${props.sharedRoleName.replace(/[.+]/g, '[$&]')}$`
      : '';
    const listed = new DataAwsIamRoles(this, 'listed', {
      nameRegex: `(?i)(external-dns${shared})`,
    });
    const names = TerraformIterator.fromMap(
      Token.asAnyMap(
        `\${{ for name in data.${listed.terraformResourceType}.${listed.friendlyUniqueId}.names : name => name }}`,
      ),
    );
    const roles = new DataAwsIamRole(this, 'roles', { forEach: names, name: names.value });
    const all = `data.${roles.terraformResourceType}.${roles.friendlyUniqueId}`;
    const tag = (key: string) => `try(role.tags[${JSON.stringify(key)}], "")`;
    const ownStates = JSON.stringify([...new Set(['', props.owner.state ?? ''])]);
    const known = JSON.stringify(props.knownClusters);
    const foreign = new TerraformLocal(
      this,
      'foreign',
      `\${flatten([for name, role in ${all} : [for cluster in compact(split(" ", ${tag(DNS_ROLE_CLUSTERS_TAG)})) : "\${role.name} (\${cluster})" if !contains(${known}, cluster)] if ${tag(ROLE_OWNER_TAGS.stack)} == ${JSON.stringify(props.owner.stack)} && contains(${ownStates}, ${tag(ROLE_OWNER_TAGS.state)})])}`,
    );
    const found = `local.${foreign.friendlyUniqueId}`;
    new DataResource(this, 'check', {
      lifecycle: {
        precondition: [
          {
            condition: `\${length(${found}) == 0}`,
            errorMessage: [
              `The DNS stack ${props.owner.stack} (state ${props.owner.state ?? 'local'}) holds roles of clusters this configuration does not list: \${join(", ", ${found})}.`,
              'Deploying it would delete them (or drop those callers from a shared role), and with them those clusters their DNS access.',
              'If another configuration file lists those clusters, the two share this DNS stack and its state: give this file a DNS stack of its own (dnsAccount.stackName, e.g. dns-<environment>).',
              "A renamed environment or clusterName makes new stacks beside the old ones, and the old cluster still runs on these roles: keep the old name, or destroy the old cluster's stacks under it first (npm run destroy -- <old stack>).",
              'If the clusters were removed from this file on purpose and their stacks destroyed, list them in dnsAccount.removedClusters for this deploy (npm run destroy does).',
            ].join(' '),
          },
        ],
      },
    });
  }
}
