/**
 * The shape of the configuration file: every setting, its default and what it allows. Relations
 * between settings are checked in `resolve*.ts`; loading and error reporting live in `load.ts`.
 */
import { z } from 'zod';
import { DEFAULT_LBC_VERSION } from '../catalog/aws-load-balancer-controller';
import { EXTERNAL_DNS_CHART } from '../catalog/external-dns';

const accountId = z
  .string()
  .regex(/^\d{12}$/, 'must be a 12-digit AWS account id, quoted as a string (e.g. "111122223333")');
const region = z
  .string()
  .regex(
    /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d{1,2}$/,
    'must be an AWS region name such as eu-west-1, us-gov-west-1 or cn-north-1',
  );
const dns1123Label = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
  );
const eksClusterName = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(
    /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
    'must be an EKS cluster name: letters, digits, "-" and "_", starting with a letter or digit',
  );
const vpcId = z
  .string()
  .regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a VPC id such as vpc-0123456789abcdef0');
const subnetId = z
  .string()
  .regex(
    /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/,
    'must be a subnet id such as subnet-0123456789abcdef0',
  );
const controllerVersion = z
  .string()
  .regex(/^v\d+\.\d+\.\d+$/, 'must be a release tag such as v3.5.0 (semver with a leading "v")');
const chartVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, 'must be a chart version such as 3.5.0 (semver, no leading "v")');
const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a sha256 checksum: 64 lower-case hex characters');
const iamRoleArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    'must be an IAM role ARN such as arn:aws:iam::111122223333:role/deployer',
  );
const iamRoleName = z
  .string()
  .regex(
    /^[\w+=,.@-]{1,64}$/,
    'must be an IAM role name (1-64 characters: letters, digits and +=,.@_-)',
  );
const oidcProviderArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/[a-z0-9.-]+\/id\/[A-Za-z0-9]+$/,
    'must be an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  );
const domainName = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z][-a-z0-9]*[a-z0-9]$/,
    'must be a lower-case DNS name such as example.com (no trailing dot)',
  );
const hostedZoneId = z
  .string()
  .regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ');
/** A list whose entries must differ (each one becomes a resource or a chart list that must be unique). */
function uniqueList<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .refine((list) => new Set(list.map((entry) => JSON.stringify(entry))).size === list.length, {
      message: 'must not list a value twice',
    });
}
const tags = z.record(z.string().min(1).max(128), z.string().max(256));
const helmValues = z.record(z.string(), z.unknown());

/** Who Terraform is in an account: an assumed role, a named profile, or the ambient credentials. */
const credentials = z
  .strictObject({
    /** Role Terraform assumes in the target account. */
    assumeRoleArn: iamRoleArn.optional(),
    /** Named profile from ~/.aws/config. */
    profile: z.string().min(1).optional(),
  })
  .refine((c) => !(c.assumeRoleArn && c.profile), {
    message: 'set either assumeRoleArn or profile, not both',
  });

/** Where a stack keeps its state. Each stack gets its own state key. */
const backend = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('local'),
    /** Folder for `terraform.<stack>.tfstate`, relative to the project. @default "." */
    directory: z.string().default('.'),
  }),
  z
    .strictObject({
      type: z.literal('s3'),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
      region,
      /** State key is `<keyPrefix>/<stack>.tfstate`. @default "eks-edge" */
      keyPrefix: z
        .string()
        .regex(/^[\w./-]*[\w-]$/, 'must be a key prefix without a trailing "/"')
        .default('eks-edge'),
      /** Role to assume for state access (state may live in a tooling account). */
      assumeRoleArn: iamRoleArn.optional(),
      profile: z.string().min(1).optional(),
    })
    .refine((b) => !(b.assumeRoleArn && b.profile), {
      message: 'set either assumeRoleArn or profile, not both',
    }),
]);

export const zoneSchema = z.strictObject({
  /** Zone apex, e.g. example.com. */
  name: domainName,
  /** Hosted zone id. When omitted the zone is looked up by name (and `private`) at plan time. */
  id: hostedZoneId.optional(),
  /** A private hosted zone. @default false */
  private: z.boolean().default(false),
});

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

