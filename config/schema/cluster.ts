/**
 * The settings of one cluster (`clusters[]`).
 */
import * as z from 'zod/mini';
import { accessLogsSchema, albGroupSchema, gatewayApiSchema } from './alb-edge';
import { externalDnsSchema, ownerId } from './external-dns';
import { loadBalancerControllerSchema } from './load-balancer-controller';
import {
  accountId,
  dns1123Label,
  eksClusterName,
  named,
  nonEmpty,
  oidcProviderArn,
  region,
  setting,
  subnetId,
  tags,
  uniqueList,
  vpcId,
} from './primitives';
import { backend, credentials } from './state-and-credentials';

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
    "The cluster's region. It decides the partition (`aws`, `aws-cn`, `aws-us-gov`). Regions of the partitions upstream ships a controller policy for but this version does not emit (`aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`) are refused, saying so.",
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
  loadBalancing: setting(
    z._default(z.enum(['controller', 'autoMode', 'controllerAndAutoMode']), 'controller'),
    "What turns the cluster's Ingresses and Services into load balancers. `controller`: the AWS Load Balancer Controller (`loadBalancerController`). `autoMode`: the built-in load balancing of EKS Auto Mode, which the cluster must have enabled (the plan checks it): no controller release, policy, role or chart CRDs; ALB groups get Auto Mode's IngressClass (`eks.amazonaws.com/alb`) and IngressClassParams (`eks.amazonaws.com/v1`); Services of type LoadBalancer get NLBs of `loadBalancerClass: eks.amazonaws.com/nlb`, Auto Mode's default; subnet tags and ExternalDNS are unchanged; controller settings are refused. A controller this project installed goes through its destroy check, and the plan stops while Ingresses or Services it serves exist. `controllerAndAutoMode`: both, for moving a cluster from the controller to Auto Mode group by group (docs/alb-edge.md, Moving to EKS Auto Mode).",
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
