/**
 * `npm run bench`: how long the real app takes to synthesize, how much memory it needs, and how
 * that grows with the number of clusters. Every run is a fresh `node dist/main.js --config <file>`
 * child (what `cdktf synth` and `npm run synth` start), timed from the parent, with its peak RSS
 * reported by the `bench-rss` preload. The floor is a process that only loads cdktf and writes one
 * empty stack (`bench-floor`), run the same number of times, so the figures read as "× floor".
 *
 *   npm run bench                       # table and targets
 *   npm run bench -- --runs 10          # 10 runs of every scenario (default: 5, and 3 from 50 clusters)
 *   npm run bench -- --sizes 1,10,100   # other generated sizes
 *   npm run bench -- --json             # machine-readable results only
 *
 * Generated configurations are cross-account: they clone the clusters of `config/example.yaml`
 * (everything in them: ExternalDNS instances, ALB groups, gateways, access logs) with distinct
 * environment, cluster name, account, VPC and subnet ids, and move their ExternalDNS instances to a
 * DNS account, so they are deterministic and exercise every stack kind. The largest size is also
 * synthesized warm: again and again into one output folder and synth cache, one cluster changed
 * each time. Every other run has an output folder and cache of its own, as a first synth has.
 * Nothing touches the network; temporary files are removed. The exit code is 0 whether or not the
 * targets are met (this is a report); it is 1 only when a run fails or the arguments are wrong.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { RSS_FILE_VARIABLE } from './bench-rss';
import type { RssReport } from './bench-rss';

type Json = Record<string, any>;

/** The project root: the nearest folder with a package.json above this file (dist/scripts or scripts). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

const ROOT = projectRoot();
const APP = join(ROOT, 'dist', 'main.js');
const FLOOR = join(ROOT, 'dist', 'scripts', 'bench-floor.js');
const RSS_PRELOAD = join(ROOT, 'dist', 'scripts', 'bench-rss.js');
const EXAMPLE = join(ROOT, 'config', 'example.yaml');
const PREVIEW = join(ROOT, 'dist', 'scripts', 'preview.js');

export const TARGETS = {
  exampleTimeVsFloor: 1.8,
  exampleRssMb: 100,
  largeClusters: 300,
  largeTimeMs: 4_000,
  largeRssMb: 400,
  warmTimeMs: 1_000,
  perClusterGrowth: 1.2,
  perClusterBase: 10,
  rejectionVsBareNode: 2,
  largeRejectionClusters: 1000,
  largeRejectionMs: 3000,
  previewVsSynth: 2.5,
} as const;

// ---------------------------------------------------------------------------------------------
// Arguments

export interface BenchOptions {
  /** Runs of every scenario; undefined: 5, and 3 for 50 clusters and more. */
  readonly runs?: number;
  readonly sizes: number[];
  readonly json: boolean;
}

const USAGE = 'usage: node dist/scripts/bench.js [--runs <n>] [--sizes <n,n,…>] [--json]';

export function parseArgs(argv: readonly string[]): BenchOptions {
  let runs: number | undefined;
  let sizes = [1, 10, 50, 300];
  let json = false;
  const positiveInt = (flag: string, text: string | undefined): number => {
    const value = Number(text);
    if (!text || !Number.isInteger(value) || value < 1)
      throw new Error(`${flag} needs a positive integer, got ${text ?? 'nothing'}\n${USAGE}`);
    return value;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--runs') runs = positiveInt(flag, value());
    else if (flag === '--sizes') {
      const text = value();
      sizes = (text ?? '').split(',').map((part) => positiveInt(flag, part.trim()));
      sizes = [...new Set(sizes)].sort((a, b) => a - b);
    } else if (flag === '--json') json = true;
    else if (flag === '--help' || flag === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return { runs, sizes, json };
}

// ---------------------------------------------------------------------------------------------
// Generated configurations

/** A 17-hex-digit resource id suffix, derived from the cluster index and the original id. */
function derivedHex(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 17);
}

/** Applies `change` to every string inside `value` (objects and arrays are copied). */
function mapStrings(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, change));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapStrings(item, change)]),
    );
  return value;
}

