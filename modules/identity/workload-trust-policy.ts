/**
 * Trust policies of workload roles. Pure: statements only, rendered by `aws_iam_policy_document`.
 */
import type { PolicyStatement } from '../../config/derived/iam-policy-json';
import { podIdentityTagConditions } from '../../config/derived/pod-identity-tag-policy';

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
 * EKS Pod Identity: the Pod Identity service assumes the role for exactly one service account of
 * one cluster. The source conditions stop other clusters and accounts from using it (confused
 * deputy); the session tags EKS sends pin the cluster, namespace and service account, so an
 * association of the role with any other service account is refused (EKS User Guide,
 * pod-id-role.html "Setting Conditions", and pod-id-abac.html for the tag names). With session
 * tags disabled (a target role that takes an `sts:ExternalId` instead) there are none to pin: the
 * target role's trust pins the service account through that id.
 */
export function podIdentityTrust(props: {
  readonly accountId: string;
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly sessionTags: boolean;
}): PolicyStatement {
  return {
    effect: 'Allow',
    principals: [{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }],
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    condition: [
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
      { test: 'ArnEquals', variable: 'aws:SourceArn', values: [props.clusterArn] },
      ...(props.sessionTags
        ? podIdentityTagConditions('aws:RequestTag', {
            clusterArn: props.clusterArn,
            namespace: props.namespace,
            serviceAccount: props.serviceAccountName,
          })
        : []),
    ],
  };
}
