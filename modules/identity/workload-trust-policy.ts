/**
 * Trust policies of workload roles. Pure: statements only, rendered by `aws_iam_policy_document`.
 */
import type { PolicyStatement } from '../shared/iam-policy-json';

/**
 * IRSA: the cluster's OIDC provider may issue credentials for exactly one service account
 * (`:sub`), with the STS audience (`:aud`).
 */
export function irsaTrust(props: {
  readonly oidcProviderArn: string;
  /** Issuer without `https://`: the prefix of the `:sub` and `:aud` condition keys. */
  readonly issuerHostPath: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
}): PolicyStatement {
  return {
    effect: 'Allow',
    principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
    actions: ['sts:AssumeRoleWithWebIdentity'],
    condition: [
      {
        test: 'StringEquals',
        variable: `${props.issuerHostPath}:sub`,
        values: [`system:serviceaccount:${props.namespace}:${props.serviceAccountName}`],
      },
      {
        test: 'StringEquals',
        variable: `${props.issuerHostPath}:aud`,
        values: ['sts.amazonaws.com'],
      },
    ],
  };
}

/**
 * EKS Pod Identity: the Pod Identity service assumes the role; the source conditions stop other
 * clusters and accounts from using it (confused deputy).
 */
export function podIdentityTrust(props: {
  readonly accountId: string;
  readonly clusterArn: string;
}): PolicyStatement {
  return {
    effect: 'Allow',
    principals: [{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }],
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    condition: [
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
      { test: 'ArnEquals', variable: 'aws:SourceArn', values: [props.clusterArn] },
    ],
  };
}
