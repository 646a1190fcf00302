/**
 * `npm run catalog -- add lbc <tag>` end to end, against a loopback HTTP server that serves the
 * files of the newest catalogued release (the shared upstream copies, with small stand-ins for
 * Chart.yaml, go.mod and feature_gates.go) and of a made-up next release. Nothing reaches the
 * internet. The entry is written into a copy of releases.ts, which is then loaded and read back.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { lbcFeatureGates } from '../catalog/aws-load-balancer-controller';
import { loadConfig } from '../config/load';
import { main } from '../scripts/catalog';
import { fakeGitHub, loadCatalogFile, prettierCheck } from './catalog-files';
import { UPSTREAM_DIR, coreExampleRaw, requires, sharedUpstream } from './helpers';
import { CatalogRefusal, UPSTREAM_REPOSITORY, addLbcRelease } from '../scripts/catalog-lbc';

const SHARED = join(UPSTREAM_DIR, 'aws-load-balancer-controller');
const PREVIOUS = 'v3.5.0';
const NEXT = 'v3.6.0';
const previousRelease = sharedUpstream(
  `aws-load-balancer-controller/${PREVIOUS}/chart-crds/crds.yaml`,
);
const haveShared = previousRelease.present;
const sharedIt = requires(previousRelease).it;

type Files = Record<string, string | Buffer>;

const goMod = (gatewayApi: string) =>
  `module sigs.k8s.io/aws-load-balancer-controller\n\ngo 1.25\n\nrequire (\n\tsigs.k8s.io/gateway-api ${gatewayApi}\n)\n`;
const featureGatesGo = (gates: readonly string[]) =>
  `package config\n\nconst (\n${gates.map((g) => `\t${g}Gate Feature = "${g}"`).join('\n')}\n)\n`;
const chartYaml = (tag: string) =>
  `apiVersion: v2\nname: aws-load-balancer-controller\nversion: ${tag.slice(1)}\nappVersion: ${tag}\n`;

/** The files of the newest catalogued release, as upstream has them at its tag. */
function previousFiles(): Files {
  const shared = (path: string) => readFileSync(join(SHARED, PREVIOUS, path));
  return {
    'helm/aws-load-balancer-controller/Chart.yaml': chartYaml(PREVIOUS),
    'helm/aws-load-balancer-controller/crds/crds.yaml': shared('chart-crds/crds.yaml'),
    'config/crd/gateway/gateway-crds.yaml': shared('crd-gateway/gateway-crds.yaml'),
    'pkg/config/feature_gates.go': featureGatesGo(lbcFeatureGates(PREVIOUS)!),
    'go.mod': goMod('v1.6.0'),
    'helm/aws-load-balancer-controller/templates/deployment.yaml':
      '- --cluster-name={{ tpl .Values.clusterName . }}',
    ...Object.fromEntries(
      [
        'iam_policy.json',
        'iam_policy_cn.json',
        'iam_policy_us-gov.json',
        'iam_policy_v1_to_v2_additional.json',
        'aga_controller_iam_policy.json',
        'iam_policy_acm_certs.json',
      ].map((file) => [`docs/install/${file}`, shared(file)]),
    ),
  };
}

/** A made-up next release: one gate more, one less, a changed commercial policy. */
function nextFiles(): Files {
  const files = previousFiles();
  const policy = JSON.parse(files['docs/install/iam_policy.json'].toString());
  policy.Statement.push({
    Effect: 'Allow',
    Action: ['elasticloadbalancing:DescribeCapacityReservation'],
    Resource: '*',
  });
  const gates = [
    ...lbcFeatureGates(PREVIOUS)!.filter((g) => g !== 'IngressPlanAnnotation'),
    'ListenerRuleTransforms',
  ];
  return {
    ...files,
    'helm/aws-load-balancer-controller/Chart.yaml': chartYaml(NEXT),
    'pkg/config/feature_gates.go': featureGatesGo(gates),
    'docs/install/iam_policy.json': JSON.stringify(policy, null, 2),
    'docs/install/iam_policy_v1_to_v2_additional.json': `${files['docs/install/iam_policy_v1_to_v2_additional.json']}\n`,
  };
}

const served: Record<string, Files> = {};
const github = fakeGitHub(UPSTREAM_REPOSITORY, (tag) => served[tag]);

