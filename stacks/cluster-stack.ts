import type { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import type { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { HttpProvider } from '@cdktf/provider-http/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { Fn, TerraformOutput } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { ProjectStack } from './project-stack';
import type { Construct } from 'constructs';
import type { ResolvedCluster, WorkloadIdentityMode } from '../config/model';
import { AwsLoadBalancerController } from '../modules/aws-load-balancer-controller';
import { ControllerCrds } from '../modules/aws-load-balancer-controller/crds';
import { externalDnsCrds } from '../modules/external-dns/crds';
import { SubnetDiscoveryTags } from '../modules/aws-load-balancer-controller/subnet-discovery-tags';
import { AutoModeLoadBalancingChecks } from '../modules/eks-auto-mode/load-balancing-checks';
import { ExternalDns } from '../modules/external-dns';
import { TxtOwnerGuard } from '../modules/external-dns/txt-owner-guard';
import { EksOidcProvider } from '../modules/identity/eks-oidc-provider';
import { podIdentityAgent } from '../modules/identity/pod-identity-agent';
import { ReleasedResource } from '../modules/shared/terraform-blocks';
import type {
  IdentityMechanism,
  IrsaIdentity,
  PodIdentity,
} from '../modules/identity/workload-identity';
import {
  awsProvider,
  clusterConnection,
  helmProvider,
  kubernetesProvider,
  stackBackend,
} from './providers';

/** Construct id of the controller: part of its resources' Terraform addresses. */
const LBC_ID = 'aws-load-balancer-controller';

/**
 * Everything in the cluster's account for one existing EKS cluster: subnet discovery tags, the
 * IAM OIDC provider (when IRSA is used), and the controllers with their identities and releases.
 * Tags come from the AWS provider's `default_tags`, so resources do not repeat them.
 */
export class ClusterStack extends ProjectStack {
  readonly loadBalancerController?: AwsLoadBalancerController;
  readonly externalDns: ExternalDns[];

  constructor(scope: Construct, cluster: ResolvedCluster) {
    super(scope, cluster.stackName);
    stackBackend(this, cluster.backend, cluster.stackName);
    awsProvider(this, cluster);

    const connection = clusterConnection(this, cluster);
    helmProvider(this, connection);

    new SubnetDiscoveryTags(this, 'subnet-tags', {
      clusterName: cluster.clusterName,
      roleTags: cluster.subnetTags,
      releasedRoleTags: cluster.subnetTags.released,
      clusterSharedSubnetIds: cluster.subnetTags.clusterShared,
    });

    const identities = new IdentityMechanisms(this, cluster, connection.eks);
    const lbc = cluster.loadBalancerController;
    // Kubernetes objects and reads: the CRDs, the owner-id guard of ExternalDNS, and the Pod
    // Identity agent's DaemonSet.
    const autoMode = cluster.loadBalancing !== 'controller';
    if (lbc || cluster.externalDns.length > 0 || cluster.unusedCrds === 'delete' || autoMode) {
      kubernetesProvider(this, connection);
      new TxtOwnerGuard(this, 'txt-owner-guard', {
        releases: cluster.externalDns.map((i) => ({
          namespace: i.serviceAccount.namespace,
          name: i.releaseName,
        })),
        ownedIds: cluster.externalDns.flatMap((i) => [
          i.txtOwnerId,
          ...(i.migrateFromTxtOwner ? [i.migrateFromTxtOwner] : []),
        ]),
        retiredIds: cluster.retiredTxtOwnerIds,
      });
    }
    // The CRDs the controller needs at its version; without it, released (kept in the cluster).
    const crds = new ControllerCrds(this, {
      // With deploy iam-only, the tool that deploys the chart owns its CRDs: released to it.
      chart: lbc?.deploy === 'helm' ? lbc.release.chartCrds : undefined,
      controller: lbc !== undefined,
      gatewayApi: lbc?.gatewayApi?.support,
      unused: cluster.unusedCrds,
      edgeStackName: cluster.edge.stackName,
      onDestroy: cluster.crdsOnDestroy,
      retiring: cluster.retiring,
    });
    if (cluster.loadBalancing !== 'controller') {
      new AutoModeLoadBalancingChecks(this, 'auto-mode-load-balancing', {
        eks: connection.eks,
        loadBalancing: cluster.loadBalancing,
        // Absent where the controller runs: then it stays, and nothing of it is checked.
        controllerRelease: cluster.disabledController?.release,
      });
    }
    if (cluster.disabledController) {
      AwsLoadBalancerController.removedDestroyGuard(
        this,
        LBC_ID,
        cluster.disabledController.acceptOrphansOnDestroy,
      );
    }
    if (lbc) {
      new HttpProvider(this, 'http');
      this.loadBalancerController = new AwsLoadBalancerController(this, LBC_ID, {
        controller: lbc,
        clusterName: cluster.clusterName,
        region: cluster.region,
        vpcId: cluster.vpcId,
        partition: cluster.partition,
        identity:
          lbc.identity.mode === 'existing-irsa-role'
            ? lbc.identity
            : identities.role(lbc.identity.mode),
        roleOptions: cluster.roleOptions,
        crds: crds.manifests,
        edgeStackName: cluster.edge.stackName,
        credentials: cluster.credentials,
      });
      new TerraformOutput(this, 'lbc_role_arn', {
        description: 'IAM role of the AWS Load Balancer Controller',
        value: this.loadBalancerController.identity.role?.arn,
      });
    }

    // Every ExternalDNS release waits for the LBC: its webhook rejects Services until it is ready,
    // and on destroy ExternalDNS goes first, while the LBC can still clean up.
    const controllerRelease = this.loadBalancerController?.release;
    const afterController = controllerRelease ? [controllerRelease] : [];
    const dnsEndpointCrds = externalDnsCrds(this, cluster.externalDns, {
      onDestroy: cluster.crdsOnDestroy,
      retiring: cluster.retiring,
    });
    this.externalDns = cluster.externalDns.map(
      (instance) =>
        new ExternalDns(this, `external-dns-${instance.name}`, {
          instance,
          clusterName: cluster.clusterName,
          region: cluster.region,
          partition: cluster.partition,
          identity: identities.of(instance.identity),
          roleOptions: cluster.roleOptions,
          // Gateway API and crd sources fail at start-up without their CRDs.
          dependsOn: [
            ...afterController,
            ...(instance.sources.some((source) => source.startsWith('gateway-'))
              ? crds.gatewayManifests
              : []),
            ...(instance.dnsEndpointCrd ? dnsEndpointCrds : []),
          ],
        }),
    );
    identities.finish();
    if (this.externalDns.length > 0) {
      new TerraformOutput(this, 'external_dns_releases', {
        description: 'ExternalDNS releases and their TXT owner ids',
        value: Object.fromEntries(cluster.externalDns.map((i) => [i.releaseName, i.txtOwnerId])),
      });
    }
    this.workloadOutputs(cluster);
  }

  /**
   * What a tool that deploys the charts itself (Argo CD, Flux) needs, and what anyone wiring other
   * things to these workloads needs: each workload's role and service account, and the exact chart
   * values this project gives (or would give) each release.
   */
  private workloadOutputs(cluster: ResolvedCluster): void {
    const workloads = [
      ...(this.loadBalancerController && cluster.loadBalancerController
        ? [[cluster.loadBalancerController, this.loadBalancerController] as const]
        : []),
      ...cluster.externalDns.map((instance, i) => [instance, this.externalDns[i]] as const),
    ];
    if (workloads.length === 0) return;
    type Workload = (typeof workloads)[number];
    /** An output with one entry per release. */
    const perRelease = (id: string, description: string, entry: (w: Workload) => unknown) =>
      new TerraformOutput(this, id, {
        description,
        value: Object.fromEntries(workloads.map((w) => [w[0].releaseName, entry(w)])),
      });
    perRelease(
      'workload_identities',
      'Per release: the IAM role (none with node-role), its service account and the service-account annotations the chart must set',
      ([settings, workload]) => ({
        // A node-role workload has no role of its own.
        ...(workload.identity.role ? { role_arn: workload.identity.role.arn } : {}),
        namespace: settings.serviceAccount.namespace,
        service_account: settings.serviceAccount.name,
        service_account_annotations: workload.identity.serviceAccountAnnotations,
      }),
    );
    perRelease(
      'chart_values',
      'Per release: the chart (repository, name, version) and the values this project gives it; with deploy iam-only, give them to the tool that deploys it',
      ([settings, workload]) => ({
        ...settings.chart,
        deployed_by: settings.deploy,
        values: nullsAsExpressions(workload.chartValues),
      }),
    );
  }
}

/**
 * A value with each `null` (a Helm value that removes a chart default) written as Terraform's
 * `null` expression: cdktf cannot write a null inside an output's value.
 */
function nullsAsExpressions(value: unknown): unknown {
  if (value === null) return '${null}';
  if (Array.isArray(value)) return value.map(nullsAsExpressions);
  if (typeof value === 'object' && value !== undefined)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullsAsExpressions(v)]));
  return value;
}

