/**
 * The text cdktf 0.21.0 writes for a stack's JSON, `json-stable-stringify` 1.3.0 with two spaces
 * (every object's keys sorted, an empty object or list on two lines), made by the engine's own
 * `JSON.stringify`: several times faster on the tens of megabytes of a fleet. `stable-json.test.ts`
 * holds it to cdktf's copy of `json-stable-stringify`.
 */
export function stableJson(value: Record<string, unknown>): string {
  const sorted = sortedCopy(value);
  if (sorted === INDEX_KEYS) return stableText(value, 0) as string;
  return withEmptyContainersOpened(JSON.stringify(sorted, null, 2));
}

/**
 * An object key that is an array index: the engine's `JSON.stringify` writes those first, in
 * numeric order, whatever the order of insertion; `json-stable-stringify` sorts them as text.
 */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const INDEX_KEYS = Symbol('index keys');

/**
 * `value` with every object's keys inserted in sorted order, or `INDEX_KEYS` when an object has an
 * array index among its keys. A `toJSON` method is called first, as `json-stable-stringify` does.
 */
function sortedCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const json = value as { toJSON?: unknown };
  if (typeof json.toJSON === 'function') return sortedCopy((json.toJSON as () => unknown)());
  if (Array.isArray(value)) {
    const result: unknown[] = [];
    for (const item of value) {
      const copy = sortedCopy(item);
      if (copy === INDEX_KEYS) return INDEX_KEYS;
      result.push(copy);
    }
    return result;
  }
  // No prototype: a `__proto__` key is a key like any other.
  const result: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value).sort()) {
    if (INDEX_KEY.test(key) && Number(key) < 2 ** 32 - 1) return INDEX_KEYS;
    const copy = sortedCopy((value as Record<string, unknown>)[key]);
    if (copy === INDEX_KEYS) return INDEX_KEYS;
    result[key] = copy;
  }
  return result;
}

/** What precedes an empty `{}` or `[]` on its line when it is a value: indentation and a key. */
const VALUE_LEAD = /^ *(?:"(?:[^"\\]|\\.)*": )?$/;

/**
 * `JSON.stringify` writes an empty object or list as `{}` or `[]`; `json-stable-stringify` opens
 * it on two lines, the closing bracket indented as its line. A string's `{}` is told apart by
 * what precedes it on its line (a JSON string has no line break in it) and what follows it.
 */
function withEmptyContainersOpened(text: string): string {
  return text.replace(/\{\}|\[\]/g, (brackets: string, at: number) => {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const next = text[at + 2];
    if (next !== undefined && next !== ',' && next !== '\n') return brackets;
    const lead = text.slice(lineStart, at);
    if (!VALUE_LEAD.test(lead)) return brackets;
    const indent = lead.length - lead.trimStart().length;
    return `${brackets[0]}\n${' '.repeat(indent)}${brackets[1]}`;
  });
}

/** `json-stable-stringify`'s walk, for the rare value the engine would write in another order. */
function stableText(value: unknown, level: number): string | undefined {
  const json = value as { toJSON?: unknown } | null | undefined;
  if (json && typeof json.toJSON === 'function') value = (json.toJSON as () => unknown)();
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const inner = `\n${'  '.repeat(level + 1)}`;
  const close = `\n${'  '.repeat(level)}`;
  if (Array.isArray(value))
    return `[${value.map((item) => inner + (stableText(item, level + 1) ?? 'null')).join(',')}${close}]`;
  const entries: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const text = stableText((value as Record<string, unknown>)[key], level + 1);
    if (text !== undefined) entries.push(`${inner}${JSON.stringify(key)}: ${text}`);
  }
  return `{${entries.join(',')}${close}}`;
}
