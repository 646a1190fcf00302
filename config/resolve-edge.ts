/**
 * The ALB edge of a cluster (ALB groups, Gateway API, access logs): checks relations between these
 * settings and the rest of the cluster, and resolves defaults and names.
 */
import {
  LBC_VERSIONS_WITH_GATEWAY_API,
  LISTENER_SETS,
  compareVersions,
} from '../catalog/aws-load-balancer-controller';
import type { LbcGatewaySupport } from '../catalog/aws-load-balancer-controller';
import {
  AUTO_MODE_GATEWAY_API_UNSUPPORTED,
  AUTO_MODE_UNSUPPORTED_GROUP_SETTINGS,
} from '../catalog/eks-auto-mode';
import { elbLogDeliveryAccount } from '../catalog/elb-log-delivery';
import { externalDnsRelease } from '../catalog/external-dns';
import { servedInStandardChannel } from '../catalog/gateway-api';
import type { Issues } from './issues';
import type {
  AllowedNamespaces,
  ResolvedAccessLogs,
  ResolvedAlbGroup,
  ResolvedEdge,
  ResolvedGatewayApi,
  ResolvedLoadBalancerController,
} from './model';
import {
  accessLogBucketName,
  albSecurityGroupName,
  edgeStackName,
  ingressClassName,
} from './naming';
import type { AlbGroupConfig, ClusterConfig, ExternalDnsConfig } from './schema';
import type { AlbImplementation, NamedCluster } from './naming';
import { localExternalDnsChart } from './resolve-controllers';
import type { LocalCatalogEntries } from './resolve-controllers';

function regionOfArn(arn: string): string {
  return arn.split(':')[3];
}

/** What makes a group's ALB: as it says, else the cluster's only implementation. */
export function albGroupServedBy(
  group: Pick<AlbGroupConfig, 'servedBy'>,
  cluster: Pick<ClusterConfig, 'loadBalancing'>,
): AlbImplementation {
  return group.servedBy ?? (cluster.loadBalancing === 'autoMode' ? 'autoMode' : 'controller');
}

/** A group's implementation is one the cluster runs; Auto Mode's lacks some group settings. */
function checkServedBy(
  group: AlbGroupConfig,
  servedBy: AlbImplementation,
  cluster: ClusterConfig,
  path: string,
  issues: Issues,
): void {
  if (servedBy === 'autoMode' && cluster.loadBalancing === 'controller')
    issues.add(
      `${path}.servedBy`,
      'autoMode needs a cluster with EKS Auto Mode load balancing: set loadBalancing to autoMode, or to controllerAndAutoMode while groups of the controller remain',
    );
  if (servedBy === 'controller' && cluster.loadBalancing === 'autoMode')
    issues.add(
      `${path}.servedBy`,
      'controller: loadBalancing autoMode runs no AWS Load Balancer Controller; serve the group by autoMode, or keep loadBalancing controllerAndAutoMode until its Ingresses have moved',
    );
  if (servedBy !== 'autoMode') return;
  const used = {
    webAclArn: group.webAclArn !== undefined,
    sslRedirectPort: group.sslRedirectPort !== undefined,
    securityGroup: group.securityGroup,
    targetType: group.targetType !== undefined,
  };
  for (const [setting, reason] of Object.entries(AUTO_MODE_UNSUPPORTED_GROUP_SETTINGS))
    if (used[setting as keyof typeof used]) issues.add(`${path}.${setting}`, reason);
}

