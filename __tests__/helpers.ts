/** Shared test helpers: build configurations from the example, synthesize, and look things up. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseAsHelm } from '../config/derived/helm-yaml';
import { TerraformStack } from 'cdktf';
import { ConfigError, validateConfig } from '../config/load';
import type { ResolvedConfig } from '../config/model';
import type { Side } from '../review/preview';
import { buildApp } from '../stacks/app';

export type { Json } from '../review/terraform-json';
import type { Json } from '../review/terraform-json';

export const EXAMPLE_PATH = join(__dirname, '..', 'config', 'example.yaml');

export const CROSS_ACCOUNT_PATH = join(__dirname, '..', 'config', 'cross-account.example.yaml');

/** The cross-account example as a raw object, ready to be changed by a test. */
export function crossAccountRaw(): Json {
  return parse(readFileSync(CROSS_ACCOUNT_PATH, 'utf8'));
}

/** The built-in example as a raw object, ready to be changed by a test. */
export function exampleRaw(): Json {
  return parse(readFileSync(EXAMPLE_PATH, 'utf8'));
}

/** The example without its ALB edge (groups, gateways, access logs), for tests of the cluster stack alone. */
export function coreExampleRaw(): Json {
  const raw = exampleRaw();
  for (const cluster of raw.clusters) {
    delete cluster.albGroups;
    delete cluster.gatewayApi;
    delete cluster.accessLogs;
    for (const instance of cluster.externalDns ?? []) {
      if (instance.sources)
        instance.sources = instance.sources.filter(
          (source: string) => !source.startsWith('gateway-'),
        );
    }
  }
  return raw;
}

/**
 * The example's cluster without what EKS Auto Mode refuses: Gateway API (and ExternalDNS's
 * gateway source), the web ACL and the security group of its groups.
 */
export function withoutAutoModeRefusals(cluster: Json): void {
  delete cluster.gatewayApi;
  for (const group of cluster.albGroups) {
    delete group.webAclArn;
    delete group.securityGroup;
  }
  cluster.externalDns[0].sources = ['service', 'ingress'];
}

/** A deep copy of the example's first cluster with `change` applied, validated. */
export function configWith(change: (raw: Json) => void, base: Json = exampleRaw()): ResolvedConfig {
  const raw = structuredClone(base);
  change(raw);
  return validateConfig(raw, 'test');
}

