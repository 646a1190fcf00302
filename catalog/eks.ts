/**
 * Facts of Amazon EKS that the project's output depends on.
 */

/**
 * The service-account annotation that gives a pod IRSA credentials: EKS's pod identity webhook
 * (aws/amazon-eks-pod-identity-webhook, README "EKS Walkthrough") injects `AWS_ROLE_ARN` and a
 * web-identity token into the pods of a service account that carries it. The AWS SDKs read those
 * before the EKS Pod Identity endpoint (aws-sdk-go-v2 `config/resolve_credentials.go`,
 * `resolveCredentialChain`), so this annotation wins over a Pod Identity association.
 */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * The EKS Pod Identity Agent add-on, and the DaemonSet it runs on every node (EKS user guide,
 * "Set up the Amazon EKS Pod Identity Agent"; `kubectl -n kube-system get daemonset
 * eks-pod-identity-agent`). The add-on's import id is `<cluster>:<addon>`.
 */
export const POD_IDENTITY_AGENT = {
  addon: 'eks-pod-identity-agent',
  namespace: 'kube-system',
  daemonSet: 'eks-pod-identity-agent',
} as const;