let catalogDir: string;
beforeEach(() => {
  if (haveShared) {
    served[PREVIOUS] = previousFiles();
    served[NEXT] = nextFiles();
  }
  catalogDir = mkdtempSync(join(tmpdir(), 'eks-edge-catalog-'));
  copyFileSync(
    join(__dirname, '..', 'catalog', 'aws-load-balancer-controller', 'releases.ts'),
    join(catalogDir, 'releases.ts'),
  );
});
afterEach(() => rmSync(catalogDir, { recursive: true, force: true }));

const add = (tag: string) =>
  addLbcRelease(tag, { baseUrl: github.base, apiUrl: github.base, catalogDir });

/** The written releases.ts, loaded as the app would load it. */
const loadWritten = () =>
  loadCatalogFile<{
    LBC_RELEASES: Record<string, unknown>;
    lbcFeatureGates: (v: string) => string[];
  }>(join(catalogDir, 'releases.ts'));

describe('catalog add lbc', () => {
  sharedIt('writes the release in the catalog’s own format, derived from its files', async () => {
    const result = await add(NEXT);
    expect(result.written).toBe(true);
    const written = loadWritten();
    const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
    expect(written.LBC_RELEASES[NEXT]).toEqual({
      chart: '3.6.0',
      gatewayApi: 'v1.6.0',
      gatewayCrds: sha(served[NEXT]['config/crd/gateway/gateway-crds.yaml']),
      chartCrds: sha(served[NEXT]['helm/aws-load-balancer-controller/crds/crds.yaml']),
      policies: {
        'iam_policy.json': sha(served[NEXT]['docs/install/iam_policy.json']),
        'iam_policy_v1_to_v2_additional.json': sha(
          served[NEXT]['docs/install/iam_policy_v1_to_v2_additional.json'],
        ),
      },
    });
    const gates = written.lbcFeatureGates(NEXT);
    expect(gates).toContain('ListenerRuleTransforms');
    expect(gates).not.toContain('IngressPlanAnnotation');
    expect(written.lbcFeatureGates(PREVIOUS)).toContain('IngressPlanAnnotation');
    expect(result.report).toContainEqual(
      expect.stringContaining('changed since v3.5.0: iam_policy.json'),
    );
    expect(result.report).toContainEqual('  new feature gates: ListenerRuleTransforms');
    expect(result.report).toContainEqual('  feature gates gone: IngressPlanAnnotation');
    expect(prettierCheck(join(catalogDir, 'releases.ts'))).toEqual([0, '']);
  });

  sharedIt(
    'writes a local catalog instead, which a configuration then runs the release from',
    async () => {
      const localFile = join(catalogDir, 'catalog.local.yaml');
      const result = await addLbcRelease(NEXT, {
        baseUrl: github.base,
        apiUrl: github.base,
        catalogDir,
        localFile,
      });
      expect(result.report).toContainEqual(`Written: ${NEXT} in the local catalog ${localFile}.`);
      expect(readFileSync(join(catalogDir, 'releases.ts'), 'utf8')).not.toContain(NEXT);
      const raw = coreExampleRaw();
      raw.localCatalog = 'catalog.local.yaml';
      raw.clusters[0].loadBalancerController.version = NEXT;
      writeFileSync(join(catalogDir, 'eks-edge.yaml'), stringify(raw));
      const config = loadConfig(join(catalogDir, 'eks-edge.yaml'));
      const release = config.clusters[0].loadBalancerController!.release;
      expect(release.policy.sha256).toBe(
        createHash('sha256').update(served[NEXT]['docs/install/iam_policy.json']).digest('hex'),
      );
      expect(config.warnings).toContainEqual(
        expect.stringContaining('comes from the local catalog catalog.local.yaml'),
      );
      // Added again while upstream is the same: nothing changes; once the tag moved: refused.
      await addLbcRelease(NEXT, {
        baseUrl: github.base,
        apiUrl: github.base,
        catalogDir,
        localFile,
      });
      served[NEXT]['docs/install/iam_policy_cn.json'] += ' ';
      await expect(
        addLbcRelease(NEXT, { baseUrl: github.base, apiUrl: github.base, catalogDir, localFile }),
      ).rejects.toThrow(/the tag moved/);
    },
  );

  sharedIt('checks a catalogued tag instead, and refuses one that moved', async () => {
    const same = await add(PREVIOUS);
    expect(same.written).toBe(false);
    expect(same.report.at(-1)).toBe(
      'v3.5.0 is catalogued and upstream still has the same files: nothing to do.',
    );
    served[PREVIOUS]['config/crd/gateway/gateway-crds.yaml'] += '\n# moved\n';
    await expect(add(PREVIOUS)).rejects.toThrow(
      /^v3\.5\.0 is catalogued, and its files changed since: the tag moved\. gatewayCrds was fce68bbf/,
    );
    // The previous release is read again for a new one: a moved previous tag stops it too.
    await expect(add(NEXT)).rejects.toThrow(
      /the previous release v3\.5\.0 no longer has its catalogued files/,
    );
  });

  sharedIt('refuses a tag that does not exist, a tampered file and a branch', async () => {
    await expect(add('v3.7.0')).rejects.toThrow(
      'helm/aws-load-balancer-controller/Chart.yaml at v3.7.0: not found (HTTP 404): the tag does not exist, or the file is not at it',
    );
    served[NEXT]['docs/install/iam_policy_cn.json'] = '<html>rate limited</html>';
    await expect(add(NEXT)).rejects.toThrow(
      'iam_policy_cn.json is not JSON: not the upstream file (tampered or truncated?)',
    );
    await expect(add('main')).rejects.toThrow(
      'main is not a release tag vX.Y.Z (a branch is never pinned)',
    );
    expect(readFileSync(join(catalogDir, 'releases.ts'), 'utf8')).not.toContain(NEXT);
  });

  sharedIt(
    'refuses a release that drops a CRD version, or needs what the catalog lacks',
    async () => {
      const documents = parseAllDocuments(
        served[NEXT]['config/crd/gateway/gateway-crds.yaml'].toString(),
      ).map((d) => d.toJS());
      const crd = documents.find(
        (d) => d?.metadata?.name === 'loadbalancerconfigurations.gateway.k8s.aws',
      );
      crd.spec.versions.find((v: { name: string }) => v.name === 'v1beta1').served = false;
      served[NEXT]['config/crd/gateway/gateway-crds.yaml'] = documents
        .filter(Boolean)
        .map((d) => stringify(d))
        .join('---\n');
      served[NEXT]['go.mod'] = goMod('v1.7.0');
      const refusal = add(NEXT);
      await expect(refusal).rejects.toThrow(CatalogRefusal);
      await expect(refusal).rejects.toThrow(
        /loadbalancerconfigurations\.gateway\.k8s\.aws no longer serves v1beta1/,
      );
      await expect(refusal).rejects.toThrow(
        /Gateway API v1\.7\.0, which catalog\/gateway-api\.ts does not have/,
      );
    },
  );

  sharedIt('refuses a release whose chart templates other values', async () => {
    served[NEXT]['helm/aws-load-balancer-controller/templates/serviceaccount.yaml'] =
      '{{ tpl (toYaml .Values.serviceAccount.labels) . }}';
    const refusal = add(NEXT);
    await expect(refusal).rejects.toThrow(
      'v3.6.0 renders other values through tpl than v3.5.0: read the templates, teach lbcTemplatedValues',
    );
    await expect(refusal).rejects.toThrow(
      'new: serviceaccount.yaml: tpl (toYaml .Values.serviceAccount.labels) .',
    );
  });

  it('is a command with usage, exit codes and a refusal on stderr', async () => {
    const errors: string[] = [];
    const spy = jest
      .spyOn(console, 'error')
      .mockImplementation((text: string) => void errors.push(text));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['add'])).toBe(2);
      expect(await main(['add', 'external-dns', '1.22.0'])).toBe(2);
      expect(errors.at(-1)).toMatch(
        /^catalog: external-dns is not a kind of release \(lbc, gateway-api, external-dns-chart\)/,
      );
      expect(await main(['add', 'gateway-api', 'v1.7.0', '--local', 'x.yaml'])).toBe(2);
      expect(errors.at(-1)).toMatch(/^catalog: a local catalog holds controller and ExternalDNS/);
      expect(await main(['add', 'lbc', 'main', '--base-url', 'http://127.0.0.1:9'])).toBe(1);
      expect(errors.at(-1)).toBe(
        'catalog: refused: main is not a release tag vX.Y.Z (a branch is never pinned)',
      );
      expect(await main(['--help'])).toBe(0);
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
  });
});
