/**
 * Pins the Terraform address of every resource, data source and output of both examples and of
 * variants that reach every construct. An address is how Terraform recognises a live object: a
 * changed address plans a delete and a create. Moving or renaming code must leave these alone;
 * a change that really moves a resource needs a `moved` block, and then a deliberate update of
 * the pinned list: `PIN_ADDRESSES=write npx jest __tests__/addresses.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANTS } from './fixtures/variants';
import { configWith, synthesize } from './helpers';
import type { Json } from './helpers';

const PINNED = join(__dirname, 'fixtures', 'addresses.json');
/** `resource.<type>.<name>`, `data.<type>.<name>` and `output.<name>` of each stack, sorted. */
function addresses(stacks: Record<string, Json>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(stacks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stack, tf]) => {
        const list = [
          ...['resource', 'data'].flatMap((block) =>
            Object.entries(tf[block] ?? {}).flatMap(([type, byName]) =>
              Object.keys(byName as Json).map((name) => `${block}.${type}.${name}`),
            ),
          ),
          ...Object.keys(tf.output ?? {}).map((name) => `output.${name}`),
        ];
        return [stack, list.sort()];
      }),
  );
}

const actual = Object.fromEntries(
  Object.entries(VARIANTS).map(([name, raw]) => [
    name,
    addresses(synthesize(configWith(() => undefined, raw()))),
  ]),
);

if (process.env.PIN_ADDRESSES === 'write')
  writeFileSync(PINNED, `${JSON.stringify(actual, null, 2)}\n`);
const pinned: Record<string, Record<string, string[]>> = JSON.parse(readFileSync(PINNED, 'utf8'));

describe.each(Object.keys(VARIANTS))('the Terraform addresses of %s', (variant) => {
  it('are the pinned ones: no resource is silently replaced by a code move', () => {
    expect(actual[variant]).toEqual(pinned[variant]);
  });
});

it('the pinned list covers every variant and nothing else', () => {
  expect(Object.keys(pinned).sort()).toEqual(Object.keys(VARIANTS).sort());
});