/**
 * The identity mechanisms of a cluster's workloads. The OIDC provider (and the Pod Identity agent
 * add-on, when asked for) is made once, by the first workload that needs it.
 */
/** Construct id of the OIDC provider: part of its Terraform address, which must never change. */
const OIDC_PROVIDER_ID = 'oidc';

class IdentityMechanisms {
  private oidc?: EksOidcProvider;
  private agent?: EksAddon;

  constructor(
    private readonly stack: TerraformStack,
    private readonly cluster: ResolvedCluster,
    private readonly eks: DataAwsEksCluster,
  ) {}

  of(identity: WorkloadIdentityMode): IdentityMechanism {
    return identity.mode === 'node-role' ? identity : this.role(identity.mode);
  }

  /**
   * After every workload: the OIDC provider the configuration wants even without an IRSA workload,
   * or, when this stack makes none or a destroy is ahead, the release of one it made before (kept
   * in IAM, not deleted).
   */
  finish(): void {
    const { oidcProvider, releaseUnusedOidcProvider } = this.cluster;
    if (oidcProvider?.kind === 'create') this.provider();
    // One it made before and no longer manages (none wanted now, or a destroy ahead) stays.
    const released = oidcProvider?.kind !== 'create' || this.releasedForDestroy;
    if (released && releaseUnusedOidcProvider) {
      new ReleasedResource(this.stack, 'oidc-provider-released', {
        type: 'aws_iam_openid_connect_provider',
        path: [OIDC_PROVIDER_ID, 'provider'],
      });
    }
  }

