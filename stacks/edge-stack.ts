import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedCluster } from '../config/resolve';
import type { ResolvedAlbGroup } from '../config/resolve-edge';
import type { BackendConfig } from '../config/schema';
import { AlbAccessLogs } from '../modules/alb-access-logs';
import { AlbGateway, AlbGatewayClass } from '../modules/alb-gateways';
import { AlbIngressGroup } from '../modules/alb-ingress-group';
import { AlbSecurityGroup } from '../modules/alb-security-group';
import { attributeList } from '../modules/alb-settings';
import type { AlbSettings } from '../modules/alb-settings';
import { boundedName } from '../modules/naming';
import { awsProvider, clusterConnection, kubernetesProvider, stackBackend } from './providers';

export interface EdgeStackProps {
  readonly cluster: ResolvedCluster;
  readonly backend: BackendConfig;
}

export function edgeStackName(cluster: ResolvedCluster): string {
  return `${cluster.stackName}-edge`;
}

/** True when the cluster has ALB groups, gateways or access logs to deploy. */
export function hasEdge(cluster: ResolvedCluster): boolean {
  return (
    cluster.albGroups.length > 0 ||
    cluster.gatewayApi !== undefined ||
    cluster.accessLogs !== undefined
  );
}

/**
 * The ALB edge of a cluster, deployed after its cluster stack: the objects here are instances of
 * CRDs that the cluster stack installs (Gateway API, gateway.k8s.aws, IngressClassParams from the
 * controller's chart), and `kubernetes_manifest` needs a CRD to exist when it plans. Also here:
 * the access-log bucket and the ALB security groups, so the objects that use them depend on them.
 */
export class EdgeStack extends TerraformStack {
  constructor(scope: Construct, props: EdgeStackProps) {
    const { cluster } = props;
    const name = edgeStackName(cluster);
    super(scope, name);
    stackBackend(this, cluster.backend ?? props.backend, name);
    awsProvider(this, cluster);
    kubernetesProvider(this, clusterConnection(this, cluster));

    const logs =
      cluster.accessLogs &&
      new AlbAccessLogs(this, 'access-logs', {
        bucketName: cluster.accessLogs.bucketName,
        region: cluster.region,
        accountId: cluster.accountId,
        partition: cluster.partition,
        expirationDays: cluster.accessLogs.expirationDays,
        forceDestroy: cluster.accessLogs.forceDestroy,
      });
    // ELB checks that it may write to the bucket when logging is switched on.
    const afterLogs: ITerraformDependable[] = logs ? [logs.policy] : [];
    const vpc = cluster.albGroups.some((group) => group.securityGroup)
      ? new DataAwsVpc(this, 'vpc', { id: cluster.vpcId })
      : undefined;
    const vpcCidrs =
      vpc &&
      Token.asStringMap(
        `\${{ for association in ${vpc.fqn}.cidr_block_associations : association.cidr_block => association.cidr_block }}`,
      );
    const securityGroups = new Map<string, string>();
    for (const group of cluster.albGroups.filter((g) => g.securityGroup)) {
      const securityGroup = new AlbSecurityGroup(this, `security-group-${group.name}`, {
        name: boundedName([cluster.clusterName, 'alb', group.name], 255),
        vpcId: cluster.vpcId,
        vpcCidrs: vpcCidrs ?? {},
        ports: group.ports,
        inboundCidrs: group.inboundCidrs ?? [],
      });
      securityGroups.set(group.name, securityGroup.securityGroup.id);
    }
    const settings = (group: ResolvedAlbGroup, logPrefix: string): AlbSettings => ({
      scheme: group.scheme,
      certificateArns: group.certificateArns,
      sslPolicy: group.sslPolicy,
      webAclArn: group.webAclArn,
      inboundCidrs: group.inboundCidrs,
      securityGroupId: securityGroups.get(group.name),
      attributes: [...(logs ? logs.attributes(logPrefix) : []), ...attributeList(group.attributes)],
    });

    for (const group of cluster.albGroups) {
      new AlbIngressGroup(this, `ingress-group-${group.name}`, {
        ...settings(group, group.logPrefix),
        groupName: group.name,
        className: group.ingressClassName,
        dependsOn: afterLogs,
      });
    }

    const gatewayApi = cluster.gatewayApi;
    if (gatewayApi) {
      const gatewayClass = new AlbGatewayClass(this, 'alb-gateway-class', {
        className: gatewayApi.gatewayClassName,
        namespace: gatewayApi.namespace,
      });
      for (const gateway of gatewayApi.gateways) {
        const group = cluster.albGroups.find((g) => g.name === gateway.group)!;
        new AlbGateway(this, `gateway-${gateway.name}`, {
          ...settings(group, gateway.logPrefix),
          name: gateway.name,
          namespace: gatewayApi.namespace,
          className: gatewayApi.gatewayClassName,
          lbcGatewayApiVersion: gatewayApi.lbcGatewayApiVersion,
          hostname: gateway.hostname,
          dependsOn: [...afterLogs, gatewayClass.gatewayClass, gatewayClass.namespace],
        });
      }
    }

    new TerraformOutput(this, 'ingress_classes', {
      description: 'IngressClass per ALB group: set spec.ingressClassName in an Ingress',
      value: Object.fromEntries(cluster.albGroups.map((g) => [g.name, g.ingressClassName])),
    });
    if (gatewayApi) {
      new TerraformOutput(this, 'gateways', {
        description: 'Gateways (namespace/name) for HTTPRoute parentRefs, and their GatewayClass',
        value: {
          gatewayClassName: gatewayApi.gatewayClassName,
          gateways: gatewayApi.gateways.map((g) => `${gatewayApi.namespace}/${g.name}`),
        },
      });
    }
    if (securityGroups.size > 0) {
      new TerraformOutput(this, 'alb_security_group_ids', {
        description:
          'ALB security group per group (Gateways use it; an Ingress may name it in alb.ingress.kubernetes.io/security-groups)',
        value: Object.fromEntries(securityGroups),
      });
    }
    if (logs) {
      new TerraformOutput(this, 'access_log_bucket', {
        description: 'Bucket receiving the ALB access logs',
        value: logs.bucket.bucket,
      });
    }
  }
}
