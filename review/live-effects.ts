/**
 * What a replacement or a delete means for the live object behind a resource: the words a reviewer
 * needs beside the address. Kubernetes objects are told apart by their kind.
 */
import type { Json } from './terraform-json';
import { typeOf } from './terraform-json';

const REPLACED: Readonly<Record<string, string>> = {
  aws_ec2_tag:
    'the tag is removed and written again: the controller may not discover the subnet in between',
  aws_eks_addon: 'the add-on is uninstalled and installed again: its pods are gone in between',
  aws_eks_pod_identity_association:
    'the association is deleted and made again: pods of the service account get no credentials in between',
  aws_iam_openid_connect_provider:
    'the OIDC provider is deleted and made again: no IRSA role of the cluster can be assumed in between',
  aws_iam_policy:
    'the policy is deleted and made again (detached from its roles first): the roles lack its permissions in between',
  aws_iam_role:
    'a new role with a new unique id: the workload cannot get credentials in between, and a resource policy elsewhere that names the old role as a principal (rather than by an aws:PrincipalArn condition) no longer matches it',
  aws_iam_role_policy:
    'the inline policy is deleted and written again: the role lacks its permissions in between',
  aws_iam_role_policy_attachment:
    'the policy is detached and attached again: the role lacks its permissions in between',
  aws_s3_bucket:
    'the bucket is deleted and made again: Terraform cannot delete a bucket that still holds objects (access logs), and no logs are delivered in between',
  aws_security_group:
    'destroyed first, then made again with a new id (its name is fixed): AWS refuses to delete a group an ALB still uses, so the apply fails there, after its rules are gone; the ALB reaches the new group only once the controller reconciles with the new id',
  aws_vpc_security_group_ingress_rule:
    'the rule is revoked and authorized again: new connections through it fail in between',
  aws_vpc_security_group_egress_rule:
    'the rule is revoked and authorized again: new connections through it fail in between',
  helm_release:
    'Helm uninstalls the release and installs it again: the controller does not run in between, and the uninstall deletes what the chart made (service account, webhooks; not the CRDs of its crds/ folder)',
  kubernetes_namespace_v1: 'the namespace is deleted with everything in it, and made again',
  terraform_data: 'made again: its provisioners run again',
};

const DELETED: Readonly<Record<string, string>> = {
  aws_ec2_tag: 'the tag is removed: the controller no longer discovers the subnet by it',
  aws_eks_addon: 'the add-on is uninstalled from the cluster',
  aws_eks_pod_identity_association: 'pods of the service account no longer get these credentials',
  aws_iam_openid_connect_provider: 'every IRSA role of the cluster stops working',
  aws_iam_policy: 'the policy is deleted: its roles lose its permissions',
  aws_iam_role: 'the role is deleted: whoever uses it loses its permissions',
  aws_iam_role_policy: 'the role loses these permissions',
  aws_iam_role_policy_attachment: 'the role loses these permissions',
  aws_s3_bucket: 'the bucket is deleted (Terraform fails while it still holds objects)',
  aws_s3_bucket_policy:
    'the bucket policy is deleted: ELB log delivery is denied, and TLS-only access is no longer enforced',
  aws_s3_bucket_lifecycle_configuration: 'the bucket no longer expires old logs',
  aws_s3_bucket_ownership_controls: 'object ownership falls back to the bucket default',
  aws_s3_bucket_public_access_block: "the bucket's public access block is removed",
  aws_s3_bucket_server_side_encryption_configuration:
    'the encryption setting goes back to the S3 default (SSE-S3)',
  aws_security_group: 'the security group is deleted (Terraform fails while an ALB still uses it)',
  aws_vpc_security_group_ingress_rule: 'the rule is revoked',
  aws_vpc_security_group_egress_rule: 'the rule is revoked',
  helm_release: 'Helm uninstalls the release: the workload stops',
  kubernetes_namespace_v1: 'the namespace is deleted with everything in it',
  terraform_data: 'removed from state (its destroy-time provisioners run)',
};

const OBJECT_REPLACED: Readonly<Record<string, string>> = {
  CustomResourceDefinition:
    'the CRD is deleted with every object of its kind in the cluster, and made again empty',
  Gateway:
    'the Gateway is deleted and made again: its load balancer is deleted and a new one, with a new DNS name, is made',
  IngressClass:
    'the IngressClass is deleted and made again: Ingresses that name it fail to reconcile in between',
};

const OBJECT_DELETED: Readonly<Record<string, string>> = {
  CustomResourceDefinition: 'the CRD is deleted with EVERY OBJECT OF ITS KIND in the cluster',
  Gateway: 'the Gateway is deleted with its load balancer',
  GatewayClass: 'Gateways of this class are no longer reconciled',
  IngressClass: 'Ingresses that name this class are no longer reconciled',
};

/**
 * The kind and name of a `kubernetes_manifest`: from the manifest itself, or from the expression
 * that picks one document of a pinned file (`doc.kind == "…" && doc.metadata.name == "…"`).
 */
export function manifestObject(body: Json): { kind?: string; name?: string } {
  const manifest = body.manifest;
  if (manifest && typeof manifest === 'object')
    return { kind: manifest.kind, name: manifest.metadata?.name };
  if (typeof manifest !== 'string') return {};
  return {
    kind: /doc\.kind == "([^"]+)"/.exec(manifest)?.[1],
    name: /doc\.metadata\.name == "([^"]+)"/.exec(manifest)?.[1],
  };
}

function meaning(
  address: string,
  body: Json | undefined,
  byType: Readonly<Record<string, string>>,
  byKind: Readonly<Record<string, string>>,
  fallback: string,
): string {
  const type = typeOf(address);
  if (type === 'kubernetes_manifest') {
    const { kind } = manifestObject(body ?? {});
    return byKind[kind ?? ''] ?? `${fallback} (${kind ?? 'a Kubernetes object'})`;
  }
  return byType[type] ?? fallback;
}

/** What replacing the object at `address` (its body as configured) does to what runs. */
export function replacementMeaning(address: string, body: Json | undefined): string {
  return meaning(address, body, REPLACED, OBJECT_REPLACED, 'deleted and made again');
}

/** What deleting the object at `address` does to what runs. */
export function deletionMeaning(address: string, body: Json | undefined): string {
  // `preserve` (the delete-time setting the state holds): the add-on's software stays.
  if (typeOf(address) === 'aws_eks_addon' && body?.preserve === true)
    return 'EKS stops managing the add-on; its software keeps running on the cluster (preserve)';
  const fallback = typeOf(address).startsWith('aws_') ? 'deleted' : 'deleted from the cluster';
  return meaning(address, body, DELETED, OBJECT_DELETED, fallback);
}
