/**
 * Entry point of the cdktf app: reads the configuration named by `--config <file>` or
 * $EKS_EDGE_CONFIG (default: the built-in example), validates it completely, and only then loads
 * cdktf and builds the stacks. An invalid configuration prints every problem and exits 1 without
 * writing anything, and without loading any provider binding. Success prints the file used and
 * the stacks written.
 */
import { mkdirSync } from 'node:fs';
import { ConfigError, configPathFrom, loadConfig } from './config/load';
import type { ResolvedConfig } from './config/model';
import { version } from './package.json';

const USAGE = `usage: node dist/main.js [--config <file>]
       npx cdktf synth [--output <folder>]   (the file from $EKS_EDGE_CONFIG)

Checks an eks-edge configuration and writes its stacks as Terraform JSON: one folder per stack
under cdktf.out/stacks (or the folder cdktf synth --output names, $CDKTF_OUTDIR).

  --config <file>  the configuration (default: $EKS_EDGE_CONFIG, else config/example.yaml)
  -h, --help       print this help
  --version        print the eks-edge version

Exit codes: 0 written; 1 a configuration problem (every one printed, nothing written);
2 an internal error. More: npm run preview | deploy | destroy (see README.md).
`;

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
  if (argv.includes('--help') || argv.includes('-h')) {
    output.out(USAGE);
    return 0;
  }
  if (argv.includes('--version')) {
    output.out(`eks-edge ${version}\n`);
    return 0;
  }
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
  // cdktf makes only the last folder of the path; `cdktf synth --output build/tf` is fine too.
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  try {
    mkdirSync(outdir, { recursive: true });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    output.err(
      `eks-edge: the output folder ${outdir} cannot be made (${reason}: a file is in its path, or it may not be written): choose another with cdktf synth --output <folder>\n`,
    );
    return 1;
  }
  try {
    const { builtAppCache, removeStaleStacks, synthesize } = await import('./stacks/app');
    const written = synthesize(config, outdir, builtAppCache(outdir, env));
    // Under the cdktf CLI, the CLI removes stale stack folders itself, and fails if they are gone.
    if (env.CDKTF_CONTEXT_JSON === undefined) removeStaleStacks(written);
    for (const warning of [...config.warnings, ...written.warnings])
      output.err(`Warning: ${warning}\n`);
    const reused = written.reused.length;
    const unchanged =
      reused > 0 ? ` (${reused} unchanged since the last synth, from its cache)` : '';
    output.out(
      `eks-edge: ${path} -> ${written.outdir}: ${written.stacks.join(', ')}${unchanged}\n`,
    );
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