function resolveGroup(
  group: AlbGroupConfig,
  cluster: NamedCluster<ClusterConfig>,
  path: string,
  issues: Issues,
): ResolvedAlbGroup {
  const servedBy = albGroupServedBy(group, cluster);
  checkServedBy(group, servedBy, cluster, path, issues);
  group.certificateArns.forEach((arn, index) => {
    if (regionOfArn(arn) !== cluster.region) {
      issues.add(
        `${path}.certificateArns[${index}]`,
        `is in ${regionOfArn(arn)}, but an ALB in ${cluster.region} can only use certificates of its own region`,
      );
    }
    if (arn.split(':')[4] !== cluster.accountId) {
      issues.add(
        `${path}.certificateArns[${index}]`,
        `must be a certificate of the cluster's account ${cluster.accountId}`,
      );
    }
  });
  if (group.webAclArn && regionOfArn(group.webAclArn) !== cluster.region) {
    issues.add(
      `${path}.webAclArn`,
      `is in ${regionOfArn(group.webAclArn)}, but the ALB is in ${cluster.region}: regional web ACLs only attach in their own region`,
    );
  }
  if (group.webAclArn && group.webAclArn.split(':')[4] !== cluster.accountId) {
    issues.add(
      `${path}.webAclArn`,
      `must be a web ACL of the cluster's account ${cluster.accountId} (an ALB associates only its own account's web ACLs)`,
    );
  }
  // The controller, and Auto Mode alike (EKS user guide, tag-subnets-auto), place an ALB in the
  // subnets tagged for its scheme: without any, it never comes up.
  const role = group.scheme === 'internet-facing' ? 'public' : 'private';
  if (cluster.subnets[role].length === 0) {
    const placer = servedBy === 'autoMode' ? 'EKS Auto Mode' : 'the controller';
    issues.add(
      `${path}.scheme`,
      `${group.scheme} needs ${role} subnets, and subnets.${role} lists none: ${placer} would find no subnet for the ALB`,
    );
  }
  group.subnetIds?.forEach((id, index) => {
    if (!cluster.subnets[role].includes(id))
      issues.add(
        `${path}.subnetIds[${index}]`,
        `${id} is not one of subnets.${role} (the ${role} subnets of the cluster, which a ${group.scheme} group uses): list it there, or choose one of ${cluster.subnets[role].join(', ') || 'them'}`,
      );
  });
  for (const key of Object.keys(group.attributes).filter((k) => k.startsWith('access_logs.'))) {
    issues.add(
      `${path}.attributes[${JSON.stringify(key)}]`,
      'access logs are set with accessLogs (bucket, policy and prefix per group): remove this attribute',
    );
  }
  if (group.securityGroup && group.scheme === 'internal' && !group.inboundCidrs) {
    issues.add(
      `${path}.inboundCidrs`,
      'an internal group with its own security group needs the CIDRs that may reach it (e.g. the VPN range)',
    );
  }
  // In a canonical order: the order of a list of CIDRs means nothing, so reordering it changes nothing.
  const inboundCidrs = (group.inboundCidrs ?? (group.securityGroup ? ['0.0.0.0/0'] : undefined))
    ?.slice()
    .sort();
  return {
    name: group.name,
    servedBy,
    ingressClassName: ingressClassName(group.name, servedBy),
    scheme: group.scheme,
    certificateArns: group.certificateArns,
    sslPolicy: group.sslPolicy,
    webAclArn: group.webAclArn,
    inboundCidrs,
    securityGroup: group.securityGroup
      ? {
          name: albSecurityGroupName(cluster, group.name),
          ports: group.ports,
          inboundCidrs: inboundCidrs ?? [],
        }
      : undefined,
    attributes: group.attributes,
    targetType: group.targetType,
    sslRedirectPort: group.sslRedirectPort,
    // The order of the ids means nothing to either implementation.
    subnetIds: group.subnetIds?.slice().sort(),
    logPrefix: `ingress/${group.name}`,
    schemeChange: {
      setting: `${path}.replaceOnSchemeChange`,
      replace: group.replaceOnSchemeChange,
    },
  };
}

