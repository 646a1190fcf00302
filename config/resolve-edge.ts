/**
 * The ALB edge of a cluster (ALB groups, Gateway API, access logs): checks relations between these
 * settings and the rest of the cluster, and resolves defaults, names and pinned versions.
 */
import {
  LBC_GATEWAY_SUPPORT,
  gatewayApiBundleUrl,
  lbcGatewayCrdsUrl,
} from '../modules/aws-load-balancer-controller/versions';
import type { LbcGatewaySupport } from '../modules/aws-load-balancer-controller/versions';
import { boundedName } from '../modules/naming';
import { duplicates } from './duplicates';
import type {
  AccessLogsConfig,
  AlbGroupConfig,
  ClusterConfig,
  GatewayApiConfig,
  GatewayConfig,
} from './schema';

export interface ResolvedAlbGroup extends AlbGroupConfig {
  /** IngressClass (and IngressClassParams) name: `alb-<name>`. */
  readonly ingressClassName: string;
  /** Undefined: the controller's default (anywhere for internet-facing, the VPC for internal). */
  readonly inboundCidrs?: string[];
  /** Key prefix of this group's access logs. */
  readonly logPrefix: string;
}

export interface ResolvedGateway extends GatewayConfig {
  readonly scheme: 'internet-facing' | 'internal';
  readonly logPrefix: string;
}

export interface ResolvedGatewayApi extends Omit<GatewayApiConfig, 'gateways'>, LbcGatewaySupport {
  readonly gateways: ResolvedGateway[];
  readonly bundleUrl: string;
  readonly lbcCrdsUrl: string;
  readonly lbcCrdsSha256: string;
}

export interface ResolvedAccessLogs extends AccessLogsConfig {
  readonly bucketName: string;
}

export interface ResolvedEdge {
  readonly albGroups: ResolvedAlbGroup[];
  /** Present when Gateway API support is enabled. */
  readonly gatewayApi: ResolvedGatewayApi | undefined;
  /** Present when access logs are enabled. */
  readonly accessLogs: ResolvedAccessLogs | undefined;
}

type AddIssue = (path: string, message: string) => void;

function regionOfArn(arn: string): string {
  return arn.split(':')[3];
}

function checkGroup(
  group: AlbGroupConfig,
  cluster: ClusterConfig,
  path: string,
  addIssue: AddIssue,
): void {
  group.certificateArns.forEach((arn, index) => {
    if (regionOfArn(arn) !== cluster.region) {
      addIssue(
        `${path}.certificateArns[${index}]`,
        `is in ${regionOfArn(arn)}, but an ALB in ${cluster.region} can only use certificates of its own region`,
      );
    }
    if (arn.split(':')[4] !== cluster.accountId) {
      addIssue(
        `${path}.certificateArns[${index}]`,
        `must be a certificate of the cluster's account ${cluster.accountId}`,
      );
    }
  });
  if (group.webAclArn && regionOfArn(group.webAclArn) !== cluster.region) {
    addIssue(
      `${path}.webAclArn`,
      `is in ${regionOfArn(group.webAclArn)}, but the ALB is in ${cluster.region}: regional web ACLs only attach in their own region`,
    );
  }
  if (group.securityGroup && group.scheme === 'internal' && !group.inboundCidrs) {
    addIssue(
      `${path}.inboundCidrs`,
      'an internal group with its own security group needs the CIDRs that may reach it (e.g. the VPN range)',
    );
  }
}

