/**
 * Everything one AWS Load Balancer Controller version needs, behind one lookup: the chart, the
 * verified IAM policy files, and what its Gateway API support needs. One controller version
 * drives all of them, so they cannot drift apart. Updating to a new upstream release edits the
 * tables of this folder only.
 */
import { gatewayApiRelease } from '../gateway-api';
import type { GatewayApiRelease } from '../gateway-api';
import { crds } from '../manifest-files';
import type { PinnedManifestFile } from '../manifest-files';
import type { TemplatedValue } from '../chart-templating';
import type { Lookup, CatalogProblem } from '../lookup';
import type { Partition } from '../partitions';
import {
  GLOBAL_ACCELERATOR_POLICY,
  MIGRATION_POLICY_FILE,
  POLICY_FILE_BY_PARTITION,
  POLICY_SHA256,
  policyUrl,
} from './iam-policies';
import type { LbcPolicyFile } from './iam-policies';
import type { LbcReleaseFacts } from './releases';
import {
  LBC_RELEASES,
  chartCrdNames,
  compareVersions,
  gatewayCrdNames,
  lbcGatewayApiVersion,
  lbcTemplatedValues,
} from './releases';

export {
  DEFAULT_LBC_VERSION,
  DEFAULT_SCHEME_VALUE_SINCE,
  GATEWAY_FEATURE_GATES,
  GATEWAY_FEATURE_GATES_SINCE,
  CERTIFICATE_MANAGEMENT_FEATURE_GATE,
  GLOBAL_ACCELERATOR,
  LISTENER_SETS,
  GLOBAL_ACCELERATOR_FEATURE_GATES,
  INGRESS_CLASS_PARAMS,
  INGRESS_CONTROLLER,
  compareVersions,
  featureGateReleases,
  hasFeatureGate,
  lbcFeatureGates,
} from './releases';
export {
  ALB_GROUP_NAME_ANNOTATION,
  LBC_CLUSTER_TAG,
  SHARED_BACKEND_RULE_DESCRIPTION,
  V1_CLUSTER_TAG,
} from './resource-tags';
export { CERTIFICATE_MANAGEMENT_POLICY, GLOBAL_ACCELERATOR_POLICY } from './iam-policies';
export type { LbcPolicyFile } from './iam-policies';
export type { GatewayFeatureGate, LbcReleaseFacts } from './releases';
export type { PinnedManifestFile } from '../manifest-files';

export const LBC_CHART = {
  repository: 'https://aws.github.io/eks-charts',
  name: 'aws-load-balancer-controller',
} as const;

/** A file the plan downloads and accepts only with this sha256. */
export interface PinnedFile {
  readonly url: string;
  readonly sha256: string;
}

export interface LbcPolicy extends PinnedFile {
  readonly file: LbcPolicyFile;
}

export interface LbcGatewaySupport {
  /** The Gateway API release the controller is built for. */
  readonly gatewayApi: GatewayApiRelease;
  /** The controller's own gateway.k8s.aws CRDs at its tag. */
  readonly lbcCrds: PinnedManifestFile;
  /** apiVersion of LoadBalancerConfiguration and the other gateway.k8s.aws kinds. */
  readonly lbcApiVersion: 'gateway.k8s.aws/v1' | 'gateway.k8s.aws/v1beta1';
}

export interface LbcRelease {
  readonly version: string;
  readonly chart: { readonly repository: string; readonly name: string; readonly version: string };
  /** The partition's upstream policy. */
  readonly policy: LbcPolicy;
  /** The v1 → v2 migration policy, when asked for. */
  readonly migrationPolicy?: LbcPolicy;
  /** The Global Accelerator controller's policy, when asked for. */
  readonly globalAcceleratorPolicy?: LbcPolicy;
  /**
   * The chart's own CRDs at the tag (IngressClassParams, TargetGroupBinding, …): Helm installs
   * them once and never upgrades them, so the project applies them itself. For a version outside
   * the catalog, pinned by the sha256 the user gives, holding the CRDs the newest catalogued
   * release knows of (`cataloguedAs`).
   */
  readonly chartCrds: PinnedManifestFile;
  /** For a version outside the catalog: the newest catalogued release whose facts it assumes. */
  readonly cataloguedAs?: string;
  /** Absent for releases without (stable) Gateway API support. */
  readonly gatewayApi?: LbcGatewaySupport;
  /** The values the chart renders through `tpl`. */
  readonly templatedValues: readonly TemplatedValue[];
}