function resolveGatewayApi(
  cluster: NamedCluster<ClusterConfig>,
  lbc: ResolvedLoadBalancerController | undefined,
  groups: readonly ResolvedAlbGroup[],
  path: string,
  issues: Issues,
): ResolvedGatewayApi | undefined {
  const gatewayApi = cluster.gatewayApi;
  if (!gatewayApi.enabled) {
    if (gatewayApi.gateways.length > 0)
      issues.add(`${path}.gateways`, 'lists gateways, but gatewayApi.enabled is false');
    return undefined;
  }
  if (cluster.loadBalancing === 'autoMode') {
    issues.add(`${path}.enabled`, `Gateway API ${AUTO_MODE_GATEWAY_API_UNSUPPORTED}`);
    return undefined;
  }
  if (gatewayApi.lbcCrdsSha256 !== undefined) {
    issues.add(
      `${path}.lbcCrdsSha256`,
      'is no longer needed: the catalog knows the checksum of gateway-crds.yaml for every controller version with Gateway API support; remove it',
    );
  }
  const version = cluster.loadBalancerController.version;
  if (!cluster.loadBalancerController.enabled) {
    issues.add(
      `${path}.enabled`,
      'Gateway API support comes from the AWS Load Balancer Controller: enable loadBalancerController',
    );
  } else if (cluster.loadBalancerController.deploy === 'iam-only') {
    issues.add(
      `${path}.enabled`,
      'needs the controller deployed by this project (its feature gates and CRDs go with the release): with loadBalancerController.deploy iam-only, enable Gateway API in the tool that deploys the chart',
    );
  } else if (lbc && !lbc.gatewayApi) {
    issues.add(
      `${path}.enabled`,
      `controller version ${version} has no known Gateway API version (supported: ${LBC_VERSIONS_WITH_GATEWAY_API.join(', ')})`,
    );
  }
  const gateways = gatewayApi.gateways.flatMap((gateway, index) => {
    const group = groups.find((g) => g.name === gateway.group);
    if (!group) {
      issues.add(
        `${path}.gateways[${index}].group`,
        `${gateway.group} is not one of albGroups (${groups.map((g) => g.name).join(', ') || 'none'})`,
      );
      return [];
    }
    if (group.subnetIds) {
      issues.add(
        `${path}.gateways[${index}].group`,
        `${group.name} sets subnetIds, which the Gateways here do not carry: remove subnetIds, or give the Gateway a group without them`,
      );
    }
    if (group.servedBy === 'autoMode') {
      issues.add(
        `${path}.gateways[${index}].group`,
        `${group.name} is served by EKS Auto Mode, and here Gateways are the controller's: Gateway API ${AUTO_MODE_GATEWAY_API_UNSUPPORTED}`,
      );
    }
    if (gateway.scheme && gateway.scheme !== group.scheme) {
      issues.add(
        `${path}.gateways[${index}].scheme`,
        `gateway ${gateway.name} is ${gateway.scheme}, but its group ${group.name} is ${group.scheme}`,
      );
    }
    const at = `${path}.gateways[${index}]`;
    const allowedRoutes = allowedNamespaces(
      { setting: 'allowedRoutes', from: gateway.allowedRoutes, what: 'routes' },
      { setting: 'allowedNamespaceLabels', labels: gateway.allowedNamespaceLabels },
      at,
      issues,
    );
    const allowedListeners = allowedNamespaces(
      { setting: 'allowedListeners', from: gateway.allowedListeners, what: 'ListenerSets' },
      { setting: 'allowedListenerNamespaceLabels', labels: gateway.allowedListenerNamespaceLabels },
      at,
      issues,
    );
    if (allowedListeners.from !== 'None' && lbc?.gatewayApi)
      checkListenerSets(lbc.gatewayApi.support, version, `${at}.allowedListeners`, issues);
    return [
      {
        name: gateway.name,
        group,
        scheme: group.scheme,
        hostname: gateway.hostname,
        logPrefix: `gateway/${gateway.name}`,
        allowedRoutes,
        allowedListeners,
      },
    ];
  });
  issues.addDuplicates(
    `${path}.gateways`,
    gatewayApi.gateways.map((g) => g.name),
    (name) => `gateway name ${name} is used more than once`,
  );
  if (!lbc?.gatewayApi) return undefined;
  return {
    gatewayClassName: gatewayApi.gatewayClassName,
    namespace: gatewayApi.namespace,
    lbcApiVersion: lbc.gatewayApi.support.lbcApiVersion,
    gateways,
  };
}

/**
 * A Gateway API namespace choice and its labels: the labels only with `Selector`, and there
 * required (a selector without labels would select every namespace).
 */
function allowedNamespaces<From extends string>(
  choice: { setting: string; from: From | 'Selector'; what: string },
  labels: { setting: string; labels: Readonly<Record<string, string>> | undefined },
  path: string,
  issues: Issues,
): AllowedNamespaces<From> {
  if (choice.from === 'Selector' && !labels.labels)
    issues.add(
      `${path}.${labels.setting}`,
      `is required with ${choice.setting}: Selector (the labels a namespace needs for its ${choice.what} to attach)`,
    );
  if (choice.from !== 'Selector' && labels.labels)
    issues.add(
      `${path}.${labels.setting}`,
      `is only used with ${choice.setting}: Selector (this gateway allows ${choice.from})`,
    );
  return choice.from === 'Selector'
    ? { from: 'Selector', matchLabels: labels.labels ?? {} }
    : { from: choice.from as From };
}

/** ListenerSets need their CRD (Gateway API v1.5.0 and later) and a controller that serves them. */
function checkListenerSets(
  support: LbcGatewaySupport,
  version: string,
  path: string,
  issues: Issues,
): void {
  const gatewayApi = support.gatewayApi;
  if (!gatewayApi.standardResources.includes(LISTENER_SETS.gatewayApiResource))
    issues.add(
      path,
      `ListenerSets are in the Gateway API standard channel from v1.5.0; this cluster applies ${gatewayApi.version}: set gatewayApi.version to v1.5.0 or later, or allowedListeners None`,
    );
  if (compareVersions(version, LISTENER_SETS.since) < 0)
    issues.add(
      path,
      `the controller serves ListenerSets from ${LISTENER_SETS.since}; ${version} ignores them: set loadBalancerController.version to ${LISTENER_SETS.since} or later, or allowedListeners None`,
    );
}

