import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { TerraformOutput, Token } from 'cdktf';
import { ProjectStack } from './project-stack';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedAlbGroup, ResolvedCluster, ResolvedEdge } from '../config/model';
import { AlbAccessLogs } from '../modules/alb-edge/access-logs';
import { attributeList } from '../modules/alb-edge/alb-settings';
import type { AlbSettings } from '../modules/alb-edge/alb-settings';
import { AlbGateway, AlbGatewayClass } from '../modules/alb-edge/gateways';
import { AlbIngressGroup } from '../modules/alb-edge/ingress-group';
import { InUseGuard } from '../modules/alb-edge/in-use-guard';
import { AlbSecurityGroup } from '../modules/alb-edge/security-group';
import { awsProvider, clusterConnection, kubernetesProvider, stackBackend } from './providers';

/**
 * The ALB edge of a cluster, deployed after its cluster stack: the objects here are instances of
 * CRDs that the cluster stack installs (Gateway API, gateway.k8s.aws, IngressClassParams from the
 * controller's chart), and `kubernetes_manifest` needs a CRD to exist when it plans. Also here:
 * the access-log bucket and the ALB security groups, so the objects that use them depend on them.
 */
export class EdgeStack extends ProjectStack {
  constructor(scope: Construct, cluster: ResolvedCluster, edge: ResolvedEdge) {
    super(scope, edge.stackName);
    stackBackend(this, cluster.backend, edge.stackName);
    awsProvider(this, cluster);
    kubernetesProvider(this, clusterConnection(this, cluster));

    const logs =
      edge.accessLogs &&
      new AlbAccessLogs(this, 'access-logs', {
        ...edge.accessLogs,
        accountId: cluster.accountId,
        partition: cluster.partition,
      });
    // ELB checks that it may write to the bucket when logging is switched on.
    const afterLogs: ITerraformDependable[] = logs ? [logs.policy] : [];
    const securityGroups = new Map<string, string>();
    const wanted = edge.albGroups.flatMap((g) =>
      g.securityGroup ? [{ group: g.name, ...g.securityGroup }] : [],
    );
    if (wanted.length > 0) {
      const vpc = new DataAwsVpc(this, 'vpc', { id: cluster.vpcId });
      const vpcCidrs = Token.asStringMap(
        `\${{ for association in ${vpc.fqn}.cidr_block_associations : association.cidr_block => association.cidr_block }}`,
      );
      for (const { group, ...securityGroup } of wanted) {
        const created = new AlbSecurityGroup(this, `security-group-${group}`, {
          ...securityGroup,
          vpcId: cluster.vpcId,
          vpcCidrs,
        });
        securityGroups.set(group, created.securityGroup.id);
      }
    }
    const settings = (group: ResolvedAlbGroup, logPrefix: string): AlbSettings => ({
      scheme: group.scheme,
      certificateArns: group.certificateArns,
      sslPolicy: group.sslPolicy,
      webAclArn: group.webAclArn,
      inboundCidrs: group.inboundCidrs,
      securityGroupId: securityGroups.get(group.name),
      attributes: [...(logs ? logs.attributes(logPrefix) : []), ...attributeList(group.attributes)],
      schemeChange: group.schemeChange,
    });

    for (const group of edge.albGroups) {
      new AlbIngressGroup(this, `ingress-group-${group.name}`, {
        ...settings(group, group.logPrefix),
        groupName: group.name,
        servedBy: group.servedBy,
        className: group.ingressClassName,
        targetType: group.targetType,
        sslRedirectPort: group.sslRedirectPort,
        subnetIds: group.subnetIds,
        dependsOn: afterLogs,
      });
    }

    const gatewayApi = edge.gatewayApi;
    if (gatewayApi) {
      const gatewayClass = new AlbGatewayClass(this, 'alb-gateway-class', {
        className: gatewayApi.gatewayClassName,
        namespace: gatewayApi.namespace,
      });
      for (const gateway of gatewayApi.gateways) {
        new AlbGateway(this, `gateway-${gateway.name}`, {
          ...settings(gateway.group, gateway.logPrefix),
          name: gateway.name,
          namespace: gatewayApi.namespace,
          className: gatewayApi.gatewayClassName,
          lbcGatewayApiVersion: gatewayApi.lbcApiVersion,
          hostname: gateway.hostname,
          allowedRoutes: gateway.allowedRoutes,
          allowedListeners: gateway.allowedListeners,
          group: gateway.group.name,
          dependsOn: [...afterLogs, gatewayClass.gatewayClass, gatewayClass.namespace],
        });
      }
    }

    new InUseGuard(this, 'in-use-guard', {
      ingressClassNames: edge.albGroups.map((g) => g.ingressClassName),
      gateways: gatewayApi
        ? gatewayApi.gateways.map((g) => `${gatewayApi.namespace}/${g.name}`)
        : [],
      acceptingListenerSets: gatewayApi
        ? gatewayApi.gateways
            .filter((g) => g.allowedListeners.from !== 'None')
            .map((g) => `${gatewayApi.namespace}/${g.name}`)
        : [],
    });

    new TerraformOutput(this, 'ingress_classes', {
      description: 'IngressClass per ALB group: set spec.ingressClassName in an Ingress',
      value: Object.fromEntries(edge.albGroups.map((g) => [g.name, g.ingressClassName])),
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
