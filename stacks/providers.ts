/**
 * Provider and backend wiring shared by the stacks: every stack talks to exactly one AWS account,
 * keeps its own state, and reaches Kubernetes with short-lived `aws eks get-token` credentials.
 */
import { posix } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import type { HelmProviderConfig } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, LocalBackend, S3Backend } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { BackendConfig, CredentialsConfig, StackAccount } from '../config/model';
import { localStateFile, s3StateKey } from '../config/naming';

/** The AWS provider for one account; `allowed_account_ids` stops a plan against the wrong account. */
export function awsProvider(scope: Construct, props: StackAccount): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: props.region,
    allowedAccountIds: [props.accountId],
    profile: props.credentials?.profile,
    assumeRole: props.credentials?.assumeRoleArn
      ? [{ roleArn: props.credentials.assumeRoleArn, sessionName: 'eks-edge' }]
      : undefined,
    defaultTags: Object.keys(props.tags).length > 0 ? [{ tags: { ...props.tags } }] : undefined,
  });
}

/**
 * State of one stack: a local file (the offline default) or S3 with native lock files. Terraform
 * runs in `cdktf.out/stacks/<stack>/`, so a local path is written relative to that folder to land
 * in the project (not in cdktf.out, which synth rewrites) without an absolute path in the output.
 */
export function stackBackend(
  stack: TerraformStack,
  backend: BackendConfig,
  stackName: string,
): void {
  if (backend.type === 'local') {
    new LocalBackend(stack, {
      path: posix.join('../../..', backend.directory, localStateFile(stackName)),
    });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: s3StateKey(backend.keyPrefix, stackName),
    region: backend.region,
    encrypt: true,
    profile: backend.profile,
    assumeRole: backend.assumeRoleArn ? { roleArn: backend.assumeRoleArn } : undefined,
  });
  // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed option for it.
  s3.addOverride('use_lockfile', true);
}

export interface ClusterConnection {
  readonly clusterName: string;
  readonly region: string;
  readonly endpoint: string;
  /** Base64 CA bundle as returned by `aws_eks_cluster`. */
  readonly certificateAuthorityData: string;
  readonly credentials?: CredentialsConfig;
}

/** `aws eks get-token` for the cluster, with the same identity Terraform uses for AWS. */
function execCredentials(connection: ClusterConnection) {
  const args = [
    'eks',
    'get-token',
    '--cluster-name',
    connection.clusterName,
    '--region',
    connection.region,
  ];
  if (connection.credentials?.assumeRoleArn)
    args.push('--role-arn', connection.credentials.assumeRoleArn);
  if (connection.credentials?.profile) args.push('--profile', connection.credentials.profile);
  return { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args };
}

/**
 * The helm provider (3.x). Its `kubernetes` and `exec` settings are attributes in helm 3.x, but
 * cdktf 0.21's HCL renderer writes them as blocks (`kubernetes { … }`), which helm 3.x rejects.
 * This subclass hands the renderer `kubernetes` as a plain object, so `synth --hcl` writes
 * `kubernetes = { … exec = { … } }`; the JSON output is unchanged.
 */
export class Helm3Provider extends HelmProvider {
  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    // A plain object (the JSON form, already snake_case) is rendered as an object expression.
    return {
      ...super.synthesizeHclAttributes(),
      kubernetes: this.synthesizeAttributes().kubernetes,
    };
  }
}

/** Reads the existing cluster's endpoint and CA, for the Kubernetes-facing providers. */
export function clusterConnection(
  scope: Construct,
  cluster: { clusterName: string; region: string; credentials?: CredentialsConfig },
): ClusterConnection & { eks: DataAwsEksCluster } {
  const eks = new DataAwsEksCluster(scope, 'cluster', { name: cluster.clusterName });
  return {
    eks,
    clusterName: cluster.clusterName,
    region: cluster.region,
    endpoint: eks.endpoint,
    certificateAuthorityData: eks.certificateAuthority.get(0).data,
    credentials: cluster.credentials,
  };
}

export function helmProvider(scope: Construct, connection: ClusterConnection): HelmProvider {
  const config: HelmProviderConfig = {
    kubernetes: {
      host: connection.endpoint,
      clusterCaCertificate: Fn.base64decode(connection.certificateAuthorityData),
      exec: execCredentials(connection),
    },
  };
  return new Helm3Provider(scope, 'helm', config);
}

export function kubernetesProvider(
  scope: Construct,
  connection: ClusterConnection,
): KubernetesProvider {
  return new KubernetesProvider(scope, 'kubernetes', {
    host: connection.endpoint,
    clusterCaCertificate: Fn.base64decode(connection.certificateAuthorityData),
    exec: [execCredentials(connection)],
  });
}
