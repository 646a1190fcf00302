import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * The text cdktf 0.21.0 writes for a stack's JSON, `json-stable-stringify` 1.3.0 with two spaces
 * (every object's keys sorted, an empty object or list on two lines), made by the engine's own
 * `JSON.stringify`: several times faster on the tens of megabytes of a fleet. `stable-json.test.ts`
 * holds it to cdktf's copy of `json-stable-stringify`. The text comes in pieces, to be written
 * one after the other: joining them into one string copies it at a fraction of the speed of
 * writing it (V8 flattens the joined string character by character).
 */
export function stableJsonPieces(value: Record<string, unknown>): string[] {
  const sorted = sortedCopy(value);
  if (sorted === INDEX_KEYS) return [stableText(value, 0) as string];
  return withEmptyContainersOpened(JSON.stringify(sorted, null, 2));
}

/**
 * Writes `value` as `stableJsonPieces` makes it to the file at `path`; returns the sha256 of
 * what it wrote (what the synth cache keeps, whatever happens to the file afterwards).
 */
export function writeStableJson(path: string, value: Record<string, unknown>): string {
  const hash = createHash('sha256');
  const file = openSync(path, 'w');
  try {
    for (const piece of stableJsonPieces(value)) {
      const bytes = Buffer.from(piece);
      hash.update(bytes);
      for (let written = 0; written < bytes.length;)
        written += writeSync(file, bytes, written, bytes.length - written);
    }
  } finally {
    closeSync(file);
  }
  return hash.digest('hex');
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

/** What precedes an empty `{}` or `[]` on its line when it is a map's value: indentation and a key. */
const KEY_LEAD = / *"(?:[^"\\]|\\.)*": /y;

const [COMMA, COLON, NEWLINE, QUOTE, SPACE] = [',', ':', '\n', '"', ' '].map((c) =>
  c.charCodeAt(0),
);

/** An empty object or list as `JSON.stringify` writes it. */
const EMPTY_CONTAINER = /\{\}|\[\]/g;

/**
 * `JSON.stringify` writes an empty object or list as `{}` or `[]`; `json-stable-stringify` opens
 * it on two lines, the closing bracket indented as its line. A string's `{}` is told apart by
 * what precedes it on its line (a JSON string has no line break in it) and what follows it.
 * Matches are found with `exec` and the text returned as slices (a `replace` with a function is
 * several times slower), characters are read by code (`text[i]` is slower on a long string), and
 * a line is read from its start only where a key's `": ` precedes the brackets: an expression
 * string with brackets in it can be a very long line.
 */
function withEmptyContainersOpened(text: string): string[] {
  const pieces: string[] = [];
  let copied = 0;
  EMPTY_CONTAINER.lastIndex = 0;
  for (let match; (match = EMPTY_CONTAINER.exec(text)) !== null;) {
    const at = match.index;
    const next = text.charCodeAt(at + 2);
    if (at + 2 < text.length && next !== COMMA && next !== NEWLINE) continue;
    const indent = indentationOfValueAt(text, at);
    if (indent === undefined) continue;
    pieces.push(text.slice(copied, at), `${match[0][0]}\n${' '.repeat(indent)}${match[0][1]}`);
    copied = at + 2;
  }
  pieces.push(text.slice(copied));
  return pieces;
}

/**
 * The indentation of the line of brackets at `at` when they are a value (a list item, the whole
 * text, or a key's value), undefined when they are in a string.
 */
function indentationOfValueAt(text: string, at: number): number | undefined {
  let before = at - 1;
  while (before >= 0 && text.charCodeAt(before) === SPACE) before--;
  if (before < 0 || text.charCodeAt(before) === NEWLINE) return at - before - 1;
  const afterKey =
    text.charCodeAt(at - 1) === SPACE &&
    text.charCodeAt(at - 2) === COLON &&
    text.charCodeAt(at - 3) === QUOTE;
  if (!afterKey) return undefined;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  KEY_LEAD.lastIndex = lineStart;
  if (!KEY_LEAD.test(text) || KEY_LEAD.lastIndex !== at) return undefined;
  let indentEnd = lineStart;
  while (text.charCodeAt(indentEnd) === SPACE) indentEnd++;
  return indentEnd - lineStart;
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
