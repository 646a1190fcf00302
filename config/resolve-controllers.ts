/**
 * The controllers of one cluster: the AWS Load Balancer Controller (its release from the
 * catalog, identity and names) and each ExternalDNS instance (identity, zones, filters, owner id),
 * with the checks between their settings.
 */
import {
  CATALOGUED_LBC_VERSIONS,
  ALB_GROUP_NAME_ANNOTATION,
  DEFAULT_SCHEME_VALUE_SINCE,
  CERTIFICATE_MANAGEMENT_FEATURE_GATE,
  CERTIFICATE_MANAGEMENT_POLICY,
  GATEWAY_FEATURE_GATES_SINCE,
  GLOBAL_ACCELERATOR_FEATURE_GATES,
  LISTENER_SETS,
  compareVersions,
  featureGateReleases,
  hasFeatureGate,
  lbcFeatureGates,
  lbcRelease,
  overridesOfCataloguedVersion,
} from '../catalog/aws-load-balancer-controller';
import type { LbcGatewaySupport, LbcReleaseFacts } from '../catalog/aws-load-balancer-controller';
import { GATEWAY_API_VERSIONS, gatewayApiRelease } from '../catalog/gateway-api';
import {
  CATALOGUED_EXTERNAL_DNS_CHARTS,
  DEFAULT_EXTERNAL_DNS_CHART_VERSION,
  dnsEndpointCrdFile,
  externalDnsRelease,
} from '../catalog/external-dns';
import type { LocalExternalDnsChart } from '../catalog/external-dns';
import type { Partition } from '../catalog/partitions';
import { IRSA_ROLE_ANNOTATION } from '../catalog/eks';
import { lbcChartValues } from './derived/lbc-chart-values';
import { isWithinDomain } from './derived/route53-policy';
import {
  EXTERNAL_DNS_MANAGED_FLAGS,
  externalDnsChartValues,
} from './derived/external-dns-chart-values';
import { IDENTITY_ANNOTATION, overriddenManagedValues } from './derived/chart-values';
import type { HelmValues } from './derived/chart-values';
import type { Issues } from './issues';
import { labelSelectorProblem } from './label-selector';
import type {
  ResolvedExternalDns,
  ResolvedLoadBalancerController,
  WorkloadIdentityMode,
} from './model';
import {
  HELM_RELEASE_NAME_LIMIT,
  LBC_RELEASE_NAME,
  externalDnsNames,
  ingressClassName,
  lbcNames,
} from './naming';
import { albGroupServedBy } from './resolve-edge';
import type { ClusterConfig, ExternalDnsConfig } from './schema';
import type { LocalCatalog } from './schema/local-catalog';
import type { NamedCluster } from './naming';

/** A placeholder for what only the plan knows (role ARNs, looked-up zone ids): the keys count. */
const PLAN_TIME = '';

/** The annotations an identity puts on its service account, with plan-time values left out. */
function identityAnnotations(mode: WorkloadIdentityMode['mode']): Record<string, string> {
  return mode === 'irsa' ? { [IRSA_ROLE_ANNOTATION]: PLAN_TIME } : {};
}

/** An IRSA role another tool keeps: in the cluster's account and partition, for IRSA only. */
function checkExistingRole(
  lbc: ClusterConfig['loadBalancerController'],
  cluster: NamedCluster<ClusterConfig>,
  partition: Partition,
  path: string,
  issues: Issues,
): void {
  const arn = lbc.existingRoleArn;
  if (!arn) return;
  if (lbc.identity !== 'irsa')
    issues.add(
      `${path}.existingRoleArn`,
      `is an IRSA role, but identity is ${lbc.identity}: set identity irsa, or remove existingRoleArn`,
    );
  const [, arnPartition, , , account] = arn.split(':');
  if (account !== cluster.accountId || arnPartition !== partition)
    issues.add(
      `${path}.existingRoleArn`,
      `${arn} is not a role of the cluster's account ${cluster.accountId} (partition ${partition})`,
    );
}

/** User values that would override what the project sets: they would silently lose. */
function rejectManagedValues(
  user: HelmValues,
  managed: HelmValues,
  path: string,
  issues: Issues,
): void {
  for (const overridden of overriddenManagedValues(user, managed)) {
    issues.add(
      `${path}.${overridden}`,
      `is set by this project from the other settings (managed values: ${Object.keys(managed).join(', ')}); remove it`,
    );
  }
}

