/**
 * The shape of the configuration file: every setting, its default, what it allows and what it
 * means. This is the one source of the configuration's documentation: `docs/configuration.md` and
 * the editor schema `config/eks-edge.schema.json` are generated from it (`npm run docs`).
 * Relations between settings are checked in `resolve*.ts`; loading and messages live in `load.ts`.
 *
 * zod/mini keeps the code that validates a file small: rejecting a bad file must stay cheap.
 */
import * as z from 'zod/mini';
import { DEFAULT_LBC_VERSION } from '../catalog/aws-load-balancer-controller';
import { DEFAULT_EXTERNAL_DNS_CHART_VERSION, externalDnsRelease } from '../catalog/external-dns';
import { labelKeyProblem, labelValueProblem } from './label-selector';
import { DNS_STACK_NAME, PROJECT_TAG_KEYS } from './naming';

/** Both charts' `serviceAccount.create`, as a setting of the controller and of each instance. */
const CREATE_SERVICE_ACCOUNT =
  "`false`: the chart uses the service account `serviceAccountName`, which must exist (made by eksctl or another tool), and leaves it to its owner: Helm neither changes nor deletes it. Its `eks.amazonaws.com/role-arn` annotation is then yours to set: with `irsa` to this project's role, with `pod-identity` none (it would win over the association); the plan warns when it differs, and stops when the service account is missing or is the release's own (Helm would delete it: annotate it `helm.sh/resource-policy=keep` first). From `false` back to `true`, Helm refuses to take over the existing service account until it carries Helm's ownership labels.";

/** Documentation of one setting, shown in docs/configuration.md and by editors. */
export interface SettingDoc {
  /** What the setting means (Markdown). */
  readonly description: string;
  /** The default in words, where it is derived rather than a literal value. */
  readonly defaultText?: string;
}

/** A value type with a name for the docs' Type column. */
function named<T extends z.ZodMiniType>(title: string, schema: T): T {
  z.globalRegistry.add(schema, { title });
  return schema;
}

/** Documents a setting (on a copy, so a shared type keeps no setting's text). */
function setting<T extends z.ZodMiniType>(schema: T, doc: string | SettingDoc): T {
  const meta = typeof doc === 'string' ? { description: doc } : doc;
  const copy = schema.clone();
  z.globalRegistry.add(copy, { ...z.globalRegistry.get(schema), ...meta });
  return copy;
}

const pattern = (title: string, regex: RegExp, message: string) =>
  named(title, z.string().check(z.regex(regex, message)));

const accountId = pattern(
  '12-digit account id (quoted)',
  /^\d{12}$/,
  'must be a 12-digit AWS account id, quoted as a string (e.g. "111122223333")',
);
const region = pattern(
  'AWS region',
  /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d{1,2}$/,
  'must be an AWS region name such as eu-west-1, us-gov-west-1 or cn-north-1',
);
const dns1123Label = named(
  'DNS-1123 label',
  z
    .string()
    .check(
      z.maxLength(63, 'must be at most 63 characters'),
      z.regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
        'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
      ),
    ),
);
const eksClusterName = named(
  'EKS cluster name',
  z
    .string()
    .check(
      z.maxLength(100, 'must be at most 100 characters'),
      z.regex(
        /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
        'must be an EKS cluster name: letters, digits, "-" and "_", starting with a letter or digit',
      ),
    ),
);
const vpcId = pattern(
  'VPC id (vpc-…)',
  /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/,
  'must be a VPC id such as vpc-0123456789abcdef0',
);
const subnetId = pattern(
  'subnet id (subnet-…)',
  /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/,
  'must be a subnet id such as subnet-0123456789abcdef0',
);
const controllerVersion = pattern(
  'release tag vX.Y.Z',
  /^v\d+\.\d+\.\d+$/,
  'must be a release tag such as v3.5.0 (semver with a leading "v")',
);
const chartVersion = pattern(
  'chart version X.Y.Z',
  /^\d+\.\d+\.\d+$/,
  'must be a chart version such as 3.5.0 (semver, no leading "v")',
);
const sha256 = pattern(
  'sha256 (64 hex)',
  /^[0-9a-f]{64}$/,
  'must be a sha256 checksum: 64 lower-case hex characters',
);
const iamRoleArn = pattern(
  'IAM role ARN',
  /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  'must be an IAM role ARN such as arn:aws:iam::111122223333:role/deployer',
);
const iamRoleName = pattern(
  'IAM role name',
  /^[\w+=,.@-]{1,64}$/,
  'must be an IAM role name (1-64 characters: letters, digits and +=,.@_-)',
);
const oidcProviderArn = pattern(
  'IAM OIDC provider ARN',
  /^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/[a-z0-9.-]+\/id\/[A-Za-z0-9]+$/,
  'must be an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
);
const iamPolicyArn = pattern(
  'IAM policy ARN',
  /^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/,
  'must be an IAM policy ARN such as arn:aws:iam::111122223333:policy/platform-boundary',
);
const iamPath = pattern(
  'IAM path',
  /^\/([\w+=,.@-]+\/){0,20}$/,
  'must be an IAM path such as /eks-edge/ (starting and ending with "/": letters, digits and +=,.@_-)',
);
const domainName = named(
  'DNS name',
  z.string().check(
    z.maxLength(253, 'must be at most 253 characters'),
    z.regex(
      /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z][-a-z0-9]*[a-z0-9]$/,
      'must be a lower-case DNS name such as example.com (no trailing dot)',
    ),
    z.refine((name) => name.split('.').every((label) => label.length <= 63), {
      message: 'each label (between dots) must be at most 63 characters',
    }),
  ),
);
const hostedZoneId = pattern(
  'hosted zone id',
  /^Z[A-Z0-9]{1,31}$/,
  'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
);
const bucketName = pattern(
  'S3 bucket name',
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  'must be an S3 bucket name: 3-63 lower-case letters, digits, "." and "-"',
);
const nonEmpty = named('string', z.string().check(z.minLength(1, 'must not be empty')));

