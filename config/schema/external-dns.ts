/**
 * The settings of an ExternalDNS instance (`clusters[].externalDns[]`) and of its zones.
 */
import * as z from 'zod/mini';
import { DEFAULT_EXTERNAL_DNS_CHART_VERSION, externalDnsRelease } from '../../catalog/external-dns';
import {
  CREATE_SERVICE_ACCOUNT,
  chartVersion,
  dns1123Label,
  domainName,
  helmValues,
  hostedZoneId,
  iamRoleName,
  named,
  nonEmpty,
  nonEmptyList,
  pattern,
  setting,
  uniqueList,
} from './primitives';

export const zoneSchema = named(
  'zone',
  z.strictObject({
    name: setting(domainName, 'Zone apex, e.g. `example.com`.'),
    id: setting(
      z.optional(hostedZoneId),
      'Hosted zone id. When omitted, the zone is looked up by name (and `private`) at plan time.',
    ),
    private: setting(z._default(z.boolean(), false), 'A private hosted zone.'),
  }),
);

export const ownerId = pattern(
  'owner id',
  /^[A-Za-z0-9][\w.-]{0,62}$/,
  'must be 1-63 characters: letters, digits, ".", "_" and "-"',
);

const txtAffix = pattern(
  'TXT affix',
  /^([a-z0-9._-]|%\{record_type\}){1,63}$/,
  'must be 1-63 characters: lower-case letters, digits, ".", "_", "-" and %{record_type}',
);

const externalDnsSource = z.enum([
  'service',
  'ingress',
  'gateway-httproute',
  'gateway-grpcroute',
  'gateway-tlsroute',
  'gateway-tcproute',
  'gateway-udproute',
  'crd',
]);
export const recordType = z.enum([
  'A',
  'AAAA',
  'CNAME',
  'TXT',
  'MX',
  'NS',
  'SRV',
  'CAA',
  'PTR',
  'NAPTR',
  'SPF',
  'DS',
]);

export const scheme = z.enum(['internet-facing', 'internal']);
export const chartDeploy = z.enum(['helm', 'iam-only']);