/** The feature gates set by hand in the chart's `controllerConfig.featureGates`, if any. */
function handSetFeatureGates(values: HelmValues): Readonly<Record<string, unknown>> | undefined {
  const config = values.controllerConfig;
  const gates =
    typeof config === 'object' && config !== null
      ? (config as { featureGates?: unknown }).featureGates
      : undefined;
  return typeof gates === 'object' && gates !== null
    ? (gates as Record<string, unknown>)
    : undefined;
}

/**
 * Feature gates set by hand: each must be a gate of the controller's version, set to true or
 * false. The controller refuses to start on any other (`--feature-gates`: "unknown feature"), so
 * a typo or a gate of a newer release would stop it on the first pod restart. A version outside
 * the catalog is not checked (its warning says what the catalog cannot vouch for).
 */
function checkFeatureGates(
  gates: Readonly<Record<string, unknown>>,
  version: string,
  known: readonly string[] | undefined,
  path: string,
  issues: Issues,
): void {
  if (!known) return;
  for (const [gate, value] of Object.entries(gates)) {
    const at = `${path}.${gate}`;
    if (!known.includes(gate)) {
      const other = featureGateReleases(gate);
      const alike = known.find((name) => name.toLowerCase() === gate.toLowerCase());
      issues.add(
        at,
        `is not a feature gate of controller ${version}, which would refuse to start ("unknown feature")${
          other
            ? `: ${gate} is a gate of ${other}`
            : alike
              ? `: did you mean ${alike}?`
              : `; its gates: ${known.join(', ')}`
        }`,
      );
    } else if (typeof value !== 'boolean') {
      issues.add(
        at,
        `must be true or false (the controller parses each gate as a boolean), got ${JSON.stringify(value)}`,
      );
    }
  }
}

/** Feature gates a setting owns: set by hand, the controller would run without the policy. */
const GATES_OF_SETTINGS: Readonly<Record<string, { name: string; what: string }>> = {
  GlobalAcceleratorController: {
    name: 'globalAccelerator: true',
    what: 'the Global Accelerator controller',
  },
  [CERTIFICATE_MANAGEMENT_FEATURE_GATE]: {
    name: 'certificateManagement',
    what: 'certificate management',
  },
};

/**
 * Certificate management where the controller has it (v3.3.0 and later), validating in public
 * zones (ACM resolves the validation records in public DNS: a private zone never validates) and
 * issuing from Private CAs of the cluster's partition.
 */
function resolveCertificateManagement(
  lbc: ClusterConfig['loadBalancerController'],
  partition: Partition,
  path: string,
  issues: Issues,
): ResolvedLoadBalancerController['certificateManagement'] {
  const settings = lbc.certificateManagement;
  if (!settings) return undefined;
  const at = `${path}.certificateManagement`;
  const { since } = CERTIFICATE_MANAGEMENT_POLICY;
  if (compareVersions(lbc.version, since) < 0)
    issues.add(
      at,
      `certificate management is part of the controller from ${since}; ${lbc.version} does not have it: set version to ${since} or later, or remove this setting`,
    );
  settings.zones.forEach((zone, i) => {
    if (zone.private)
      issues.add(
        `${at}.zones[${i}].private`,
        'ACM validates certificates through public DNS, which never sees a private zone: name public zones only',
      );
  });
  settings.privateCertificateAuthorities.forEach((arn, i) => {
    if (arn.split(':')[1] !== partition)
      issues.add(
        `${at}.privateCertificateAuthorities[${i}]`,
        `${arn} is not in the cluster's partition ${partition}`,
      );
  });
  return {
    zones: settings.zones,
    certificateAuthorityArns: settings.privateCertificateAuthorities,
  };
}

/** The user's local catalog: its file as the configuration names it, and its entries. */
export interface LocalCatalogEntries {
  readonly file: string;
  readonly entries: LocalCatalog;
}

