import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import type { Construct } from 'constructs';
import { foundObjects } from '../shared/kubernetes-object';

export interface TxtOwnerGuardProps {
  readonly releaseName: string;
  readonly namespace: string;
  readonly txtOwnerId: string;
  /** The previous owner id the configuration hands records over from. */
  readonly migrateFromTxtOwner?: string;
}

/** The `--txt-owner-id=` values of every container of the deployments `objects` names. */
export function runningOwnerIds(objects: string): string {
  const args = `flatten([for deployment in ${objects} : [for container in deployment.spec.template.spec.containers : try(container.args, [])]])`;
  return `[for arg in ${args} : trimprefix(arg, "--txt-owner-id=") if startswith(arg, "--txt-owner-id=")]`;
}

/** The condition the plan checks: every running owner id is the configured one (or the one migrated from). */
export function ownerIdCondition(objects: string, props: TxtOwnerGuardProps): string {
  const allowed = JSON.stringify([
    props.txtOwnerId,
    ...(props.migrateFromTxtOwner ? [props.migrateFromTxtOwner] : []),
  ]);
  return `alltrue([for owner in ${runningOwnerIds(objects)} : contains(${allowed}, owner)])`;
}

/**
 * Stops a plan that would change an ExternalDNS instance's TXT owner id by accident: ExternalDNS
 * updates and deletes only records that carry its owner id, so a new id orphans every record it
 * made. The plan reads the running Deployment of the release (by the chart's instance label) and
 * fails unless it runs with the configured owner id, or with the one `migrateFromTxtOwner` names.
 * Synth cannot see the previous value; the cluster can.
 */
export function txtOwnerGuard(
  scope: Construct,
  id: string,
  props: TxtOwnerGuardProps,
): DataKubernetesResources {
  const objects = foundObjects('self.objects');
  return new DataKubernetesResources(scope, id, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: props.namespace,
    labelSelector: `app.kubernetes.io/instance=${props.releaseName}`,
    lifecycle: {
      postcondition: [
        {
          condition: `\${${ownerIdCondition(objects, props)}}`,
          errorMessage: `ExternalDNS ${props.namespace}/${props.releaseName} runs with another TXT owner id than ${props.txtOwnerId}: with the new id it would stop owning every record it created. Keep txtOwnerId at the running id, or set migrateFromTxtOwner to it so that ExternalDNS takes those records over.`,
        },
      ],
    },
  });
}
