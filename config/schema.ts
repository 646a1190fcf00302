/**
 * The shape of the configuration file: every setting, its default and what it allows. Validation
 * of relations between settings lives in `validate.ts`; loading and error reporting in `load.ts`.
 */
import { z } from 'zod';
import { DEFAULT_LBC_VERSION } from '../modules/aws-load-balancer-controller/versions';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id, quoted as a string (e.g. "111122223333")');
const region = z
  .string()
  .regex(/^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d{1,2}$/, 'must be an AWS region name such as eu-west-1, us-gov-west-1 or cn-north-1');
const dns1123Label = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');
const eksClusterName = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(/^[0-9A-Za-z][A-Za-z0-9_-]*$/, 'must be an EKS cluster name: letters, digits, "-" and "_", starting with a letter or digit');
const vpcId = z.string().regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a VPC id such as vpc-0123456789abcdef0');
const subnetId = z.string().regex(/^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a subnet id such as subnet-0123456789abcdef0');
const controllerVersion = z.string().regex(/^v\d+\.\d+\.\d+$/, 'must be a release tag such as v3.5.0 (semver with a leading "v")');
const chartVersion = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a chart version such as 3.5.0 (semver, no leading "v")');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 checksum: 64 lower-case hex characters');
const iamRoleArn = z
  .string()
  .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN such as arn:aws:iam::111122223333:role/deployer');
const iamRoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (1-64 characters: letters, digits and +=,.@_-)');
const oidcProviderArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/[a-z0-9.-]+\/id\/[A-Za-z0-9]+$/,
    'must be an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  );
const domainName = z
  .string()
  .max(253)
  .regex(/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z][-a-z0-9]*[a-z0-9]$/, 'must be a lower-case DNS name such as example.com (no trailing dot)');
const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ');
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
  .refine((c) => !(c.assumeRoleArn && c.profile), { message: 'set either assumeRoleArn or profile, not both' });

/** Where a stack keeps its state. Each stack gets its own state key. */
const backend = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('local'),
    /** Folder for `terraform.<stack>.tfstate`, relative to the project. @default "." */
    directory: z.string().default('.'),
  }),
  z.strictObject({
    type: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    region,
    /** State key is `<keyPrefix>/<stack>.tfstate`. @default "eks-edge" */
    keyPrefix: z.string().regex(/^[\w./-]*[\w-]$/, 'must be a key prefix without a trailing "/"').default('eks-edge'),
    /** Role to assume for state access (state may live in a tooling account). */
    assumeRoleArn: iamRoleArn.optional(),
    profile: z.string().min(1).optional(),
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
const recordType = z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA', 'PTR', 'NAPTR', 'SPF', 'DS']);

export const externalDnsSchema = z.strictObject({
  /** Instance name, unique per cluster: names the release, service account and IAM role. */
  name: dns1123Label,
  /** `external-dns` chart version. @default "1.21.1" */
  chartVersion: chartVersion.default('1.21.1'),
  /**
   * How the pod gets AWS credentials. `node-role` attaches the Route 53 policy to `nodeRoleNames`:
   * every pod on those nodes can then change DNS records, so synth warns.
   * @default "irsa"
   */
  identity: z.enum(['irsa', 'pod-identity', 'node-role']).default('irsa'),
  /** Node IAM role names, only with `identity: node-role`. */
  nodeRoleNames: z.array(iamRoleName).default([]),
  /** Hosted zones this instance manages; changes are allowed only there. */
  zones: z.array(zoneSchema).default([]),
  /** `--aws-zone-type`: only public or only private zones. @default every zone type */
  zoneType: z.enum(['public', 'private']).optional(),
  /** `domainFilters`. @default the names of `zones` */
  domainFilters: z.array(domainName).optional(),
  /** `upsert-only` never deletes records; `sync` also deletes records it owns. @default "upsert-only" */
  policy: z.enum(['upsert-only', 'sync']).default('upsert-only'),
  /** TXT registry owner id, unique across every cluster writing to the zones. @default "<environment>-<clusterName>-<name>" */
  txtOwnerId: z
    .string()
    .regex(/^[A-Za-z0-9][\w.-]{0,62}$/, 'must be 1-63 characters: letters, digits, ".", "_" and "-"')
    .optional(),
  /** Kubernetes objects ExternalDNS reads hostnames from. @default ["service", "ingress"] */
  sources: z.array(externalDnsSource).min(1).default(['service', 'ingress']),
  /** `--annotation-filter`, e.g. `alb.ingress.kubernetes.io/group.name in (public)`. */
  annotationFilter: z.string().min(1).optional(),
  /** Narrow record changes to names under `domainFilters` (condition key …NormalizedRecordNames). @default false */
  restrictRecordNames: z.boolean().default(false),
  /** Narrow record changes to these types (condition key …RecordTypes); must include TXT. @default any type */
  recordTypes: z.array(recordType).optional(),
  /** Extra ExternalDNS flags, after the managed ones (e.g. `--aws-batch-change-size=500`). */
  extraArgs: z.array(z.string().regex(/^--[a-z0-9-]+(=.*)?$/, 'must be a flag such as --aws-batch-change-size=500')).default([]),
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
      externalId: z.string().regex(/^[\w+=,.@:\/-]{2,1224}$/, 'must be 2-1224 characters: letters, digits and +=,.@:/-_').optional(),
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
    /** Also tag kubernetes.io/cluster/<clusterName>=shared (needed by LBC before v2.1.1). @default false */
    tagClusterShared: z.boolean().default(false),
  }),
  credentials: credentials.optional(),
  /** Overrides the top-level backend for this cluster's stack. */
  backend: backend.optional(),
  /** Reuse an existing IAM OIDC provider for the cluster's issuer instead of creating one. */
  existingOidcProviderArn: oidcProviderArn.optional(),
  /** Tags for every AWS resource of this cluster (merged over the top-level tags). */
  tags: tags.default({}),
  loadBalancerController: loadBalancerControllerSchema.prefault({}),
  externalDns: z.array(externalDnsSchema).default([]),
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
export type BackendConfig = z.infer<typeof backend>;
export type CredentialsConfig = z.infer<typeof credentials>;
