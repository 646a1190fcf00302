import { stringify } from 'yaml';

export type HelmValues = Record<string, unknown>;

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
 * Renders chart values as one YAML document for `helm_release.values`. Values go in as YAML, never
 * as `set` entries: no escaping of dots in keys, types survive, and the HCL rendering stays valid.
 */
export function valuesYaml(values: HelmValues): string {
  return stringify(values, { lineWidth: 0 });
}
