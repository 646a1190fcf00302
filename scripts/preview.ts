/**
 * `npm run preview`: what a change of the configuration, or of eks-edge itself, does to live
 * resources, offline and without credentials (docs/reviewing.md).
 *
 *   npm run preview -- <before.yaml> <after.yaml>     two files, this checkout's code
 *   npm run preview -- --git <ref> [<config>]         the file at <ref> with the code of <ref>,
 *                                                     against the file here with the code here
 *   --format text|markdown|json                       default text
 *   --allow-disruptive                                exit 0 even where something is replaced
 *
 * Exit codes: 0 nothing live is replaced, deleted or orphaned; 2 something is (listed); 1 the
 * arguments, a configuration (the same messages as synth) or a git ref is wrong.
 */
import { ConfigError, configPathFrom } from '../config/load';
import type { Format } from '../review/render';
import { FORMATS, render } from '../review/render';
import { exitCodeOf, preview } from '../review/preview';
import { PreviewError, synthesizeAtRef, synthesizeFile } from '../review/sides';

export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = [
  'usage: npm run preview -- <before.yaml> <after.yaml> [--format text|markdown|json] [--allow-disruptive]',
  '       npm run preview -- --git <ref> [<config>] [--format …] [--allow-disruptive]',
].join('\n');

/** Arguments the preview cannot take: said with the usage. */
class UsageError extends PreviewError {}

/** `--help`: the usage, and exit 0. */
class HelpRequest extends Error {}

interface Arguments {
  readonly git?: string;
  readonly files: readonly string[];
  readonly format: Format;
  readonly allowDisruptive: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const files: string[] = [];
  let git: string | undefined;
  let format: Format = 'text';
  let allowDisruptive = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--git') {
      if (git !== undefined) throw new UsageError('--git is given twice: give one ref');
      git = value();
    } else if (arg === '--help' || arg === '-h') throw new HelpRequest();
    else if (arg === '--format') {
      const chosen = value();
      if (!(FORMATS as readonly string[]).includes(chosen))
        throw new UsageError(`--format ${chosen}: use one of ${FORMATS.join(', ')}`);
      format = chosen as Format;
    } else if (arg === '--allow-disruptive') allowDisruptive = true;
    else if (arg.startsWith('--')) throw new UsageError(`${arg} is not an option of the preview`);
    else files.push(arg);
  }
  const expected = git === undefined ? [2] : [0, 1];
  if (!expected.includes(files.length))
    throw new UsageError(
      git === undefined
        ? `give two configuration files (before and after), or --git <ref>; got ${files.length}`
        : `with --git, give at most one configuration file; got ${files.length}`,
    );
  return { git, files, format, allowDisruptive };
}

export async function runPreview(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  try {
    const args = parseArguments(argv);
    const [before, after] =
      args.git === undefined
        ? [await synthesizeFile(args.files[0]), await synthesizeFile(args.files[1])]
        : await (async () => {
            const config = args.files[0] ?? configPathFrom([], env);
            const old = synthesizeAtRef(args.git as string, config);
            return [old, await synthesizeFile(config, `${config} (this checkout)`)];
          })();
    const result = preview(before, after);
    output.out(render(result, args.format));
    const code = exitCodeOf(result, args.allowDisruptive);
    if (result.disruptive)
      output.err(
        code === 2
          ? 'eks-edge preview: something live is replaced, deleted or orphaned (exit 2); --allow-disruptive if that is intended\n'
          : 'eks-edge preview: something live is replaced, deleted or orphaned, allowed by --allow-disruptive\n',
      );
    return code;
  } catch (error) {
    if (error instanceof HelpRequest) {
      output.out(`${USAGE}\n`);
      return 0;
    }
    if (error instanceof ConfigError || error instanceof PreviewError) {
      output.err(`${error.message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    output.err(`eks-edge preview: internal error (please report it): ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  runPreview(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => (process.exitCode = code));
}