function resolveGatewayApi(
  gatewayApi: GatewayApiConfig,
  cluster: ClusterConfig,
  groups: ResolvedAlbGroup[],
  path: string,
  addIssue: AddIssue,
): ResolvedGatewayApi | undefined {
  if (!gatewayApi.enabled) {
    if (gatewayApi.gateways.length > 0)
      addIssue(`${path}.gateways`, 'lists gateways, but gatewayApi.enabled is false');
    return undefined;
  }
  const lbc = cluster.loadBalancerController;
  if (!lbc.enabled)
    addIssue(
      `${path}.enabled`,
      'Gateway API support comes from the AWS Load Balancer Controller: enable loadBalancerController',
    );
  const support = LBC_GATEWAY_SUPPORT[lbc.version];
  if (!support) {
    addIssue(
      `${path}.enabled`,
      `controller version ${lbc.version} has no known Gateway API version (supported: ${Object.keys(LBC_GATEWAY_SUPPORT).join(', ')})`,
    );
    return undefined;
  }
  const lbcCrdsSha256 = support.lbcGatewayCrdsSha256 ?? gatewayApi.lbcCrdsSha256;
  if (!lbcCrdsSha256) {
    addIssue(
      `${path}.lbcCrdsSha256`,
      `the catalog has no checksum of gateway-crds.yaml at ${lbc.version}: set the sha256 of that file, or use v2.17.1 or v3.5.0`,
    );
  } else if (support.lbcGatewayCrdsSha256 && gatewayApi.lbcCrdsSha256) {
    addIssue(
      `${path}.lbcCrdsSha256`,
      `the catalog already knows the checksum for ${lbc.version}; remove this setting`,
    );
  }
  const gateways = gatewayApi.gateways.map((gateway, index) => {
    const group = groups.find((g) => g.name === gateway.group);
    if (!group) {
      addIssue(
        `${path}.gateways[${index}].group`,
        `${gateway.group} is not one of albGroups (${groups.map((g) => g.name).join(', ') || 'none'})`,
      );
    } else if (gateway.scheme && gateway.scheme !== group.scheme) {
      addIssue(
        `${path}.gateways[${index}].scheme`,
        `gateway ${gateway.name} is ${gateway.scheme}, but its group ${group.name} is ${group.scheme}`,
      );
    }
    return {
      ...gateway,
      scheme: gateway.scheme ?? group?.scheme ?? 'internal',
      logPrefix: `gateway/${gateway.name}`,
    };
  });
  duplicates(gateways.map((g) => g.name)).forEach((name) =>
    addIssue(`${path}.gateways`, `gateway name ${name} is used more than once`),
  );
  return {
    ...gatewayApi,
    ...support,
    gateways,
    bundleUrl: gatewayApiBundleUrl(support.gatewayApiVersion),
    lbcCrdsUrl: lbcGatewayCrdsUrl(lbc.version),
    lbcCrdsSha256: lbcCrdsSha256 ?? '',
  };
}

export function resolveEdge(
  cluster: ClusterConfig,
  path: string,
  addIssue: AddIssue,
): ResolvedEdge {
  cluster.albGroups.forEach((group, index) =>
    checkGroup(group, cluster, `${path}.albGroups[${index}]`, addIssue),
  );
  duplicates(cluster.albGroups.map((g) => g.name)).forEach((name) =>
    addIssue(`${path}.albGroups`, `group name ${name} is used more than once`),
  );
  if (cluster.albGroups.length > 0 && !cluster.loadBalancerController.enabled) {
    addIssue(
      `${path}.albGroups`,
      'ALB groups need the AWS Load Balancer Controller: enable loadBalancerController',
    );
  }
  const albGroups = cluster.albGroups.map((group) => ({
    ...group,
    ingressClassName: `alb-${group.name}`,
    inboundCidrs: group.inboundCidrs ?? (group.securityGroup ? ['0.0.0.0/0'] : undefined),
    logPrefix: `ingress/${group.name}`,
  }));
  const gatewayApi = resolveGatewayApi(
    cluster.gatewayApi,
    cluster,
    albGroups,
    `${path}.gatewayApi`,
    addIssue,
  );
  cluster.externalDns.forEach((instance, index) => {
    const gatewaySources = instance.sources.filter((source) => source.startsWith('gateway-'));
    if (gatewaySources.length > 0 && !cluster.gatewayApi.enabled) {
      addIssue(
        `${path}.externalDns[${index}].sources`,
        `${gatewaySources.join(', ')} need the Gateway API CRDs: set gatewayApi.enabled`,
      );
    }
  });
  const bucketBase = cluster.clusterName.toLowerCase().replace(/_/g, '-');
  const accessLogs = cluster.accessLogs.enabled
    ? {
        ...cluster.accessLogs,
        bucketName:
          cluster.accessLogs.bucketName ??
          boundedName([bucketBase, 'alb-logs', cluster.accountId, cluster.region], 63),
      }
    : undefined;
  if (cluster.accessLogs.enabled && albGroups.length === 0 && !gatewayApi?.gateways.length) {
    addIssue(
      `${path}.accessLogs.enabled`,
      'there is no ALB group or gateway whose logs would go to the bucket',
    );
  }
  return { albGroups, gatewayApi, accessLogs };
}
