/** What one ALB looks like, whether it is reached through an IngressClass or a Gateway. */
export interface AlbSettings {
  readonly scheme: 'internet-facing' | 'internal';
  /** ACM certificates for HTTPS:443; the first is the default. */
  readonly certificateArns: readonly string[];
  readonly sslPolicy: string;
  readonly webAclArn?: string;
  /** Who may reach the ALB when the controller makes its security group. */
  readonly inboundCidrs?: readonly string[];
  /** A security group made for this ALB (Gateways only; IngressClassParams cannot name one). */
  readonly securityGroupId?: string;
  /** Load-balancer attributes, access logs included. */
  readonly attributes: readonly { readonly key: string; readonly value: string }[];
  /** The group's setting path and whether a scheme change (a new ALB) is accepted. */
  readonly schemeChange: { readonly setting: string; readonly replace: boolean };
}

/**
 * The controller replaces a load balancer whose scheme changes (aws-load-balancer-controller
 * pkg/deploy/elbv2/load_balancer_synthesizer.go, `isSDKLoadBalancerRequiresReplacement`): a new
 * ALB, a new DNS name. So must EKS Auto Mode (`replacer`): the ELBv2 API takes a scheme only in
 * CreateLoadBalancer, no Modify* call changes it. The plan stops while the live object
 * (`objects`, as a lookup found them) has another scheme, unless the setting accepts it.
 */
export function schemeKept(
  objects: string,
  what: string,
  props: Pick<AlbSettings, 'scheme' | 'schemeChange'>,
  replacer = 'the controller',
): { condition: string; errorMessage: string }[] {
  if (props.schemeChange.replace) return [];
  const live = `try(${objects}[0].spec.scheme, "")`;
  return [
    {
      condition: `\${contains(["", ${JSON.stringify(props.scheme)}], ${live})}`,
      errorMessage: `${what} is \${${live}} in the cluster, and the configuration makes it ${props.scheme}: ${replacer} would replace its load balancer (a new ALB with a new DNS name: traffic stops until DNS follows). Without downtime, add a group with the new scheme beside it, move the Ingresses and Gateways over, then remove this one. To accept the replacement, set ${props.schemeChange.setting}: true.`,
    },
  ];
}

export function attributeList(
  attributes: Record<string, string>,
): { key: string; value: string }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value }));
}