/**
 * Cluster `index` of a generated configuration: a copy of a template cluster of the example with
 * its own environment, cluster name, account id (also inside ARNs), VPC and subnet ids.
 */
export function cloneCluster(template: Json, index: number): Json {
  const suffix = String(index + 1).padStart(3, '0');
  const accountId = String(210_000_000_000 + index + 1);
  const renamed = mapStrings(template, (text) =>
    text
      .split(String(template.accountId))
      .join(accountId)
      .replace(
        /\b(vpc|subnet)-([0-9a-f]{17}|[0-9a-f]{8})\b/g,
        (id, kind: string) => `${kind}-${derivedHex(`${index}/${id}`)}`,
      ),
  ) as Json;
  const cluster: Json = {
    ...renamed,
    environment: `${String(template.environment).slice(0, 58)}-${suffix}`,
    clusterName: `${String(template.clusterName).slice(0, 95)}-${suffix}`,
    accountId,
  };
  // An explicit TXT owner id must stay unique across the app (the default derives from clusterName).
  if (Array.isArray(cluster.externalDns)) {
    cluster.externalDns = cluster.externalDns.map((instance: Json) =>
      typeof instance.txtOwnerId === 'string'
        ? { ...instance, txtOwnerId: `${instance.txtOwnerId.slice(0, 58)}-${suffix}` }
        : instance,
    );
  }
  return cluster;
}

/** The DNS account of generated configurations: it owns every zone the example's instances name. */
const GENERATED_DNS_ACCOUNT_ID = '999988887777';

/** A zone id for a zone the example looks up by name. */
function derivedZoneId(name: string): string {
  return `Z${createHash('sha256').update(name).digest('hex').slice(0, 19).toUpperCase()}`;
}

/**
 * Moves every ExternalDNS instance of a cluster to the DNS account: Pod Identity instances chain
 * into their DNS role (`pod-identity-target`), IRSA instances assume it with an external id.
 */
function crossAccountCluster(cluster: Json): Json {
  const externalDns = (cluster.externalDns ?? []).map((instance: Json) =>
    instance.identity === 'node-role'
      ? instance
      : {
          ...instance,
          zones: instance.zones.map((zone: Json) => ({
            name: zone.name,
            private: zone.private ?? false,
          })),
          crossAccount:
            instance.identity === 'pod-identity'
              ? { via: 'pod-identity-target' }
              : { via: 'assume-role', externalId: `${cluster.clusterName}-${instance.name}` },
        },
  );
  return { ...cluster, externalDns };
}

/**
 * A cross-account configuration of `count` clusters cloned, in turn, from the example's clusters,
 * with a DNS account that owns their zones: one synth makes the DNS stack and, per cluster, the
 * cluster and edge stacks.
 */