export const externalDnsSchema = z.strictObject({
  name: setting(
    dns1123Label,
    'Instance name, unique per cluster. It names the release `external-dns-<name>` and the IAM role and policy `<clusterName>-external-dns-<name>`.',
  ),
  chartVersion: setting(
    z._default(chartVersion, DEFAULT_EXTERNAL_DNS_CHART_VERSION),
    '`external-dns` chart version.',
  ),
  identity: setting(
    z._default(z.enum(['irsa', 'pod-identity', 'node-role']), 'irsa'),
    'How the pod gets AWS credentials. `node-role` attaches the Route 53 policy to `nodeRoleNames`: every pod on those nodes can then change DNS records, so synth warns.',
  ),
  deploy: setting(
    z._default(chartDeploy, 'helm'),
    '`helm`: this project installs the chart. `iam-only`: another tool deploys it; this project makes the IAM (and, across accounts, the DNS role) and outputs the role and the chart values to use (`workload_identities`, `chart_values`). A release made before is released to that tool, not uninstalled.',
  ),
  nodeRoleNames: setting(
    z._default(uniqueList(iamRoleName), []),
    'Node IAM role names: required with `identity: node-role`, rejected otherwise.',
  ),
  zones: setting(
    z._default(z.array(zoneSchema), []),
    'Hosted zones this instance may change (at least one). With `crossAccount`, zones of `dnsAccount.zones` (ids may be left out).',
  ),
  zoneType: setting(z.optional(z.enum(['public', 'private'])), {
    description: '`--aws-zone-type`: only public or only private zones. Every zone must match it.',
    defaultText: 'every zone type',
  }),
  domainFilters: setting(z.optional(uniqueList(domainName)), {
    description: '`domainFilters`. Each must lie inside one of the zones.',
    defaultText: 'the names of `zones`',
  }),
  excludeDomains: setting(z._default(uniqueList(domainName), []), {
    description:
      "`--exclude-domains`: names inside `domainFilters` this instance leaves alone, e.g. another environment's subdomain in a zone both share. The zones of the cluster's other instances that lie inside `domainFilters` are added.",
    defaultText: 'none',
  }),
  policy: setting(
    z._default(z.enum(['upsert-only', 'sync']), 'upsert-only'),
    '`upsert-only` never deletes records; `sync` also deletes the records it owns.',
  ),
  txtOwnerId: setting(z.optional(ownerId), {
    description:
      'TXT registry owner id, unique across every instance writing to the zones. ExternalDNS changes only records that carry its owner id: changing it (also by renaming the instance, cluster or environment it derives from) needs `migrateFromTxtOwner`, or the plan stops (it reads the owner ids ExternalDNS runs with from the cluster). Set it explicitly before renaming.',
    defaultText: '`<environment>-<clusterName>-<name>`',
  }),
  migrateFromTxtOwner: setting(
    z.optional(ownerId),
    'The owner id this instance ran with before `txtOwnerId` changed: ExternalDNS takes over the records of that owner (`--migrate-from-txt-owner`). Remove it once the records are migrated.',
  ),
  sources: setting(
    z._default(nonEmptyList(uniqueList(externalDnsSource), 'source'), ['service', 'ingress']),
    'Kubernetes objects ExternalDNS reads hostnames from.',
  ),
  annotationPrefix: setting(
    z._default(
      pattern(
        'annotation prefix',
        /^[a-z0-9.-]+\/$/,
        'must be an annotation prefix ending in "/", such as external-dns.alpha.kubernetes.io/',
      ),
      externalDnsRelease(DEFAULT_EXTERNAL_DNS_CHART_VERSION).defaultAnnotationPrefix,
    ),
    '`--annotation-prefix`: the prefix of the annotations ExternalDNS reads (`<prefix>hostname`, …). Set explicitly, so a chart upgrade cannot change it silently: ExternalDNS v0.22 changed its default to `external-dns.kubernetes.io/`.',
  ),
  annotationFilter: setting(
    z.optional(nonEmpty),
    '`--annotation-filter` (label-selector syntax on annotations), e.g. `eks-edge/zone in (private)`.',
  ),
  albGroups: setting(z.optional(uniqueList(dns1123Label)), {
    description:
      'Publish only the hosts of these ALB groups (of `albGroups`): Ingresses of their IngressClasses (`--ingress-class=alb-<group>`) and Gateways of these groups (`--gateway-label-filter`). This follows the ALB an object really gets, unlike an annotation filter on `alb.ingress.kubernetes.io/group.name`, which the controller ignores for IngressClassParams groups.',
    defaultText: 'every group',
  }),
  restrictRecordNames: setting(
    z._default(z.boolean(), false),
    'IAM condition `route53:ChangeResourceRecordSetsNormalizedRecordNames`: only names equal to, or under, `domainFilters`, and the TXT registry names ExternalDNS writes beside each (e.g. `a-shop.example.com` for `shop.example.com`, following `txtPrefix`/`txtSuffix`), where they lie in one of the zones.',
  ),
  recordTypes: setting(z.optional(uniqueList(recordType)), {
    description:
      "IAM condition `route53:ChangeResourceRecordSetsRecordTypes`. Must include `TXT`; the other types become the chart's `managedRecordTypes`.",
    defaultText: 'any type',
  }),
  txtPrefix: setting(
    z.optional(txtAffix),
    '`--txt-prefix` of the TXT registry (not with `txtSuffix`). `%{record_type}` stands for the record type; to own records at a zone apex, use a prefix with `%{record_type}` ending in `.` (e.g. `_owner-%{record_type}.`). With `restrictRecordNames`, the IAM policy allows exactly the TXT names it gives.',
  ),
  txtSuffix: setting(
    z.optional(txtAffix),
    '`--txt-suffix` of the TXT registry (not with `txtPrefix`), added to the first label.',
  ),
  extraArgs: setting(
    z._default(
      uniqueList(
        pattern(
          'flag',
          /^--[a-z0-9-]+(=.*)?$/,
          'must be a flag such as --aws-batch-change-size=500',
        ),
      ),
      [],
    ),
    'Extra ExternalDNS flags, after the managed ones (e.g. `--aws-batch-change-size=500`). Flags that settings own (`--zone-id-filter`, `--policy`, …) are rejected. Written as they are: the chart renders `extraArgs` through `tpl`, so their `{{` are escaped for it (`--fqdn-template={{.Name}}.example.com` reaches ExternalDNS as written).',
  ),
  namespace: setting(
    z._default(dns1123Label, 'external-dns'),
    'Created by the release if missing.',
  ),
  serviceAccountName: setting(z.optional(dns1123Label), {
    description: 'Created by the chart, unless `createServiceAccount` is `false`.',
    defaultText: '`external-dns-<name>`',
  }),
  createServiceAccount: setting(z._default(z.boolean(), true), CREATE_SERVICE_ACCOUNT),
  crossAccount: setting(
    z.optional(
      named(
        'crossAccount',
        z.strictObject({
          via: setting(
            z._default(z.enum(['pod-identity-target', 'assume-role']), 'pod-identity-target'),
            '`pod-identity-target`: EKS Pod Identity chains into the DNS role (needs `identity: pod-identity`). `assume-role`: ExternalDNS itself assumes it with `--aws-assume-role` and an external id.',
          ),
          externalId: setting(
            z.optional(
              pattern(
                'external id',
                /^[\w+=,.@:/-]{2,1224}$/,
                'must be 2-1224 characters: letters, digits and +=,.@:/-_',
              ),
            ),
            'Required with `assume-role`: the `sts:ExternalId` the DNS role requires. With `pod-identity-target` only together with `disableSessionTags`: the id EKS sends, where it differs from the documented `<region>/<account>/<cluster>/<namespace>/<service account>` (see `aws eks describe-pod-identity-association`).',
          ),
          disableSessionTags: setting(
            z._default(z.boolean(), false),
            'Only with `pod-identity-target`: EKS sends `sts:ExternalId` instead of session tags.',
          ),
        }),
      ),
    ),
    'Manage zones of `dnsAccount` through a role there (see docs/cross-account-dns.md).',
  ),
  values: setting(
    z._default(helmValues, {}),
    'Extra chart values, merged under the values this project manages (which cannot be overridden).',
  ),
});
