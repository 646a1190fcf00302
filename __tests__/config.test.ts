import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_LBC_VERSION } from '../catalog/aws-load-balancer-controller';
import { ConfigError, configPathFrom, loadConfig } from '../config/load';
import {
  configIssues,
  configWith,
  coreExampleRaw,
  crossAccountRaw,
  EXAMPLE_PATH,
  exampleRaw,
} from './helpers';
import type { Json } from './helpers';

const cluster = (raw: Json): Json => raw.clusters[0];
const lbc = (raw: Json): Json => {
  cluster(raw).loadBalancerController ??= {};
  return cluster(raw).loadBalancerController;
};

describe('the built-in example', () => {
  it('validates and resolves the defaults', () => {
    const config = loadConfig(EXAMPLE_PATH);
    const [c] = config.clusters;
    expect(c.stackName).toBe('prod-edge-demo');
    expect(c.partition).toBe('aws');
    expect(c.loadBalancerController).toMatchObject({
      release: {
        version: 'v3.5.0',
        chart: { version: '3.5.0' },
        policy: {
          file: 'iam_policy.json',
          sha256: '16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a',
        },
      },
      serviceAccount: { namespace: 'kube-system', name: 'aws-load-balancer-controller' },
      replicaCount: 2,
    });
    expect(c.backend).toEqual({ type: 'local', directory: '.' });
  });
});

describe('the config file', () => {
  it('is chosen by --config, then EKS_EDGE_CONFIG, then the example', () => {
    expect(configPathFrom(['--config', 'a.yaml'], { EKS_EDGE_CONFIG: 'b.yaml' })).toBe('a.yaml');
    expect(configPathFrom([], { EKS_EDGE_CONFIG: 'b.yaml' })).toBe('b.yaml');
    expect(configPathFrom([], {})).toBe('config/example.yaml');
  });

  it('reports a missing file and YAML syntax errors as configuration problems', () => {
    expect(() => loadConfig('/nonexistent/eks-edge.yaml')).toThrow(
      '/nonexistent/eks-edge.yaml: cannot read the configuration: there is no such file',
    );
    const dir = mkdtempSync(join(tmpdir(), 'eks-edge-yaml-'));
    writeFileSync(join(dir, 'bad.yaml'), 'clusters:\n  - environment: prod\n   clusterName: x\n');
    expect(() => loadConfig(join(dir, 'bad.yaml'))).toThrow(ConfigError);
  });
});

