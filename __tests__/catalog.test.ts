/**
 * The upstream catalog against the upstream files themselves: where the shared copies are present
 * (`../shared/upstream`, as in CI), every checksum must equal the one computed from upstream, so a
 * catalog edit cannot drift from what the plan will download.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CATALOGUED_LBC_VERSIONS,
  GLOBAL_ACCELERATOR_POLICY,
  compareVersions,
  lbcRelease,
} from '../catalog/aws-load-balancer-controller';
import {
  POLICY_FILE_BY_PARTITION,
  POLICY_SHA256,
} from '../catalog/aws-load-balancer-controller/iam-policies';
import { partitionOf, unsupportedPartitionProblem } from '../catalog/partitions';
import {
  LBC_RELEASES,
  chartCrdNames,
  gatewayCrdNames,
} from '../catalog/aws-load-balancer-controller/releases';
import { parseAllDocuments } from 'yaml';
import {
  DEFAULT_EXTERNAL_DNS_CHART_VERSION,
  EXTERNAL_DNS_FLAGS,
  EXTERNAL_DNS_VALUE_FLAGS,
  externalDnsRelease,
} from '../catalog/external-dns';
import { GATEWAY_API_VERSIONS, gatewayApiRelease } from '../catalog/gateway-api';
import { EXTERNAL_DNS_MANAGED_FLAGS } from '../config/derived/external-dns-chart-values';

import { UPSTREAM_DIR, requires, sharedUpstream } from './helpers';

const UPSTREAM = UPSTREAM_DIR;
const upstreamChecksums = sharedUpstream('CHECKSUMS.md');
const withChecksums = requires(upstreamChecksums);
const upstreamIt = withChecksums.it;
const checksums = upstreamChecksums.present
  ? readFileSync(join(UPSTREAM, 'CHECKSUMS.md'), 'utf8')
  : '';
const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the AWS Load Balancer Controller catalog', () => {
  it.each(CATALOGUED_LBC_VERSIONS)('%s installs the chart that ships it', (version) => {
    const [major, minor, patch] = version.slice(1).split('.');
    const chart = LBC_RELEASES[version].chart;
    expect(chart).toBe(Number(major) >= 3 ? `${major}.${minor}.${patch}` : `1.${minor}.${patch}`);
  });

  it('gives every version with Gateway API support a catalogued Gateway API release', () => {
    const missing = Object.entries(LBC_RELEASES).filter(
      ([, facts]) => facts.gatewayApi && !GATEWAY_API_VERSIONS.includes(facts.gatewayApi),
    );
    expect(missing).toEqual([]);
  });

  it('pins every download to a release tag, never a branch', () => {
    for (const version of CATALOGUED_LBC_VERSIONS) {
      const globalAccelerator = compareVersions(version, GLOBAL_ACCELERATOR_POLICY.since) >= 0;
      const request = { version, partition: 'aws' as const, migrateFromV1: true };
      const release = lbcRelease({ ...request, globalAccelerator });
      if (!release.ok) throw new Error(`${version}: ${JSON.stringify(release.problems)}`);
      expect(release.value.globalAcceleratorPolicy !== undefined).toBe(globalAccelerator);
      const urls = [
        release.value.policy.url,
        release.value.migrationPolicy?.url,
        release.value.globalAcceleratorPolicy?.url,
        release.value.gatewayApi?.lbcCrds.url,
      ];
      for (const url of urls.filter(Boolean)) expect(url).toMatch(/\/v\d+\.\d+\.\d+\//);
    }
  });

  upstreamIt(
    'has the upstream sha256 of gateway-crds.yaml and the chart crds.yaml at every tag',
    () => {
      for (const [version, facts] of Object.entries(LBC_RELEASES)) {
        expect(checksums).toContain(
          `| ${version} | \`${facts.gatewayCrds}\` | \`${facts.chartCrds}\` |`,
        );
      }
    },
  );

  upstreamIt(
    'names the CRDs of the upstream files wherever a copy is shared (chart crds.yaml, gateway-crds.yaml)',
    () => {
      const names = (file: string) =>
        parseAllDocuments(readFileSync(file, 'utf8'))
          .map((document) => document.toJS())
          .filter((object) => object?.kind === 'CustomResourceDefinition')
          .map((object) => object.metadata.name)
          .sort();
      const shared = join(UPSTREAM, 'aws-load-balancer-controller');
      const compared = CATALOGUED_LBC_VERSIONS.filter((version) =>
        existsSync(join(shared, version, 'chart-crds', 'crds.yaml')),
      );
      expect(compared.length).toBeGreaterThan(0);
      for (const version of compared) {
        expect([version, names(join(shared, version, 'chart-crds', 'crds.yaml'))]).toEqual([
          version,
          [...chartCrdNames(version)].sort(),
        ]);
        const gateway = join(shared, version, 'crd-gateway', 'gateway-crds.yaml');
        if (existsSync(gateway))
          expect([version, names(gateway)]).toEqual([
            version,
            [...gatewayCrdNames(version)].sort(),
          ]);
      }
    },
  );

  upstreamIt(
    'has the sha256 of the upstream policy files (shared copies at v2.17.1 and v3.5.0)',
    () => {
      for (const tag of ['v2.17.1', 'v3.5.0']) {
        for (const [file, sha256] of Object.entries(POLICY_SHA256)) {
          expect([
            tag,
            file,
            sha256Of(join(UPSTREAM, 'aws-load-balancer-controller', tag, file)),
          ]).toEqual([tag, file, sha256]);
        }
      }
    },
  );
});

describe('the Gateway API catalog', () => {
  withChecksums.each(GATEWAY_API_VERSIONS)(
    '%s has the upstream sha256 of every standard-channel file',
    (version: string) => {
      const section = checksums.split(`### ${version}\n`)[1]?.split('###')[0] ?? '';
      const upstream = Object.fromEntries(
        [...section.matchAll(/gateway\.networking\.k8s\.io_(\w+)\.yaml` \| `([0-9a-f]{64})`/g)].map(
          (m) => [m[1], m[2]],
        ),
      );
      const files = gatewayApiRelease(version)?.standardFiles ?? [];
      expect(Object.fromEntries(files.map((file) => [file.name, file.sha256]))).toEqual(upstream);
      for (const file of files)
        expect(file.url).toMatch(
          new RegExp(
            `/gateway-api/${version}/config/crd/standard/gateway\\.networking\\.k8s\\.io_${file.name}\\.yaml$`,
          ),
        );
    },
  );

  it('lists the route kinds each release serves in its standard channel', () => {
    expect(gatewayApiRelease('v1.3.0')?.standardResources).not.toContain('tlsroutes');
    expect(gatewayApiRelease('v1.5.0')?.standardResources).toContain('tlsroutes');
    expect(gatewayApiRelease('v1.6.0')?.standardResources).toEqual(
      expect.arrayContaining(['tcproutes', 'udproutes']),
    );
  });
});

describe('the ExternalDNS catalog', () => {
  it('knows what the default chart version runs, read at its tags', () => {
    const release = externalDnsRelease(DEFAULT_EXTERNAL_DNS_CHART_VERSION);
    expect(release).toMatchObject({
      chart: {
        repository: 'https://kubernetes-sigs.github.io/external-dns/',
        name: 'external-dns',
        version: '1.21.1',
      },
      catalogued: true,
      appVersion: 'v0.21.0',
      defaultAnnotationPrefix: 'external-dns.alpha.kubernetes.io/',
      defaultManagedRecordTypes: ['A', 'AAAA', 'CNAME'],
    });
    expect(release.gatewaySources['gateway-tlsroute']).toEqual({
      resource: 'tlsroutes',
      version: 'v1alpha2',
    });
  });

  it('passes another chart version through, marked as not checked', () => {
    const release = externalDnsRelease('1.22.0');
    expect(release.chart.version).toBe('1.22.0');
    expect(release.catalogued).toBe(false);
  });

  it('names every flag the project owns once, from the chart values and extraArgs', () => {
    const flags = [
      ...Object.values(EXTERNAL_DNS_VALUE_FLAGS),
      ...Object.values(EXTERNAL_DNS_FLAGS),
    ];
    expect(new Set(flags).size).toBe(flags.length);
    expect([...EXTERNAL_DNS_MANAGED_FLAGS].sort()).toEqual(flags.sort());
  });
});

describe('the partitions', () => {
  // The partitions of the AWS SDK (aws-sdk-js-v3 packages/util-endpoints/src/lib/aws/partitions.json),
  // with a region of each, and the upstream controller policy file of each at v3.5.0.
  const SDK_PARTITIONS: [string, string, string][] = [
    ['aws', 'eu-west-1', 'iam_policy.json'],
    ['aws-cn', 'cn-north-1', 'iam_policy_cn.json'],
    ['aws-us-gov', 'us-gov-west-1', 'iam_policy_us-gov.json'],
    ['aws-iso', 'us-iso-east-1', 'iam_policy_iso.json'],
    ['aws-iso-b', 'us-isob-east-1', 'iam_policy_isob.json'],
    ['aws-iso-e', 'eu-isoe-west-1', 'iam_policy_isoe.json'],
    ['aws-iso-f', 'us-isof-south-1', 'iam_policy_isof.json'],
    ['aws-eusc', 'eusc-de-east-1', 'iam_policy_eusc.json'],
  ];

  it.each(SDK_PARTITIONS)(
    '%s is supported with its own policy file, or refused',
    (partition, region, file) => {
      const supported = (POLICY_FILE_BY_PARTITION as Record<string, string>)[partition];
      if (supported) {
        expect([partitionOf(region), supported]).toEqual([partition, file]);
        expect(unsupportedPartitionProblem(region)).toBeUndefined();
      } else {
        expect(unsupportedPartitionProblem(region)).toMatch(
          new RegExp(`^is in the ${partition} partition, which this version does not support`),
        );
      }
    },
  );
});
