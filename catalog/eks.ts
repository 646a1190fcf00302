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