/** A list whose entries must differ (each one becomes a resource or a chart list entry). */
function uniqueList<T extends z.ZodMiniType>(item: T) {
  return z.array(item).check(
    z.refine((list) => new Set(list.map((entry) => JSON.stringify(entry))).size === list.length, {
      message: 'must not list a value twice',
    }),
  );
}
function nonEmptyList<T extends z.ZodMiniType>(list: T, what: string): T {
  return list.check(
    z.refine((value) => Array.isArray(value) && value.length > 0, {
      message: `list at least one ${what}`,
    }),
  );
}
/** What AWS allows in tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARACTERS_TEXT = 'letters, digits, spaces and _ . : / = + - @';
const tags = named(
  'map of string',
  z.record(
    z.string().check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(128, 'must be at most 128 characters'),
      z.regex(TAG_CHARACTERS, `may hold only ${TAG_CHARACTERS_TEXT}`),
      z.refine((key) => !key.toLowerCase().startsWith('aws:'), {
        message: 'must not start with "aws:" (reserved for AWS)',
      }),
      // IAM compares tag keys without case: `EKS-Edge/Stack` would take the owner tag's place.
      z.refine((key) => !PROJECT_TAG_KEYS.includes(key.toLowerCase()), {
        message: `must not be a tag this project writes (${PROJECT_TAG_KEYS.join(', ')})`,
      }),
    ),
    z
      .string()
      .check(
        z.maxLength(256, 'must be at most 256 characters'),
        z.regex(TAG_CHARACTERS, `may hold only ${TAG_CHARACTERS_TEXT}`),
      ),
  ),
);
const helmValues = named('map (chart values)', z.record(z.string(), z.unknown()));
const integer = (min: number, max: number) =>
  named(
    `integer ${min}–${max}`,
    z
      .number()
      .check(z.int(), z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
  );

const oneOfRoleOrProfile = z.refine<{ assumeRoleArn?: string; profile?: string }>(
  (c) => !(c.assumeRoleArn && c.profile),
  { message: 'set either assumeRoleArn or profile, not both' },
);

const credentials = named(
  'credentials',
  z
    .strictObject({
      assumeRoleArn: setting(
        z.optional(iamRoleArn),
        "Role Terraform assumes in the account (session name `eks-edge`). For a cluster it is also passed to `aws eks get-token --role-arn` and must be in the cluster's account.",
      ),
      profile: setting(
        z.optional(nonEmpty),
        'Named profile from `~/.aws/config`, also passed to `aws eks get-token --profile`.',
      ),
    })
    .check(oneOfRoleOrProfile),
);

const backend = named(
  'backend',
  z.discriminatedUnion('type', [
    z.strictObject({
      type: setting(z.literal('local'), 'State in a local file.'),
      directory: setting(
        z._default(
          pattern(
            'relative path',
            /^(?![/\\~])(?![A-Za-z]:)[^\0]*$/,
            'must be a path relative to the project root (Terraform runs in cdktf.out/stacks/<stack>/, so the state path is written relative to it), such as state or ../shared-state',
          ),
          '.',
        ),
        {
          description:
            'Folder of `terraform.<stack>.tfstate`, relative to the project root (see docs/operations.md, State backends).',
        },
      ),
    }),
    z
      .strictObject({
        type: setting(z.literal('s3'), 'State in S3 with S3-native locking (`use_lockfile`).'),
        bucket: setting(bucketName, 'Bucket of the state files.'),
        region: setting(region, 'Region of the bucket.'),
        keyPrefix: setting(
          z._default(
            pattern('key prefix', /^[\w./-]*[\w-]$/, 'must be a key prefix without a trailing "/"'),
            'eks-edge',
          ),
          'State key is `<keyPrefix>/<stack>.tfstate`.',
        ),
        assumeRoleArn: setting(
          z.optional(iamRoleArn),
          'Role to assume for state access (state may live in a tooling account).',
        ),
        profile: setting(z.optional(nonEmpty), 'Named profile for state access.'),
      })
      .check(oneOfRoleOrProfile),
  ]),
);

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

const ownerId = pattern(
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
const recordType = z.enum([
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

const scheme = z.enum(['internet-facing', 'internal']);
const chartDeploy = z.enum(['helm', 'iam-only']);

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

export const loadBalancerControllerSchema = z.strictObject({
  enabled: setting(
    z._default(z.boolean(), true),
    '`false`: no controller policy, role or release (subnet tags are still made).',
  ),
  deploy: setting(
    z._default(chartDeploy, 'helm'),
    "`helm`: this project installs the chart. `iam-only`: another tool (Argo CD, Flux, kustomize) deploys it; this project makes the policy, role, trust and Pod Identity association, and outputs the role and the chart values (`workload_identities`, `chart_values`). A release made before is released to that tool, not uninstalled. The chart's CRDs are then the tool's too, and `gatewayApi` is not available.",
  ),
  version: setting(
    z._default(controllerVersion, DEFAULT_LBC_VERSION),
    'Controller release. It drives the chart version, the policy URL tag, the CRDs and their checksums.',
  ),
  chartVersion: setting(z.optional(chartVersion), {
    description:
      'Only for a version outside the catalog before v3 (from v3 the chart version is the version without `v`).',
    defaultText: 'from the catalog',
  }),
  policySha256: setting(z.optional(sha256), {
    description:
      "Only for a version outside the catalog: sha256 of the partition's policy file at that tag.",
    defaultText: 'from the catalog',
  }),
  migrationPolicySha256: setting(z.optional(sha256), {
    description: 'Only for a version outside the catalog with `migrateFromV1`.',
    defaultText: 'from the catalog',
  }),
  chartCrdsSha256: setting(z.optional(sha256), {
    description:
      "Only for a version outside the catalog: sha256 of the chart's `crds/crds.yaml` at that tag. Helm never upgrades the chart's CRDs, so this project applies them from that file; the CRDs it manages are those of the newest catalogued release (a CRD new in that version is left to Helm's first install).",
    defaultText: 'from the catalog',
  }),
  identity: setting(
    z._default(z.enum(['irsa', 'pod-identity']), 'irsa'),
    'How the controller gets AWS credentials.',
  ),
  existingRoleArn: setting(z.optional(iamRoleArn), {
    description:
      "An IRSA role another tool keeps (eksctl's `iamserviceaccount`, in the cluster's account): the controller runs on it, this project attaches the pinned upstream policy to it and manages nothing else of it (no role, trust or annotation of its own: with `createServiceAccount: false` the service account keeps eksctl's annotation, which names this role). The plan checks that the role exists and its trust names the controller's service account. Needs `identity: irsa`.",
    defaultText: 'a role of its own',
  }),
  namespace: setting(z._default(dns1123Label, 'kube-system'), 'Created by the release if missing.'),
  serviceAccountName: setting(
    z._default(dns1123Label, 'aws-load-balancer-controller'),
    'Created by the chart, unless `createServiceAccount` is `false`.',
  ),
  createServiceAccount: setting(z._default(z.boolean(), true), CREATE_SERVICE_ACCOUNT),
  replicaCount: setting(z._default(integer(1, 10), 2), 'Controller replicas.'),
  defaultTargetType: setting(z.optional(z.enum(['instance', 'ip'])), {
    description:
      'Chart value `defaultTargetType`: the target type of Ingresses and Services that do not name one (`ip` reaches pods behind ClusterIP Services).',
    defaultText: "the chart's (`instance`)",
  }),
  serviceMutatorWebhook: setting(z.optional(z.boolean()), {
    description:
      "Chart value `enableServiceMutatorWebhook`: with `true` (the chart's default) the controller takes every new Service of type LoadBalancer (as an NLB, internal unless annotated), instead of the in-tree controller. `false` leaves Services without `loadBalancerClass` to the in-tree controller.",
    defaultText: "the chart's (`true`)",
  }),
  defaultLoadBalancerScheme: setting(z.optional(scheme), {
    description:
      'Chart value `defaultLoadBalancerScheme` (controller v3.0.0 and later): the scheme of load balancers whose Ingress or Service does not name one.',
    defaultText: "the controller's (`internal`)",
  }),
  acceptOrphansOnDestroy: setting(
    z._default(z.boolean(), false),
    '`false`: destroying the controller (`cdktf destroy`, or `enabled: false`) fails while it still owns load balancers or target groups of this cluster, listing them (they would be orphaned, and their security groups block deleting the VPC). `true`: it goes on and leaves them. For `cdktf destroy`, deploy a change of this setting first; with `enabled: false` it applies at once.',
  ),
  migrateFromV1: setting(
    z._default(z.boolean(), false),
    "Replacing the ALB Ingress Controller v1: attach the upstream migration policy before the controller starts, so it does not strip existing ALB security groups from the nodes. Every plan warns (a Terraform check) while load balancers, target groups or security groups v1 made for the cluster are not taken over and this is `false`; with `true` it lists the node security-group rules from groups v1 made that still need the controller's description, with the command for each (docs/scenarios/v1-migration.md).",
  ),
  values: setting(
    z._default(helmValues, {}),
    'Extra chart values, merged under the values this project manages (which cannot be overridden).',
  ),
});

/** What is wrong with an IPv4 CIDR, or undefined: octets 0-255, prefix 0-32, no host bits. */
export function cidrProblem(value: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return 'must be an IPv4 CIDR such as 10.8.0.0/16 or 0.0.0.0/0';
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return 'has an address part over 255';
  if (prefix > 32) return 'has a prefix length over 32';
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const block = 2 ** (32 - prefix);
  if (address % block !== 0) {
    const network = Math.floor(address / block) * block;
    const text = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    return `has host bits set: the network is ${text}/${prefix}`;
  }
  return undefined;
}
/** A string in which `problemOf` finds nothing wrong (its words are the message). */
const checkedString = (problemOf: (value: string) => string | undefined) =>
  z.string().check(
    z.superRefine((value, context) => {
      const problem = problemOf(value);
      if (problem) context.issues.push({ code: 'custom', message: problem, input: value });
    }),
  );
