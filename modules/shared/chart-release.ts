import { Release } from '@cdktf/provider-helm/lib/release';
import { Token } from 'cdktf';
import type { ITerraformDependable } from 'cdktf';
import { terraformLiteral } from './terraform-string';
import type { Construct } from 'constructs';
import type { ChartRef } from '../../config/model';
import { chartValues, valuesYaml } from './chart-values';
import type { HelmValues } from './chart-values';

export interface ChartReleaseProps {
  readonly releaseName: string;
  readonly chart: ChartRef;
  readonly namespace: string;
  /** Values this project derives from the configuration; they win over `userValues`. */
  readonly managedValues: HelmValues;
  /** The user's values (checked at validation not to set a managed value). */
  readonly userValues: Readonly<HelmValues>;
  /** What the project recommends where the chart's default falls short; the user may change it. */
  readonly defaultValues?: HelmValues;
  /** How long Helm waits for the release to be ready. */
  readonly timeoutSeconds: number;
  /** What must exist before the pods start (permissions, CRDs, other releases). */
  readonly dependsOn: ITerraformDependable[];
  /** What the plan checks before it may change the release. */
  readonly preconditions?: { readonly condition: string; readonly errorMessage: string }[];
}

/**
 * Every string of the values as Terraform must read it literally: a user's `%{record_type}` or
 * `${…}` would otherwise be a Terraform template in `cdk.tf.json`. References this project puts
 * in (cdktf tokens, such as a role ARN) stay references.
 */
function literalStrings(value: unknown): unknown {
  if (typeof value === 'string') return Token.isUnresolved(value) ? value : terraformLiteral(value);
  if (Array.isArray(value)) return value.map(literalStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalStrings(v)]));
  }
  return value;
}

/**
 * A Helm release installed the same way for every chart: in its own namespace (created if
 * missing), all values as one YAML document, waiting until the workload is ready (so what depends
 * on it really can use it), rolled back on failure, with a bounded history.
 */
export function chartRelease(scope: Construct, id: string, props: ChartReleaseProps): Release {
  return new Release(scope, id, {
    name: props.releaseName,
    repository: props.chart.repository,
    chart: props.chart.name,
    version: props.chart.version,
    namespace: props.namespace,
    createNamespace: true,
    values: [
      valuesYaml(
        literalStrings(
          chartValues(props.managedValues, { ...props.userValues }, props.defaultValues),
        ) as HelmValues,
      ),
    ],
    wait: true,
    timeout: props.timeoutSeconds,
    cleanupOnFail: true,
    maxHistory: 10,
    dependsOn: props.dependsOn,
    lifecycle: props.preconditions?.length
      ? { precondition: props.preconditions.map((p) => ({ ...p })) }
      : undefined,
  });
}
