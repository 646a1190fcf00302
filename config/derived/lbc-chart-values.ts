/**
 * The chart values this project sets for the AWS Load Balancer Controller (the managed values).
 * Pure: the configuration checks build them too, to reject user values that would override them.
 */
import type { LbcChartOptions, WorkloadServiceAccount } from '../model';
import { serviceAccountValues } from './chart-values';
import type { HelmValues } from './chart-values';

export interface LbcChartValuesProps {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly serviceAccount: WorkloadServiceAccount;
  /** Annotations the workload identity needs on the service account (IRSA: the role ARN). */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** The workload identity in words: a change rolls the pods onto the new credentials. */
  readonly podAnnotations: Record<string, string>;
  /** The Gateway API feature gates, where the release has them. */
  readonly featureGates?: Readonly<Record<string, boolean>>;
  /** Gates the settings turn on (the Global Accelerator controller, certificate management). */
  readonly capabilityGates?: readonly string[];
  /** Chart options a setting chooses (absent: the chart's default, which `values` may set). */
  readonly options?: LbcChartOptions;
}

export function lbcChartValues(props: LbcChartValuesProps): HelmValues {
  const values: HelmValues = {
    clusterName: props.clusterName,
    region: props.region,
    vpcId: props.vpcId,
    replicaCount: props.replicaCount,
    serviceAccount: serviceAccountValues(props.serviceAccount, props.serviceAccountAnnotations),
    podAnnotations: props.podAnnotations,
  };
  const featureGates = {
    ...props.featureGates,
    ...Object.fromEntries((props.capabilityGates ?? []).map((gate) => [gate, true])),
  };
  if (Object.keys(featureGates).length > 0) values.controllerConfig = { featureGates };
  for (const [key, value] of Object.entries(props.options ?? {}))
    if (value !== undefined) values[key] = value;
  return values;
}

/**
 * Recommended values the user may change: a disruption budget, so that draining a node never
 * evicts every controller pod at once (their webhook would then reject every Service and Ingress
 * change in the cluster). The chart creates it only with more than one replica.
 */
export const LBC_DEFAULT_VALUES: HelmValues = { podDisruptionBudget: { maxUnavailable: 1 } };
