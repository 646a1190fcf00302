/**
 * What each Helm release receives, for a reviewer: chart and version, and its values key by key
 * as Helm reads them (config/derived/helm-yaml.ts; documents merged in order), so a one-line
 * change of the values reads as one line and an unquoted `no` shows as the boolean Helm makes of
 * it.
 */
import { parseAsHelm } from '../config/derived/helm-yaml';
import type { Json } from './terraform-json';
import { resourcesOf, same } from './terraform-json';

export interface ValueChange {
  /** Dotted key path (`serviceAccount.annotations.eks\.amazonaws\.com/role-arn`). */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ReleaseChange {
  readonly stack: string;
  readonly address: string;
  /** `namespace/name` (`old -> new` when it moves) */
  readonly release: string;
  /** `orphaned`: its stack left the app; the release stays installed, unmanaged. */
  readonly status: 'created' | 'deleted' | 'changed' | 'orphaned';
  readonly chart: { readonly before?: string; readonly after?: string };
  readonly values: readonly ValueChange[];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Helm's merge of values files: maps merged key by key, anything else replaced. */
function merged(into: Json, next: Json): Json {
  const result: Json = { ...into };
  for (const [key, value] of Object.entries(next))
    result[key] = isObject(value) && isObject(result[key]) ? merged(result[key], value) : value;
  return result;
}

/** The values of a release as Helm reads them. */
export function releaseValues(body: Json): Json {
  const documents: unknown[] = (body.values ?? []).map((text: unknown) =>
    typeof text === 'string' ? parseAsHelm(text) : text,
  );
  return documents.filter(isObject).reduce<Json>((all, doc) => merged(all, doc), {});
}

/** Leaf values by key path; lists are leaves (their order matters to the chart). */
function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()) {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) {
      const part = key.includes('.') ? key.replace(/\./g, '\\.') : key;
      leaves(inner, prefix ? `${prefix}.${part}` : part, out);
    }
  } else if (prefix) out.set(prefix, value);
  return out;
}

export function valueChanges(before: Json, after: Json): ValueChange[] {
  const [was, is] = [leaves(before), leaves(after)];
  const paths = [...new Set([...was.keys(), ...is.keys()])].sort();
  return paths
    .filter((path) => !same(was.get(path), is.get(path)))
    .map((path) => ({
      path,
      ...(was.has(path) ? { before: was.get(path) } : {}),
      ...(is.has(path) ? { after: is.get(path) } : {}),
    }));
}

function releasesOf(tf: Json | undefined): Map<string, Json> {
  return new Map([...resourcesOf(tf)].filter(([address]) => address.startsWith('helm_release.')));
}

const releaseName = (body: Json) => `${body.namespace ?? 'default'}/${body.name}`;

const chartOf = (body: Json | undefined) =>
  body ? `${body.chart} ${body.version ?? '(latest)'} from ${body.repository}` : undefined;

/** Chart and value changes of every release of a stack. */
export function releaseChanges(
  stack: string,
  before: Json | undefined,
  after: Json | undefined,
): ReleaseChange[] {
  const [was, is] = [releasesOf(before), releasesOf(after)];
  const addresses = [...new Set([...was.keys(), ...is.keys()])].sort();
  return addresses.flatMap((address) => {
    const [a, b] = [was.get(address), is.get(address)];
    const values = valueChanges(a ? releaseValues(a) : {}, b ? releaseValues(b) : {});
    const chart = { before: chartOf(a), after: chartOf(b) };
    if (values.length === 0 && chart.before === chart.after) return [];
    const status = !a ? 'created' : !b ? 'deleted' : 'changed';
    const names = [...new Set([a, b].filter((x) => x !== undefined).map(releaseName))];
    return [{ stack, address, release: names.join(' -> '), status, chart, values }];
  });
}