export const externalDnsSchema = z.strictObject({
  /** Instance name, unique per cluster: names the release, service account and IAM role. */
  name: dns1123Label,
  /** `external-dns` chart version. @default "1.21.1" */
  chartVersion: chartVersion.default(EXTERNAL_DNS_CHART.defaultVersion),
  /**
   * How the pod gets AWS credentials. `node-role` attaches the Route 53 policy to `nodeRoleNames`:
   * every pod on those nodes can then change DNS records, so synth warns.
   * @default "irsa"
   */
  identity: z.enum(['irsa', 'pod-identity', 'node-role']).default('irsa'),
  /** Node IAM role names, only with `identity: node-role`. */
  nodeRoleNames: uniqueList(iamRoleName).default([]),
  /** Hosted zones this instance manages; changes are allowed only there. */
  zones: z.array(zoneSchema).default([]),
  /** `--aws-zone-type`: only public or only private zones. @default every zone type */
  zoneType: z.enum(['public', 'private']).optional(),
  /** `domainFilters`. @default the names of `zones` */
  domainFilters: uniqueList(domainName).optional(),
  /** `upsert-only` never deletes records; `sync` also deletes records it owns. @default "upsert-only" */
  policy: z.enum(['upsert-only', 'sync']).default('upsert-only'),
  /** TXT registry owner id, unique across every cluster writing to the zones. @default "<environment>-<clusterName>-<name>" */
  txtOwnerId: z
    .string()
    .regex(
      /^[A-Za-z0-9][\w.-]{0,62}$/,
      'must be 1-63 characters: letters, digits, ".", "_" and "-"',
    )
    .optional(),
  /** Kubernetes objects ExternalDNS reads hostnames from. @default ["service", "ingress"] */
  sources: uniqueList(externalDnsSource)
    .refine((list) => list.length > 0, { message: 'list at least one source' })
    .default(['service', 'ingress']),
  /** `--annotation-filter`, e.g. `alb.ingress.kubernetes.io/group.name in (public)`. */
  annotationFilter: z.string().min(1).optional(),
  /** Narrow record changes to names under `domainFilters` (condition key …NormalizedRecordNames). @default false */
  restrictRecordNames: z.boolean().default(false),
  /** Narrow record changes to these types (condition key …RecordTypes); must include TXT. @default any type */
  recordTypes: uniqueList(recordType).optional(),
  /** Extra ExternalDNS flags, after the managed ones (e.g. `--aws-batch-change-size=500`). */
  extraArgs: uniqueList(
    z.string().regex(/^--[a-z0-9-]+(=.*)?$/, 'must be a flag such as --aws-batch-change-size=500'),
  ).default([]),
  /** @default "external-dns" */
  namespace: dns1123Label.default('external-dns'),
  /** @default "external-dns-<name>" */
  serviceAccountName: dns1123Label.optional(),
  /**
   * Manage zones of the DNS account (`dnsAccount`) through a role there. `zones` then name zones of
   * `dnsAccount.zones`.
   */
  crossAccount: z
    .strictObject({
      /**
       * `pod-identity-target`: EKS Pod Identity chains into the DNS role (needs identity pod-identity).
       * `assume-role`: ExternalDNS itself assumes it with `--aws-assume-role` and an external id.
       * @default "pod-identity-target"
       */
      via: z.enum(['pod-identity-target', 'assume-role']).default('pod-identity-target'),
      /** With `assume-role`: the `sts:ExternalId` the DNS role requires. */
      externalId: z
        .string()
        .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters: letters, digits and +=,.@:/-_')
        .optional(),
      /** With `pod-identity-target`: EKS sends `sts:ExternalId` instead of session tags. @default false */
      disableSessionTags: z.boolean().default(false),
    })
    .optional(),
  /** Extra chart values, merged under the values this project manages. */
  values: helmValues.default({}),
});

