import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { TerraformStack, Token } from 'cdktf';
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
