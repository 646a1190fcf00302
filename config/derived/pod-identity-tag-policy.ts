/**
 * The EKS Pod Identity session tags that identify one workload, as policy conditions. EKS sends
 * them when it assumes a role for a pod (`aws:RequestTag/…` in that role's trust), and they are
 * transitive, so every session reached from it carries them (`aws:PrincipalTag/…`). Tag names:
 * EKS User Guide, pod-id-abac.html ("Enable or disable session tags"). Pure.
 */
import type { PodIdentitySessionTags } from '../model';
import type { PolicyCondition } from './iam-policy-json';

export const POD_IDENTITY_TAG_KEYS = [
  'eks-cluster-arn',
  'kubernetes-namespace',
  'kubernetes-service-account',
] as const;

/** The conditions that hold only for the workload with these tags. */
export function podIdentityTagConditions(
  context: 'aws:RequestTag' | 'aws:PrincipalTag',
  tags: PodIdentitySessionTags,
): PolicyCondition[] {
  const values = {
    'eks-cluster-arn': tags.clusterArn,
    'kubernetes-namespace': tags.namespace,
    'kubernetes-service-account': tags.serviceAccount,
  };
  return POD_IDENTITY_TAG_KEYS.map((key) => ({
    test: 'StringEquals',
    variable: `${context}/${key}`,
    values: [values[key]],
  }));
}
