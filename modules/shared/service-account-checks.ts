import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { IRSA_ROLE_ANNOTATION } from '../../catalog/eks';
import type { ServiceAccountRef, WorkloadServiceAccount } from '../../config/model';
import { CheckBlock } from './terraform-blocks';
import { foundObjects } from './kubernetes-object';

export interface ExistingServiceAccountProps {
  readonly serviceAccount: ServiceAccountRef;
  /** The release that uses it. */
  readonly releaseName: string;
  /**
   * A Terraform expression: the IRSA role ARN the service account must name (the workload's
   * role, with IRSA), or none (`undefined`: Pod Identity or node role, where an IRSA annotation
   * would win over them).
   */
  readonly irsaRoleArn?: string;
  /**
   * The workload's version, where its permissions are pinned to it (the controller's upstream
   * policy): the plan stops before an upgrade while the pods run on a role that is not the
   * identity's, since that role lacks the pinned policy of the new version.
   */
  readonly pinnedVersion?: { readonly deployment: string; readonly version: string };
}

/** Helm's annotations on what it made for a release, and its "keep" policy (pkg/kube/client.go). */
const HELM_RELEASE_NAME = 'meta.helm.sh/release-name';
const HELM_RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace';
const HELM_RESOURCE_POLICY = 'helm.sh/resource-policy';
/** The label Helm requires, with those annotations, to take an object into a release. */
const HELM_MANAGED_BY = 'app.kubernetes.io/managed-by';

/** The service account as the cluster has it when the plan is made, and what it carries. */
function lookupServiceAccount(scope: Construct, { namespace, name }: ServiceAccountRef) {
  const lookup = new DataKubernetesResources(scope, 'lookup', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    namespace,
    fieldSelector: `metadata.name=${name}`,
  });
  const found = foundObjects(
    `data.${DataKubernetesResources.tfResourceType}.${lookup.friendlyUniqueId}.objects`,
  );
  const annotation = (key: string) =>
    `try(${found}[0].metadata.annotations[${JSON.stringify(key)}], "")`;
  const label = (key: string) => `try(${found}[0].metadata.labels[${JSON.stringify(key)}], "")`;
  const ownRelease = (releaseName: string) =>
    `${annotation(HELM_RELEASE_NAME)} == ${JSON.stringify(releaseName)} && ${annotation(HELM_RELEASE_NAMESPACE)} == ${JSON.stringify(namespace)}`;
  return { found, annotation, label, ownRelease };
}

/**
 * The check for a chart that creates its service account (`createServiceAccount: true`): the plan
 * stops while a service account of that name exists that Helm may not take into the release.
 * Helm takes an existing object only with the `app.kubernetes.io/managed-by: Helm` label and the
 * release's name and namespace annotations (helm `pkg/action/validate.go`, `checkOwnership`);
 * one that eksctl or kubectl made fails the install or upgrade halfway, after the IAM changes.
 */
export class ChartServiceAccount extends Construct {
  readonly preconditions: { readonly condition: string; readonly errorMessage: string }[];

  constructor(scope: Construct, id: string, props: ExistingServiceAccountProps) {
    super(scope, id);
    const { namespace, name } = props.serviceAccount;
    const { found, label, ownRelease } = lookupServiceAccount(this, props.serviceAccount);
    this.preconditions = [
      {
        condition: `\${length(${found}) == 0 || (${label(HELM_MANAGED_BY)} == "Helm" && ${ownRelease(props.releaseName)})}`,
        errorMessage: `The service account ${namespace}/${name} exists, and Helm does not own it for the release ${props.releaseName} (eksctl or kubectl made it): with createServiceAccount true, Helm would refuse to take it over and the release would fail. Use it as it is: set createServiceAccount false (the plan then checks its IRSA annotation). Or delete it, so that the chart makes it.`,
      },
    ];
  }
}

/**
 * The checks for a chart that uses an existing service account (`createServiceAccount: false`):
 * - the plan stops while the service account is missing: the pods could not start, and the
 *   release would wait its whole timeout before failing;
 * - the plan stops while Helm made it for this release and may delete it: Helm deletes what leaves
 *   a release's manifest unless it is annotated `helm.sh/resource-policy: keep` (helm
 *   `pkg/kube/client.go`, `Update`, the loop over `original.Difference(target)`), so turning
 *   `createServiceAccount` off would delete the running workload's service account;
 * - every plan warns while its IRSA annotation is not what the identity needs, and where the
 *   workload's permissions are pinned to its version, the plan stops before an upgrade then.
 * The stops are preconditions of the release (returned); the warning is a check block.
 */
export class ExistingServiceAccount extends Construct {
  readonly preconditions: { readonly condition: string; readonly errorMessage: string }[];

