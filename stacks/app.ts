/**
 * The app: which stacks a resolved configuration makes, and in which order they deploy.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AnnotationMetadataEntryType, App, TerraformStack } from 'cdktf';
import * as stackTrace from 'cdktf/lib/tokens/private/stack-trace';
import type { ResolvedConfig } from '../config/model';
import { ClusterStack } from './cluster-stack';
import { DnsAccountStack } from './dns-account-stack';
import { EdgeStack } from './edge-stack';

/**
 * One cluster stack and one edge stack after it per configured cluster, plus the DNS-account
 * stack when there is a DNS account. HCL instead
 * of JSON is chosen the way `cdktf synth --hcl` does it, by SYNTH_HCL_OUTPUT=true (cdktf 0.21
 * reads only that variable).
 */
/**
 * cdktf records the whole JavaScript stack when it makes any token (`Intrinsic`, `Lazy`,
 * references: tokens/private/stack-trace.js, with no depth limit), only to print it in an error
 * about that token. At 300 clusters that is about a sixth of the synth time and much of its
 * memory, for messages this project never shows (its errors name settings, and the app prints no
 * stack trace). cdktf is pinned to 0.21.0 (archived), so the internal module does not move;
 * `guards.test.ts` fails if it does.
 */
function withoutTokenCreationStacks(): void {
  (stackTrace as { captureStackTrace: () => string[] }).captureStackTrace = () => [];
}

export function buildApp(config: ResolvedConfig, outdir?: string): App {
  withoutTokenCreationStacks();
  // No stack traces in the manifest: they would put this machine's absolute paths in the output.
  // cdktf's own validation runs `terraform version` once per terraform_data and import (130 ms
  // each, most of the synth time at 50 clusters) and fails without Terraform on PATH, so synth
  // would depend on the machine: the stacks' `required_version` says it, Terraform enforces it.
  // The stack-level validations (providers present) still run, below.
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const dnsStack = config.dnsAccount && new DnsAccountStack(app, config.dnsAccount);
  for (const cluster of config.clusters) {
    const stack = new ClusterStack(app, cluster);
    // The DNS role must exist before EKS or ExternalDNS tries to assume it: `cdktf deploy '*'`
    // deploys the DNS stack first.
    if (
      dnsStack &&
      cluster.externalDns.some((instance) => instance.route53.kind === 'cross-account')
    ) {
      stack.addDependency(dnsStack);
    }
    // The edge objects are instances of CRDs the cluster stack installs: plan them after it
    // applied. Every cluster has its edge stack, empty or not, so removing the last edge setting
    // destroys what the stack deployed instead of orphaning it with its state.
    new EdgeStack(app, cluster, cluster.edge).addDependency(stack);
  }
  const errors = app.node.children
    .filter(TerraformStack.isStack)
    .flatMap((stack) => stack.node.validate().map((error) => `${stack.node.id}: ${error}`));
  if (errors.length > 0) throw new Error(`the stacks are not valid:\n${errors.join('\n')}`);
  return app;
}

/** The stacks of the app, in the order they were made. */
export function stackNames(app: App): string[] {
  return app.node.children.filter(TerraformStack.isStack).map((stack) => stack.node.id);
}

/** Warnings the constructs recorded (e.g. node-role DNS access), as `path: message`. */
export function warningsOf(app: App): string[] {
  return app.node
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
export function removeStaleStacks(app: App): void {
  const stacksDir = join(app.outdir, 'stacks');
  const current = new Set(
    app.node.children.filter(TerraformStack.isStack).map((stack) => stack.node.id),
  );
  for (const entry of readdirSync(stacksDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !current.has(entry.name)) {
      rmSync(join(stacksDir, entry.name), { recursive: true, force: true });
    }
  }
}
