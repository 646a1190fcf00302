/**
 * YAML as Helm reads chart values: Helm 3 (and the helm provider) parse them with
 * sigs.k8s.io/yaml, on go-yaml v2. That reader takes YAML 1.1 booleans (`yes`, `no`, `on`, `off`,
 * `y`, `n`), 1.1 octal (`0777`), `_` in numbers and hex, and Go's `0o` octal too, but keeps
 * timestamps and base-60 numbers (`1:20`) as strings. Checked with Helm v3.17.0 (`helm template`
 * of a chart that prints `.Values | toJson`): `a: yes` → true, `c: n` → false, `f: 0777` → 511,
 * `g: 1_000` → 1000, `m: 0o17` → 15, `d: 1:20` → "1:20", `e: 2024-01-01` → "2024-01-01".
 *
 * Pure: the preview reads values with it, and chart values are written with it, so that every
 * string reaches the chart as the string it is (a scalar Helm would read as something else is
 * quoted).
 */
import { parse, stringify } from 'yaml';
import type { ScalarTag, Tags } from 'yaml';

/** Go's `0o17` octal, which go-yaml v2 resolves through strconv (base 0). */
const GO_OCTAL: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (text: string) => {
    const sign = text.startsWith('-') ? -1 : 1;
    return sign * parseInt(text.replace(/^[-+]?0o/, '').replace(/_/g, ''), 8);
  },
};

/** YAML 1.1's tags less what go-yaml v2 does not resolve, plus Go's octal. */
function helmTags(tags: Tags): Tags {
  const kept = tags.filter(
    (tag) =>
      !(typeof tag === 'object' && (tag.format === 'TIME' || tag.tag.endsWith(':timestamp'))),
  );
  return [...kept, GO_OCTAL];
}

const HELM = { version: '1.1', customTags: helmTags } as const;

/** Values text as Helm reads it. */
export function parseAsHelm(text: string): unknown {
  return parse(text, HELM);
}

/** Values written so that Helm reads each of them as it is (one document, no line folding). */
export function stringifyForHelm(values: unknown): string {
  return stringify(values, { ...HELM, lineWidth: 0 });
}
