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