const cidr = named('IPv4 CIDR', checkedString(cidrProblem));
// Region-specific ARNs are checked against the cluster's region in resolve-edge.ts.
const certificateArn = pattern(
  'ACM certificate ARN',
  /^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
  'must be an ACM certificate ARN such as arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-…',
);
const webAclArn = pattern(
  'WAFv2 web ACL ARN',
  /^arn:aws(-cn|-us-gov)?:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/,
  'must be a regional WAFv2 web ACL ARN such as arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/<name>/<id>',
);

export const albGroupSchema = z.strictObject({
  name: setting(
    dns1123Label,
    'Group name (`group.name` of the ALB). The IngressClass and IngressClassParams are `alb-<name>`.',
  ),
  targetType: setting(z.optional(z.enum(['instance', 'ip'])), {
    description:
      'IngressClassParams `targetType` for every Ingress of the group: `ip` sends traffic to the pods (works with ClusterIP Services), `instance` to node ports.',
    defaultText: "the controller's `defaultTargetType`",
  }),
  sslRedirectPort: setting(
    z.optional(integer(1, 65535)),
    'IngressClassParams `sslRedirectPort`: redirect HTTP to this HTTPS port for every Ingress of the group.',
  ),
  scheme: setting(scheme, 'Internet-facing or internal ALB.'),
  replaceOnSchemeChange: setting(
    z._default(z.boolean(), false),
    "A changed `scheme` makes the controller replace the group's ALB (and a Gateway's): a new load balancer with a new DNS name, so traffic stops until DNS follows. The plan stops at such a change unless this is `true`. Without downtime: add a group with the new scheme beside it, move the Ingresses and Gateways, then remove this one.",
  ),
  certificateArns: setting(
    z._default(uniqueList(certificateArn), []),
    "ACM certificates for HTTPS:443 (the first is the default), in the cluster's account and region.",
  ),
  webAclArn: setting(
    z.optional(webAclArn),
    "WAFv2 web ACL attached to the ALB (cluster's region).",
  ),
  sslPolicy: setting(
    z._default(
      pattern(
        'ELB security policy',
        /^ELBSecurityPolicy-[\w-]+$/,
        'must be an ELB security policy name',
      ),
      'ELBSecurityPolicy-TLS13-1-2-2021-06',
    ),
    'TLS policy of the HTTPS listener.',
  ),
  inboundCidrs: setting(z.optional(uniqueList(cidr)), {
    description:
      'Who may reach the ALB. Required for an internal group with `securityGroup: true`. Without it and without `securityGroup`, the controller decides (anywhere for internet-facing, the VPC for internal).',
    defaultText: '`["0.0.0.0/0"]` with `securityGroup: true`; otherwise the controller\'s default',
  }),
  securityGroup: setting(
    z._default(z.boolean(), false),
    "Create a security group for this group's ALB (ingress on `ports` from `inboundCidrs`, egress into the VPC). Gateways use it directly; the controller manages the backend rules to the nodes.",
  ),
  ports: setting(
    z._default(nonEmptyList(uniqueList(integer(1, 65535)), 'port'), [80, 443]),
    'Listener ports opened by the security group.',
  ),
  attributes: setting(
    z._default(
      named(
        'map of string',
        z.record(
          pattern('attribute key', /^[a-z0-9_.]+$/, 'must be an ALB attribute key'),
          z.string(),
        ),
      ),
      {},
    ),
    'Extra ALB attributes, e.g. `idle_timeout.timeout_seconds: "120"`.',
  ),
});

