/**
 * Entry point of the cdktf app: reads the configuration named by `--config <file>` or
 * $EKS_EDGE_CONFIG (default: the built-in example), validates it completely, and only then loads
 * cdktf and builds the stacks. An invalid configuration prints every problem and exits 1 without
 * writing anything, and without loading any provider binding. Success prints the file used and
 * the stacks written.
 */
import { ConfigError, configPathFrom, loadConfig } from './config/load';
import type { ResolvedConfig } from './config/model';

/** Where the app writes: the process's streams, or a test's. */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Runs the app; resolves to the process exit code: 0 synthesized, 1 a configuration problem
 * (every one printed, nothing written), 2 an internal error (printed without a stack trace).
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: Output = processOutput,
): Promise<number> {
  let path: string;
  let config: ResolvedConfig;
  try {
    path = configPathFrom(argv, env);
    config = loadConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) {
      output.err(`${error.message}\n`);
      return 1;
    }
    return internalError(error, output);
  }
  try {
    const { buildApp, removeStaleStacks, stackNames, warningsOf } = await import('./stacks/app');
    const app = buildApp(config);
    app.synth();
    // Under the cdktf CLI, the CLI removes stale stack folders itself, and fails if they are gone.
    if (env.CDKTF_CONTEXT_JSON === undefined) removeStaleStacks(app);
    for (const warning of [...config.warnings, ...warningsOf(app)])
      output.err(`Warning: ${warning}\n`);
    output.out(`eks-edge: ${path} -> ${app.outdir}: ${stackNames(app).join(', ')}\n`);
    return 0;
  } catch (error) {
    return internalError(error, output);
  }
}

/** A failure that no input should cause: said plainly, for a bug report, never as a stack trace. */
function internalError(error: unknown, output: Output): number {
  const message = error instanceof Error ? error.message : String(error);
  output.err(`eks-edge: internal error (please report it with the configuration): ${message}\n`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then((code) => (process.exitCode = code));
}
