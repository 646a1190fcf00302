import type { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { HttpProvider } from '@cdktf/provider-http/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedCluster, ResolvedExternalDns } from '../config/resolve';
import type { BackendConfig } from '../config/schema';
import { AwsLoadBalancerController } from '../modules/aws-load-balancer-controller';
import { ExternalDns } from '../modules/external-dns';
import type { Route53Access } from '../modules/external-dns';
import { EksOidcProvider } from '../modules/eks-oidc-provider';
import { SubnetDiscoveryTags } from '../modules/subnet-discovery-tags';
import type { IrsaIdentity, PodIdentity } from '../modules/workload-identity';
import { GatewayApiCrds } from '../modules/gateway-api-crds';
import {
  awsProvider,
  clusterConnection,
  helmProvider,
  kubernetesProvider,
  stackBackend,
} from './providers';

/** Local permissions, or the DNS-account role and the way to reach it. */
function route53AccessOf(instance: ResolvedExternalDns): Route53Access {
  const access = instance.dnsAccountAccess;
  if (!access) return { kind: 'local' };
  if (access.via === 'assume-role')
    return { kind: 'assume-role', dnsRoleArn: access.roleArn, externalId: access.externalId! };
  return {
    kind: 'pod-identity-target',
    dnsRoleArn: access.roleArn,
    disableSessionTags: access.disableSessionTags,
  };
}

export interface ClusterStackProps {
  readonly cluster: ResolvedCluster;
  readonly backend: BackendConfig;
}

/**
 * Everything in the cluster's account for one existing EKS cluster: subnet discovery tags, the
 * IAM OIDC provider (when IRSA is used), and the controllers with their identities and releases.
 * Tags come from the AWS provider's `default_tags`, so resources do not repeat them.
 */
export class ClusterStack extends TerraformStack {
  readonly loadBalancerController?: AwsLoadBalancerController;
  readonly externalDns: ExternalDns[];

  constructor(scope: Construct, props: ClusterStackProps) {
    const { cluster } = props;
    super(scope, cluster.stackName);
    stackBackend(this, cluster.backend ?? props.backend, cluster.stackName);
    awsProvider(this, cluster);

    const connection = clusterConnection(this, cluster);
    const { eks } = connection;
    helmProvider(this, connection);

    new SubnetDiscoveryTags(this, 'subnet-tags', {
      clusterName: cluster.clusterName,
      publicSubnetIds: cluster.subnetTags.public,
      privateSubnetIds: cluster.subnetTags.private,
      clusterSharedSubnetIds: cluster.subnetTags.clusterShared,
    });

    const identityFor = this.identityFactory(cluster, eks);
    const lbc = cluster.loadBalancerController;
    const gatewayApi = cluster.gatewayApi;
    if (lbc.enabled || gatewayApi) new HttpProvider(this, 'http');
    if (gatewayApi) kubernetesProvider(this, connection);
    const crds = gatewayApi && new GatewayApiCrds(this, 'gateway-api-crds', gatewayApi);
    if (lbc.enabled) {
      this.loadBalancerController = new AwsLoadBalancerController(
        this,
        'aws-load-balancer-controller',
        {
          clusterName: cluster.clusterName,
          region: cluster.region,
          vpcId: cluster.vpcId,
          partition: cluster.partition,
          version: lbc.version,
          chartVersion: lbc.chartVersion,
          policy: lbc.policy,
          migrationPolicy: lbc.migrationPolicy,
          identity: identityFor(lbc.identity),
          namespace: lbc.namespace,
          serviceAccountName: lbc.serviceAccountName,
          replicaCount: lbc.replicaCount,
          values: lbc.values,
          gatewayApi: gatewayApi &&
            crds && { alb: true, nlb: gatewayApi.nlb, crds: crds.manifests },
        },
      );
      new TerraformOutput(this, 'lbc_role_arn', {
        description: 'IAM role of the AWS Load Balancer Controller',
        value: this.loadBalancerController.identity.role?.arn,
      });
    }

    // Every ExternalDNS release waits for the LBC: its webhook rejects Services until it is ready,
    // and on destroy ExternalDNS goes first, while the LBC can still clean up.
    this.externalDns = cluster.externalDns.map(
      (instance) =>
        new ExternalDns(this, `external-dns-${instance.name}`, {
          clusterName: cluster.clusterName,
          region: cluster.region,
          partition: cluster.partition,
          name: instance.name,
          chartVersion: instance.chartVersion,
          namespace: instance.namespace,
          serviceAccountName: instance.serviceAccountName,
          identity:
            instance.identity === 'node-role'
              ? { mode: 'node-role', nodeRoleNames: instance.nodeRoleNames }
              : identityFor(instance.identity),
          route53Access: route53AccessOf(instance),
          zones: instance.zones,
          zoneType: instance.zoneType,
          domainFilters: instance.domainFilters,
          policy: instance.policy,
          txtOwnerId: instance.txtOwnerId,
          sources: instance.sources,
          annotationFilter: instance.annotationFilter,
          restrictRecordNames: instance.restrictRecordNames,
          recordTypes: instance.recordTypes,
          extraArgs: instance.extraArgs,
          values: instance.values,
          dependsOn: this.loadBalancerController ? [this.loadBalancerController.release] : [],
        }),
    );
    if (this.externalDns.length > 0) {
      new TerraformOutput(this, 'external_dns_releases', {
        description: 'ExternalDNS releases and their TXT owner ids',
        value: Object.fromEntries(
          cluster.externalDns.map((i) => [`external-dns-${i.name}`, i.txtOwnerId]),
        ),
      });
    }
  }

  /**
   * Returns the identity settings for a mode; the OIDC provider is made (or looked up) only when
   * some workload uses IRSA, so Pod Identity-only clusters carry no OIDC dependency; likewise the
   * Pod Identity agent add-on, when asked for, only with a pod-identity workload.
   */
  private identityFactory(
    cluster: ResolvedCluster,
    eks: DataAwsEksCluster,
  ): (mode: 'irsa' | 'pod-identity') => IrsaIdentity | PodIdentity {
    let oidc: EksOidcProvider | undefined;
    let agent: EksAddon | undefined;
    return (mode) => {
      if (mode === 'pod-identity') {
        if (cluster.installPodIdentityAgent && !agent) {
          agent = new EksAddon(this, 'pod-identity-agent', {
            clusterName: cluster.clusterName,
            addonName: 'eks-pod-identity-agent',
            resolveConflictsOnCreate: 'OVERWRITE',
            resolveConflictsOnUpdate: 'PRESERVE',
          });
        }
        return {
          mode,
          clusterName: cluster.clusterName,
          clusterArn: `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.clusterName}`,
          accountId: cluster.accountId,
          agent,
        };
      }
      if (!oidc) {
        if (cluster.existingOidcProviderArn) {
          oidc = new EksOidcProvider(this, 'oidc', {
            existingProviderArn: cluster.existingOidcProviderArn,
            issuerUrl: eks.identity.get(0).oidc.get(0).issuer,
          });
        } else {
          new TlsProvider(this, 'tls');
          oidc = new EksOidcProvider(this, 'oidc', {
            issuerUrl: eks.identity.get(0).oidc.get(0).issuer,
          });
        }
      }
      return { mode, oidcProviderArn: oidc.arn, issuerHostPath: oidc.issuerHostPath };
    };
  }
}
