import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { TerraformIterator, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CRD_API_VERSION } from '../../catalog/manifest-files';
import { foundObjects } from './kubernetes-object';

/** A cluster-scoped custom kind: the lookup lists every object of it, in no namespace. */
export interface ClusterScopedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The CRD that defines the kind. */
  readonly crd: string;
}

/** The plain address of a data source (its HCL is also written outside cdktf's tokens). */
function address(lookup: DataKubernetesResources): string {
  return `data.${DataKubernetesResources.tfResourceType}.${lookup.friendlyUniqueId}`;
}

/**
 * The objects of a cluster-scoped custom kind as the cluster has them when the plan is made, for
 * checks that must stop a plan while such objects exist. A lookup of a kind the cluster does not
 * define fails the plan, so the objects are read only where the CRD exists; otherwise the list is
 * empty. One lookup per stack and kind, shared by every check.
 */
export class LiveObjects extends Construct {
  /** A Terraform expression: the list of objects (empty where the kind is not defined). */
  readonly objects: string;

  static of(scope: Construct, kind: ClusterScopedKind): LiveObjects {
    const stack = TerraformStack.of(scope);
    const id = `live-${kind.kind.toLowerCase()}`;
    return (
      (stack.node.tryFindChild(id) as LiveObjects | undefined) ?? new LiveObjects(stack, id, kind)
    );
  }

  private constructor(scope: Construct, id: string, kind: ClusterScopedKind) {
    super(scope, id);
    const definition = new DataKubernetesResources(this, 'definition', {
      apiVersion: CRD_API_VERSION,
      kind: 'CustomResourceDefinition',
      fieldSelector: `metadata.name=${kind.crd}`,
    });
    const definitions = `${address(definition)}.objects`;
    const lookup = new DataKubernetesResources(this, 'objects', {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      count: Token.asNumber(`\${${definitions} == null ? 0 : min(length(${definitions}), 1)}`),
    });
    this.objects = `flatten([for lookup in ${address(lookup)} : ${foundObjects('lookup.objects')}])`;
  }

  /** A Terraform expression: the names of the objects for which `condition(object)` holds. */
  namesWhere(condition: (object: string) => string): string {
    return `[for object in ${this.objects} : object.metadata.name if ${condition('object')}]`;
  }
}

export interface NamespacedLookupProps {
  readonly apiVersion: string;
  readonly kind: string;
  readonly labelSelector?: string;
  /** A Terraform expression known at plan: the namespaces to read (a list of names). */
  readonly namespaces: string;
}

/**
 * The objects of a namespaced kind in each of the namespaces an expression names, as one list.
 * `kubernetes_resources` reads one namespace per lookup (a namespaced kind without `namespace`
 * is read in `default`: terraform-provider-kubernetes v2.38.0 manifest/provider/datasource.go
 * lines 153-159), so a read across namespaces is one lookup per namespace.
 */
export function objectsInNamespaces(
  scope: Construct,
  id: string,
  props: NamespacedLookupProps,
): string {
  const namespaces = TerraformIterator.fromMap(
    Token.asAnyMap(`\${{ for name in toset(${props.namespaces}) : name => name }}`),
  );
  const lookup = new DataKubernetesResources(scope, id, {
    forEach: namespaces,
    apiVersion: props.apiVersion,
    kind: props.kind,
    namespace: namespaces.value,
    labelSelector: props.labelSelector,
  });
  return `flatten([for found in ${address(lookup)} : ${foundObjects('found.objects')}])`;
}

/**
 * The names of the cluster's namespaces, read only while `when` (a Terraform condition known at
 * plan) holds: a check that needs every namespace costs one list call per namespace, so it reads
 * them only when there is something to check. Otherwise the list is empty.
 */
export function namespacesWhen(scope: Construct, id: string, when: string): string {
  const lookup = new DataKubernetesResources(scope, id, {
    apiVersion: 'v1',
    kind: 'Namespace',
    count: Token.asNumber(`\${${when} ? 1 : 0}`),
  });
  return `flatten([for found in ${address(lookup)} : [for namespace in ${foundObjects('found.objects')} : namespace.metadata.name]])`;
}