  /** A role of the workload's own, trusted through IRSA or EKS Pod Identity. */
  role(mode: 'irsa' | 'pod-identity'): IrsaIdentity | PodIdentity {
    const { stack, cluster } = this;
    if (mode === 'pod-identity') {
      if (cluster.podIdentityAgent && !this.agent)
        this.agent = podIdentityAgent(stack, cluster.clusterName, cluster.podIdentityAgent);
      return {
        mode,
        clusterName: cluster.clusterName,
        clusterArn: cluster.clusterArn,
        accountId: cluster.accountId,
        agent: this.agent,
      };
    }
    const oidc = this.provider();
    return { mode, oidcProviderArn: oidc.arn, issuerHostPath: oidc.issuerHostPath };
  }

  /**
   * Before a destroy (`retiring`), a provider this stack created is released, unless the
   * configuration says to delete it: every IRSA role of the cluster, other tools' too, trusts it.
   */
  private get releasedForDestroy(): boolean {
    return this.cluster.retiring && this.cluster.releaseUnusedOidcProvider;
  }

  /** The cluster's OIDC provider (created or existing), made by the first that needs it. */
  private provider(): EksOidcProvider {
    if (this.oidc) return this.oidc;
    const { stack, cluster } = this;
    const issuerUrl = this.eks.identity.get(0).oidc.get(0).issuer;
    if (cluster.oidcProvider?.kind === 'existing') {
      this.oidc = new EksOidcProvider(stack, OIDC_PROVIDER_ID, {
        existingProviderArn: cluster.oidcProvider.arn,
        issuerUrl,
      });
    } else if (this.releasedForDestroy) {
      // The provider it made, now released: read by its ARN, which IAM derives from the issuer.
      this.oidc = new EksOidcProvider(stack, OIDC_PROVIDER_ID, {
        existingProviderArn: `arn:${cluster.partition}:iam::${cluster.accountId}:oidc-provider/${Fn.replace(issuerUrl, 'https://', '')}`,
        issuerUrl,
      });
    } else {
      new TlsProvider(stack, 'tls');
      this.oidc = new EksOidcProvider(stack, OIDC_PROVIDER_ID, {
        issuerUrl,
        // A destroy of the stack is refused until the provider is released (`retiring`).
        preventDestroy: cluster.releaseUnusedOidcProvider,
      });
    }
    return this.oidc;
  }
}