/** The local catalog's entry for an ExternalDNS chart version, as the catalog's lookup takes it. */
export function localExternalDnsChart(
  local: LocalCatalogEntries | undefined,
  chartVersion: string,
): LocalExternalDnsChart | undefined {
  const entry = local?.entries.externalDnsCharts[chartVersion];
  if (!entry) return undefined;
  const { dnsEndpointCrd, ...facts } = entry;
  return {
    facts: { ...facts, dnsEndpointCrd: dnsEndpointCrdFile(chartVersion, dnsEndpointCrd) },
    file: local.file,
  };
}

/**
 * Entries of a local catalog the built-in one already has (they would contradict it), or that
 * name a Gateway API release the catalog lacks.
 */
export function checkLocalCatalog(local: LocalCatalogEntries, issues: Issues): void {
  for (const version of Object.keys(local.entries.externalDnsCharts))
    if (CATALOGUED_EXTERNAL_DNS_CHARTS.includes(version))
      issues.add(
        `localCatalog (${local.file}) externalDnsCharts["${version}"]`,
        `is in the built-in catalog: remove it from ${local.file}`,
      );
  for (const [version, release] of Object.entries(local.entries.loadBalancerController)) {
    const at = `localCatalog (${local.file}) loadBalancerController["${version}"]`;
    if (CATALOGUED_LBC_VERSIONS.includes(version))
      issues.add(at, `is in the built-in catalog: remove it from ${local.file}`);
    if (release.gatewayApi && !GATEWAY_API_VERSIONS.includes(release.gatewayApi))
      issues.add(
        `${at}.gatewayApi`,
        `${release.gatewayApi} is not a catalogued Gateway API release (${GATEWAY_API_VERSIONS.join(', ')})`,
      );
  }
}

