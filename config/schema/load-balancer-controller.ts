/**
 * The settings of the AWS Load Balancer Controller (`clusters[].loadBalancerController`).
 */
import * as z from 'zod/mini';
import { DEFAULT_LBC_VERSION } from '../../catalog/aws-load-balancer-controller';
import { chartDeploy, scheme, zoneSchema } from './external-dns';
import {
  CREATE_SERVICE_ACCOUNT,
  certificateAuthorityArn,
  named,
  nonEmptyList,
  uniqueList,
  chartVersion,
  controllerVersion,
  dns1123Label,
  helmValues,
  iamRoleArn,
  integer,
  setting,
  sha256,
} from './primitives';

const certificateManagementSchema = named(
  'certificate management',
  z.strictObject({
    zones: setting(
      nonEmptyList(uniqueList(zoneSchema), 'zone'),
      "The public hosted zones, in the cluster's account, where the controller may write the DNS validation records of the certificates it requests (CNAME records named `_…`, created and deleted, nothing else). A certificate for a name outside them is not validated.",
    ),
    privateCertificateAuthorities: setting(z._default(uniqueList(certificateAuthorityArn), []), {
      description:
        'AWS Private CAs the controller may issue certificates from (the `acm-pca-arn` annotation): only these. Empty: Amazon-issued certificates only.',
      defaultText: 'none',
    }),
  }),
);

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
  globalAcceleratorPolicySha256: setting(z.optional(sha256), {
    description: 'Only for a version outside the catalog with `globalAccelerator`.',
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
  globalAccelerator: setting(
    z._default(z.boolean(), false),
    "The controller's Global Accelerator controller (v2.17.0 and later, commercial partition only): `true` attaches upstream `aga_controller_iam_policy.json` at the controller's tag and turns on the feature gates it needs (`GlobalAcceleratorController`, `EnableRGTAPI`); `GlobalAccelerator` objects (aga.k8s.aws, the chart's CRD) then get an accelerator in front of their load balancers. `false` leaves both gates off and the policy out; setting the gate by hand in `values` is refused, since the controller would run without the policy. Turning it off is stopped at plan while GlobalAccelerator objects exist (their accelerators would be left without a controller, and the objects stuck on its finalizer): delete them first.",
  ),
  certificateManagement: setting(z.optional(certificateManagementSchema), {
    description:
      'The controller\'s ACM certificate management (v3.3.0 and later, the `EnableCertificateManagement` gate): Ingresses annotated `alb.ingress.kubernetes.io/create-acm-cert: "true"` get a certificate the controller requests and validates by DNS. The policy is upstream `iam_policy_acm_certs.json` with its Route 53 and Private CA grants narrowed from `*` to what is named here (docs/alb-edge.md, Certificate management).',
    defaultText: 'off',
  }),
  values: setting(
    z._default(helmValues, {}),
    'Extra chart values, merged under the values this project manages (which cannot be overridden). Feature gates in `controllerConfig.featureGates` are checked against the gates of `version` (the controller refuses to start on one it does not know), each `true` or `false`.',
  ),
});
