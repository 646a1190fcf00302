/**
 * The EKS Pod Identity Agent add-on of a cluster, which every pod-identity workload of the cluster
 * depends on, this project's or not.
 */
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import type { TerraformStack } from 'cdktf';
import { POD_IDENTITY_AGENT } from '../../catalog/eks';
import { foundObjects } from '../shared/kubernetes-object';
import { ImportIfExists } from '../shared/terraform-blocks';

/**
 * The EKS Pod Identity Agent add-on: adopted where the cluster runs the add-on's DaemonSet
 * already (made by the console, eksctl or another tool), so it is never made again; with
 * `preserve`, a destroy or removal leaves the agent running for every other workload.
 */
export function podIdentityAgent(
  stack: TerraformStack,
  clusterName: string,
  { preserve }: { readonly preserve: boolean },
): EksAddon {
  const addon = new EksAddon(stack, 'pod-identity-agent', {
    clusterName,
    addonName: POD_IDENTITY_AGENT.addon,
    resolveConflictsOnCreate: 'OVERWRITE',
    resolveConflictsOnUpdate: 'PRESERVE',
    preserve,
  });
  const running = new DataKubernetesResources(stack, 'pod-identity-agent-running', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    namespace: POD_IDENTITY_AGENT.namespace,
    fieldSelector: `metadata.name=${POD_IDENTITY_AGENT.daemonSet}`,
  });
  const objects = `data.${DataKubernetesResources.tfResourceType}.${running.friendlyUniqueId}.objects`;
  new ImportIfExists(stack, 'pod-identity-agent-adopt', {
    to: `${EksAddon.tfResourceType}.${addon.friendlyUniqueId}`,
    importId: `${clusterName}:${POD_IDENTITY_AGENT.addon}`,
    exists: `length(${foundObjects(objects)}) > 0`,
  });
  return addon;
}