export function resolveLoadBalancerController(
  cluster: NamedCluster<ClusterConfig>,
  partition: Partition,
  path: string,
  issues: Issues,
  local?: LocalCatalogEntries,
): ResolvedLoadBalancerController | undefined {
  const lbc = cluster.loadBalancerController;
  const localRelease = local?.entries.loadBalancerController[lbc.version];
  const request = {
    ...lbc,
    partition,
    local: localRelease && {
      facts: {
        chart: localRelease.chart,
        gatewayApi: localRelease.gatewayApi,
        gatewayCrds: localRelease.gatewayCrds,
        chartCrds: localRelease.chartCrds,
        policies: localRelease.policies as LbcReleaseFacts['policies'],
      },
      file: local.file,
    },
  };
  const knownGates = localRelease ? localRelease.featureGates : lbcFeatureGates(lbc.version);
  if (!lbc.enabled) {
    issues.addUnder(path, overridesOfCataloguedVersion(request));
    for (const setting of ['globalAccelerator', 'certificateManagement'] as const)
      if (lbc[setting])
        issues.add(
          `${path}.${setting}`,
          'is a part of the controller, which enabled: false leaves out; remove it, or enable the controller',
        );
    return undefined;
  }
  checkExistingRole(lbc, cluster, partition, path, issues);
  const release = lbcRelease(request);
  if (!release.ok) {
    issues.addUnder(path, release.problems);
    return undefined;
  }
  // Said at every synth: what a version outside the catalog runs without.
  const { cataloguedAs } = release.value;
  if (localRelease) {
    issues.warn(
      `${path}.version`,
      `${lbc.version} comes from the local catalog ${local.file}, not the built-in one (${CATALOGUED_LBC_VERSIONS.at(0)} – ${CATALOGUED_LBC_VERSIONS.at(-1)}): its checksums, Gateway API release and feature gates are the ones written there`,
    );
  } else if (!CATALOGUED_LBC_VERSIONS.includes(lbc.version)) {
    issues.warn(
      `${path}.version`,
      `${lbc.version} is outside the built-in catalog (${CATALOGUED_LBC_VERSIONS.at(0)} – ${CATALOGUED_LBC_VERSIONS.at(-1)}): its policy and chart CRDs are checked only against the sha256 you set; the CRDs applied are the ones ${cataloguedAs ?? 'the catalog'} knows of (a CRD new in ${lbc.version} is installed by Helm on first install and never upgraded); Gateway API is not available; feature gates set in values are not checked against the release`,
    );
  }
  const gatewaySupport = release.value.gatewayApi;
  const gatewayApi =
    cluster.gatewayApi.enabled && gatewaySupport
      ? {
          support: withGatewayApiVersion(
            gatewaySupport,
            cluster.gatewayApi.version,
            `${gatewayPath(path)}.version`,
            issues,
          ),
          nlb: cluster.gatewayApi.nlb,
        }
      : undefined;
  const featureGates =
    compareVersions(lbc.version, GATEWAY_FEATURE_GATES_SINCE) >= 0
      ? { ALBGatewayAPI: gatewayApi !== undefined, NLBGatewayAPI: gatewayApi?.nlb ?? false }
      : undefined;
  const chartOptions = {
    defaultTargetType: lbc.defaultTargetType,
    enableServiceMutatorWebhook: lbc.serviceMutatorWebhook,
    defaultLoadBalancerScheme: lbc.defaultLoadBalancerScheme,
  };
  if (
    lbc.defaultLoadBalancerScheme &&
    compareVersions(lbc.version, DEFAULT_SCHEME_VALUE_SINCE) < 0
  ) {
    issues.add(
      `${path}.defaultLoadBalancerScheme`,
      `the chart has this value from controller ${DEFAULT_SCHEME_VALUE_SINCE}; ${lbc.version} would ignore it`,
    );
  }
  const serviceAccount = {
    namespace: lbc.namespace,
    name: lbc.serviceAccountName,
    createdByChart: lbc.createServiceAccount,
  };
  const certificateManagement = resolveCertificateManagement(lbc, partition, path, issues);
  const capabilityGates = [
    ...(lbc.globalAccelerator ? GLOBAL_ACCELERATOR_FEATURE_GATES : []),
    ...(certificateManagement ? [CERTIFICATE_MANAGEMENT_FEATURE_GATE] : []),
    // Pinned on where Gateways accept ListenerSets, so that no default can take them away.
    ...(gatewayApi &&
    (localRelease
      ? localRelease.featureGates.includes(LISTENER_SETS.gate)
      : hasFeatureGate(lbc.version, LISTENER_SETS.gate)) &&
    cluster.gatewayApi.gateways.some((gateway) => gateway.allowedListeners !== 'None')
      ? [LISTENER_SETS.gate]
      : []),
  ];
  const managed = lbcChartValues({
    clusterName: cluster.clusterName,
    region: cluster.region,
    vpcId: cluster.vpcId,
    replicaCount: lbc.replicaCount,
    serviceAccount,
    serviceAccountAnnotations: identityAnnotations(lbc.existingRoleArn ? 'irsa' : lbc.identity),
    podAnnotations: { [IDENTITY_ANNOTATION]: PLAN_TIME },
    featureGates,
    capabilityGates,
    options: chartOptions,
  });
  rejectManagedValues(lbc.values, managed, `${path}.values`, issues);
  const gates = handSetFeatureGates(lbc.values);
  const gatesPath = `${path}.values.controllerConfig.featureGates`;
  if (gates) checkFeatureGates(gates, lbc.version, knownGates, gatesPath, issues);
  for (const [gate, setting] of Object.entries(GATES_OF_SETTINGS))
    if (gates?.[gate] === true && !capabilityGates.includes(gate))
      issues.add(
        `${gatesPath}.${gate}`,
        `turns on ${setting.what} without its IAM policy; set ${setting.name} instead (it attaches the policy and sets the gates it needs), and remove this value`,
      );
  return {
    release: release.value,
    releaseName: LBC_RELEASE_NAME,
    chart: release.value.chart,
    identity: lbc.existingRoleArn
      ? { mode: 'existing-irsa-role', roleArn: lbc.existingRoleArn }
      : { mode: lbc.identity },
    serviceAccount,
    replicaCount: lbc.replicaCount,
    acceptOrphansOnDestroy: lbc.acceptOrphansOnDestroy,
    names: lbcNames(cluster),
    values: lbc.values,
    gatewayApi,
    featureGates,
    globalAccelerator: lbc.globalAccelerator,
    certificateManagement,
    capabilityGates,
    chartOptions,
    deploy: lbc.deploy,
  };
}

/** What `--managed-record-types` makes of `recordTypes` (TXT is the registry's own type). */
function managedRecordTypes(
  recordTypes: readonly string[] | undefined,
  defaults: readonly string[],
): string[] {
  const managed = recordTypes?.filter((type) => type !== 'TXT') ?? [];
  return managed.length > 0 ? managed : [...defaults];
}

