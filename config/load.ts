/**
 * Reads a configuration file (YAML or JSON), validates it and resolves defaults. Every problem is
 * reported at once as a `ConfigError`; nothing is synthesized from an invalid configuration.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type * as z from 'zod/mini';
import type { ConfigIssue } from './issues';
import { schemaIssues } from './messages';
import type { ResolvedConfig } from './model';
import { resolveConfig } from './resolve';
import type { PartialConfig } from './resolve';
import { clusterSchema, configSchema, dnsAccountSchema } from './schema';

export const DEFAULT_CONFIG_PATH = 'config/example.yaml';
export const CONFIG_PATH_VARIABLE = 'EKS_EDGE_CONFIG';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${source}: ${issues.length} configuration problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  - ${i.path || '(top level)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** The well-formed parts of a configuration that failed the schema, to check them too. */
function wellFormedParts(raw: unknown): PartialConfig | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const input = raw as Record<string, unknown>;
  const part = <T>(schema: z.ZodMiniType<T>, value: unknown): T | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  const clusters = Array.isArray(input.clusters)
    ? input.clusters.map((cluster) => part(clusterSchema, cluster))
    : [];
  const dnsAccount =
    input.dnsAccount === undefined ? undefined : part(dnsAccountSchema, input.dnsAccount);
  return {
    config: {
      backend: part(configSchema.shape.backend, input.backend) ?? { type: 'local', directory: '.' },
      tags: part(configSchema.shape.tags, input.tags) ?? {},
      iamRoles: part(configSchema.shape.iamRoles, input.iamRoles) ?? {
        path: '/',
        maxSessionDuration: 3600,
        permissionsBoundaries: {},
      },
      dnsAccount,
      clusters: clusters.filter((cluster) => cluster !== undefined),
    },
    clusterIndices: clusters.flatMap((cluster, index) => (cluster ? [index] : [])),
    dnsAccountMalformed: input.dnsAccount !== undefined && !dnsAccount,
  };
}

/** Validates an already-parsed configuration object. */
export function validateConfig(raw: unknown, source = 'configuration'): ResolvedConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const parts = wellFormedParts(raw);
    const resolved = parts && resolveConfig(parts.config, parts);
    const crossSetting = resolved && !resolved.ok ? resolved.issues : [];
    throw new ConfigError(source, [...schemaIssues(parsed.error, raw), ...crossSetting]);
  }
  const resolved = resolveConfig(parsed.data);
  if (!resolved.ok) throw new ConfigError(source, resolved.issues);
  return resolved.value;
}

/** Reads, parses and validates a configuration file. */
export function loadConfig(path: string): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      {
        path: '',
        message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      },
    ]);
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      path,
      document.errors.map((e) => ({
        path: `line ${e.linePos?.[0].line ?? '?'}`,
        message: e.message.split('\n')[0],
      })),
    );
  }
  return validateConfig(document.toJS(), path);
}

/** The config file: `--config <path>`, else $EKS_EDGE_CONFIG, else the built-in example. */
export function configPathFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = argv.indexOf('--config');
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1];
  return env[CONFIG_PATH_VARIABLE] || DEFAULT_CONFIG_PATH;
}