  constructor(scope: Construct, id: string, props: ExistingServiceAccountProps) {
    super(scope, id);
    const { namespace, name } = props.serviceAccount;
    const who = `${namespace}/${name}`;
    const { found, annotation, ownRelease } = lookupServiceAccount(this, props.serviceAccount);
    this.preconditions = [
      {
        condition: `\${length(${found}) > 0}`,
        errorMessage: `The service account ${who} does not exist, and with createServiceAccount false the chart does not create it: the pods of ${props.releaseName} could not start. Create it first (for example eksctl create iamserviceaccount, or kubectl create serviceaccount), or set createServiceAccount true.`,
      },
      {
        condition: `\${!(${ownRelease(props.releaseName)}) || ${annotation(HELM_RESOURCE_POLICY)} == "keep"}`,
        errorMessage: `Helm made the service account ${who} for the release ${props.releaseName}: with createServiceAccount false the upgrade would delete it. Keep it first: kubectl -n ${namespace} annotate serviceaccount ${name} ${HELM_RESOURCE_POLICY}=keep. Or keep createServiceAccount true.`,
      },
    ];
    const current = new TerraformLocal(
      this,
      'irsa-role',
      `\${${annotation(IRSA_ROLE_ANNOTATION)}}`,
    );
    const expected = props.irsaRoleArn ?? '""';
    const currentRole = `local.${current.friendlyUniqueId}`;
    if (props.pinnedVersion)
      this.preconditions.push(this.upgradeGuard(props, props.pinnedVersion, currentRole, expected));
    new CheckBlock(this, 'identity', {
      condition: `length(${found}) == 0 || ${currentRole} == ${expected}`,
      errorMessage: props.irsaRoleArn
        ? `The service account ${who} is not annotated ${IRSA_ROLE_ANNOTATION} with this project's role, \${${expected}} (it names: \${${currentRole}}): its pods run with other credentials, or none. Annotate it: kubectl -n ${namespace} annotate serviceaccount ${name} --overwrite ${IRSA_ROLE_ANNOTATION}=<that ARN>, then restart the pods.`
        : `The service account ${who} names the IRSA role \${${currentRole}} (annotation ${IRSA_ROLE_ANNOTATION}), which wins over the Pod Identity association or node role: its pods keep that role. When the new identity is in place, remove it: kubectl -n ${namespace} annotate serviceaccount ${name} ${IRSA_ROLE_ANNOTATION}-, then restart the pods.`,
    });
  }

  /**
   * The version the workload runs (its Deployment's image tag, none before the first install) may
   * change only while the pods run on the identity's role, which carries the pinned policy.
   */
  private upgradeGuard(
    props: ExistingServiceAccountProps,
    pinned: NonNullable<ExistingServiceAccountProps['pinnedVersion']>,
    currentRole: string,
    expected: string,
  ): { readonly condition: string; readonly errorMessage: string } {
    const { deployment, version } = pinned;
    const { namespace, name } = props.serviceAccount;
    const lookup = new DataKubernetesResources(this, 'running', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace,
      fieldSelector: `metadata.name=${deployment}`,
    });
    const objects = `data.${DataKubernetesResources.tfResourceType}.${lookup.friendlyUniqueId}.objects`;
    const images = `[for d in ${foundObjects(objects)} : d.spec.template.spec.containers[0].image]`;
    const running = new TerraformLocal(
      this,
      'running-version',
      `\${try(regex(":([^:@]+)$", ${images}[0])[0], "")}`,
    );
    const runs = `local.${running.friendlyUniqueId}`;
    return {
      condition: `\${${runs} == "" || ${runs} == ${JSON.stringify(version)} || ${currentRole} == ${expected}}`,
      errorMessage: `The controller runs \${${runs}} on the IRSA role \${${currentRole}} (the annotation of ${namespace}/${name}), not on the role that carries the pinned policy of ${version}: the upgrade would run ${version} without the permissions of its release. Adopt that role, so that the pinned policy is attached to it (loadBalancerController.existingRoleArn: <its ARN>), or move the annotation to this project's role (kubectl -n ${namespace} annotate serviceaccount ${name} --overwrite ${IRSA_ROLE_ANNOTATION}=<the role ARN in the lbc_role_arn output>, or remove it with Pod Identity), restart the pods, and plan again. Or keep version at the running one until then.`,
    };
  }
}

/**
 * The preconditions of a release about its service account: one the chart creates must be
 * Helm's to take, one it does not must exist and be safe from Helm.
 */
export function serviceAccountChecks(
  scope: Construct,
  releaseName: string,
  serviceAccount: WorkloadServiceAccount,
  identity: { readonly irsaRoleArn?: string },
  pinnedVersion?: ExistingServiceAccountProps['pinnedVersion'],
): ExistingServiceAccount['preconditions'] {
  if (serviceAccount.createdByChart)
    return new ChartServiceAccount(scope, 'chart-service-account', { serviceAccount, releaseName })
      .preconditions;
  return new ExistingServiceAccount(scope, 'existing-service-account', {
    serviceAccount,
    releaseName,
    irsaRoleArn: identity.irsaRoleArn,
    pinnedVersion,
  }).preconditions;
}
