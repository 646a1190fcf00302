/**
 * Entry point of the cdktf app: reads the configuration named by `--config <file>` or
 * $EKS_EDGE_CONFIG (default: the built-in example), validates it completely, and only then builds
 * the stacks. An invalid configuration prints every problem and exits 1 without writing anything.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AnnotationMetadataEntryType, App, TerraformStack } from 'cdktf';
import { ConfigError, configPathFrom, loadConfig } from './config/load';
import type { ResolvedConfig } from './config/resolve';
import { ClusterStack } from './stacks/cluster-stack';
import { DnsAccountStack } from './stacks/dns-account-stack';
import { EdgeStack, hasEdge } from './stacks/edge-stack';

/**
 * One cluster stack per configured cluster (and an edge stack after it when it has ALB groups,
 * gateways or access logs), plus the DNS-account stack when there is a DNS account. HCL instead of JSON is chosen the way `cdktf synth --hcl`
 * does it, by SYNTH_HCL_OUTPUT=true (cdktf 0.21 reads only that variable).
 */
export function buildApp(config: ResolvedConfig, outdir?: string): App {
  // No stack traces in the manifest: they would put this machine's absolute paths in the output.
  const app = new App({ outdir, stackTraces: false });
  const dnsStack =
    config.dnsAccount &&
    new DnsAccountStack(app, {
      dnsAccount: config.dnsAccount,
      backend: config.backend,
      tags: config.tags,
    });
  for (const cluster of config.clusters) {
    const stack = new ClusterStack(app, { cluster, backend: config.backend });
    // The DNS role must exist before EKS or ExternalDNS tries to assume it: `cdktf deploy '*'`
    // deploys the DNS stack first.
    if (dnsStack && cluster.externalDns.some((instance) => instance.dnsAccountAccess))
      stack.addDependency(dnsStack);
    // The edge objects are instances of CRDs the cluster stack installs: plan them after it applied.
    if (hasEdge(cluster))
      new EdgeStack(app, { cluster, backend: config.backend }).addDependency(stack);
  }
  return app;
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
function removeStaleStacks(app: App): void {
  const stacksDir = join(app.outdir, 'stacks');
  const current = new Set(
    app.node.children.filter(TerraformStack.isStack).map((stack) => stack.node.id),
  );
  for (const entry of readdirSync(stacksDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !current.has(entry.name))
      rmSync(join(stacksDir, entry.name), { recursive: true, force: true });
  }
}

/** Runs the app; returns the process exit code. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const path = configPathFrom(argv, env);
  let config: ResolvedConfig;
  try {
    config = loadConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const app = buildApp(config);
  app.synth();
  removeStaleStacks(app);
  for (const warning of warningsOf(app)) process.stderr.write(`Warning: ${warning}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2), process.env);