/** `clusters[i].loadBalancerController` → `clusters[i].gatewayApi`. */
function gatewayPath(controllerPath: string): string {
  return controllerPath.replace(/\.loadBalancerController$/, '.gatewayApi');
}

/** The controller's Gateway API support with a newer catalogued release, where one is chosen. */
function withGatewayApiVersion(
  support: LbcGatewaySupport,
  version: string | undefined,
  path: string,
  issues: Issues,
): LbcGatewaySupport {
  if (!version || version === support.gatewayApi.version) return support;
  const chosen = gatewayApiRelease(version);
  if (!chosen) {
    issues.add(
      path,
      `${version} is not a catalogued Gateway API release (${GATEWAY_API_VERSIONS.join(', ')})`,
    );
  } else if (compareVersions(version, support.gatewayApi.version) < 0) {
    issues.add(
      path,
      `${version} is older than the ${support.gatewayApi.version} the controller needs`,
    );
  } else {
    return { ...support, gatewayApi: chosen };
  }
  return support;
}

/** An instance as far as its own cluster decides it; the DNS account adds cross-account access. */
export type LocalExternalDns = Omit<ResolvedExternalDns, 'route53'>;

export function resolveExternalDns(
  instance: ExternalDnsConfig,
  cluster: NamedCluster<ClusterConfig>,
  path: string,
  issues: Issues,
  local?: LocalCatalogEntries,
): LocalExternalDns {
  if (instance.zones.length === 0) {
    issues.add(
      `${path}.zones`,
      'lists no hosted zone: ExternalDNS would look for zones with whatever credentials it finds; name the zones it may change',
    );
  }
  issues.addDuplicates(
    `${path}.zones`,
    instance.zones.map((zone) => zone.name),
    (name) => `lists zone ${name} more than once`,
  );
  instance.zones.forEach((zone, index) => {
    if (instance.zoneType && zone.private !== (instance.zoneType === 'private')) {
      issues.add(
        `${path}.zones[${index}]`,
        `${zone.name} is a ${zone.private ? 'private' : 'public'} zone but zoneType is ${instance.zoneType}`,
      );
    }
  });
  // In a canonical order, as subnets and CIDRs are: reordering the zones or filters of the file
  // means nothing, and must not change the container's arguments (which rolls the pods).
  const zones = [...instance.zones].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const domainFilters = [...(instance.domainFilters ?? zones.map((zone) => zone.name))].sort();
  instance.excludeDomains.forEach((name, index) => {
    if (!domainFilters.some((filter) => isWithinDomain(name, filter.replace(/^\*\./, '')))) {
      issues.add(
        `${path}.excludeDomains[${index}]`,
        `${name} is not inside the instance's domain filters (${domainFilters.join(', ')}): there is nothing to exclude`,
      );
    }
  });
  (instance.domainFilters ?? []).forEach((filter, index) => {
    if (
      instance.zones.length > 0 &&
      !instance.zones.some((zone) => isWithinDomain(filter.replace(/^\*\./, ''), zone.name))
    ) {
      issues.add(
        `${path}.domainFilters[${index}]`,
        `${filter} is not inside any of this instance's zones (${instance.zones.map((z) => z.name).join(', ')})`,
      );
    }
  });
  if (instance.identity === 'node-role' && instance.nodeRoleNames.length === 0) {
    issues.add(
      `${path}.nodeRoleNames`,
      'identity node-role needs the names of the node IAM roles to attach the Route 53 policy to',
    );
  }
  if (instance.identity !== 'node-role' && instance.nodeRoleNames.length > 0) {
    issues.add(
      `${path}.nodeRoleNames`,
      `is only used with identity node-role (this instance uses ${instance.identity})`,
    );
  }
  instance.extraArgs.forEach((arg, index) => {
    const flag = arg.split('=')[0];
    if ((EXTERNAL_DNS_MANAGED_FLAGS as readonly string[]).includes(flag)) {
      issues.add(
        `${path}.extraArgs[${index}]`,
        `${flag} is set by this project from the instance's settings (managed flags: ${EXTERNAL_DNS_MANAGED_FLAGS.join(', ')})`,
      );
    }
  });
  const filterProblem =
    instance.annotationFilter === undefined
      ? undefined
      : labelSelectorProblem(instance.annotationFilter);
  if (filterProblem) {
    issues.add(
      `${path}.annotationFilter`,
      `${filterProblem}: ExternalDNS would not start; write a label selector such as eks-edge/zone in (private)`,
    );
  }
  // The group of an IngressClassParams wins over the annotation (aws-load-balancer-controller
  // pkg/ingress/group_loader.go:234-236 at v2.17.1): every Ingress of this project's ALB groups
  // carries whatever annotation it likes, and still gets its class's ALB.
  if (
    instance.annotationFilter?.includes(ALB_GROUP_NAME_ANNOTATION) &&
    cluster.albGroups.length > 0
  ) {
    issues.warn(
      `${path}.annotationFilter`,
      `selects by ${ALB_GROUP_NAME_ANNOTATION}, which the controller ignores for Ingresses of this cluster's ALB groups (their IngressClassParams set the group): an Ingress can be published by this instance while it is served by another group's ALB. Use albGroups instead`,
    );
  }
  (instance.albGroups ?? []).forEach((group, index) => {
    if (!cluster.albGroups.some((g) => g.name === group)) {
      issues.add(
        `${path}.albGroups[${index}]`,
        `${group} is not one of this cluster's albGroups (${cluster.albGroups.map((g) => g.name).join(', ') || 'none'})`,
      );
    }
  });
  if (
    instance.albGroups &&
    !instance.sources.some((source) => source === 'ingress' || source.startsWith('gateway-'))
  ) {
    issues.add(
      `${path}.albGroups`,
      'selects Ingresses and Gateways by ALB group, but the sources read neither: add ingress or a gateway source, or remove albGroups',
    );
  }
  if (instance.txtPrefix !== undefined && instance.txtSuffix !== undefined) {
    issues.add(
      `${path}.txtSuffix`,
      'ExternalDNS takes either txtPrefix or txtSuffix, not both: remove one',
    );
  }
  if (instance.recordTypes && !instance.recordTypes.includes('TXT')) {
    issues.add(
      `${path}.recordTypes`,
      'must include TXT: the TXT registry records which records this instance owns',
    );
  }
  const names = externalDnsNames(cluster, instance.name);
  if (
    instance.migrateFromTxtOwner &&
    instance.migrateFromTxtOwner === (instance.txtOwnerId ?? names.txtOwnerId)
  ) {
    issues.add(
      `${path}.migrateFromTxtOwner`,
      'is the current txtOwnerId: name the owner id the instance ran with before, or remove it',
    );
  }
  if (names.release.length > HELM_RELEASE_NAME_LIMIT) {
    issues.add(
      `${path}.name`,
      `makes the Helm release name ${names.release} (${names.release.length} characters); Helm allows ${HELM_RELEASE_NAME_LIMIT}: use at most ${HELM_RELEASE_NAME_LIMIT - 'external-dns-'.length} characters`,
    );
  }
  const serviceAccount = {
    namespace: instance.namespace,
    name: instance.serviceAccountName ?? names.serviceAccount,
    createdByChart: instance.createServiceAccount,
  };
  const release = externalDnsRelease(
    instance.chartVersion,
    localExternalDnsChart(local, instance.chartVersion),
  );
  if (release.localCatalog) {
    issues.warn(
      `${path}.chartVersion`,
      `${instance.chartVersion} comes from the local catalog ${release.localCatalog}, not the built-in one (${CATALOGUED_EXTERNAL_DNS_CHARTS.join(', ')}): ExternalDNS ${release.appVersion}, its defaults, what each source watches, the DNSEndpoint CRD's sha256 and the values it templates are the ones written there`,
    );
  } else if (!release.catalogued) {
    // Said at every synth: what a chart outside the catalog runs without.
    issues.warn(
      `${path}.chartVersion`,
      `${instance.chartVersion} is outside the built-in catalog (${CATALOGUED_EXTERNAL_DNS_CHARTS.join(', ')}): this project assumes what chart ${DEFAULT_EXTERNAL_DNS_CHART_VERSION} (ExternalDNS ${release.appVersion}) does — its flags, what each source watches, the default record types — and does not check the chart values against that chart`,
    );
    if (instance.sources.includes('crd')) {
      issues.add(
        `${path}.sources`,
        `crd needs the DNSEndpoint CRD of chart ${instance.chartVersion}, which this project applies from the catalog and the catalog does not have: use a catalogued chartVersion (${CATALOGUED_EXTERNAL_DNS_CHARTS.join(', ')}), or remove crd`,
      );
    }
  }
  const resolved: LocalExternalDns = {
    name: instance.name,
    releaseName: names.release,
    chart: release.chart,
    templatedValues: release.templatedValues,
    identity:
      instance.identity === 'node-role'
        ? { mode: 'node-role', nodeRoleNames: instance.nodeRoleNames }
        : { mode: instance.identity },
    serviceAccount,
    names: { role: names.role, policy: names.policy },
    zones,
    zoneType: instance.zoneType,
    domainFilters,
    policy: instance.policy,
    txtOwnerId: instance.txtOwnerId ?? names.txtOwnerId,
    migrateFromTxtOwner: instance.migrateFromTxtOwner,
    sources: instance.sources,
    annotationPrefix: instance.annotationPrefix,
    annotationFilter: instance.annotationFilter,
    recordNames: instance.restrictRecordNames ? domainFilters : undefined,
    recordTypes: instance.recordTypes,
    managedTypes: managedRecordTypes(instance.recordTypes, release.defaultManagedRecordTypes),
    dnsEndpointCrd: instance.sources.includes('crd') ? release.dnsEndpointCrd : undefined,
    txtAffix:
      instance.txtPrefix !== undefined
        ? { prefix: instance.txtPrefix }
        : instance.txtSuffix !== undefined
          ? { suffix: instance.txtSuffix }
          : undefined,
    extraArgs: instance.extraArgs,
    values: instance.values,
    deploy: instance.deploy,
    albGroups: instance.albGroups,
    albGroupIngressClasses: instance.albGroups?.flatMap((name) => {
      const group = cluster.albGroups.find((g) => g.name === name);
      return group ? [ingressClassName(name, albGroupServedBy(group, cluster))] : [];
    }),
    // Completed with the zones of the cluster's other instances (resolve.ts).
    excludeDomains: [...instance.excludeDomains].sort(),
  };
  const managed = externalDnsChartValues({
    instance: resolved,
    region: cluster.region,
    zoneIds: zones.map((zone) => zone.id ?? PLAN_TIME),
    serviceAccountAnnotations: identityAnnotations(instance.identity),
    podAnnotations: { [IDENTITY_ANNOTATION]: PLAN_TIME },
  });
  rejectManagedValues(instance.values, managed, `${path}.values`, issues);
  return resolved;
}