/**
 * An ExternalDNS instance watches the Gateway API version its source was built for; if the
 * cluster does not serve it, ExternalDNS exits at start-up and the release never becomes ready.
 */
function checkGatewaySources(
  instance: ExternalDnsConfig,
  cluster: NamedCluster<ClusterConfig>,
  lbc: ResolvedLoadBalancerController | undefined,
  path: string,
  issues: Issues,
  local: LocalCatalogEntries | undefined,
): void {
  const dns = externalDnsRelease(
    instance.chartVersion,
    localExternalDnsChart(local, instance.chartVersion),
  );
  const gatewaySources = instance.sources.filter((source) => source in dns.gatewaySources);
  if (gatewaySources.length === 0) return;
  if (cluster.loadBalancing === 'autoMode') {
    issues.add(
      path,
      `${gatewaySources.join(', ')} read Gateway API objects: Gateway API ${AUTO_MODE_GATEWAY_API_UNSUPPORTED}`,
    );
    return;
  }
  if (!cluster.gatewayApi.enabled) {
    issues.add(
      path,
      `${gatewaySources.join(', ')} need the Gateway API CRDs: set gatewayApi.enabled`,
    );
    return;
  }
  const release = lbc?.gatewayApi?.support.gatewayApi;
  // The versions each source watches are known for the catalogued charts' ExternalDNS only.
  if (!release || !dns.catalogued) return;
  for (const source of gatewaySources) {
    const { resource, version } = dns.gatewaySources[source];
    if (!servedInStandardChannel(release, resource, version)) {
      issues.add(
        path,
        `${source}: ExternalDNS ${dns.appVersion} (chart ${dns.chart.version}) watches ${resource} ${version}, which the standard channel of Gateway API ${release.version} does not serve; it would not start. Gateway API sources that work: ${Object.entries(
          dns.gatewaySources,
        )
          .filter(([, watched]) =>
            servedInStandardChannel(release, watched.resource, watched.version),
          )
          .map(([name]) => name)
          .join(', ')}`,
      );
    }
  }
}

/** The edge of a cluster (possibly empty: no ALB group, Gateway API or access logs). */
export function resolveEdge(
  cluster: NamedCluster<ClusterConfig>,
  lbc: ResolvedLoadBalancerController | undefined,
  path: string,
  issues: Issues,
  local?: LocalCatalogEntries,
): ResolvedEdge {
  const albGroups = cluster.albGroups.map((group, index) =>
    resolveGroup(group, cluster, `${path}.albGroups[${index}]`, issues),
  );
  issues.addDuplicates(
    `${path}.albGroups`,
    albGroups.map((g) => g.name),
    (name) => `group name ${name} is used more than once`,
  );
  const controllerGroups = albGroups.filter((g) => g.servedBy === 'controller');
  // With loadBalancing autoMode, each such group is refused by its servedBy already.
  const controllerOff =
    cluster.loadBalancing !== 'autoMode' && !cluster.loadBalancerController.enabled;
  if (controllerGroups.length > 0 && controllerOff) {
    issues.add(
      `${path}.albGroups`,
      'ALB groups need the AWS Load Balancer Controller: enable loadBalancerController',
    );
  }
  const gatewayApi = resolveGatewayApi(cluster, lbc, albGroups, `${path}.gatewayApi`, issues);
  cluster.externalDns.forEach((instance, index) =>
    checkGatewaySources(
      instance,
      cluster,
      lbc,
      `${path}.externalDns[${index}].sources`,
      issues,
      local,
    ),
  );
  const logs = cluster.accessLogs;
  const accessLogs: ResolvedAccessLogs | undefined = logs.enabled
    ? {
        bucketName: logs.bucketName ?? accessLogBucketName(cluster),
        expirationDays: logs.expirationDays,
        forceDestroy: logs.forceDestroy,
        elbAccount: elbLogDeliveryAccount(cluster.region),
      }
    : undefined;
  if (logs.enabled && albGroups.length === 0 && !cluster.gatewayApi.gateways.length) {
    issues.add(
      `${path}.accessLogs.enabled`,
      'there is no ALB group or gateway whose logs would go to the bucket',
    );
  }
  return { stackName: edgeStackName(cluster), albGroups, gatewayApi, accessLogs };
}
