import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { DataResource, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { IDENTITY_ANNOTATION } from '../../config/derived/chart-values';
import { foundObjects } from '../shared/kubernetes-object';
import { objectsInNamespaces } from '../shared/live-objects';

export interface TxtOwnerGuardProps {
  /** The releases of the cluster's configured ExternalDNS instances. */
  readonly releases: readonly { readonly namespace: string; readonly name: string }[];
  /**
   * Every owner id whose records stay owned: each instance's `txtOwnerId` and the one it
   * migrates from.
   */
  readonly ownedIds: readonly string[];
  /** Owner ids whose records the configuration leaves unmanaged on purpose. */
  readonly retiredIds: readonly string[];
}

/** The chart's name label (charts/external-dns/templates/_helpers.tpl, `external-dns.selectorLabels`). */
const CHART_SELECTOR = 'app.kubernetes.io/name=external-dns';

/** The `--txt-owner-id=` values of the containers of `deployment` (a Terraform expression). */
export function runningOwnerIds(deployment: string): string {
  const args = `flatten([for container in ${deployment}.spec.template.spec.containers : try(container.args, [])])`;
  return `[for arg in ${args} : trimprefix(arg, "--txt-owner-id=") if startswith(arg, "--txt-owner-id=")]`;
}

/**
 * The running ExternalDNS Deployments of this project whose owner id no configured instance
 * keeps: `"<namespace>/<name> (<owner id>)"`. Of this project: its pods carry the identity
 * annotation, or it is the Deployment of a configured release (one about to be adopted, say).
 */
export function ownerlessDeployments(deployments: string, props: TxtOwnerGuardProps): string {
  const kept = JSON.stringify([...props.ownedIds, ...props.retiredIds]);
  const releases = JSON.stringify(props.releases.map((r) => `${r.namespace}/${r.name}`));
  const release = `"\${deployment.metadata.namespace}/\${try(deployment.metadata.labels["app.kubernetes.io/instance"], "")}"`;
  const ours = `(try(deployment.spec.template.metadata.annotations[${JSON.stringify(IDENTITY_ANNOTATION)}], null) != null || contains(${releases}, ${release}))`;
  return `flatten([for deployment in ${deployments} : [for owner in ${runningOwnerIds('deployment')} : "\${deployment.metadata.namespace}/\${deployment.metadata.name} (\${owner})" if !contains(${kept}, owner)] if ${ours}])`;
}

/**
 * Stops a plan that would leave records without their owner: ExternalDNS updates and deletes only
 * records that carry its TXT owner id, so an instance that runs with a new id (its `txtOwnerId`
 * changed, or derives from a renamed instance, cluster or environment), or is removed, leaves
 * every record it made unmanaged for good. The plan reads what runs: every ExternalDNS Deployment
 * this project installed, in the namespaces of the configured instances and in those the chart's
 * ClusterRoleBindings name (where a renamed or removed instance ran), and fails while one runs
 * with an owner id that no configured instance keeps (as its `txtOwnerId` or the one it migrates
 * from) and that `retiredTxtOwnerIds` does not release. Synth cannot see the previous
 * configuration; the cluster can.
 */
export class TxtOwnerGuard extends Construct {
  constructor(scope: Construct, id: string, props: TxtOwnerGuardProps) {
    super(scope, id);
    const bindings = new DataKubernetesResources(this, 'bindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      labelSelector: CHART_SELECTOR,
    });
    const bound = `flatten([for binding in ${foundObjects(`data.${bindings.terraformResourceType}.${bindings.friendlyUniqueId}.objects`)} : [for subject in try(binding.subjects, []) : try(subject.namespace, "")]])`;
    const deployments = objectsInNamespaces(this, 'deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      labelSelector: CHART_SELECTOR,
      namespaces: `compact(concat(${JSON.stringify([...new Set(props.releases.map((r) => r.namespace))])}, ${bound}))`,
    });
    const ownerless = new TerraformLocal(
      this,
      'ownerless',
      `\${${ownerlessDeployments(deployments, props)}}`,
    );
    const found = `local.${ownerless.friendlyUniqueId}`;
    new DataResource(this, 'check', {
      lifecycle: {
        precondition: [
          {
            condition: `\${length(${found}) == 0}`,
            errorMessage: [
              `ExternalDNS runs with TXT owner ids that no instance of this configuration keeps: \${join(", ", ${found})}.`,
              'After this deploy nothing would update or delete the records they own.',
              'Renamed an instance (or its cluster or environment)? Set its txtOwnerId to the running id, or set migrateFromTxtOwner to it so that the instance takes those records over.',
              'Removed an instance on purpose? List its owner id in retiredTxtOwnerIds of the cluster: its records stay in the zones, unmanaged.',
            ].join(' '),
          },
        ],
      },
    });
  }
}