/**
 * What a controller installed before is removed by, and where the plan looks for it: allowed on
 * Auto Mode (`enabled` only as false: no controller runs there).
 */
const CONTROLLER_REMOVAL_SETTINGS: readonly string[] = ['acceptOrphansOnDestroy', 'namespace'];

/** The paths of the leaves of a chart-values tree (a value that is not a map is a leaf). */
function leafPaths(value: unknown, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [path];
  const entries = Object.entries(value);
  if (entries.length === 0) return [path];
  return entries.flatMap(([key, child]) => leafPaths(child, `${path}.${key}`));
}

/**
 * On a cluster whose load balancing is EKS Auto Mode's, no controller runs: every controller
 * setting the file writes is refused, each by its path, chart values and feature gates by
 * theirs. `written` is the `loadBalancerController` map as the file has it, before defaults: a
 * setting written at its default value (`version: v3.5.0`) is refused as well.
 */
export function checkNoControllerSettings(written: unknown, path: string, issues: Issues): void {
  if (typeof written !== 'object' || written === null || Array.isArray(written)) return;
  const why =
    'is a setting of the AWS Load Balancer Controller, which loadBalancing autoMode does not install (EKS Auto Mode runs its own load balancing): remove it, or set loadBalancing to controllerAndAutoMode while the controller still serves groups';
  for (const [setting, value] of Object.entries(written)) {
    if (CONTROLLER_REMOVAL_SETTINGS.includes(setting)) continue;
    if (setting === 'enabled' && value === false) continue;
    const paths =
      setting === 'values' ? leafPaths(value, `${path}.values`) : [`${path}.${setting}`];
    for (const given of paths) issues.add(given, why);
  }
}