export interface LbcReleaseRequest {
  readonly version: string;
  readonly partition: Partition;
  readonly migrateFromV1: boolean;
  readonly globalAccelerator: boolean;
  /** For versions outside the catalog only. */
  readonly chartVersion?: string;
  readonly policySha256?: string;
  readonly migrationPolicySha256?: string;
  readonly chartCrdsSha256?: string;
  readonly globalAcceleratorPolicySha256?: string;
  /** The release's entry in the user's local catalog, where it has one. */
  readonly local?: { readonly facts: LbcReleaseFacts; readonly file: string };
}

/** What the catalog, built-in or local, records of the requested release. */
function factsOf(request: LbcReleaseRequest): LbcReleaseFacts | undefined {
  return LBC_RELEASES[request.version] ?? request.local?.facts;
}

const OVERRIDES = [
  'chartVersion',
  'policySha256',
  'migrationPolicySha256',
  'chartCrdsSha256',
  'globalAcceleratorPolicySha256',
] as const;

export const CATALOGUED_LBC_VERSIONS = Object.keys(LBC_RELEASES).sort(compareVersions);

/** Settings that only versions outside the catalog may have; they would contradict the catalog. */
export function overridesOfCataloguedVersion(request: LbcReleaseRequest): CatalogProblem[] {
  if (!factsOf(request)) return [];
  const where = LBC_RELEASES[request.version]
    ? 'is catalogued'
    : `is in the local catalog ${request.local?.file}`;
  return OVERRIDES.filter((key) => request[key] !== undefined).map((setting) => ({
    setting,
    message: `is only for controller versions outside the catalog; ${request.version} ${where}, remove this setting`,
  }));
}

/** The chart version for a version outside the catalog, where it can be derived (v3 and later). */
function derivedChartVersion(version: string): string | undefined {
  return compareVersions(version, 'v3.0.0') >= 0 ? version.slice(1) : undefined;
}

function repositoryAt(version: string): string {
  return `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${version}`;
}

/** Every CRD name any catalogued release's chart or gateway file holds. */
export const ALL_LBC_CRD_NAMES = {
  chart: [...new Set(CATALOGUED_LBC_VERSIONS.flatMap(chartCrdNames))].sort(),
  gateway: [...new Set(CATALOGUED_LBC_VERSIONS.flatMap(gatewayCrdNames))].sort(),
};

function gatewaySupport(
  version: string,
  facts: LbcReleaseFacts | undefined = LBC_RELEASES[version],
): LbcGatewaySupport | undefined {
  const gatewayApi = facts?.gatewayApi && gatewayApiRelease(facts.gatewayApi);
  if (!facts || !gatewayApi) return undefined;
  return {
    gatewayApi,
    lbcCrds: {
      name: 'gateway-crds',
      url: `${repositoryAt(version)}/config/crd/gateway/gateway-crds.yaml`,
      sha256: facts.gatewayCrds,
      documents: crds(...gatewayCrdNames(version)),
    },
    lbcApiVersion: lbcGatewayApiVersion(version),
  };
}

/** Versions whose Gateway API support is known, for messages. */
export const LBC_VERSIONS_WITH_GATEWAY_API = CATALOGUED_LBC_VERSIONS.filter((v) =>
  gatewaySupport(v),
);

/** A policy file's sha256 at a catalogued release: its own where it differs, else the shared one. */
export function cataloguedPolicySha256(
  version: string,
  file: LbcPolicyFile,
  facts: LbcReleaseFacts | undefined = LBC_RELEASES[version],
): string {
  return facts?.policies?.[file] ?? POLICY_SHA256[file];
}

/**
 * The sha256 of the Global Accelerator controller's policy at the requested version, or the
 * problems that keep it from running there: a partition without Global Accelerator, a release
 * before the controller had it, a version outside the catalog without the checksum.
 */
