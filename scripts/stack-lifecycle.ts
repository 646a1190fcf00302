/**
 * `npm run deploy -- <stack>` and `npm run destroy -- <stack>`: one cluster's stacks (or the DNS
 * stack) deployed or destroyed in the right order with `cdktf`, never another environment's.
 *
 *   npm run deploy -- prod-edge-prod       the DNS stack (where the cluster uses it), the cluster
 *                                          stack, then its edge stack
 *   npm run destroy -- staging-edge-staging
 *       1. destroy its edge stack (the controller, still running, removes the load balancers);
 *       2. deploy its cluster stack with `retiring: true` (the CRDs and the OIDC provider are
 *          released: Terraform forgets them, the cluster and IAM keep them);
 *       3. destroy its cluster stack;
 *       4. deploy the DNS stack without the cluster's DNS roles, where other clusters still use
 *          it (the last cluster of a DNS account: `npm run destroy -- dns` is a step of its own).
 *   npm run destroy -- dns                 only once no cluster of the file uses the DNS account
 *
 *   --config <file>   the configuration (default as for synth: $EKS_EDGE_CONFIG, else the example)
 *   --auto-approve    passed to cdktf
 *   --dry-run         print the cdktf commands, run nothing
 *
 * Every configuration a step needs is checked before the first step runs. A failed step stops
 * the command; the steps before it are done and the message says how to go on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, configPathFrom, loadConfig, validateConfig } from '../config/load';
import type { ResolvedCluster, ResolvedConfig } from '../config/model';
import { DNS_STACK_NAME } from '../config/naming';

export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

type Command = 'deploy' | 'destroy';

class UsageError extends Error {}

interface Step {
  /** What the step does, for the reader. */
  readonly title: string;
  readonly args: readonly string[];
  /** The configuration file cdktf's app reads (EKS_EDGE_CONFIG). */
  readonly config: string;
}

const USAGE =
  'usage: npm run deploy|destroy -- <stack> [--config <file>] [--auto-approve] [--dry-run]\n' +
  '       <stack>: a cluster stack <environment>-<clusterName>, or dns';

function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const stacks: string[] = [];
  const configArgs: string[] = [];
  let autoApprove = false;
  let dryRun = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--config') {
      configArgs.push(arg, argv[i + 1] ?? '');
      i += 1;
    } else if (arg.startsWith('--config=')) configArgs.push(arg);
    else if (arg === '--auto-approve') autoApprove = true;
    else if (arg === '--dry-run') dryRun = true;
    else if (arg.startsWith('--')) throw new UsageError(`${arg} is not an option of this command`);
    else stacks.push(arg);
  }
  if (stacks.length !== 1 || stacks[0].includes('*'))
    throw new UsageError(
      `give exactly one stack (got ${stacks.join(' ') || 'none'}): a pattern such as '*' would take every stack of the file, every environment's`,
    );
  return { stack: stacks[0], config: configPathFrom(configArgs, env), autoApprove, dryRun };
}

const usesDnsAccount = (cluster: ResolvedCluster) =>
  cluster.externalDns.some((instance) => instance.route53.kind === 'cross-account');

/**
 * The file's settings with `change` applied, checked (before any step runs), and written where
 * cdktf's app reads it.
 */
function derivedConfig(
  raw: Record<string, unknown>,
  change: (raw: any) => void,
  dir: string,
  name: string,
): string {
  const copy = structuredClone(raw);
  change(copy);
  validateConfig(copy, `${name} (derived from the configuration)`);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify(copy));
  return path;
}