/** The messages of a configuration that must fail validation. */
export function configIssues(change: (raw: Json) => void, base: Json = exampleRaw()): string[] {
  try {
    configWith(change, base);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const synthesized = new Map<string, string>();

/**
 * Synthesizes every stack of a configuration; returns the Terraform JSON per stack name: what
 * `app.synth()` writes to each `cdk.tf.json`, built in memory (and kept per configuration for the
 * test file, since many tests read the same synth).
 */
export function synthesize(config: ResolvedConfig): Record<string, Json> {
  const key = JSON.stringify(config);
  let text = synthesized.get(key);
  if (text === undefined) {
    const app = buildApp(config);
    const stacks = app.node.children.filter(TerraformStack.isStack);
    // What App.synth does before it writes each stack.
    stacks.forEach((stack) => stack.prepareStack());
    const problems = app.node.validate();
    if (problems.length > 0) throw new Error(problems.join('\n'));
    text = JSON.stringify(
      Object.fromEntries(stacks.map((stack) => [stack.node.id, stack.toTerraform()])),
    );
    synthesized.set(key, text);
  }
  return JSON.parse(text);
}

/**
 * A configuration synthesized as one side of a preview (review/preview.ts): its stacks, in the
 * order the app makes them, which is their deploy order (DNS, then each cluster and its edge).
 */
export function sideOf(config: ResolvedConfig, label = 'test'): Side {
  const stacks = synthesize(config);
  return { label, stacks, order: Object.keys(stacks), warnings: config.warnings };
}

/** The cluster stack of a single-cluster configuration. */
/** Every file under `outdir` (a synth's output), as text by its path relative to it. */
export function filesOf(outdir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(outdir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .map((file) => [relative(outdir, file), readFileSync(file, 'utf8')]),
  );
}

export function synthesizeCluster(config: ResolvedConfig): Json {
  if (config.clusters.length !== 1)
    throw new Error(`expected one cluster, got ${config.clusters.length}`);
  return synthesize(config)[config.clusters[0].stackName];
}

export function resources(tf: Json, type: string): Json[] {
  return Object.values(tf.resource?.[type] ?? {});
}

export function dataSources(tf: Json, type: string): Json[] {
  return Object.values(tf.data?.[type] ?? {});
}

/** The `manifest` of every kubernetes_manifest of a stack, by kind/name. */
export function manifests(tf: Json): Record<string, Json> {
  return Object.fromEntries(
    resources(tf, 'kubernetes_manifest')
      .filter((m) => typeof m.manifest === 'object')
      .map((m) => [`${m.manifest.kind}/${m.manifest.metadata.name}`, m.manifest]),
  );
}

export function resourceNames(tf: Json, type: string): string[] {
  return Object.keys(tf.resource?.[type] ?? {});
}

/** The single resource of a type whose construct path ends with `pathSuffix`. */
export function resourceAt(tf: Json, type: string, pathSuffix: string): Json {
  const matches = [...resources(tf, type), ...dataSources(tf, type)].filter((r) =>
    r['//']?.metadata?.path?.endsWith(pathSuffix),
  );
  if (matches.length !== 1)
    throw new Error(`expected one ${type} at …${pathSuffix}, found ${matches.length}`);
  return matches[0];
}

/** `type.name` address of a resource, as used in depends_on. */
export function addressOf(tf: Json, type: string, body: Json): string {
  const entry = Object.entries(tf.resource?.[type] ?? {}).find(([, value]) => value === body);
  if (!entry) throw new Error(`resource not found in ${type}`);
  return `${type}.${entry[0]}`;
}

/**
 * Evaluates a Terraform expression with `terraform console` (offline, no provider) and returns
 * its value, or `undefined` when there is no terraform binary here.
 */
export function terraformEval(expression: string): unknown {
  if (!haveTerraform) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-console-'));
  try {
    writeFileSync(join(dir, 'main.tf'), 'locals {}\n');
    const run = spawnSync('terraform', ['console'], {
      cwd: dir,
      input: `jsonencode(${expression})\n`,
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
    });
    if (run.status !== 0) throw new Error(`terraform console failed: ${run.stderr}`);
    return JSON.parse(JSON.parse(run.stdout.trim()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The local filesystem mirror of the one AWS provider build this machine has (no download). */
const PROVIDER_MIRROR = '/opt/tf-plugins';
const AWS_IN_MIRROR = join(PROVIDER_MIRROR, 'registry.terraform.io', 'hashicorp', 'aws');

/** Whether Terraform is on this machine (the tests that let it evaluate expressions need it). */
export const haveTerraform = !spawnSync('terraform', ['version'], {
  env: { ...process.env, CHECKPOINT_DISABLE: '1' },
}).error;

/** Whether Terraform and the mirrored AWS provider are on this machine. */
export const haveAwsProvider = haveTerraform && existsSync(AWS_IN_MIRROR);

/**
 * The folder of files shared beside the project (upstream copies): `$EKS_EDGE_SHARED`, else
 * `../shared` next to the repository. `.ci/run` sets EKS_EDGE_SHARED to the one it finds.
 */
export const SHARED_DIR = resolve(
  process.env.EKS_EDGE_SHARED ?? join(__dirname, '..', '..', 'shared'),
);

/** The shared upstream copies (chart CRDs, policies, schemas of the catalogued releases). */
export const UPSTREAM_DIR = join(SHARED_DIR, 'upstream');

/**
 * With EKS_EDGE_STRICT=1 (as `.ci/run` sets it), a test whose input is absent fails instead of
 * skipping: CI must not pass on a machine that silently ran less.
 */
const STRICT = process.env.EKS_EDGE_STRICT === '1';

/** Something outside the repository that some tests need, and how to provide it. */
export interface TestInput {
  /** What is missing, as the skip reason and the failure name it. */
  readonly name: string;
  readonly present: boolean;
  readonly howToProvide: string;
  /** Skipped even in strict mode: inputs CI cannot have (the test is run by asking for it). */
  readonly optIn?: boolean;
}

export const TERRAFORM: TestInput = {
  name: 'terraform on PATH',
  present: haveTerraform,
  howToProvide: 'install Terraform (1.11) on PATH',
};

export const AWS_PROVIDER: TestInput = {
  name: `terraform on PATH and the AWS provider in the mirror ${AWS_IN_MIRROR}`,
  present: haveAwsProvider,
  howToProvide: `install Terraform (1.11) on PATH and the AWS provider 5.100.0 in the filesystem mirror ${PROVIDER_MIRROR}`,
};

/** A file or folder of the shared upstream copies, by its path under `upstream/`. */
export function sharedUpstream(path = ''): TestInput {
  const full = join(UPSTREAM_DIR, path);
  return {
    name: full,
    present: existsSync(full),
    howToProvide:
      'put the shared folder (with upstream/) next to the repository as ../shared, or set EKS_EDGE_SHARED to it',
  };
}

function absence(input: TestInput): string {
  return `${input.name} is absent (EKS_EDGE_STRICT=1 fails instead of skipping): ${input.howToProvide}`;
}

type TestFn = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `it`, `it.each` and `describe` for tests that need `input`: they run where it is present; where
 * it is absent they skip with the reason in their name, or, in strict mode, fail naming it.
 */
export function requires(input: TestInput) {
  const reason = `(skipped: ${input.name} is absent)`;
  const missing = () => {
    throw new Error(absence(input));
  };
  const mode = input.present ? 'run' : STRICT && !input.optIn ? 'fail' : 'skip';
  const test: TestFn = (name, fn, timeout) => {
    if (mode === 'run') it(name, fn, timeout);
    else if (mode === 'skip') it.skip(`${name} ${reason}`, fn);
    else it(name, missing);
  };
  return {
    it: test,
    /** `it.each(table)`: one test per row (`%s` in the name takes the row). */
    each:
      <Row>(table: readonly Row[]) =>
      (name: string, fn: (...row: any[]) => unknown, timeout?: number) => {
        if (mode === 'run') it.each(table as Row[])(name, fn as never, timeout);
        else if (mode === 'skip') it.skip.each(table as Row[])(`${name} ${reason}`, fn as never);
        else it.each(table as Row[])(name, missing);
      },
    describe: (name: string, body: () => void) => {
      if (mode === 'run') describe(name, body);
      else if (mode === 'skip') describe.skip(`${name} ${reason}`, body);
      // The body is not collected: it may read the absent input while it declares its tests.
      else describe(name, () => it(`has its input: ${input.name}`, missing));
    },
  };
}

/**
 * For the assertions inside a test that need `input`: whether it is present; absent in strict
 * mode, the test fails naming it.
 */
export function has(input: TestInput): boolean {
  if (!input.present && STRICT && !input.optIn) throw new Error(absence(input));
  return input.present;
}

/** `it` where Terraform and the mirrored AWS provider are on this machine (see `requires`). */
export const withAwsProvider = requires(AWS_PROVIDER).it;

/** `it` where Terraform is on this machine (see `requires`). */
export const withTerraform = requires(TERRAFORM).it;

/** The version of the mirrored AWS provider (another one than the bindings' 6.25.0). */
export function mirroredAwsVersion(): string {
  return readdirSync(AWS_IN_MIRROR)[0];
}

/**
 * Runs plain Terraform in `dir` (which holds a configuration using only the AWS provider),
 * installing the provider from the mirror: `terraform(dir)('init', …)`.
 */
export function plainTerraform(dir: string) {
  writeFileSync(
    join(dir, 'terraformrc'),
    `provider_installation {\n  filesystem_mirror {\n    path    = "${PROVIDER_MIRROR}"\n    include = ["*/*/*"]\n  }\n}\n`,
  );
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(dir, 'terraformrc'),
    CHECKPOINT_DISABLE: '1',
  };
  return (...args: string[]) => spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8' });
}

/** An `override_data` block of a `terraform test` run: the answer of a data source. */
export function overrideData(target: string, values: Json): string {
  // HCL object syntax takes JSON as it is.
  return `  override_data {\n    target = ${target}\n    values = ${JSON.stringify(values)}\n  }`;
}

/**
 * Runs `terraform test` once on `module` (an AWS-only configuration, as JSON) with the AWS provider
 * mocked: one `run` per case (loading the provider's schema takes seconds, so cases share one
 * run of Terraform). Returns each run's outcome by name, and the whole output.
 */
export function terraformTest(
  module: Json,
  runs: string[],
): { outcomes: Record<string, string>; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-test-'));
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(module, null, 1));
    writeFileSync(join(dir, 'cases.tftest.hcl'), ['mock_provider "aws" {}', ...runs].join('\n\n'));
    const terraform = plainTerraform(dir);
    const init = terraform('init', '-backend=false', '-input=false', '-no-color');
    if (init.status !== 0) throw new Error(init.stderr);
    const test = terraform('test', '-no-color');
    const output = `${test.stdout}${test.stderr}`;
    const outcomes = Object.fromEntries(
      [...output.matchAll(/run "([\w-]+)"\.\.\. (\w+)/g)].map(([, name, outcome]) => [
        name,
        outcome,
      ]),
    );
    return { outcomes, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The minimal example with `settings` on its controller (and `cluster` on its cluster). */
export function controllerChange(settings: Json, cluster: Json = {}): (raw: Json) => void {
  return (raw) => {
    Object.assign(raw.clusters[0], cluster);
    Object.assign(raw.clusters[0].loadBalancerController, settings);
  };
}

/** The controller's feature gates in the values of its release, as Helm reads them. */
export function controllerFeatureGates(tf: Json): Json {
  const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
  return (parseAsHelm(release.values[0]) as Json).controllerConfig.featureGates;
}

/**
 * The policy at `policyPath`, attached to the controller's role as `attachmentId` and the
 * attachment waited for by the release: the controller never starts without it.
 */
export function attachedBeforeController(tf: Json, policyPath: string, attachmentId: string): Json {
  const policy = resourceAt(tf, 'aws_iam_policy', policyPath);
  const attachment = resourceAt(
    tf,
    'aws_iam_role_policy_attachment',
    `aws-load-balancer-controller/identity/${attachmentId}`,
  );
  expect(attachment.policy_arn).toBe(`\${${addressOf(tf, 'aws_iam_policy', policy)}.arn}`);
  const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
  expect(release.depends_on).toContain(addressOf(tf, 'aws_iam_role_policy_attachment', attachment));
  return policy;
}

/** The minimal example's cluster stack, with `settings` on its controller. */
export function withController(settings: Json, cluster: Json = {}): Json {
  return synthesizeCluster(configWith(controllerChange(settings, cluster), coreExampleRaw()));
}

/** The problems of the minimal example with `settings` on its controller. */
export function controllerIssues(settings: Json, cluster: Json = {}): string[] {
  return configIssues(controllerChange(settings, cluster), coreExampleRaw());
}
