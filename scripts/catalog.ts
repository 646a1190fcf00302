/**
 * `npm run catalog -- add <kind> <tag>`: a new upstream release into the built-in catalog, with a
 * report of what was downloaded, derived and written (scripts/catalog-lbc.ts). The files are
 * downloaded from raw.githubusercontent.com at the tag, or from `--base-url` (a mirror, or the
 * tests' loopback server). Exit codes: 0 written or up to date, 1 refused, 2 usage.
 */
import { join } from 'node:path';
import { CatalogRefusal, DEFAULT_UPSTREAM_BASE, addLbcRelease } from './catalog-lbc';

const USAGE = `Usage: npm run catalog -- add lbc <tag> [--local <file>] [--base-url <url>] [--catalog-dir <dir>]

  add lbc <tag>      an AWS Load Balancer Controller release, e.g. v3.6.0 (a tag, never a branch)

  --local <file>     write a local catalog (a configuration's localCatalog) instead of catalog/
  --base-url <url>   where the raw files are served (default ${DEFAULT_UPSTREAM_BASE})
  --catalog-dir <d>  the folder whose releases.ts is written (default catalog/aws-load-balancer-controller)

Kinds not yet added by this command (external-dns-chart, gateway-api): edit catalog/ as
docs/development.md says.`;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export async function main(args: string[]): Promise<number> {
  const [command, kind, tag] = args;
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'add' || kind !== 'lbc' || !tag || tag.startsWith('--')) {
    console.error(
      kind && kind !== 'lbc' && command === 'add'
        ? `catalog: ${kind} cannot be added by this command yet (only lbc); see docs/development.md\n\n${USAGE}`
        : USAGE,
    );
    return 2;
  }
  try {
    const result = await addLbcRelease(tag, {
      baseUrl: (option(args, '--base-url') ?? DEFAULT_UPSTREAM_BASE).replace(/\/$/, ''),
      catalogDir: option(args, '--catalog-dir') ?? join('catalog', 'aws-load-balancer-controller'),
      localFile: option(args, '--local'),
    });
    console.log(result.report.join('\n'));
    return 0;
  } catch (error) {
    if (!(error instanceof CatalogRefusal)) throw error;
    console.error(`catalog: refused: ${error.message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`catalog: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