function plan(command: Command, stack: string, path: string, dir: string): Step[] {
  const config = loadConfig(path);
  const raw = parse(readFileSync(path, 'utf8'));
  const ignore = '--ignore-missing-stack-dependencies';
  const dnsStack = config.dnsAccount?.stackName;
  if (stack === (dnsStack ?? DNS_STACK_NAME)) {
    if (!dnsStack) throw new UsageError(`${path} has no dnsAccount: there is no dns stack`);
    const users = config.clusters.filter(usesDnsAccount).map((c) => c.stackName);
    if (command === 'destroy' && users.length > 0)
      throw new UsageError(
        `the DNS stack still serves ${users.join(', ')}: destroy those clusters first (npm run destroy -- <stack>), and remove them from ${path}`,
      );
    return [{ title: `${command} the DNS stack`, args: [command, dnsStack], config: path }];
  }
  const index = config.clusters.findIndex((c) => c.stackName === stack);
  const cluster = config.clusters[index];
  if (!cluster)
    throw new UsageError(
      `${stack} is not a cluster stack of ${path} (${[
        ...config.clusters.map((c) => c.stackName),
        ...(dnsStack ? [dnsStack] : []),
      ].join(', ')})`,
    );
  const edge = cluster.edge.stackName;
  if (command === 'deploy') {
    const stacks = [...(dnsStack && usesDnsAccount(cluster) ? [dnsStack] : []), stack, edge];
    return [{ title: `deploy ${stacks.join(', ')}`, args: ['deploy', ...stacks], config: path }];
  }
  const retiring = derivedConfig(raw, (r) => (r.clusters[index].retiring = true), dir, 'retiring');
  const steps: Step[] = [
    { title: `destroy the edge stack ${edge}`, args: ['destroy', edge, ignore], config: path },
    {
      title: `release what the destroy keeps (CRDs, OIDC provider) from ${stack}`,
      args: ['deploy', stack, ignore],
      config: retiring,
    },
    {
      title: `destroy the cluster stack ${stack}`,
      args: ['destroy', stack, ignore],
      config: retiring,
    },
  ];
  // Where other clusters still use the DNS account, it loses this cluster's roles now; the last
  // cluster's DNS stack goes in a step of its own (`destroy dns`).
  // It is removed on purpose, so the DNS stack's state guard lets its roles go.
  const others = config.clusters.some((c) => c !== cluster && usesDnsAccount(c));
  if (dnsStack && others && usesDnsAccount(cluster)) {
    const rest = derivedConfig(
      raw,
      (r) => {
        r.clusters.splice(index, 1);
        r.dnsAccount.removedClusters = [...(r.dnsAccount.removedClusters ?? []), stack];
      },
      dir,
      'without-cluster',
    );
    steps.push({
      title: `remove ${stack}'s roles from the DNS stack`,
      args: ['deploy', dnsStack, ignore],
      config: rest,
    });
  }
  return steps;
}

function finalWords(command: Command, stack: string, path: string, config: ResolvedConfig): string {
  const cluster = config.clusters.find((c) => c.stackName === stack);
  if (command === 'deploy' || !cluster) return '';
  const last =
    usesDnsAccount(cluster) && !config.clusters.some((c) => c !== cluster && usesDnsAccount(c));
  return [
    `Now remove the cluster ${cluster.clusterName} (${stack}) from ${path}: a deploy of the file as it is would create its stacks again.`,
    ...(last
      ? [
          `It was the last cluster of the DNS account: its DNS roles stay until the DNS stack goes, as a step of its own once the file lists no cluster that uses it: npm run destroy -- ${config.dnsAccount?.stackName}`,
        ]
      : []),
    'The CRDs and the OIDC provider stay in the cluster and in IAM unless crdsOnDestroy or oidcProvider said to delete them (docs/operations.md, Destroy).',
  ].join('\n');
}

export function runStackCommand(
  command: Command,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: Output,
): number {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-stacks-'));
  try {
    const args = parseArguments(argv, env);
    const path = resolve(args.config);
    const steps = plan(command, args.stack, path, dir);
    const config = loadConfig(path);
    for (const [n, step] of steps.entries()) {
      const cdktf = [...step.args, ...(args.autoApprove ? ['--auto-approve'] : [])];
      output.out(
        `eks-edge: step ${n + 1}/${steps.length}: ${step.title}\n  cdktf ${cdktf.join(' ')}\n`,
      );
      if (args.dryRun) continue;
      const run = spawnSync('cdktf', cdktf, {
        stdio: 'inherit',
        env: { ...env, EKS_EDGE_CONFIG: step.config },
      });
      if (run.status !== 0) {
        const done = steps.slice(0, n).map((s) => s.title);
        output.err(
          `eks-edge: step ${n + 1} (${step.title}) failed${run.error ? `: ${run.error.message}` : ''}. ${done.length ? `Done before it: ${done.join('; ')}. ` : ''}Fix what it says and run the command again: the steps done plan no change.\n`,
        );
        return 1;
      }
    }
    const words = finalWords(command, args.stack, path, config);
    if (words && !args.dryRun) output.out(`${words}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      output.err(`${error.message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
      return 1;
    }
    output.err(`eks-edge: internal error (please report it): ${(error as Error).message}\n`);
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [command, ...argv] = process.argv.slice(2);
  process.exitCode =
    command === 'deploy' || command === 'destroy'
      ? runStackCommand(command, argv, process.env, {
          out: (text) => process.stdout.write(text),
          err: (text) => process.stderr.write(text),
        })
      : (process.stderr.write(`${USAGE}\n`), 1);
}
