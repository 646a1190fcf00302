import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { ImportIfExists, ReleasedResource, pathFromStack } from './terraform-blocks';
import { literalStrings } from './terraform-string';
import type { Construct } from 'constructs';
import type { ChartDeploy, ChartRef, WorkloadServiceAccount } from '../../config/model';
import { serviceAccountChecks } from './service-account-checks';
import type { TemplatedValue } from '../../catalog/chart-templating';
import { chartValues, protectFromTpl, valuesYaml } from '../../config/derived/chart-values';
import type { HelmValues } from '../../config/derived/chart-values';
import { foundObjects } from './kubernetes-object';

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
  /** Where the chart renders values through `tpl` (catalog). */
  readonly templatedValues: readonly TemplatedValue[];
  /** How long Helm waits for the release to be ready. */
  readonly timeoutSeconds: number;
  /** What must exist before the pods start (permissions, CRDs, other releases). */
  readonly dependsOn: ITerraformDependable[];
  /** What the plan checks before it may change the release. */
  readonly preconditions?: { readonly condition: string; readonly errorMessage: string }[];
  /** The workload's service account, checked before the release (see serviceAccountChecks). */
  readonly serviceAccount: WorkloadServiceAccount;
  /** The workload's identity, which says what the service account's IRSA annotation must hold. */
  readonly identity: { readonly irsaRoleArn?: string };
  /** Where the workload's permissions are pinned to its version (see serviceAccountChecks). */
  readonly pinnedVersion?: { readonly deployment: string; readonly version: string };
}

/** The values a release of the chart gets (strings as Terraform must read them literally). */
export function releaseValues(
  props: Pick<
    ChartReleaseProps,
    'managedValues' | 'userValues' | 'defaultValues' | 'templatedValues'
  >,
): HelmValues {
  const values = chartValues(props.managedValues, { ...props.userValues }, props.defaultValues);
  return literalStrings(protectFromTpl(values, props.templatedValues)) as HelmValues;
}

/**
 * The chart's release, or (`iam-only`) none: a release this project installed before is released
 * (Terraform forgets it, the workload keeps running), so that the other tool takes it over
 * instead of finding it uninstalled.
 */
export function chartDeployment(
  scope: Construct,
  id: string,
  deploy: ChartDeploy,
  props: ChartReleaseProps,
): Release | undefined {
  if (deploy === 'helm') return chartRelease(scope, id, props);
  new ReleasedResource(scope, `${id}-released`, {
    type: Release.tfResourceType,
    path: [...pathFromStack(scope), id],
  });
  return undefined;
}

/**
 * A Helm release installed the same way for every chart: in its own namespace (created if
 * missing), all values as one YAML document, waiting until the workload is ready (so what depends
 * on it really can use it), rolled back on failure, with a bounded history.
 */
export function chartRelease(scope: Construct, id: string, props: ChartReleaseProps): Release {
  const preconditions = [
    ...(props.preconditions ?? []),
    ...serviceAccountChecks(
      scope,
      props.releaseName,
      props.serviceAccount,
      props.identity,
      props.pinnedVersion,
    ),
  ];
  const release = new Release(scope, id, {
    name: props.releaseName,
    repository: props.chart.repository,
    chart: props.chart.name,
    version: props.chart.version,
    namespace: props.namespace,
    createNamespace: true,
    values: [valuesYaml(releaseValues(props))],
    wait: true,
    timeout: props.timeoutSeconds,
    cleanupOnFail: true,
    maxHistory: 10,
    dependsOn: props.dependsOn,
    lifecycle: preconditions.length
      ? { precondition: preconditions.map((p) => ({ ...p })) }
      : undefined,
  });
  adoptExistingRelease(scope, id, release, props);
  return release;
}

/**
 * A release installed before, by Helm, eksctl or an earlier tool, is imported (then upgraded in
 * place to these values) instead of failing as a release that already exists. Helm labels the
 * chart's Deployment `app.kubernetes.io/managed-by=Helm` and `app.kubernetes.io/instance=<release>`
 * (both charts' templates/_helpers.tpl); its release records are Secrets full of values, which
 * the plan is better off not reading.
 */
function adoptExistingRelease(
  scope: Construct,
  id: string,
  release: Release,
  props: ChartReleaseProps,
): void {
  new ImportIfExists(scope, `${id}-adopt`, {
    to: `${Release.tfResourceType}.${release.friendlyUniqueId}`,
    importId: `${props.namespace}/${props.releaseName}`,
    exists: `length(${releaseDeployments(scope, id, props)}) > 0`,
  });
}

/**
 * The Deployments a Helm release of this name runs in the cluster as the plan finds them (a
 * Terraform list; empty before the first install): one lookup per release, which the release's
 * own checks may read before it is made.
 */
export function releaseDeployments(
  scope: Construct,
  id: string,
  props: Pick<ChartReleaseProps, 'namespace' | 'releaseName'>,
): string {
  const lookupId = `${id}-deployed`;
  const deployed =
    (scope.node.tryFindChild(lookupId) as DataKubernetesResources | undefined) ??
    new DataKubernetesResources(scope, lookupId, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: props.namespace,
      labelSelector: `app.kubernetes.io/instance=${props.releaseName},app.kubernetes.io/managed-by=Helm`,
    });
  return foundObjects(
    `data.${DataKubernetesResources.tfResourceType}.${deployed.friendlyUniqueId}.objects`,
  );
}
