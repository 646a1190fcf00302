/**
 * `stableJsonPieces` and `writeStableJson` (stacks/stable-json.ts) write what cdktf 0.21.0's `json-stable-stringify` writes,
 * for the values a stack's JSON holds and those the engine's `JSON.stringify` writes otherwise:
 * empty maps and lists, array-index keys, `{}` and `[]` inside strings, escapes, `toJSON`.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stableJsonPieces, writeStableJson } from '../stacks/stable-json';

const stableJson = (value: Record<string, unknown>) => stableJsonPieces(value).join('');

// cdktf's own copy (a dependency of cdktf, not of this project).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdktfStringify = require(
  require.resolve('json-stable-stringify', { paths: [dirname(require.resolve('cdktf'))] }),
) as (value: unknown, options: { space: number }) => string;

const cdktfText = (value: unknown): string => cdktfStringify(value, { space: 2 });

describe('stableJson', () => {
  it.each<[string, Record<string, unknown>]>([
    ['empty maps and lists at every depth', { a: {}, b: [], c: [{}, [], { d: {} }], e: [[]] }],
    ['array-index keys, sorted as text', { '10': 1, '2': 2, '01': 3, a: { '0': [], '1': {} } }],
    ['brackets inside strings', { a: '{}', b: '[]', c: 'x: {}, y', d: ['{}', 'k": {}'] }],
    ['a key that looks like a value before {}', { 'k": "x': {}, 'q\\"': [] }],
    ['a string that starts like a value', { a: ': {},', b: [' {}', ' [],'], c: { d: ': [],' } }],
    [
      'empty containers after long lines',
      { a: `\${[for x in y : {}]}${' {},'.repeat(500)}`, b: {} },
    ],
    ['escapes and other scripts', { 'é"\n': 'line\nbreak\t"quote"', '\u2028': '\u0000' }],
    ['undefined and functions', { a: undefined, b: [undefined, () => 1], c: () => 1, d: null }],
    ['toJSON', { when: new Date(0), wrapped: { toJSON: () => ({ z: 1, a: {} }) } }],
    ['a __proto__ key', JSON.parse('{"a": {"__proto__": {"b": 0}}}')],
    ['numbers', { a: 0, b: -0, c: 1.5e300, d: Number.NaN, e: -1 }],
  ])('writes %s as cdktf does', (_, value) => {
    expect(stableJson(value)).toBe(cdktfText(value));
  });

  it('writes any JSON value as cdktf does', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        expect(stableJson(value)).toBe(cdktfText(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes the file in pieces, byte for byte the text', () => {
    const value = { b: [{}, 'x: {},'], a: { c: [], é: '\u2028' } };
    const path = join(mkdtempSync(join(tmpdir(), 'eks-edge-json-')), 'cdk.tf.json');
    writeStableJson(path, value);
    expect(stableJsonPieces(value).length).toBeGreaterThan(1);
    expect(readFileSync(path, 'utf8')).toBe(cdktfText(value));
  });
});
