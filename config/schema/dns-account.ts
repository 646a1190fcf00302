/**
 * The DNS account that owns the hosted zones (`dnsAccount`).
 */
import * as z from 'zod/mini';
import { DNS_STACK_NAME } from '../naming';
import { zoneSchema } from './external-dns';
import {
  accountId,
  dns1123Label,
  hostedZoneId,
  integer,
  named,
  region,
  setting,
  uniqueList,
} from './primitives';
import { backend, credentials } from './state-and-credentials';

export const dnsAccountSchema = z.strictObject({
  accountId: setting(
    accountId,
    "Account that owns the zones. Must differ from every cross-account cluster's account.",
  ),
  region: setting(
    z._default(region, 'us-east-1'),
    "Region of the DNS account's AWS provider (Route 53 and IAM are global). Its partition must match the clusters'.",
  ),
  credentials: setting(z.optional(credentials), {
    description: 'How Terraform gets into the DNS account.',
    defaultText: 'the ambient AWS credentials',
  }),
  backend: setting(z.optional(backend), {
    description: "The DNS stack's backend: keep the DNS account's state apart from the clusters'.",
    defaultText: 'top-level `backend`',
  }),
  zones: setting(
    z
      .array(z.extend(zoneSchema, { id: setting(hostedZoneId, 'Hosted zone id (required here).') }))
      .check(z.minLength(1, 'list the hosted zones of the DNS account')),
    'Zones ExternalDNS instances may be given; ids are required so both stacks know them.',
  ),
  sharedRoleName: setting(
    z._default(
      named(
        'IAM role name',
        z
          .string()
          .check(
            z.regex(
              /^[\w+=,.@-]{1,64}$/,
              'must be an IAM role name (1-64 characters: letters, digits and +=,.@_-)',
            ),
          ),
      ),
      'external-dns-cross-account',
    ),
    'Name of the shared role (with `sharedRole`). Two configurations sharing one DNS account need distinct names (a plan stops when the role belongs to another configuration whose DNS stack keeps its state in S3).',
  ),
  sharedRole: setting(
    z._default(z.boolean(), false),
    'One role (`external-dns-cross-account`) for all clusters instead of one role per cluster and instance (see docs/cross-account-dns.md).',
  ),
  trustPolicyQuota: setting(
    z._default(integer(2048, 4096), 2048),
    "The account's IAM quota for a role trust policy, in characters. A shared role whose trust would exceed it is rejected at synth.",
  ),
  stackName: setting(
    z._default(dns1123Label, DNS_STACK_NAME),
    "Name of the DNS stack, and of its state file or key. Two configuration files that share a DNS account and a backend need a name each (e.g. `dns-prod`, `dns-staging`): with one name they share one state, and each deploy would delete the other file's DNS roles (the plan stops when it would). Renaming the stack of a deployment moves nothing: see docs/cross-account-dns.md.",
  ),
  removedClusters: setting(z._default(uniqueList(dns1123Label), []), {
    description:
      'Cluster stacks (`<environment>-<clusterName>`) removed from this file whose DNS roles this deploy may delete: the plan of the DNS stack stops while its state holds roles of clusters the file does not list (another file may use them). `npm run destroy` sets it.',
    defaultText: 'none',
  }),
});
