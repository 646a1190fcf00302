/**
 * Entry point of the cdktf app: reads the configuration named by `--config <file>` or
 * $EKS_EDGE_CONFIG (default: the built-in example), validates it completely, and only then loads
 * cdktf and builds the stacks. An invalid configuration prints every problem and exits 1 without
 * writing anything, and without loading any provider binding.
 */
import { ConfigError, configPathFrom, loadConfig } from './config/load';
import type { ResolvedConfig } from './config/model';

/** Runs the app; resolves to the process exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
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
  const { buildApp, removeStaleStacks, warningsOf } = await import('./stacks/app');
  const app = buildApp(config);
  app.synth();
  removeStaleStacks(app);
  for (const warning of warningsOf(app)) process.stderr.write(`Warning: ${warning}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then((code) => (process.exitCode = code));
}
