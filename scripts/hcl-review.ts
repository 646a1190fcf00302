/**
 * Plain-HCL rendering of the synthesized stacks for code review: `npm run synth:hcl` writes
 * `cdktf.out.hcl/stacks/<stack>/cdk.tf`, formatted as `terraform fmt` would and parsed back to
 * prove it is valid HCL. `cdktf deploy` keeps using the JSON output; this is for reading.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HCL_OUTDIR = 'cdktf.out.hcl';

/**
 * `"${expr}"` → `expr` where a whole attribute value is one interpolation, as `terraform fmt`
 * (1.x) rewrites it; cdktf's renderer always writes the quoted form.
 */
export function unwrapInterpolationOnlyValues(hcl: string): string {
  return hcl
    .split('\n')
    .map((line) => {
      const match = /^(\s*[\w-]+\s*=\s*)"\$\{(.*)\}"\s*$/.exec(line);
      return match && isSingleExpression(match[2]) ? `${match[1]}${match[2]}` : line;
    })
    .join('\n');
}

/**
 * `depends_on = ["aws_x.y"]` → `depends_on = [aws_x.y]`: cdktf quotes the references, which
 * Terraform accepts only with a "Quoted references are deprecated" warning.
 */
export function unquoteDependsOn(hcl: string): string {
  let inDependsOn = false;
  return hcl
    .split('\n')
    .map((line) => {
      if (/^\s*depends_on\s*=\s*\[\s*$/.test(line)) inDependsOn = true;
      else if (inDependsOn && /^\s*\]\s*$/.test(line)) inDependsOn = false;
      else if (inDependsOn) return line.replace(/^(\s*)"([\w.-]+)"(,?)\s*$/, '$1$2$3');
      return line;
    })
    .join('\n');
}

/**
 * `postcondition = [{…}, {…}]` → one `postcondition {…}` block per entry (likewise precondition):
 * Terraform accepts conditions in `lifecycle` only as blocks, cdktf renders them as a list.
 */
export function conditionsAsBlocks(hcl: string): string {
  let condition: string | undefined;
  return hcl
    .split('\n')
    .flatMap((line) => {
      const start = /^\s*(precondition|postcondition)\s*=\s*\[\s*$/.exec(line);
      if (start) {
        condition = start[1];
        return [];
      }
      if (!condition) return [line];
      if (/^\s*\]\s*$/.test(line)) {
        condition = undefined;
        return [];
      }
      if (/^\s*\{\s*$/.test(line)) return [`${condition} {`];
      if (/^\s*\},?\s*$/.test(line)) return ['}'];
      return [line];
    })
    .join('\n');
}

/** True when `inner` (what stood between `"${` and `}"`) is one expression, not `a}…${b`. */
function isSingleExpression(inner: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < inner.length; i += 1) {
    const char = inner[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && !inString;
}

/** Formats one rendered stack the way `terraform fmt` does. */
export async function formatHcl(hcl: string): Promise<string> {
  const { format } = await import('@cdktf/hcl-tools');
  const formatted = await format(
    conditionsAsBlocks(unquoteDependsOn(unwrapInterpolationOnlyValues(hcl))),
  );
  return formatted.endsWith('\n') ? formatted : `${formatted}\n`;
}

/** Parses HCL to its JSON form; rejects invalid HCL with the parser's message. */
export async function parseHcl(fileName: string, hcl: string): Promise<Record<string, any>> {
  const { parse } = await import('@cdktf/hcl2json');
  return parse(fileName, hcl);
}

export function stackFiles(outdir: string): string[] {
  const stacksDir = join(outdir, 'stacks');
  return readdirSync(stacksDir).map((stack) => join(stacksDir, stack, 'cdk.tf'));
}

async function main(): Promise<void> {
  const configArgs = process.argv.slice(2);
  rmSync(HCL_OUTDIR, { recursive: true, force: true });
  const synth = spawnSync(process.execPath, ['dist/main.js', ...configArgs], {
    stdio: 'inherit',
    env: { ...process.env, SYNTH_HCL_OUTPUT: 'true', CDKTF_OUTDIR: HCL_OUTDIR },
  });
  if (synth.status !== 0) process.exit(synth.status ?? 1);
  for (const file of stackFiles(HCL_OUTDIR)) {
    const hcl = await formatHcl(readFileSync(file, 'utf8'));
    await parseHcl(file, hcl);
    writeFileSync(file, hcl);
    process.stdout.write(`${file}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
