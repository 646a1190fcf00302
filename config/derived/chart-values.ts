/**
 * The managed-values contract of every chart this project installs: the project derives some
 * values from the configuration (managed values); the user's own values go under them, and may
 * not set what is managed (they would silently lose). Pure: configuration checks use it too.
 */
import type { TemplatedValue } from '../../catalog/chart-templating';
import { stringifyForHelm } from './helm-yaml';

export type HelmValues = Record<string, unknown>;

/**
 * Pod annotation with the workload's identity in words: charts put it on the pod template, so a
 * change of identity rolls the pods (running pods keep the credentials they started with).
 */
export const IDENTITY_ANNOTATION = 'eks-edge/identity';

/**
 * Both charts' `serviceAccount` values: a service account the chart creates, with the annotations
 * the workload identity needs, or (`createdByChart: false`) an existing one the chart only names;
 * its owner keeps it, annotations included.
 */
export function serviceAccountValues(
  account: { readonly name: string; readonly createdByChart: boolean },
  annotations: Record<string, string>,
): HelmValues {
  return account.createdByChart
    ? { create: true, name: account.name, annotations }
    : { create: false, name: account.name };
}

function isPlainObject(value: unknown): value is HelmValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges maps left to right; later values win, arrays are replaced (as Helm does). */
export function mergeValues(...layers: HelmValues[]): HelmValues {
  const result: HelmValues = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const current = result[key];
      result[key] =
        isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
    }
  }
  return result;
}

/**
 * Dotted paths at which `user` sets something that `managed` sets too: both set the same key and
 * at least one of them is not a map (a map in both is compared key by key).
 */
export function overriddenManagedValues(
  user: HelmValues,
  managed: HelmValues,
  prefix = '',
): string[] {
  return Object.entries(user).flatMap(([key, value]) => {
    if (!(key in managed)) return [];
    const path = `${prefix}${key}`;
    const managedValue = managed[key];
    return isPlainObject(value) && isPlainObject(managedValue)
      ? overriddenManagedValues(value, managedValue, `${path}.`)
      : [path];
  });
}

/**
 * The project's defaults, under the user's values, under the managed ones. A default is replaced
 * whole by a user value of the same key, not merged with it: a default `podDisruptionBudget:
 * {maxUnavailable: 1}` merged with a user's `{minAvailable: 1}` would set both, which Kubernetes
 * refuses.
 */
export function chartValues(
  managed: HelmValues,
  user: HelmValues,
  defaults: HelmValues = {},
): HelmValues {
  const unset = Object.fromEntries(Object.entries(defaults).filter(([key]) => !(key in user)));
  return mergeValues(unset, user, managed);
}

/**
 * Renders chart values as one YAML document for `helm_release.values`. Values go in as YAML, never
 * as `set` entries: no escaping of dots in keys, types survive, and the HCL rendering stays valid.
 */
export function valuesYaml(values: HelmValues): string {
  return stringifyForHelm(values);
}

/**
 * Text that Helm's `tpl` renders as itself: each `{{` becomes an action that prints `{{` (text
 * outside actions, `}}` included, is printed as it is).
 */
export function literalForTpl(text: string): string {
  return text.replaceAll('{{', '{{"{{"}}');
}

/** `node` with the strings at `path` (and the keys there, with `keys`) written for `tpl`. */
function protectAt(node: unknown, path: readonly string[], keys: boolean): unknown {
  if (path.length === 0) return typeof node === 'string' ? literalForTpl(node) : node;
  const [head, ...rest] = path;
  if (Array.isArray(node))
    return head === '*' ? node.map((item) => protectAt(item, rest, keys)) : node;
  if (!isPlainObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      head === '*' || key === head
        ? [keys && rest.length === 0 ? literalForTpl(key) : key, protectAt(value, rest, keys)]
        : [key, value],
    ),
  );
}

/**
 * The values, with every string the chart renders through `tpl` written so that the workload
 * gets it as the configuration says: `--fqdn-template={{.Name}}.example.com` in ExternalDNS's
 * `extraArgs` would otherwise reach it as `--fqdn-template=.example.com`.
 */
export function protectFromTpl(
  values: HelmValues,
  templated: readonly TemplatedValue[],
): HelmValues {
  return templated.reduce<HelmValues>(
    (protectedValues, place) =>
      protectAt(protectedValues, place.path, place.keys ?? false) as HelmValues,
    values,
  );
}
