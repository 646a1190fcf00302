/**
 * The app: which stacks a resolved configuration makes, and in which order they deploy.
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AnnotationMetadataEntryType, App, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { ResolvedConfig, ResolvedDnsAccount } from '../config/model';
import { dependencies } from '../package.json';
import { ClusterStack } from './cluster-stack';
import { DnsAccountStack } from './dns-account-stack';
import { EdgeStack } from './edge-stack';
import type { ProjectStack } from './project-stack';
import { hasCustomSynthesis, hclOutputRequested } from './stack-synthesizer';
import { cacheOfBuiltApp, groupKey, pruneCache, restoreGroup, storeGroup } from './synth-cache';
import type { SynthCache } from './synth-cache';

/**
 * cdktf records the whole JavaScript stack when it makes any token (`Intrinsic`, `Lazy`,
 * references: tokens/private/stack-trace.js, with no depth limit), only to print it in an error
 * about that token. At 300 clusters that is about a sixth of the synth time and much of its
 * memory, for messages this project never shows (its errors name settings, and the app prints no
 * stack trace). cdktf is pinned to 0.21.0 (archived), so the internal module does not move;
 * `guards.test.ts` fails if it does.
 */
function withoutTokenCreationStacks(): void {
  // A require, not an import: cdktf's module object itself is changed (a bundler makes an import
  // binding read-only).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as {
    captureStackTrace: () => string[];
  };
  stackTrace.captureStackTrace = () => [];
}

/**
 * The app, and what makes its stacks: the DNS-account stack when there is a DNS account, then per
 * configured cluster its cluster stack and the edge stack after it; one group per deployable
 * unit, in the order they deploy, each made only when called, so a synth can make, write and drop
 * one group at a time. HCL instead of JSON is chosen the way `cdktf synth --hcl` does it, by
 * SYNTH_HCL_OUTPUT=true (cdktf 0.21 reads only that variable).
 */
interface StackPlan {
  readonly app: App;
  readonly groups: readonly StackGroup[];
}

interface StackGroup {
  /** All a group's stacks are made of (the key of its entry in the synth cache). */
  readonly inputs: unknown;
  readonly make: () => ProjectStack[];
}

function planStacks(config: ResolvedConfig, outdir?: string): StackPlan {
  withoutTokenCreationStacks();
  // No stack traces in the manifest: they would put this machine's absolute paths in the output.
  // cdktf's own validation runs `terraform version` once per terraform_data and import (130 ms
  // each, most of the synth time at 50 clusters) and fails without Terraform on PATH, so synth
  // would depend on the machine: the stacks' `required_version` says it, Terraform enforces it.
  // The stack-level validations (providers present) still run, in `validated`.
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const { dnsAccount } = config;
  let dnsStack: DnsAccountStack | undefined;
  // What a cluster stack depends on: the DNS stack where this synth made it (its group comes
  // first), else, where the synth cache had it, a stand-in of its name, never written: the
  // manifest's dependencies read only the name.
  let dnsStandIn: TerraformStack | undefined;
  const dnsDependency = (account: ResolvedDnsAccount) =>
    dnsStack ?? (dnsStandIn ??= new TerraformStack(app, account.stackName));
  const clusterGroups = config.clusters.map((cluster) => ({
    // The DNS stack's name is in the cluster stack's manifest entry (what it depends on).
    inputs: { cluster, dnsStack: dnsAccount?.stackName },
    make: () => {
      const stack = new ClusterStack(app, cluster);
      // The DNS role must exist before EKS or ExternalDNS tries to assume it: `cdktf deploy '*'`
      // deploys the DNS stack first.
      if (
        dnsAccount &&
        cluster.externalDns.some((instance) => instance.route53.kind === 'cross-account')
      ) {
        stack.addDependency(dnsDependency(dnsAccount));
      }
      // The edge objects are instances of CRDs the cluster stack installs: plan them after it
      // applied. Every cluster has its edge stack, empty or not, so removing the last edge
      // setting destroys what the stack deployed instead of orphaning it with its state.
      const edge = new EdgeStack(app, cluster, cluster.edge);
      edge.addDependency(stack);
      return [stack, edge];
    },
  }));
  const dnsGroup = dnsAccount && {
    inputs: { dnsAccount },
    make: () => [(dnsStack = new DnsAccountStack(app, dnsAccount))],
  };
  return { app, groups: [...(dnsGroup ? [dnsGroup] : []), ...clusterGroups] };
}

