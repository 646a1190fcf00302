/**
 * The shape of the configuration file: every setting, its default, what it allows and what it
 * means. This is the one source of the configuration's documentation: `docs/configuration.md` and
 * the editor schema `config/eks-edge.schema.json` are generated from it (`npm run docs`).
 * One file per section of the configuration: `cluster.ts`, `load-balancer-controller.ts`,
 * `external-dns.ts`, `alb-edge.ts`, `dns-account.ts`, `state-and-credentials.ts`; the value types
 * they share and how a setting is documented in `primitives.ts`; the top level here. Relations
 * between settings are checked in `../resolve*.ts`; loading and messages live in `../load.ts`.
 *
 * zod/mini keeps the code that validates a file small: rejecting a bad file must stay cheap.
 */
import * as z from 'zod/mini';
import type { accessLogsSchema, albGroupSchema, gatewayApiSchema, gatewaySchema } from './alb-edge';
import { clusterSchema } from './cluster';
import { dnsAccountSchema } from './dns-account';
import type { externalDnsSchema, zoneSchema } from './external-dns';
import type { loadBalancerControllerSchema } from './load-balancer-controller';
import {
  accountId,
  iamPath,
  iamPolicyArn,
  integer,
  named,
  nonEmpty,
  setting,
  tags,
} from './primitives';
import type { credentials } from './state-and-credentials';
import { backend } from './state-and-credentials';

export { clusterSchema, dnsAccountSchema };

export const iamRolesSchema = z.strictObject({
  path: setting(
    z._default(iamPath, '/'),
    "IAM path of every role this project creates (workload roles and DNS-account roles). It is part of each role's ARN: changing it replaces the roles.",
  ),
  maxSessionDuration: setting(
    z._default(integer(3600, 43200), 3600),
    'Maximum session duration (seconds) of every role this project creates.',
  ),
  permissionsBoundaries: setting(
    z._default(named('map of account id to policy ARN', z.record(accountId, iamPolicyArn)), {}),
    'Permissions boundary by account id: every role this project creates in that account gets it (a policy of that account, or an AWS managed one).',
  ),
});

export const configSchema = z.strictObject({
  clusters: setting(
    z.array(named('cluster', clusterSchema)).check(z.minLength(1, 'list at least one cluster')),
    'One cluster stack per cluster.',
  ),
  tags: setting(
    z._default(tags, {}),
    "Tags for every AWS resource, as the AWS provider's `default_tags` in every stack.",
  ),
  backend: setting(z.prefault(backend, { type: 'local' }), {
    description: 'State backend of every stack unless a stack overrides it.',
    defaultText: '`{type: local}`',
  }),
  dnsAccount: setting(z.optional(named('dnsAccount', dnsAccountSchema)), {
    description: 'Separate account that owns the Route 53 zones (cross-account ExternalDNS).',
    defaultText: 'none',
  }),
  iamRoles: setting(z.prefault(named('iamRoles', iamRolesSchema), {}), {
    description: 'What every IAM role this project creates gets: path, session duration, boundary.',
    defaultText: 'path `/`, 3600 s, no boundary',
  }),
  localCatalog: setting(z.optional(nonEmpty), {
    description:
      'A YAML file (relative to this one) of releases newer than the built-in catalog, written by `npm run catalog -- add lbc <tag> --local <file>` or `add external-dns-chart <version> --local <file>`: a controller or ExternalDNS chart version there gets every check a catalogued one gets (checksums, CRDs, feature gates, Gateway API, what each source watches, templated values), and every synth says which versions come from it (docs/development.md, Updating to a new upstream release).',
    defaultText: 'none',
  }),
});

export type Config = z.infer<typeof configSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
export type LoadBalancerControllerConfig = z.infer<typeof loadBalancerControllerSchema>;
export type ExternalDnsConfig = z.infer<typeof externalDnsSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type DnsAccountConfig = z.infer<typeof dnsAccountSchema>;
export type AlbGroupConfig = z.infer<typeof albGroupSchema>;
export type GatewayApiConfig = z.infer<typeof gatewayApiSchema>;
export type GatewayConfig = z.infer<typeof gatewaySchema>;
export type AccessLogsConfig = z.infer<typeof accessLogsSchema>;
export type BackendConfig = z.infer<typeof backend>;
export type CredentialsConfig = z.infer<typeof credentials>;
