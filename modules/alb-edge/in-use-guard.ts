import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { DataResource, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CRD_API_VERSION } from '../../catalog/manifest-files';
import { MANAGED_BY_LABEL, foundObjects } from '../shared/kubernetes-object';
import { namespacesWhen, objectsInNamespaces } from '../shared/live-objects';

export interface InUseGuardProps {
  /** The IngressClasses of the configured ALB groups. */
  readonly ingressClassNames: readonly string[];
  /** The configured Gateways, `<namespace>/<name>`. */
  readonly gateways: readonly string[];
  /** Those of them that accept ListenerSets. */
  readonly acceptingListenerSets: readonly string[];
}

const MANAGED_BY = Object.entries(MANAGED_BY_LABEL)
  .map(([key, value]) => `${key}=${value}`)
  .join(',');

/** The CRD of Gateways (Gateway API standard channel). */
const GATEWAY_CRD = 'gateways.gateway.networking.k8s.io';

function lookupAddress(lookup: DataKubernetesResources): string {
  return `data.${lookup.terraformResourceType}.${lookup.friendlyUniqueId}`;
}

/** Ingresses that use one of `classes` (a Terraform list of names): `"<namespace>/<name> (<class>)"`. */
export function ingressesUsing(ingresses: string, classes: string): string {
  return `[for ingress in ${ingresses} : "\${ingress.metadata.namespace}/\${ingress.metadata.name} (IngressClass \${ingress.spec.ingressClassName})" if contains(${classes}, try(ingress.spec.ingressClassName, ""))]`;
}

/**
 * Gateways of this project that routes or ListenerSets still use, by the status the controller
 * writes (`status.listeners[].attachedRoutes`: aws-load-balancer-controller v2.14.0
 * controllers/gateway/listener_status_utils.go line 31, v3.5.0 line 37;
 * `status.attachedListenerSets`: docs/guide/gateway/listenersets.md at v3.5.0, "Observability"):
 * those not in `configured` with either, and those no longer in `accepting` with ListenerSets
 * (`allowedListeners` back to `None` detaches them and their listeners leave the ALB).
 */
export function gatewaysInUse(
  gateways: string,
  configured: readonly string[],
  accepting: readonly string[],
): string {
  const name = '"${gateway.metadata.namespace}/${gateway.metadata.name}"';
  const routes =
    'sum(concat([0], [for listener in try(gateway.status.listeners, []) : try(listener.attachedRoutes, 0)]))';
  const sets = 'try(gateway.status.attachedListenerSets, 0)';
  const kept = `contains(${JSON.stringify(configured)}, ${name})`;
  const accepts = `contains(${JSON.stringify(accepting)}, ${name})`;
  const uses = `\${${routes}} attached routes\${${sets} > 0 ? ", \${${sets}} ListenerSets" : ""}`;
  return `[for gateway in ${gateways} : (${kept} ? "Gateway \${gateway.metadata.namespace}/\${gateway.metadata.name} (\${${sets}} ListenerSets, which allowedListeners None detaches)" : "Gateway \${gateway.metadata.namespace}/\${gateway.metadata.name} (${uses})") if (${kept} ? !${accepts} && ${sets} > 0 : ${routes} > 0 || ${sets} > 0)]`;
}

/**
 * Stops a plan that removes what applications still use. An ALB group's IngressClass removed
 * while Ingresses name it leaves the controller failing every reconcile of those Ingresses (the
 * ALB stays, frozen: no target or rule follows the cluster any more); a Gateway removed while
 * routes attach to it takes their ALB away. The plan reads this project's IngressClasses and
 * Gateways (by its `managed-by` label) and, only when one of them is no longer configured, the
 * Ingresses of every namespace; it fails naming each Ingress and Gateway still in use.
 */
export class InUseGuard extends Construct {
  constructor(scope: Construct, id: string, props: InUseGuardProps) {
    super(scope, id);
    const classes = new DataKubernetesResources(this, 'ingress-classes', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      labelSelector: MANAGED_BY,
    });
    const removedClasses = `[for class in ${foundObjects(`${lookupAddress(classes)}.objects`)} : class.metadata.name if !contains(${JSON.stringify(props.ingressClassNames)}, class.metadata.name)]`;
    const ingresses = objectsInNamespaces(this, 'ingresses', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      namespaces: namespacesWhen(this, 'namespaces', `length(${removedClasses}) > 0`),
    });

    // Gateways live in the namespaces this project made for them, where their CRD exists.
    const definition = new DataKubernetesResources(this, 'gateway-definition', {
      apiVersion: CRD_API_VERSION,
      kind: 'CustomResourceDefinition',
      fieldSelector: `metadata.name=${GATEWAY_CRD}`,
    });
    const ownNamespaces = new DataKubernetesResources(this, 'own-namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      labelSelector: MANAGED_BY,
    });
    const definitions = foundObjects(`${lookupAddress(definition)}.objects`);
    const gateways = objectsInNamespaces(this, 'gateways', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      labelSelector: MANAGED_BY,
      namespaces: `length(${definitions}) > 0 ? [for namespace in ${foundObjects(`${lookupAddress(ownNamespaces)}.objects`)} : namespace.metadata.name] : []`,
    });

    const inUse = new TerraformLocal(
      this,
      'in-use',
      `\${concat(${ingressesUsing(ingresses, removedClasses)}, ${gatewaysInUse(gateways, props.gateways, props.acceptingListenerSets)})}`,
    );
    const found = `local.${inUse.friendlyUniqueId}`;
    new DataResource(this, 'check', {
      lifecycle: {
        precondition: [
          {
            condition: Token.asString(`\${length(${found}) == 0}`),
            errorMessage: [
              `ALB groups or Gateways this plan removes are still in use: \${join(", ", ${found})}.`,
              'An Ingress whose IngressClass goes leaves its ALB frozen (the controller fails every reconcile of it); a Gateway that goes takes the ALB of its routes away, and one that stops accepting ListenerSets takes their listeners off it.',
              "Move each Ingress to another ALB group's IngressClass (spec.ingressClassName), each route to another Gateway (parentRefs) and each ListenerSet to another Gateway (parentRef), or delete them, then plan again.",
            ].join(' '),
          },
        ],
      },
    });
  }
}
