/** A Kubernetes object as applied by `kubernetes_manifest` (values may be Terraform references). */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly spec: Record<string, unknown>;
}

export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'eks-edge' };

/**
 * The objects of a `kubernetes_resources` lookup (`<address>.objects`), as a Terraform
 * expression that is always a list. The provider gives a tuple in which each object may have a
 * type of its own (free-form schema parts: CRDs, custom resources), so `x == null ? [] : x` fails
 * with "Inconsistent conditional result types" as soon as two objects differ; wrapped in a list
 * and flattened, any mix works.
 */
export function foundObjects(objects: string): string {
  return `flatten(${objects} == null ? [] : [${objects}])`;
}
