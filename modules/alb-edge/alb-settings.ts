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
}

export function attributeList(
  attributes: Record<string, string>,
): { key: string; value: string }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value }));
}