export const loadBalancerControllerSchema = z.strictObject({
  /** @default true */
  enabled: z.boolean().default(true),
  /** Controller release tag; drives the chart version and the IAM policy tag. @default "v3.5.0" */
  version: controllerVersion.default(DEFAULT_LBC_VERSION),
  /** Chart version, only for a controller version outside the built-in catalog before v3. */
  chartVersion: chartVersion.optional(),
  /** sha256 of the upstream policy file, only for a controller version outside the built-in catalog. */
  policySha256: sha256.optional(),
  /** sha256 of iam_policy_v1_to_v2_additional.json, only for an uncatalogued version with `migrateFromV1`. */
  migrationPolicySha256: sha256.optional(),
  /** @default "irsa" */
  identity: z.enum(['irsa', 'pod-identity']).default('irsa'),
  /** @default "kube-system" */
  namespace: dns1123Label.default('kube-system'),
  /** @default "aws-load-balancer-controller" */
  serviceAccountName: dns1123Label.default('aws-load-balancer-controller'),
  /** @default 2 */
  replicaCount: z.number().int().min(1).max(10).default(2),
  /**
   * Replacing the old ALB Ingress Controller (v1): attach the upstream migration policy before the
   * controller starts, so it does not strip existing ALB security groups from the nodes. @default false
   */
  migrateFromV1: z.boolean().default(false),
  /** Extra chart values, merged under the values this project manages. */
  values: helmValues.default({}),
});

const cidr = z
  .string()
  .regex(
    /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/,
    'must be an IPv4 CIDR such as 10.8.0.0/16 or 0.0.0.0/0',
  );
const port = z.number().int().min(1).max(65535);
// Region-specific ARNs are checked against the cluster's region in resolve-edge.ts.
const certificateArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
    'must be an ACM certificate ARN such as arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-…',
  );
const webAclArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/,
    'must be a regional WAFv2 web ACL ARN such as arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/<name>/<id>',
  );

/** One ALB shared by the Ingresses of a group (IngressClass `alb-<name>`) and/or by Gateways. */
export const albGroupSchema = z.strictObject({
  /** Group name (`group.name` of the ALB); the IngressClass is `alb-<name>`. */
  name: dns1123Label,
  scheme: z.enum(['internet-facing', 'internal']),
  /** ACM certificates for HTTPS:443 (the first is the default). */
  certificateArns: uniqueList(certificateArn).default([]),
  /** WAFv2 web ACL attached to the ALB. */
  webAclArn: webAclArn.optional(),
  /** TLS policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  sslPolicy: z
    .string()
    .regex(/^ELBSecurityPolicy-[\w-]+$/, 'must be an ELB security policy name')
    .default('ELBSecurityPolicy-TLS13-1-2-2021-06'),
  /** Who may reach the ALB. @default ["0.0.0.0/0"] for internet-facing; required for internal */
  inboundCidrs: uniqueList(cidr).optional(),
  /**
   * Create a security group for this group's ALB (ingress on `ports` from `inboundCidrs`). Gateways
   * use it directly; the LBC manages the backend rules to the nodes. @default false
   */
  securityGroup: z.boolean().default(false),
  /** Listener ports opened by the security group. @default [80, 443] */
  ports: uniqueList(port)
    .refine((list) => list.length > 0, { message: 'list at least one port' })
    .default([80, 443]),
  /** Extra ALB attributes, e.g. `idle_timeout.timeout_seconds: "120"`. */
  attributes: z
    .record(z.string().regex(/^[a-z0-9_.]+$/, 'must be an ALB attribute key'), z.string())
    .default({}),
});

export const gatewaySchema = z.strictObject({
  /** Gateway name; its LoadBalancerConfiguration has the same name. */
  name: dns1123Label,
  /** The ALB group whose scheme, certificates, WAF ACL and security group the Gateway uses. */
  group: dns1123Label,
  /** Must agree with the group's scheme when set. */
  scheme: z.enum(['internet-facing', 'internal']).optional(),
  /** Listener hostname, e.g. `*.example.com`. */
  hostname: domainName.optional(),
});

export const gatewayApiSchema = z.strictObject({
  /** Turn the LBC's Gateway API support on (`ALBGatewayAPI`) and install the CRDs. @default false */
  enabled: z.boolean().default(false),
  /** Also the NLB Gateway API controller (`NLBGatewayAPI`). @default false */
  nlb: z.boolean().default(false),
  /** Removed: the catalog has the checksum for every version with Gateway API support. */
  lbcCrdsSha256: z.unknown().optional(),
  /** @default "aws-alb" */
  gatewayClassName: dns1123Label.default('aws-alb'),
  /** Namespace of the Gateways and their LoadBalancerConfigurations. @default "gateway-system" */
  namespace: dns1123Label.default('gateway-system'),
  gateways: z.array(gatewaySchema).default([]),
});

