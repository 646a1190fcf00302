/**
 * The ALB edge of a cluster: ALB groups, Gateway API and Gateways, access logs.
 */
import * as z from 'zod/mini';
import { labelKeyProblem, labelValueProblem } from '../label-selector';
import { scheme } from './external-dns';
import {
  bucketName,
  dns1123Label,
  domainName,
  integer,
  named,
  nonEmptyList,
  pattern,
  setting,
  subnetId,
  uniqueList,
} from './primitives';

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
    'Group name (`group.name` of the ALB). The IngressClass and IngressClassParams are `alb-<name>` (served by the controller) or `eks-auto-<name>` (served by EKS Auto Mode).',
  ),
  servedBy: setting(z.optional(z.enum(['controller', 'autoMode'])), {
    description:
      "What makes the group's ALB: the AWS Load Balancer Controller, or EKS Auto Mode (`loadBalancing` `autoMode` or `controllerAndAutoMode`). Auto Mode gets its own IngressClass name, so both kinds of group can run side by side; changing it on a group replaces its IngressClass, which the plan stops while Ingresses use it (move a group by adding one served by Auto Mode beside it instead). On Auto Mode, `webAclArn`, `sslRedirectPort`, `securityGroup` and `targetType` are refused with what to do instead, and the group cannot serve Gateways.",
    defaultText: '`autoMode` with `loadBalancing: autoMode`, otherwise `controller`',
  }),
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
  subnetIds: setting(z.optional(nonEmptyList(uniqueList(subnetId), 'subnet')), {
    description:
      "The subnets of the group's ALB (IngressClassParams `subnets.ids`, for the controller and EKS Auto Mode alike) instead of those its role tags find: each one of `subnets.public` for an internet-facing group, of `subnets.private` for an internal one (an ALB needs two Availability Zones). Not for a group that serves Gateways.",
    defaultText: 'the subnets tagged for its scheme',
  }),
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
  allowedListeners: setting(
    z._default(z.enum(['None', 'Same', 'All', 'Selector']), 'None'),
    "Namespaces whose ListenerSets may add listeners to the Gateway (`allowedListeners.namespaces.from`, Gateway API v1.5.0 and controller v3.2.0 and later): `None` (the Gateway's own listeners only), `Same`, `All` or `Selector` (namespaces with the labels of `allowedListenerNamespaceLabels`). Taking it back to `None` is stopped at plan while ListenerSets are attached (the Gateway's `status.attachedListenerSets`).",
  ),
  allowedListenerNamespaceLabels: setting(
    z.optional(
      named(
        'map of label to value',
        z.record(checkedString(labelKeyProblem), checkedString(labelValueProblem)),
      ),
    ),
    'With `allowedListeners: Selector`: the labels a namespace needs for its ListenerSets to attach.',
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