export const gatewaySchema = z.strictObject({
  name: setting(dns1123Label, 'Gateway name; its LoadBalancerConfiguration has the same name.'),
  group: setting(
    dns1123Label,
    'The ALB group whose scheme, certificates, WAF ACL, security group and attributes the Gateway uses.',
  ),
  scheme: setting(z.optional(scheme), {
    description: "Must agree with the group's scheme when set.",
    defaultText: "the group's",
  }),
  hostname: setting(z.optional(domainName), 'Listener hostname, e.g. `*.example.com`.'),
  allowedRoutes: setting(
    z._default(z.enum(['All', 'Same', 'Selector']), 'All'),
    "Namespaces whose routes may attach to the listeners (`allowedRoutes.namespaces.from`): `All`, `Same` (the Gateway's namespace only) or `Selector` (namespaces with the labels of `allowedNamespaceLabels`).",
  ),
  allowedNamespaceLabels: setting(
    z.optional(
      named(
        'map of label to value',
        z.record(checkedString(labelKeyProblem), checkedString(labelValueProblem)),
      ),
    ),
    'With `allowedRoutes: Selector`: the labels a namespace needs for its routes to attach, e.g. `{ edge/public: "true" }`.',
  ),
});

export const gatewayApiSchema = z.strictObject({
  enabled: setting(
    z._default(z.boolean(), false),
    "Turn the controller's Gateway API support on (`ALBGatewayAPI`) and install the CRDs of the version it needs.",
  ),
  nlb: setting(
    z._default(z.boolean(), false),
    'Also the NLB Gateway API controller (`NLBGatewayAPI`).',
  ),
  version: setting(
    z.optional(
      pattern(
        'Gateway API release vX.Y.Z',
        /^v\d+\.\d+\.\d+$/,
        'must be a release tag such as v1.6.0',
      ),
    ),
    {
      description:
        "The Gateway API release whose standard channel is applied: a catalogued release at least as new as the controller's. Set it to keep newer CRDs when rolling the controller back (CRDs are never downgraded; the `safe-upgrades` admission policy refuses it).",
      defaultText: "the controller's (e.g. v1.6.0 for v3.5.0)",
    },
  ),
  lbcCrdsSha256: setting(
    z.optional(z.unknown()),
    'Removed: the catalog has the checksum for every version with Gateway API support.',
  ),
  gatewayClassName: setting(z._default(dns1123Label, 'aws-alb'), 'Name of the GatewayClass.'),
  namespace: setting(
    z._default(dns1123Label, 'gateway-system'),
    'Namespace of the Gateways and their LoadBalancerConfigurations.',
  ),
  gateways: setting(
    z._default(z.array(named('gateway', gatewaySchema)), []),
    'Gateways, one ALB each.',
  ),
});