export const accessLogsSchema = z.strictObject({
  /** An S3 bucket for ALB access logs, wired into every group and gateway. @default false */
  enabled: z.boolean().default(false),
  /** @default "<clusterName>-alb-logs-<accountId>-<region>" (shortened with a hash past 63 characters) */
  bucketName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  /** Days before log objects expire. @default 90 */
  expirationDays: z.number().int().min(1).max(3650).default(90),
  /** Let `destroy` delete a bucket that still holds logs. @default false */
  forceDestroy: z.boolean().default(false),
});

export const clusterSchema = z.strictObject({
  /** Environment name (prod, staging, …); with `clusterName` it names the stack. */
  environment: dns1123Label,
  /** Name of the existing EKS cluster. */
  clusterName: eksClusterName,
  /** Account the cluster lives in. */
  accountId,
  region,
  vpcId,
  subnets: z.strictObject({
    /** Subnets for internet-facing load balancers (tagged kubernetes.io/role/elb=1). */
    public: z.array(subnetId).default([]),
    /** Subnets for internal load balancers (tagged kubernetes.io/role/internal-elb=1). */
    private: z.array(subnetId).default([]),
    /**
     * Also tag kubernetes.io/cluster/<clusterName>=shared: needed by controllers before v2.1.1, and
     * where clusters share a VPC and must not use each other's subnets. @default false
     */
    tagClusterShared: z.boolean().default(false),
  }),
  credentials: credentials.optional(),
  /** Overrides the top-level backend for this cluster's stack. */
  backend: backend.optional(),
  /**
   * Install the `eks-pod-identity-agent` add-on, which pod-identity workloads need; leave false when
   * the cluster already has it. @default false
   */
  installPodIdentityAgent: z.boolean().default(false),
  /** Reuse an existing IAM OIDC provider for the cluster's issuer instead of creating one. */
  existingOidcProviderArn: oidcProviderArn.optional(),
  /** Tags for every AWS resource of this cluster (merged over the top-level tags). */
  tags: tags.default({}),
  loadBalancerController: loadBalancerControllerSchema.prefault({}),
  externalDns: z.array(externalDnsSchema).default([]),
  /** ALBs by group: IngressClass + IngressClassParams each, usable by Gateways too. */
  albGroups: z.array(albGroupSchema).default([]),
  gatewayApi: gatewayApiSchema.prefault({}),
  accessLogs: accessLogsSchema.prefault({}),
});

/** The account that owns the Route 53 zones, when it is not the clusters' account. */
export const dnsAccountSchema = z.strictObject({
  accountId,
  /** Region of the DNS account's AWS provider (Route 53 and IAM are global). @default "us-east-1" */
  region: region.default('us-east-1'),
  credentials: credentials.optional(),
  /** Overrides the top-level backend: keep the DNS account's state apart from the clusters'. */
  backend: backend.optional(),
  /** Zones ExternalDNS instances may be given; ids are required so both stacks know them. */
  zones: z
    .array(zoneSchema.extend({ id: hostedZoneId }))
    .min(1, 'list the hosted zones of the DNS account'),
  /**
   * One role for all clusters (trusting each cluster's ExternalDNS separately, allowed the union of
   * their zones) instead of one role per cluster and instance. @default false
   */
  sharedRole: z.boolean().default(false),
  /**
   * The account's quota for a role trust policy in characters (IAM: 2048 by default, up to 4096 on
   * request). A shared role trusting many clusters can exceed it. @default 2048
   */
  trustPolicyQuota: z.number().int().min(2048).max(4096).default(2048),
});

export const configSchema = z.strictObject({
  /** State backend of every stack unless a stack overrides it. @default local */
  backend: backend.prefault({ type: 'local' }),
  /** Tags for every AWS resource. */
  tags: tags.default({}),
  /** Separate DNS account (cross-account ExternalDNS). */
  dnsAccount: dnsAccountSchema.optional(),
  clusters: z.array(clusterSchema).min(1, 'list at least one cluster'),
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
