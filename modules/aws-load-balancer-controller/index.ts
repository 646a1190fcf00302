import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { mergeValues, valuesYaml } from '../helm-values';
import type { HelmValues } from '../helm-values';
import { boundedName } from '../naming';
import { WorkloadIdentity } from '../workload-identity';
import type { IrsaIdentity, PodIdentity } from '../workload-identity';
import { LbcIamPolicies } from './iam-policy';
import type { Partition } from '../partition';
import type { PolicyFile } from './versions';

export const LBC_CHART_REPOSITORY = 'https://aws.github.io/eks-charts';
export const LBC_CHART = 'aws-load-balancer-controller';

/** Chart values this construct sets from its props; user values may not override them. */
export const LBC_MANAGED_VALUES = [
  'clusterName',
  'region',
  'vpcId',
  'replicaCount',
  'serviceAccount',
] as const;

export interface AwsLoadBalancerControllerProps {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly partition: Partition;
  /** Controller release tag, e.g. v3.5.0. */
  readonly version: string;
  /** Chart version shipping `version`. */
  readonly chartVersion: string;
  readonly policy: { readonly file: PolicyFile; readonly sha256: string };
  /** Replacing the ALB Ingress Controller v1: this policy is attached before the controller starts. */
  readonly migrationPolicy?: { readonly file: PolicyFile; readonly sha256: string };
  readonly identity: IrsaIdentity | PodIdentity;
  /** @default "kube-system" */
  readonly namespace?: string;
  /** @default "aws-load-balancer-controller" */
  readonly serviceAccountName?: string;
  /** @default 2 */
  readonly replicaCount?: number;
  /** Extra chart values, merged under the managed ones. */
  readonly values?: HelmValues;
  /**
   * Gateway API support: turns the controller's feature gates on explicitly and starts it only after
   * the CRDs exist (it looks for them once, at start-up).
   */
  readonly gatewayApi?: {
    readonly alb: boolean;
    readonly nlb: boolean;
    readonly crds: ITerraformDependable[];
  };
  readonly tags?: Record<string, string>;
}

/**
 * The AWS Load Balancer Controller: its upstream IAM policy, a workload identity for its service
 * account and the Helm release. The release waits until the controller is ready, because its
 * mutating webhook rejects Services of later releases until then; it also waits for every policy
 * attachment, so the controller never starts without its permissions.
 */
export class AwsLoadBalancerController extends Construct {
  readonly release: Release;
  readonly identity: WorkloadIdentity;
  readonly policies: LbcIamPolicies;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'kube-system';
    const serviceAccountName = props.serviceAccountName ?? 'aws-load-balancer-controller';
    this.policies = new LbcIamPolicies(this, 'iam', {
      clusterName: props.clusterName,
      controllerVersion: props.version,
      partition: props.partition,
      policy: props.policy,
      migrationPolicy: props.migrationPolicy,
      tags: props.tags,
    });
    this.identity = new WorkloadIdentity(this, 'identity', {
      ...props.identity,
      namespace,
      serviceAccountName,
      roleName: boundedName([props.clusterName, 'aws-load-balancer-controller']),
      tags: props.tags,
    });
    this.identity.attachPolicy('controller', this.policies.controller.policy.arn);
    if (this.policies.migration)
      this.identity.attachPolicy('v1-migration', this.policies.migration.policy.arn);

    const managed: HelmValues = {
      clusterName: props.clusterName,
      region: props.region,
      vpcId: props.vpcId,
      replicaCount: props.replicaCount ?? 2,
      serviceAccount: this.identity.serviceAccount,
    };
    if (props.gatewayApi) {
      managed.controllerConfig = {
        featureGates: { ALBGatewayAPI: props.gatewayApi.alb, NLBGatewayAPI: props.gatewayApi.nlb },
      };
    }
    this.release = new Release(this, 'release', {
      name: 'aws-load-balancer-controller',
      repository: LBC_CHART_REPOSITORY,
      chart: LBC_CHART,
      version: props.chartVersion,
      namespace,
      createNamespace: true,
      values: [valuesYaml(mergeValues(props.values ?? {}, managed))],
      wait: true,
      timeout: 600,
      cleanupOnFail: true,
      maxHistory: 10,
      dependsOn: [...this.identity.grants, ...(props.gatewayApi?.crds ?? [])],
    });
  }
}