export const accessLogsSchema = z.strictObject({
  enabled: setting(
    z._default(z.boolean(), false),
    'An S3 bucket for ALB access logs, wired into every group and gateway.',
  ),
  bucketName: setting(z.optional(bucketName), {
    description: 'Name of the log bucket.',
    defaultText:
      '`<clusterName>-alb-logs-<accountId>-<region>` (shortened with a hash past 63 characters)',
  }),
  expirationDays: setting(z._default(integer(1, 3650), 90), 'Days before log objects expire.'),
  forceDestroy: setting(
    z._default(z.boolean(), false),
    'Let `destroy` delete a bucket that still holds logs.',
  ),
});

export const clusterSchema = z.strictObject({
  environment: setting(
    dns1123Label,
    '`prod`, `staging`, … With `clusterName` it names the stack `<environment>-<clusterName>`.',
  ),
  clusterName: setting(
    eksClusterName,
    'The existing EKS cluster. Also the prefix of its IAM role and policy names.',
  ),
  accountId: setting(accountId, 'Account the cluster lives in.'),
  namePrefix: setting(
    z.optional(
      named(
        'name prefix',
        z
          .string()
          .check(
            z.maxLength(38, 'must be at most 38 characters'),
            z.regex(
              /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
              'must be letters, digits, "-" and "_", starting with a letter or digit',
            ),
          ),
      ),
    ),
    {
      description:
        "Prefix of this cluster's AWS names (IAM roles and policies, ALB security groups, the default log bucket). IAM names are unique per account: set it when the same cluster name is deployed from two configurations or regions into one account (a plan stops when a role of the name belongs to another deployment: docs/operations.md, Who owns a role name). Changing it replaces the IAM roles and policies; the security groups and log bucket of a deployment keep the names they were made with (replacing them under a live ALB would fail).",
      defaultText: '`clusterName`',
    },
  ),
  region: setting(
    region,
    "The cluster's region. It decides the partition (`aws`, `aws-cn`, `aws-us-gov`).",
  ),
  vpcId: setting(vpcId, "The cluster's VPC (passed to the controller chart)."),
  subnets: setting(
    named(
      'subnets',
      z.strictObject({
        public: setting(
          z._default(z.array(subnetId), []),
          'Tagged `kubernetes.io/role/elb=1` (internet-facing load balancers).',
        ),
        private: setting(
          z._default(z.array(subnetId), []),
          'Tagged `kubernetes.io/role/internal-elb=1` (internal load balancers).',
        ),
        tagClusterShared: setting(
          z._default(z.boolean(), false),
          "Also tag `kubernetes.io/cluster/<clusterName>=shared`: needed by the controller before v2.1.1, and where clusters share a VPC and must not use each other's subnets.",
        ),
        roleTagOwnedBy: setting(
          z._default(named('map of subnet id to stack', z.record(subnetId, nonEmpty)), {}),
          "Subnets of this cluster whose `kubernetes.io/role/*` tag another stack owns: the owner's stack name (`<environment>-<clusterName>` of another cluster here), or `external` when it is tagged outside this project. A subnet listed by several clusters is tagged by exactly one of them, so destroying another cluster's stack never untags it. Moving ownership is this explicit edit: the old owner releases the tag (Terraform forgets it, it stays on the subnet) and the new owner takes it over.",
        ),
      }),
    ),
    'Subnets the load balancers may use (at least one).',
  ),
  credentials: setting(z.optional(credentials), {
    description: "How Terraform gets into the cluster's account.",
    defaultText: 'the ambient AWS credentials',
  }),
  backend: setting(z.optional(backend), {
    description: "This cluster's state backend, replacing the top-level one (not merged).",
    defaultText: 'top-level `backend`',
  }),
  installPodIdentityAgent: setting(
    z._default(z.boolean(), false),
    'Manage the `eks-pod-identity-agent` add-on (only when some workload uses `pod-identity`): installed where the cluster has no `kube-system/eks-pod-identity-agent` DaemonSet, adopted (imported, never made again) where it has one from the EKS add-on. Leave `false` for an agent installed another way.',
  ),
  podIdentityAgentOnRemoval: setting(
    z._default(z.enum(['keep', 'uninstall']), 'keep'),
    "What becomes of the agent when this stack stops managing the add-on (a destroy, or no workload left on `pod-identity`): `keep` leaves it running for every workload of the cluster (the add-on's `preserve`: EKS stops managing it); `uninstall` removes it from the cluster.",
  ),
  existingOidcProviderArn: setting(
    z.optional(oidcProviderArn),
    "Reuse an existing IAM OIDC provider for the issuer (IAM allows one provider per issuer URL in an account). It must be in the cluster's account, partition and region.",
  ),
  oidcProvider: setting(
    z._default(z.enum(['when-needed', 'always', 'when-needed-then-delete']), 'when-needed'),
    "The cluster's IAM OIDC provider, which every IRSA role of the cluster (also those of other tools) depends on. `when-needed`: created while some workload here uses IRSA; when none does any more, it stays in IAM and Terraform stops managing it (never deleted as a side effect). `always`: created and kept even without an IRSA workload here. `when-needed-then-delete`: deleted when no workload here uses IRSA (explicit opt-in). Ignored with `existingOidcProviderArn`, except that a provider this project created before is then released, not deleted.",
  ),
  unusedCrds: setting(
    z._default(z.enum(['release', 'delete']), 'release'),
    "What becomes of a CRD this project applied once and no longer needs (Gateway API turned off, a controller release without it, the controller removed). `release`: Terraform stops managing it and it stays in the cluster with every object of its kind. `delete` (explicit opt-in): it is deleted, and with it every object of its kind in the cluster; the plan stops while GatewayClasses (when the Gateway API CRDs go) or IngressClassParams (when the controller's go) exist.",
  ),
  crdsOnDestroy: setting(
    z._default(z.enum(['release', 'delete']), 'release'),
    'What a destroy of the cluster stack does with the CRDs it applies, which Helm never deletes either. `release`: they stay in the cluster with every object of their kinds (a plain `cdktf destroy` of the stack is refused by `prevent_destroy`; `npm run destroy` releases them first). `delete` (explicit opt-in): they are deleted, and with them every object of their kinds in the cluster (Gateways, routes, TargetGroupBindings, IngressClassParams of any application).',
  ),
  retiring: setting(
    z._default(z.boolean(), false),
    "Prepares the cluster's stacks for a destroy (`npm run destroy` sets it on a copy of the file; set it yourself to do the steps by hand): the CRDs (with `crdsOnDestroy: release`) and the OIDC provider (unless `oidcProvider: when-needed-then-delete`) are released, so that Terraform forgets them and a destroy leaves them in place. Everything else is unchanged.",
  ),
  tags: setting(
    z._default(tags, {}),
    "Merged over the top-level `tags` for this cluster's stacks.",
  ),
  loadBalancerController: setting(
    z.prefault(named('loadBalancerController', loadBalancerControllerSchema), {}),
    { description: 'The AWS Load Balancer Controller.', defaultText: 'all defaults' },
  ),
  externalDns: setting(
    z._default(z.array(named('externalDns', externalDnsSchema)), []),
    'ExternalDNS instances.',
  ),
  retiredTxtOwnerIds: setting(z._default(uniqueList(ownerId), []), {
    description:
      'TXT owner ids of ExternalDNS instances removed from this cluster on purpose, whose records may stay in the zones unmanaged (nothing updates or deletes them again). The plan reads the owner ids ExternalDNS runs with and stops while one that no instance keeps (as `txtOwnerId` or `migrateFromTxtOwner`) is not listed here. Remove an id once its instance is gone.',
    defaultText: 'none',
  }),
  albGroups: setting(
    z._default(z.array(named('albGroup', albGroupSchema)), []),
    'ALBs by group: an IngressClass and IngressClassParams each, usable by Gateways too.',
  ),
  gatewayApi: setting(z.prefault(named('gatewayApi', gatewayApiSchema), {}), {
    description: 'Gateway API support, a GatewayClass and Gateways.',
    defaultText: 'disabled',
  }),
  accessLogs: setting(z.prefault(named('accessLogs', accessLogsSchema), {}), {
    description: 'ALB access logs to S3.',
    defaultText: 'disabled',
  }),
});

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