describe('a bad configuration', () => {
  // Each row: a distinct mistake, the setting the error must name, and what it must say.
  const mistakes: [string, (raw: Json) => void, string, RegExp][] = [
    [
      'account id too short',
      (r) => (cluster(r).accountId = '12345'),
      'clusters[0].accountId',
      /12-digit AWS account id/,
    ],
    [
      'account id as a number',
      (r) => (cluster(r).accountId = 111122223333),
      'clusters[0].accountId',
      /must be a string, got the number 111122223333; quote account ids/,
    ],
    [
      'account id with a leading zero, unquoted (YAML drops the zero)',
      (r) => (cluster(r).accountId = 12345678901),
      'clusters[0].accountId',
      /quote account ids, e\.g\. accountId: "012345678901" \(YAML read it as a number and dropped 1 leading zero/,
    ],
    [
      'unknown region',
      (r) => (cluster(r).region = 'europe-west1'),
      'clusters[0].region',
      /AWS region name/,
    ],
    [
      'environment not DNS-1123',
      (r) => (cluster(r).environment = 'Prod_1'),
      'clusters[0].environment',
      /DNS-1123 label/,
    ],
    [
      'cluster name with a dot',
      (r) => (cluster(r).clusterName = 'edge.demo'),
      'clusters[0].clusterName',
      /EKS cluster name/,
    ],
    ['malformed VPC id', (r) => (cluster(r).vpcId = 'vpc-xyz'), 'clusters[0].vpcId', /VPC id/],
    [
      'malformed subnet id',
      (r) => (cluster(r).subnets.public[1] = 'subnet-12'),
      'clusters[0].subnets.public[1]',
      /subnet id/,
    ],
    [
      'subnet both public and private',
      (r) => cluster(r).subnets.private.push(cluster(r).subnets.public[0]),
      'clusters[0].subnets',
      /listed more than once/,
    ],
    ['no subnets', (r) => (cluster(r).subnets = {}), 'clusters[0].subnets', /lists no subnet/],
    [
      'version without v',
      (r) => (lbc(r).version = '3.5.0'),
      'clusters[0].loadBalancerController.version',
      /release tag such as v3\.5\.0/,
    ],
    [
      'uncatalogued version without checksum',
      (r) => (lbc(r).version = 'v3.9.0'),
      'clusters[0].loadBalancerController.policySha256',
      /not in the built-in catalog/,
    ],
    [
      'checksum for a catalogued version',
      (r) => (lbc(r).policySha256 = 'a'.repeat(64)),
      'clusters[0].loadBalancerController.policySha256',
      /only for controller versions outside/,
    ],
    [
      'misspelt setting',
      (r) => (lbc(r).replicas = 3),
      'clusters[0].loadBalancerController',
      /unknown setting "replicas"/,
    ],
    [
      'unknown identity mode',
      (r) => (lbc(r).identity = 'kiam'),
      'clusters[0].loadBalancerController.identity',
      /must be one of "irsa", "pod-identity", got "kiam"/,
    ],
    [
      'zero replicas',
      (r) => (lbc(r).replicaCount = 0),
      'clusters[0].loadBalancerController.replicaCount',
      /must be at least 1/,
    ],
    [
      'managed chart value',
      (r) => (lbc(r).values = { clusterName: 'other' }),
      'clusters[0].loadBalancerController.values.clusterName',
      /set by this project/,
    ],
    [
      'role and profile together',
      (r) =>
        (cluster(r).credentials = {
          assumeRoleArn: 'arn:aws:iam::111122223333:role/deploy',
          profile: 'prod',
        }),
      'clusters[0].credentials',
      /either assumeRoleArn or profile/,
    ],
    [
      'deploy role in another account',
      (r) => (cluster(r).credentials = { assumeRoleArn: 'arn:aws:iam::999999999999:role/deploy' }),
      'clusters[0].credentials.assumeRoleArn',
      /cluster's account 111122223333/,
    ],
    [
      'OIDC provider of another account',
      (r) =>
        (cluster(r).existingOidcProviderArn =
          'arn:aws:iam::999999999999:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF'),
      'clusters[0].existingOidcProviderArn',
      /account 111122223333/,
    ],
    [
      'same stack twice',
      (r) => r.clusters.push(structuredClone(cluster(r))),
      'clusters',
      /appears more than once/,
    ],
    [
      'a subnet public in one cluster and private in another',
      (r) =>
        r.clusters.push({
          ...structuredClone(cluster(r)),
          environment: 'staging',
          clusterName: 'edge-staging',
          subnets: { private: ['subnet-0a1b2c3d4e5f60001'] },
        }),
      'clusters[1].subnets.private',
      /subnet-0a1b2c3d4e5f60001 is public in clusters\[0\]: a subnet is either public or private/,
    ],
    ['no clusters', (r) => (r.clusters = []), 'clusters', /at least one cluster/],
    [
      's3 backend without bucket',
      (r) => (r.backend = { type: 's3', region: 'eu-west-1' }),
      'backend.bucket',
      /is required/,
    ],
  ];

  it.each(mistakes)('%s: names the setting and what is allowed', (_name, change, path, message) => {
    const issues = configIssues(change);
    expect(issues).toContainEqual(
      expect.stringMatching(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: `)),
    );
    expect(issues.find((i) => i.startsWith(`${path}: `))).toMatch(message);
  });

  it('reports every problem at once', () => {
    const issues = configIssues((r) => {
      cluster(r).accountId = '1';
      cluster(r).region = 'mars-1';
      lbc(r).identity = 'kiam';
    });
    expect(issues).toHaveLength(3);
  });

  it('reports the cross-setting problems of well-formed clusters together with schema problems', () => {
    const issues = configIssues((r) => {
      r.backend = { type: 'gcs' };
      cluster(r).subnets.private.push(cluster(r).subnets.public[0]);
    });
    expect(issues).toContainEqual(expect.stringMatching(/^backend\.type: /));
    expect(issues).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.subnets: subnet-0a1b2c3d4e5f60001 is listed more than once/,
      ),
    );
  });

  it('reports problems across clusters even when another cluster is malformed', () => {
    const issues = configIssues((r) => {
      const twin = structuredClone(cluster(r));
      twin.environment = 'staging';
      twin.externalDns[0].txtOwnerId = 'prod-edge-demo-public';
      const broken = { ...structuredClone(cluster(r)), environment: 'Broken!' };
      r.clusters.push(broken, twin);
    });
    expect(issues).toContainEqual(
      expect.stringMatching(/^clusters\[1\]\.environment: must be a DNS-1123 label/),
    );
    expect(issues).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.txtOwnerId, clusters\[2\]\.externalDns\[0\]\.txtOwnerId: txtOwnerId prod-edge-demo-public/,
      ),
    );
  });

  it('accepts an uncatalogued version when its checksum and chart are given', () => {
    const config = configWith(
      (r) =>
        Object.assign(lbc(r), {
          version: 'v2.18.0',
          chartVersion: '1.18.0',
          policySha256: 'b'.repeat(64),
          chartCrdsSha256: 'c'.repeat(64),
        }),
      coreExampleRaw(),
    );
    expect(config.clusters[0].loadBalancerController?.release).toMatchObject({
      chart: { version: '1.18.0' },
      policy: { sha256: 'b'.repeat(64) },
    });
  });
});

/** Builds dist/ once for the tests of this file that run the app as a process. */
let built = false;
function ensureBuilt(): void {
  if (built) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: join(__dirname, '..'),
    encoding: 'utf8',
  });
  expect(build.status).toBe(0);
  built = true;
}

describe('the app entry point', () => {
  const root = join(__dirname, '..');

  beforeAll(ensureBuilt);

  it('rejects a bad configuration with every problem, no stack trace, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-edge-main-'));
    const raw = exampleRaw();
    raw.clusters[0].accountId = '42';
    raw.clusters[0].loadBalancerController.version = 'latest';
    writeFileSync(join(dir, 'bad.yaml'), stringify(raw));
    const outdir = join(dir, 'cdktf.out');
    const run = spawnSync(process.execPath, ['dist/main.js', '--config', join(dir, 'bad.yaml')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('2 configuration problems');
    expect(run.stderr).toContain('clusters[0].accountId: must be a 12-digit AWS account id');
    expect(run.stderr).toContain(
      'clusters[0].loadBalancerController.version: must be a release tag',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(outdir)).toBe(false);
  });

  it('synthesizes the example with no credentials, no network and no Terraform, removing stale stack folders', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'eks-edge-main-')), 'cdktf.out');
    mkdirSync(join(outdir, 'stacks', 'removed-cluster'), { recursive: true });
    const env = {
      PATH: mkdtempSync(join(tmpdir(), 'eks-edge-empty-path-')),
      HOME: tmpdir(),
      CDKTF_OUTDIR: outdir,
      HTTPS_PROXY: 'http://127.0.0.1:9',
    };
    const run = spawnSync(process.execPath, ['dist/main.js'], { cwd: root, encoding: 'utf8', env });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['prod-edge-demo', 'prod-edge-demo-edge']);
  });

  it('copies the stacks that did not change from its synth cache, and says so', () => {
    const work = mkdtempSync(join(tmpdir(), 'eks-edge-main-cache-'));
    const synth = (outdir: string) =>
      spawnSync(process.execPath, ['dist/main.js'], {
        cwd: root,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          CDKTF_OUTDIR: join(work, outdir),
          EKS_EDGE_SYNTH_CACHE: join(work, 'cache'),
        },
      });
    const first = synth('out');
    const second = synth('out');
    const elsewhere = synth('other');
    expect([first.status, second.status, elsewhere.status]).toEqual([0, 0, 0]);
    expect(first.stdout).not.toContain('unchanged');
    expect(second.stdout).toMatch(
      /prod-edge-demo, prod-edge-demo-edge \(2 unchanged since the last synth, from its cache\)\n$/,
    );
    // Each output folder has its own cache.
    expect(elsewhere.stdout).not.toContain('unchanged');
    const stack = (outdir: string) =>
      readFileSync(join(work, outdir, 'stacks', 'prod-edge-demo', 'cdk.tf.json'), 'utf8');
    expect(stack('out')).toBe(stack('other'));
    expect(readdirSync(join(work, 'cache'))).toHaveLength(2);
  });
});

describe('the newcomer path', () => {
  const root = join(__dirname, '..');
  const minimal = join(root, 'config', 'minimal.example.yaml');

  it('starts from a minimal configuration: one cluster with the controller only', () => {
    const config = loadConfig(minimal);
    expect(config.clusters.map((c) => c.stackName)).toEqual(['prod-shop']);
    expect(config.clusters[0].loadBalancerController?.release.version).toBe(DEFAULT_LBC_VERSION);
    expect(config.clusters[0].externalDns).toEqual([]);
    expect(config.warnings).toEqual([]);
  });

  /**
   * Runs the built app the way the cdktf CLI does (@cdktf/cli-core 0.21.0,
   * src/lib/synth-stack.js): it lists the stack folders first (line 84), runs the app with
   * CDKTF_OUTDIR and CDKTF_CONTEXT_JSON (lines 108-118), then removes the folders of stacks the
   * app no longer has, with `fs.rmSync(dir, { recursive: true })`, which fails on a folder that is
   * already gone (lines 175-178).
   */
  function synthLikeTheCli(outdir: string, config: string) {
    const stacksDir = join(outdir, 'stacks');
    const before = existsSync(stacksDir) ? readdirSync(stacksDir) : [];
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: tmpdir(),
        EKS_EDGE_CONFIG: config,
        CDKTF_OUTDIR: outdir,
        CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }),
        CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
      },
    });
    expect([run.status, run.stderr]).toEqual([0, '']);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    for (const orphan of before.filter((name) => !(name in manifest.stacks)))
      rmSync(join(stacksDir, orphan), { recursive: true });
    return { stdout: run.stdout, stacks: readdirSync(stacksDir).sort() };
  }

  it('works through the cdktf CLI after any sequence of configurations', () => {
    ensureBuilt();
    const outdir = join(mkdtempSync(join(tmpdir(), 'eks-edge-cli-')), 'cdktf.out');
    const example = join(root, 'config', 'example.yaml');
    expect(synthLikeTheCli(outdir, example).stacks).toEqual([
      'prod-edge-demo',
      'prod-edge-demo-edge',
    ]);
    const second = synthLikeTheCli(outdir, minimal);
    expect(second.stacks).toEqual(['prod-shop', 'prod-shop-edge']);
    expect(second.stdout).toBe(`eks-edge: ${minimal} -> ${outdir}: prod-shop, prod-shop-edge\n`);
    expect(synthLikeTheCli(outdir, example).stacks).toEqual([
      'prod-edge-demo',
      'prod-edge-demo-edge',
    ]);
  });
});

describe('names', () => {
  const twin = (raw: Json, change: Json = {}) => {
    raw.clusters.push({ ...structuredClone(raw.clusters[0]), environment: 'staging', ...change });
  };

  it('that AWS keeps unique are refused when two clusters would make the same one', () => {
    const issues = configIssues((raw) => twin(raw));
    expect(issues).toContainEqual(
      'clusters[0].namePrefix, clusters[1].namePrefix: IAM role edge-demo-aws-load-balancer-controller in account 111122223333 would be made by prod-edge-demo and staging-edge-demo: give each cluster its own namePrefix (or bucketName)',
    );
    expect(issues).toContainEqual(
      expect.stringMatching(/S3 bucket edge-demo-alb-logs-111122223333-eu-west-1 would be made by/),
    );
    expect(issues).toContainEqual(
      expect.stringMatching(
        /security group edge-demo-alb-public in vpc-0a1b2c3d4e5f60718 would be made by/,
      ),
    );
  });

  it('are separated by namePrefix, which keeps the default names of everything else', () => {
    const config = configWith((raw) => {
      twin(raw, { namePrefix: 'edge-demo-staging' });
      raw.clusters[1].subnets.roleTagOwnedBy = Object.fromEntries(
        [...raw.clusters[1].subnets.public, ...raw.clusters[1].subnets.private].map(
          (id: string) => [id, 'prod-edge-demo'],
        ),
      );
    });
    const [prod, staging] = config.clusters;
    expect(prod.loadBalancerController?.names.role).toBe('edge-demo-aws-load-balancer-controller');
    expect(staging.loadBalancerController?.names.role).toBe(
      'edge-demo-staging-aws-load-balancer-controller',
    );
    expect(staging.edge.accessLogs?.bucketName).toBe(
      'edge-demo-staging-alb-logs-111122223333-eu-west-1',
    );
    expect(staging.externalDns[0].txtOwnerId).toBe('staging-edge-demo-public');
  });

  it('of Helm releases stay within 53 characters', () => {
    expect(
      configIssues((raw) => (raw.clusters[0].externalDns[0].name = 'p'.repeat(41))),
    ).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.externalDns\[0\]\.name: makes the Helm release name external-dns-p+ \(54 characters\); Helm allows 53/,
      ),
    );
  });
});

describe('stacks in several accounts without credentials', () => {
  const warningsOf = (change: (raw: Json) => void) =>
    configWith(change, crossAccountRaw()).warnings.filter((w) => w.includes('credentials'));

  it('are named at synth when ambient credentials cannot reach them all', () => {
    expect(
      warningsOf((raw) => {
        delete raw.dnsAccount.credentials;
        delete raw.clusters[1].credentials;
      }),
    ).toEqual([
      expect.stringMatching(
        /^clusters\[1\]: the stacks of 2 accounts give no credentials: staging-edge-staging and staging-edge-staging-edge \(account 444455556666, clusters\[1\]\); dns \(account 999988887777, dnsAccount\)\. .*allowed_account_ids.*credentials\.assumeRoleArn/,
      ),
    ]);
  });

  it('are not warned about where at most one account relies on ambient credentials', () => {
    expect(warningsOf(() => undefined)).toEqual([]);
    expect(warningsOf((raw) => delete raw.clusters[1].credentials)).toEqual([]);
    // Two clusters in one account, neither with credentials: one set reaches both.
    expect(
      configWith((raw) => {
        const second = structuredClone(raw.clusters[0]);
        Object.assign(second, { environment: 'staging', clusterName: 'edge-staging' });
        second.subnets.roleTagOwnedBy = Object.fromEntries(
          [...second.subnets.public, ...second.subnets.private].map((id: string) => [
            id,
            'prod-edge-demo',
          ]),
        );
        second.externalDns = [];
        delete second.albGroups;
        delete second.gatewayApi;
        delete second.accessLogs;
        raw.clusters.push(second);
      }).warnings.filter((w) => w.includes('credentials')),
    ).toEqual([]);
  });
});

describe('ExternalDNS instances of different clusters on one zone', () => {
  const sharedZoneWarnings = (change: (raw: Json) => void) =>
    configWith(change, crossAccountRaw()).warnings.filter((w) => w.includes('same names'));

  it('are warned about where both may change the same names, naming both and what separates them', () => {
    expect(
      sharedZoneWarnings((raw) => delete raw.clusters[0].externalDns[0].excludeDomains),
    ).toEqual([
      "clusters[1].externalDns[0]: (staging-edge-staging, policy upsert-only) may change the same names as clusters[0].externalDns[0] (prod-edge-prod, policy upsert-only) in zone example.com (staging.example.com): only the TXT ownership records keep them from taking over each other's records. Separate them: domainFilters that do not overlap (one subdomain each) with restrictRecordNames: true, so IAM enforces the split, or excludeDomains on the instance whose filters are wider",
    ]);
  });

  it('are not warned about where their names are kept apart', () => {
    // The example: prod excludes staging's subdomain.
    expect(sharedZoneWarnings(() => undefined)).toEqual([]);
    // Filters that do not overlap.
    expect(
      sharedZoneWarnings((raw) => {
        delete raw.clusters[0].externalDns[0].excludeDomains;
        raw.clusters[0].externalDns[0].domainFilters = ['www.example.com'];
      }),
    ).toEqual([]);
    // Zones of one name in two accounts, each looked up in its own account: two zones.
    const twoAccounts = configWith((raw) => {
      const second = structuredClone(raw.clusters[0]);
      Object.assign(second, {
        environment: 'staging',
        clusterName: 'edge-staging',
        accountId: '444455556666',
        vpcId: 'vpc-0b1b2c3d4e5f60718',
        subnets: { public: ['subnet-0b1b2c3d4e5f60001'] },
      });
      second.externalDns = [
        { name: 'private', zones: [{ name: 'internal.example.com', private: true }] },
      ];
      delete second.albGroups;
      delete second.gatewayApi;
      delete second.accessLogs;
      raw.clusters.push(second);
    });
    expect(twoAccounts.warnings.filter((w) => w.includes('same names'))).toEqual([]);
  });

  it('refuses an excludeDomains entry outside the domain filters', () => {
    expect(
      configIssues((raw) => (raw.clusters[0].externalDns[0].excludeDomains = ['example.org'])),
    ).toEqual([
      "clusters[0].externalDns[0].excludeDomains[0]: example.org is not inside the instance's domain filters (example.com): there is nothing to exclude",
    ]);
  });
});
