import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ResolvedLoadBalancerController, RoleOptions } from '../../config/model';
import type { ExistingIrsaRole, IrsaIdentity, PodIdentity } from '../identity/workload-identity';
import { WorkloadIdentity } from '../identity/workload-identity';
import { chartDeployment, releaseDeployments, releaseValues } from '../shared/chart-release';
import type { HelmValues } from '../../config/derived/chart-values';
import { ReleasedResource, pathFromStack } from '../shared/terraform-blocks';
import { LBC_DEFAULT_VALUES, lbcChartValues } from '../../config/derived/lbc-chart-values';
import { RemovedDestroyGuard, destroyGuard } from './destroy-guard';
import { CertificateManagementPolicy } from './certificate-management';
import { gatewayGateGuard } from './gateway-gate-guard';
import { globalAcceleratorGuard } from './global-accelerator-guard';
import { LbcIamPolicies } from './iam-policy';
import { V1MigrationChecks } from './v1-migration-checks';

/** Construct ids of the release and its destroy guard: part of Terraform addresses. */
const RELEASE_ID = 'release';
const DESTROY_GUARD_ID = 'destroy-guard';

export interface AwsLoadBalancerControllerProps {
  readonly controller: ResolvedLoadBalancerController;
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly partition: 'aws' | 'aws-cn' | 'aws-us-gov';
  /** How the controller's service account gets its role. */
  readonly identity: IrsaIdentity | PodIdentity | ExistingIrsaRole;
  readonly roleOptions: RoleOptions;
  /** How the destroy check's AWS CLI gets into the cluster's account. */
  readonly credentials?: { readonly assumeRoleArn?: string; readonly profile?: string };
  /** The CRDs it needs: applied before it starts (it looks for the Gateway API ones only then). */
  readonly crds: ITerraformDependable[];
  /** The cluster's edge stack, named in what the plan checks says. */
  readonly edgeStackName: string;
}

/**
 * The AWS Load Balancer Controller: its upstream IAM policy, a workload identity for its service
 * account and the Helm release. The release waits until the controller is ready, because its
 * mutating webhook rejects Services of later releases until then; it also waits for every policy
 * attachment, so the controller never starts without its permissions.
 */
export class AwsLoadBalancerController extends Construct {
  /**
   * Where a controller with this construct id kept its destroy guard: a configuration without the
   * controller still runs the guard before the old release goes.
   */
  static removedDestroyGuard(scope: Construct, id: string, acceptOrphans: boolean): void {
    new RemovedDestroyGuard(
      scope,
      `${id}-destroy-guard-removed`,
      [id, DESTROY_GUARD_ID],
      acceptOrphans,
    );
  }

  /** The Helm release, unless another tool deploys the chart (`deploy: iam-only`). */
  readonly release?: Release;
  /** The values this project gives the chart (an output for the tool that deploys it). */
  readonly chartValues: HelmValues;
  readonly identity: WorkloadIdentity;
  readonly policies: LbcIamPolicies;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerProps) {
    super(scope, id);
    const { controller } = props;
    this.policies = new LbcIamPolicies(this, 'iam', {
      release: controller.release,
      partition: props.partition,
      names: controller.names,
    });
    this.identity = new WorkloadIdentity(this, 'identity', {
      mechanism: props.identity,
      serviceAccount: controller.serviceAccount,
      roleName: controller.names.role,
      roleOptions: props.roleOptions,
    });
    this.identity.attachPolicy('controller', this.policies.controller.policy.arn);
    if (this.policies.migration) {
      this.identity.attachPolicy('v1-migration', this.policies.migration.policy.arn);
    }
    if (controller.certificateManagement) {
      const certificates = new CertificateManagementPolicy(this, 'certificate-management', {
        settings: controller.certificateManagement,
        partition: props.partition,
        name: controller.names.certificateManagementPolicy,
      });
      this.identity.attachPolicy('certificate-management', certificates.policy.arn);
    }
    if (this.policies.globalAccelerator) {
      this.identity.attachPolicy('global-accelerator', this.policies.globalAccelerator.policy.arn);
    }
    new V1MigrationChecks(this, 'v1-migration', {
      clusterName: props.clusterName,
      region: props.region,
      vpcId: props.vpcId,
      migrating: this.policies.migration !== undefined,
      guide: 'docs/scenarios/v1-migration.md',
    });
    const chart = {
      releaseName: controller.releaseName,
      chart: controller.chart,
      templatedValues: controller.release.templatedValues,
      namespace: controller.serviceAccount.namespace,
      managedValues: lbcChartValues({
        clusterName: props.clusterName,
        region: props.region,
        vpcId: props.vpcId,
        replicaCount: controller.replicaCount,
        serviceAccount: controller.serviceAccount,
        serviceAccountAnnotations: this.identity.serviceAccountAnnotations,
        podAnnotations: this.identity.podAnnotations,
        featureGates: controller.featureGates,
        capabilityGates: controller.capabilityGates,
        options: controller.chartOptions,
      }),
      userValues: controller.values,
      defaultValues: LBC_DEFAULT_VALUES,
      timeoutSeconds: 600,
      dependsOn: [...this.identity.grants, ...props.crds],
      // Only a release this project deploys sets the feature gates: only then are they checked.
      preconditions: controller.deploy === 'helm' ? this.gateGuards(controller, props) : [],
      serviceAccount: controller.serviceAccount,
      identity: this.identity,
      // Its upstream policy is pinned to its version: no upgrade on another tool's role.
      pinnedVersion: { deployment: controller.releaseName, version: controller.release.version },
    };
    this.chartValues = releaseValues(chart);
    this.release = chartDeployment(this, RELEASE_ID, controller.deploy, chart);
    if (!this.release) {
      // Another tool runs the controller: its destroy guard goes with the release, forgotten.
      new ReleasedResource(this, `${DESTROY_GUARD_ID}-released`, {
        type: 'terraform_data',
        path: [...pathFromStack(this), DESTROY_GUARD_ID],
      });
      return;
    }
    destroyGuard(this, DESTROY_GUARD_ID, {
      clusterName: props.clusterName,
      region: props.region,
      roleArn: props.credentials?.assumeRoleArn,
      profile: props.credentials?.profile,
      acceptOrphans: controller.acceptOrphansOnDestroy,
      release: this.release,
    });
  }

  /** The checks that keep a feature gate from going off while what it serves still exists. */
  private gateGuards(
    controller: ResolvedLoadBalancerController,
    props: AwsLoadBalancerControllerProps,
  ): { condition: string; errorMessage: string }[] {
    const gateway = gatewayGateGuard(this, {
      featureGates: controller.featureGates,
      edgeStackName: props.edgeStackName,
    });
    if (controller.globalAccelerator) return gateway;
    const running = releaseDeployments(this, RELEASE_ID, {
      namespace: controller.serviceAccount.namespace,
      releaseName: controller.releaseName,
    });
    return [...gateway, ...globalAcceleratorGuard(this, { running })];
  }
}