export function generateConfig(example: Json, count: number): Json {
  const templates: Json[] = example.clusters;
  if (!Array.isArray(templates) || templates.length === 0)
    throw new Error('the example lists no cluster to clone');
  const zones = new Map<string, Json>();
  for (const zone of templates.flatMap((c) =>
    (c.externalDns ?? []).flatMap((i: Json) => i.zones ?? []),
  )) {
    zones.set(zone.name, {
      name: zone.name,
      id: zone.id ?? derivedZoneId(zone.name),
      private: zone.private ?? false,
    });
  }
  return {
    ...structuredClone(example),
    dnsAccount: { accountId: GENERATED_DNS_ACCOUNT_ID, zones: [...zones.values()] },
    clusters: Array.from({ length: count }, (_, i) =>
      crossAccountCluster(cloneCluster(templates[i % templates.length], i)),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Runs

interface Scenario {
  readonly id: string;
  readonly label: string;
  /** Clusters synthesized; 0 for the floor. */
  readonly clusters: number;
  readonly script: string;
  readonly args: string[];
  readonly runs: number;
}

interface OutputSummary {
  readonly stacks: number;
  readonly resources: number;
  readonly dataSources: number;
  /** sha256 over every file of the output directory, to check that runs agree. */
  readonly digest: string;
}

interface Run extends OutputSummary {
  readonly wallMs: number;
  readonly maxRssKb: number;
  readonly stdout: string;
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

function countEntries(blocks: Json | undefined): number {
  return Object.values(blocks ?? {}).reduce(
    (total: number, byName) => total + Object.keys(byName as Json).length,
    0,
  );
}

function summarizeOutput(outdir: string): OutputSummary {
  const hash = createHash('sha256');
  for (const file of filesUnder(outdir))
    hash.update(relative(outdir, file)).update('\0').update(readFileSync(file)).update('\0');
  const stacksDir = join(outdir, 'stacks');
  const stacks = readdirSync(stacksDir);
  let resources = 0;
  let dataSources = 0;
  for (const stack of stacks) {
    const tf = JSON.parse(readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8'));
    resources += countEntries(tf.resource);
    dataSources += countEntries(tf.data);
  }
  return { stacks: stacks.length, resources, dataSources, digest: hash.digest('hex') };
}

/** The parent's environment without what would change what or how the children synthesize. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['SYNTH_HCL_OUTPUT', 'CDKTF_CONTEXT_JSON', 'EKS_EDGE_CONFIG', 'NODE_OPTIONS'])
    delete env[name];
  return env;
}

/** Set by Ctrl-C: the current child dies with it, and the temporary files are still removed. */
let interrupted = false;

/**
 * One run of a scenario; its own output folder and synth cache, so it is a first synth (the
 * cache stored, nothing reused), unless `warm` names the folder and cache it shares with others.
 */
function runOnce(
  scenario: Scenario,
  workDir: string,
  index: number,
  warm?: { readonly outdir: string; readonly cache: string },
): Run {
  if (interrupted) throw new Error('interrupted');
  const outdir = warm?.outdir ?? join(workDir, `out-${scenario.id}-${index}`);
  const cache = warm?.cache ?? join(workDir, `cache-${scenario.id}-${index}`);
  const rssFile = join(workDir, `rss-${scenario.id}-${index}.json`);
  const env = childEnv({
    CDKTF_OUTDIR: outdir,
    EKS_EDGE_SYNTH_CACHE: cache,
    [RSS_FILE_VARIABLE]: rssFile,
  });
  const started = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    ['--require', RSS_PRELOAD, scenario.script, ...scenario.args],
    {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.error) throw child.error;
  if (child.status !== 0)
    throw new Error(
      `${scenario.label} run ${index + 1} exited with ${child.status ?? child.signal}:\n${child.stderr}${child.stdout}`,
    );
  const { maxRssKb } = JSON.parse(readFileSync(rssFile, 'utf8')) as RssReport;
  const summary = summarizeOutput(outdir);
  rmSync(outdir, { recursive: true, force: true });
  if (!warm) rmSync(cache, { recursive: true, force: true });
  rmSync(rssFile, { force: true });
  return { wallMs, maxRssKb, stdout: child.stdout, ...summary };
}

/**
 * The warm synth: a configuration of `clusters` generated clusters synthesized once, then again
 * and again with one cluster changed each time (a tag), into the same output folder and cache.
 * Every run must reuse all stacks but that cluster's two.
 */
function measureWarm(
  exampleRaw: Json,
  clusters: number,
  workDir: string,
  runs: number,
): BenchReport['warm'] {
  const raw = generateConfig(exampleRaw, clusters);
  const files = [0, 1].map((variant) => {
    const file = join(workDir, `warm-${variant}.yaml`);
    raw.clusters[0].tags = { ...raw.clusters[0].tags, 'bench-edit': String(variant) };
    writeFileSync(file, stringify(raw));
    return file;
  });
  const warm = { outdir: join(workDir, 'warm-out'), cache: join(workDir, 'warm-cache') };
  const scenario = (variant: number): Scenario => ({
    id: 'warm',
    label: `${clusters} clusters, one changed`,
    clusters,
    script: APP,
    args: ['--config', files[variant]],
    runs,
  });
  runOnce(scenario(0), workDir, -1, warm);
  const measured = Array.from({ length: runs }, (_, index) => {
    const run = runOnce(scenario((index + 1) % 2), workDir, index, warm);
    const unchanged = `(${run.stacks - 2} unchanged since the last synth`;
    if (!run.stdout.includes(unchanged))
      throw new Error(`the warm synth did not reuse all but two stacks: ${run.stdout}`);
    return run;
  });
  rmSync(warm.cache, { recursive: true, force: true });
  return {
    clusters,
    wallMs: median(measured.map((r) => r.wallMs)),
    peakRssMb: Math.max(...measured.map((r) => r.maxRssKb)) / 1024,
  };
}

// ---------------------------------------------------------------------------------------------
// Results

export interface ScenarioResult {
  readonly id: string;
  readonly label: string;
  readonly clusters: number;
  readonly runs: number;
  readonly wallMs: {
    readonly median: number;
    readonly min: number;
    readonly max: number;
    readonly all: number[];
  };
  /** Highest peak RSS of all runs, MiB. */
  readonly peakRssMb: number;
  readonly stacks: number;
  readonly resources: number;
  readonly dataSources: number;
  /** Median wall time / clusters. */
  readonly msPerCluster?: number;
  /** (median − median of the smallest generated size) / (clusters − its clusters): cost of one more cluster. */
  readonly marginalMsPerCluster?: number;
  readonly vsFloor: { readonly median: number; readonly min: number; readonly perCluster?: number };
  /** Every run wrote byte-identical output. */
  readonly deterministic: boolean;
}

export interface TargetResult {
  readonly target: string;
  readonly actual: string;
  readonly pass: boolean | null;
}

export interface BenchReport {
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly floor: ScenarioResult;
  readonly scenarios: ScenarioResult[];
  /**
   * Rejecting an invalid configuration, against a bare `node -e 0` start, and rejecting one of
   * `largeRejectionClusters` malformed clusters (median ms).
   */
  readonly rejection: {
    readonly bareNodeMs: number;
    readonly rejectMs: number;
    readonly largeRejectMs: number;
  };
  /** `npm run preview` of the example against itself with one edit, against one synth of it. */
  readonly preview: { readonly synthMs: number; readonly previewMs: number };
  /** The warm synth of the largest generated size, one cluster changed (median ms, peak MiB). */
  readonly warm?: {
    readonly clusters: number;
    readonly wallMs: number;
    readonly peakRssMb: number;
  };
  readonly targets: TargetResult[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(
  scenario: Scenario,
  runs: readonly Run[],
  floorMedian: number,
): Omit<ScenarioResult, 'marginalMsPerCluster'> {
  const times = runs.map((r) => r.wallMs);
  const wallMs = {
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
    all: times,
  };
  const msPerCluster = scenario.clusters > 0 ? wallMs.median / scenario.clusters : undefined;
  return {
    id: scenario.id,
    label: scenario.label,
    clusters: scenario.clusters,
    runs: runs.length,
    wallMs,
    peakRssMb: Math.max(...runs.map((r) => r.maxRssKb)) / 1024,
    stacks: runs[0].stacks,
    resources: runs[0].resources,
    dataSources: runs[0].dataSources,
    msPerCluster,
    vsFloor: {
      median: wallMs.median / floorMedian,
      min: wallMs.min / floorMedian,
      perCluster: msPerCluster === undefined ? undefined : msPerCluster / floorMedian,
    },
    deterministic: runs.every((r) => r.digest === runs[0].digest),
  };
}

function evaluateTargets(
  floor: ScenarioResult,
  scenarios: readonly ScenarioResult[],
  rejection: BenchReport['rejection'],
  preview: BenchReport['preview'],
  warm: BenchReport['warm'],
): TargetResult[] {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const example = byId.get('example');
  const large = byId.get(`n${TARGETS.largeClusters}`);
  const base = byId.get(`n${TARGETS.perClusterBase}`);
  const notMeasured = (target: string): TargetResult => ({
    target,
    actual: 'not measured',
    pass: null,
  });
  const targets: TargetResult[] = [];
  if (example) {
    targets.push(
      {
        target: `example synth ≤ ${TARGETS.exampleTimeVsFloor}× floor`,
        actual: `${ms(example.wallMs.median)} vs floor ${ms(floor.wallMs.median)} = ${times(example.vsFloor.median)}`,
        pass: example.vsFloor.median <= TARGETS.exampleTimeVsFloor,
      },
      {
        target: `example peak RSS ≤ ${TARGETS.exampleRssMb} MB`,
        actual: mb(example.peakRssMb),
        pass: example.peakRssMb <= TARGETS.exampleRssMb,
      },
    );
  }
  const largeLabel = `${TARGETS.largeClusters} clusters`;
  if (large) {
    targets.push(
      {
        target: `${largeLabel} synth ≤ ${TARGETS.largeTimeMs / 1000} s`,
        actual: ms(large.wallMs.median),
        pass: large.wallMs.median <= TARGETS.largeTimeMs,
      },
      {
        target: `${largeLabel} peak RSS ≤ ${TARGETS.largeRssMb} MB`,
        actual: mb(large.peakRssMb),
        pass: large.peakRssMb <= TARGETS.largeRssMb,
      },
    );
  } else
    targets.push(
      notMeasured(`${largeLabel} synth ≤ ${TARGETS.largeTimeMs / 1000} s`),
      notMeasured(`${largeLabel} peak RSS ≤ ${TARGETS.largeRssMb} MB`),
    );
  const warmTarget = `${largeLabel}, one changed, warm synth ≤ ${TARGETS.warmTimeMs / 1000} s`;
  if (warm?.clusters === TARGETS.largeClusters)
    targets.push({
      target: warmTarget,
      actual: `${ms(warm.wallMs)}, ${mb(warm.peakRssMb)}`,
      pass: warm.wallMs <= TARGETS.warmTimeMs,
    });
  else targets.push(notMeasured(warmTarget));
  const growth = `time per cluster at N=${TARGETS.largeClusters} ≤ ${TARGETS.perClusterGrowth}× N=${TARGETS.perClusterBase} (marginal)`;
  if (large?.marginalMsPerCluster !== undefined && base?.marginalMsPerCluster !== undefined) {
    const ratio = large.marginalMsPerCluster / base.marginalMsPerCluster;
    targets.push({
      target: growth,
      actual:
        `${ms(large.marginalMsPerCluster, 1)} vs ${ms(base.marginalMsPerCluster, 1)} = ${times(ratio)}` +
        ` (median/N: ${ms(large.msPerCluster ?? 0, 1)} vs ${ms(base.msPerCluster ?? 0, 1)})`,
      pass: ratio <= TARGETS.perClusterGrowth,
    });
  } else targets.push(notMeasured(growth));
  const ratio = rejection.rejectMs / rejection.bareNodeMs;
  targets.push({
    target: `rejecting a bad configuration ≤ ${TARGETS.rejectionVsBareNode}× a bare node start`,
    actual: `${ms(rejection.rejectMs)} vs ${ms(rejection.bareNodeMs)} = ${times(ratio)}`,
    pass: ratio <= TARGETS.rejectionVsBareNode,
  });
  targets.push({
    target: `rejecting ${TARGETS.largeRejectionClusters} malformed clusters ≤ ${TARGETS.largeRejectionMs / 1000} s`,
    actual: ms(rejection.largeRejectMs),
    pass: rejection.largeRejectMs <= TARGETS.largeRejectionMs,
  });
  const previewRatio = preview.previewMs / preview.synthMs;
  targets.push({
    target: `preview of the example with one edit ≤ ${TARGETS.previewVsSynth}× its synth`,
    actual: `${ms(preview.previewMs)} vs ${ms(preview.synthMs)} = ${times(previewRatio)}`,
    pass: previewRatio <= TARGETS.previewVsSynth,
  });
  return targets;
}

/**
 * Clones of the example's cluster, each with several broken settings (account id, a subnet)
 * and the example's subnets shared by all: every cross-cluster check has thousands of entries.
 */
function malformedClusters(example: Json, count: number): Json {
  const [template] = example.clusters;
  const clusters = Array.from({ length: count }, (_, i) => ({
    ...structuredClone(template),
    environment: `e${i}`,
    clusterName: `c${i}`,
    accountId: 12345,
    subnets: { ...template.subnets, public: ['not-a-subnet'] },
  }));
  return { ...example, clusters };
}

/**
 * Median wall time of rejecting an invalid configuration (exit 1, nothing loaded but the
 * configuration layer) and of `node -e 0`, run alternately; then of rejecting a large one, whose
 * problems must be found in time linear in its size.
 */
function measureRejection(workDir: string, runs: number): BenchReport['rejection'] {
  const bad = join(workDir, 'invalid.yaml');
  writeFileSync(bad, 'clusters:\n  - environment: Prod\n');
  const large = join(workDir, 'invalid-large.yaml');
  const example = parse(readFileSync(EXAMPLE, 'utf8'));
  writeFileSync(large, stringify(malformedClusters(example, TARGETS.largeRejectionClusters)));
  const time = (args: string[], expected: number): number => {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, {
      cwd: ROOT,
      env: childEnv({}),
      encoding: 'utf8',
    });
    if (child.status !== expected)
      throw new Error(`node ${args.join(' ')} exited with ${child.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const bare: number[] = [];
  const reject: number[] = [];
  for (let i = 0; i < Math.max(runs, 5); i += 1) {
    bare.push(time(['-e', '0'], 0));
    reject.push(time([APP, '--config', bad], 1));
  }
  const rejectLarge = [0, 1, 2].map(() => time([APP, '--config', large], 1));
  return { bareNodeMs: median(bare), rejectMs: median(reject), largeRejectMs: median(rejectLarge) };
}

/**
 * Median wall time of `node dist/scripts/preview.js <example> <example with one edit>` (both
 * sides synthesized, classified and printed) and of one synth of the example, run alternately.
 */
function measurePreview(workDir: string, runs: number): BenchReport['preview'] {
  const edited = join(workDir, 'example-edited.yaml');
  const raw = parse(readFileSync(EXAMPLE, 'utf8'));
  raw.clusters[0].loadBalancerController.replicaCount = 3;
  writeFileSync(edited, stringify(raw));
  const time = (args: string[], env: Record<string, string>): number => {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: ROOT, env: childEnv(env) });
    if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${child.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const synth: number[] = [];
  const preview: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    synth.push(
      time([APP, '--config', EXAMPLE], { CDKTF_OUTDIR: join(workDir, `preview-out-${i}`) }),
    );
    preview.push(time([PREVIEW, EXAMPLE, edited], {}));
  }
  return { synthMs: median(synth), previewMs: median(preview) };
}

// ---------------------------------------------------------------------------------------------
// Printing

function ms(value: number, digits = 0): string {
  return `${value.toFixed(digits)} ms`;
}
function mb(value: number): string {
  return `${value.toFixed(1)} MB`;
}
function times(value: number): string {
  return `${value.toFixed(2)}×`;
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => [...row[column]].length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        rightAligned.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

export function formatReport(report: BenchReport): string {
  const rows = [
    [
      'scenario',
      'clusters',
      'runs',
      'median ms',
      'min ms',
      'peak RSS',
      'stacks',
      'resources',
      'data',
      'ms/cluster',
      'marginal ms/cluster',
    ],
    ...[report.floor, ...report.scenarios].map((s) => [
      s.label,
      String(s.clusters),
      String(s.runs),
      `${s.wallMs.median.toFixed(0)} (${times(s.vsFloor.median)})`,
      `${s.wallMs.min.toFixed(0)} (${times(s.vsFloor.min)})`,
      mb(s.peakRssMb),
      String(s.stacks),
      String(s.resources),
      String(s.dataSources),
      s.msPerCluster === undefined
        ? '–'
        : `${s.msPerCluster.toFixed(1)} (${times(s.vsFloor.perCluster ?? 0)})`,
      s.marginalMsPerCluster === undefined ? '–' : s.marginalMsPerCluster.toFixed(1),
    ]),
  ];
  const lines = [
    `eks-edge synth benchmark — node ${report.node}, ${report.platform}, ${report.cpu}`,
    'Each run: a fresh `node dist/main.js --config <file>` (floor: cdktf + one empty stack); wall time from the parent,',
    'peak RSS of the child. (×) = ratio to the floor median. Resources and data sources are summed over all stacks.',
    '',
    table(rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
  ];
  const drifting = [report.floor, ...report.scenarios].filter((s) => !s.deterministic);
  lines.push(
    '',
    drifting.length === 0
      ? 'Output identical in every run of every scenario.'
      : `NOT DETERMINISTIC: ${drifting.map((s) => s.label).join(', ')}`,
  );
  lines.push('', 'Targets:');
  const width = Math.max(...report.targets.map((t) => [...t.target].length));
  for (const t of report.targets)
    lines.push(
      `  ${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}  ${t.target.padEnd(width)}  ${t.actual}`,
    );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

export function runBench(options: BenchOptions, progress: (text: string) => void): BenchReport {
  for (const file of [APP, FLOOR, RSS_PRELOAD, PREVIEW]) {
    if (!existsSync(file))
      throw new Error(
        `${relative(ROOT, file)} is missing: run \`node scripts/build.mjs\` first (npm run bench does)`,
      );
  }
  const runsFor = (clusters: number) => options.runs ?? (clusters >= 50 ? 3 : 5);
  const workDir = mkdtempSync(join(tmpdir(), 'eks-edge-bench-'));
  try {
    const exampleRaw = parse(readFileSync(EXAMPLE, 'utf8')) as Json;
    const exampleClusters = (exampleRaw.clusters as unknown[]).length;
    const scenarios: Scenario[] = [
      {
        id: 'example',
        label: 'example',
        clusters: exampleClusters,
        script: APP,
        args: ['--config', EXAMPLE],
        runs: runsFor(exampleClusters),
      },
      ...options.sizes.map((count) => {
        const file = join(workDir, `clusters-${count}.yaml`);
        writeFileSync(file, stringify(generateConfig(exampleRaw, count)));
        return {
          id: `n${count}`,
          label: `${count} cluster${count === 1 ? '' : 's'}`,
          clusters: count,
          script: APP,
          args: ['--config', file],
          runs: runsFor(count),
        };
      }),
    ];
    const floorScenario: Scenario = {
      id: 'floor',
      label: 'floor',
      clusters: 0,
      script: FLOOR,
      args: [],
      runs: Math.max(...scenarios.map((s) => s.runs)),
    };
    const all = [floorScenario, ...scenarios];

    // One discarded run each of the floor and the example warms the file cache for everything else.
    progress('warming up');
    runOnce(floorScenario, workDir, -1);
    runOnce(scenarios[0], workDir, -1);

    // Round-robin, so that a slow moment of the machine spreads over the scenarios.
    const runs = new Map<string, Run[]>(all.map((s) => [s.id, []]));
    for (let round = 0; round < floorScenario.runs; round += 1) {
      for (const scenario of all.filter((s) => round < s.runs)) {
        progress(`round ${round + 1}/${floorScenario.runs}: ${scenario.label}`);
        runs.get(scenario.id)!.push(runOnce(scenario, workDir, round));
      }
    }

    const floorMedian = median(runs.get('floor')!.map((r) => r.wallMs));
    const floor = summarize(floorScenario, runs.get('floor')!, floorMedian);
    const summaries = scenarios.map((s) => summarize(s, runs.get(s.id)!, floorMedian));
    const generated = summaries.filter((s) => s.id !== 'example');
    const smallest = generated[0];
    const results: ScenarioResult[] = summaries.map((s) => ({
      ...s,
      marginalMsPerCluster:
        s.id !== 'example' && smallest && s.clusters > smallest.clusters
          ? (s.wallMs.median - smallest.wallMs.median) / (s.clusters - smallest.clusters)
          : undefined,
    }));
    progress('rejecting a bad configuration');
    const rejection = measureRejection(workDir, floorScenario.runs);
    progress('previewing an edit of the example');
    const preview = measurePreview(workDir, floorScenario.runs);
    const largest = Math.max(...options.sizes);
    progress(`warm synth of ${largest} clusters, one changed`);
    const warm =
      largest > 1 ? measureWarm(exampleRaw, largest, workDir, runsFor(largest)) : undefined;
    const cpuList = cpus();
    return {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
      floor,
      scenarios: results,
      rejection,
      preview,
      warm,
      targets: evaluateTargets(floor, results, rejection, preview, warm),
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function main(argv: readonly string[]): number {
  let options: BenchOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  process.on('SIGINT', () => {
    interrupted = true;
  });
  const progress =
    options.json || !process.stderr.isTTY
      ? () => undefined
      : (text: string) => process.stderr.write(`\r\x1b[K${text}`);
  try {
    const report = runBench(options, progress);
    progress('');
    process.stdout.write(
      options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
    );
    return 0;
  } catch (error) {
    progress('');
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
