/**
 * `npm run catalog -- add <kind> <tag>`: a new upstream release into the built-in catalog, with a
 * report of what was downloaded, derived and written (scripts/catalog-lbc.ts,
 * catalog-gateway-api.ts, catalog-external-dns.ts). The files are downloaded from
 * raw.githubusercontent.com at the tag, or from `--base-url` (a mirror, or the tests' loopback
 * server). Exit codes: 0 written or up to date, 1 refused, 2 usage.
 */
import { join } from 'node:path';
import { addExternalDnsChart } from './catalog-external-dns';
import { DEFAULT_API_BASE, addGatewayApiRelease } from './catalog-gateway-api';
import { DEFAULT_UPSTREAM_BASE, addLbcRelease } from './catalog-lbc';
import { CatalogRefusal } from './catalog-upstream';

const USAGE = `Usage: npm run catalog -- add lbc <tag> [--local <file>] [--base-url <url>] [--api-url <url>] [--catalog-dir <dir>]
       npm run catalog -- add gateway-api <tag> [--base-url <url>] [--api-url <url>] [--catalog-file <f>]
       npm run catalog -- add external-dns-chart <version> [--local <file>] [--base-url <url>] [--api-url <url>] [--catalog-file <f>]

  add lbc <tag>      an AWS Load Balancer Controller release, e.g. v3.6.0 (a tag, never a branch)
  add gateway-api <tag>  a Gateway API release (its standard channel), e.g. v1.7.0
  add external-dns-chart <version>  an ExternalDNS chart release (tag external-dns-helm-chart-<version>), e.g. 1.22.0

  --local <file>     write a local catalog (a configuration's localCatalog) instead of catalog/
  --base-url <url>   where the raw files are served (default ${DEFAULT_UPSTREAM_BASE})
  --catalog-dir <d>  the folder whose releases.ts is written (default catalog/aws-load-balancer-controller)
  --api-url <url>    the GitHub API that lists a folder at a tag (default ${DEFAULT_API_BASE})
  --catalog-file <f> the file written (default catalog/gateway-api.ts, catalog/external-dns.ts)`;

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
  const kinds = ['lbc', 'gateway-api', 'external-dns-chart'];
  if (command !== 'add' || !kinds.includes(kind) || !tag || tag.startsWith('--')) {
    console.error(
      kind && !kinds.includes(kind) && command === 'add'
        ? `catalog: ${kind} is not a kind of release (${kinds.join(', ')})\n\n${USAGE}`
        : USAGE,
    );
    return 2;
  }
  if (kind === 'gateway-api' && option(args, '--local')) {
    console.error(
      'catalog: a local catalog holds controller and ExternalDNS chart releases, not Gateway API ones (its CRDs are resources this project manages: they come with an eks-edge release)',
    );
    return 2;
  }
  const baseUrl = (option(args, '--base-url') ?? DEFAULT_UPSTREAM_BASE).replace(/\/$/, '');
  const apiUrl = (option(args, '--api-url') ?? DEFAULT_API_BASE).replace(/\/$/, '');
  const catalogFile = (file: string) => option(args, '--catalog-file') ?? join('catalog', file);
  try {
    const result =
      kind === 'gateway-api'
        ? await addGatewayApiRelease(tag, {
            baseUrl,
            apiUrl,
            catalogFile: catalogFile('gateway-api.ts'),
          })
        : kind === 'external-dns-chart'
          ? await addExternalDnsChart(tag, {
              baseUrl,
              apiUrl,
              catalogFile: catalogFile('external-dns.ts'),
              localFile: option(args, '--local'),
            })
          : await addLbcRelease(tag, {
              baseUrl,
              apiUrl,
              catalogDir:
                option(args, '--catalog-dir') ?? join('catalog', 'aws-load-balancer-controller'),
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