/** `stacks`, after the stack-level validations cdktf's own synth would run. */
function validated(stacks: ProjectStack[]): ProjectStack[] {
  const errors = stacks.flatMap((stack) =>
    stack.node.validate().map((error) => `${stack.node.id}: ${error}`),
  );
  if (errors.length > 0) throw new Error(`the stacks are not valid:\n${errors.join('\n')}`);
  return stacks;
}

/** Every stack of the configuration in one app, for tests and reviews that read the constructs. */
export function buildApp(config: ResolvedConfig, outdir?: string): App {
  const { app, groups } = planStacks(config, outdir);
  validated(groups.flatMap((group) => group.make()));
  return app;
}

/** What a synth wrote: the output folder, its stacks in deploy order, and their warnings. */
export interface Synthesized {
  readonly outdir: string;
  readonly stacks: readonly string[];
  readonly warnings: readonly string[];
  /** The stacks copied from the synth cache rather than made. */
  readonly reused: readonly string[];
}

/**
 * Synthesizes the configuration into `outdir` as `App.synth` would, byte for byte, one group of
 * stacks at a time: each is made, validated, written and dropped before the next is made, so a
 * fleet's constructs are never all in memory (300 clusters: about 370 MB at most instead of 520).
 * Each stack is written as `App.synth` writes it (this project's `prepareStack` only adds the
 * backend, which no other stack reads); the manifest last, listing every stack. With a `cache`
 * (JSON output only), a group whose inputs did not change since the last synth is copied from it
 * (synth-cache.ts), and the cache then holds this synth's groups.
 */
export function synthesize(
  config: ResolvedConfig,
  outdir: string,
  cache?: SynthCache,
): Synthesized {
  const { app, groups } = planStacks(config, outdir);
  const session = { outdir: app.outdir, skipValidation: true, manifest: app.manifest };
  const reusable = cache && !hclOutputRequested() ? cache : undefined;
  const stacks: string[] = [];
  const warnings: string[] = [];
  const reused: string[] = [];
  const used = new Set<string>();
  for (const group of groups) {
    const key = reusable && groupKey(reusable, group.inputs);
    if (key) used.add(key);
    const restored = key ? restoreGroup(reusable, key, app.outdir) : undefined;
    if (restored) {
      for (const { manifest } of restored.stacks) {
        app.manifest.stacks[manifest.name] = manifest;
        stacks.push(manifest.name);
        reused.push(manifest.name);
      }
      warnings.push(...restored.warnings);
      continue;
    }
    const made = validated(group.make());
    const groupWarnings: string[] = [];
    for (const stack of made) {
      stack.prepareStack();
      stack.synthesizer.synthesize(session);
      stacks.push(stack.node.id);
      groupWarnings.push(...warningsOf(stack));
    }
    warnings.push(...groupWarnings);
    if (key && !made.some(hasCustomSynthesis)) {
      storeGroup(reusable, key, app.outdir, {
        stacks: made.map((stack) => {
          const manifest = app.manifest.stacks[stack.node.id];
          return { manifest, file: manifest.synthesizedStackPath, sha256: stack.writtenSha256! };
        }),
        warnings: groupWarnings,
      });
    }
    for (const stack of made) app.node.tryRemoveChild(stack.node.id);
  }
  app.manifest.writeToFile();
  if (reusable) pruneCache(reusable, used);
  return { outdir: app.outdir, stacks, warnings, reused };
}

/**
 * The synth cache of the built app, this file bundled as `dist/stacks/app.js` (the code the
 * cache's fingerprint reads); none where it runs from its sources (tests), which make every stack.
 */
export function builtAppCache(outdir: string, env: NodeJS.ProcessEnv): SynthCache | undefined {
  const dist = dirname(__dirname);
  if (basename(__filename) !== 'app.js' || basename(dist) !== 'dist') return undefined;
  return cacheOfBuiltApp(dirname(dist), Object.keys(dependencies), outdir, env);
}

/** Warnings the constructs recorded (e.g. node-role DNS access), as `path: message`. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === AnnotationMetadataEntryType.WARN)
        .map((entry) => `${construct.node.path}: ${entry.data}`),
    );
}

/**
 * Removes output folders of stacks that are no longer in the configuration, so a reviewer never
 * reads a stale stack (the cdktf CLI does the same; this covers `npm run synth`).
 */
export function removeStaleStacks({ outdir, stacks }: Synthesized): void {
  const stacksDir = join(outdir, 'stacks');
  const current = new Set(stacks);
  for (const entry of readdirSync(stacksDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !current.has(entry.name)) {
      rmSync(join(stacksDir, entry.name), { recursive: true, force: true });
    }
  }
}