function globalAcceleratorPolicySha256(
  request: LbcReleaseRequest,
  problems: CatalogProblem[],
): string | undefined {
  const { file, since, partitions } = GLOBAL_ACCELERATOR_POLICY;
  const found: CatalogProblem[] = [];
  if (!(partitions as readonly Partition[]).includes(request.partition))
    found.push({
      setting: 'globalAccelerator',
      message: `AWS Global Accelerator exists only in the ${partitions.join(', ')} partition (upstream docs/guide/globalaccelerator/installation.md); this cluster's region is in ${request.partition}: set false`,
    });
  if (compareVersions(request.version, since) < 0)
    found.push({
      setting: 'globalAccelerator',
      message: `the Global Accelerator controller is part of the controller from ${since}; ${request.version} does not have it: set version to ${since} or later, or set false`,
    });
  const facts = factsOf(request);
  const sha256 = facts
    ? cataloguedPolicySha256(request.version, file, facts)
    : request.globalAcceleratorPolicySha256;
  if (!sha256)
    found.push({
      setting: 'globalAcceleratorPolicySha256',
      message: `globalAccelerator with uncatalogued version ${request.version} needs the sha256 of ${file} at that tag`,
    });
  problems.push(...found);
  return found.length === 0 ? sha256 : undefined;
}

/**
 * Everything a controller version needs. Versions outside the catalog need the checksums (and,
 * before v3, the chart version) from the user.
 */
export function lbcRelease(request: LbcReleaseRequest): Lookup<LbcRelease> {
  const facts = factsOf(request);
  const problems = overridesOfCataloguedVersion(request);
  const policyFile = POLICY_FILE_BY_PARTITION[request.partition];
  const chartVersion = facts?.chart ?? request.chartVersion ?? derivedChartVersion(request.version);
  const policySha256 = facts
    ? cataloguedPolicySha256(request.version, policyFile, facts)
    : request.policySha256;
  const migrationSha256 = facts
    ? cataloguedPolicySha256(request.version, MIGRATION_POLICY_FILE, facts)
    : request.migrationPolicySha256;
  if (!facts) {
    const catalogued = CATALOGUED_LBC_VERSIONS.join(', ');
    if (!policySha256) {
      problems.push({
        setting: 'policySha256',
        message: `controller version ${request.version} is not in the built-in catalog (${catalogued}); set policySha256 to the sha256 of ${policyFile} at tag ${request.version}, or choose a catalogued version`,
      });
    }
    if (!chartVersion) {
      problems.push({
        setting: 'chartVersion',
        message: `controller version ${request.version} is not in the built-in catalog; set the chart version that ships it (charts before 3.0.0 are numbered 1.x)`,
      });
    }
    if (!request.chartCrdsSha256) {
      problems.push({
        setting: 'chartCrdsSha256',
        message: `controller version ${request.version} is not in the built-in catalog; set chartCrdsSha256 to the sha256 of helm/aws-load-balancer-controller/crds/crds.yaml at tag ${request.version} (Helm never upgrades the chart's CRDs, so this project applies them from that file), or choose a catalogued version`,
      });
    }
    if (request.migrateFromV1 && !migrationSha256) {
      problems.push({
        setting: 'migrationPolicySha256',
        message: `migrateFromV1 with uncatalogued version ${request.version} needs the sha256 of ${MIGRATION_POLICY_FILE} at that tag`,
      });
    }
  }
  const globalAcceleratorSha256 = request.globalAccelerator
    ? globalAcceleratorPolicySha256(request, problems)
    : undefined;
  const chartCrdsSha256 = facts?.chartCrds ?? request.chartCrdsSha256;
  if (problems.length > 0 || !chartVersion || !policySha256 || !chartCrdsSha256)
    return { ok: false, problems };
  const pinned = (file: LbcPolicyFile, sha256: string): LbcPolicy => ({
    file,
    url: policyUrl(request.version, file),
    sha256,
  });
  return {
    ok: true,
    value: {
      version: request.version,
      chart: { ...LBC_CHART, version: chartVersion },
      templatedValues: lbcTemplatedValues(request.version),
      policy: pinned(policyFile, policySha256),
      migrationPolicy:
        request.migrateFromV1 && migrationSha256
          ? pinned(MIGRATION_POLICY_FILE, migrationSha256)
          : undefined,
      globalAcceleratorPolicy:
        globalAcceleratorSha256 !== undefined
          ? pinned(GLOBAL_ACCELERATOR_POLICY.file, globalAcceleratorSha256)
          : undefined,
      chartCrds: {
        name: 'crds',
        url: `${repositoryAt(request.version)}/helm/aws-load-balancer-controller/crds/crds.yaml`,
        sha256: chartCrdsSha256,
        documents: crds(...chartCrdNames(request.version)),
      },
      cataloguedAs: facts
        ? undefined
        : [...CATALOGUED_LBC_VERSIONS]
            .reverse()
            .find((v) => compareVersions(v, request.version) <= 0),
      gatewayApi: gatewaySupport(request.version, facts),
    },
  };
}
