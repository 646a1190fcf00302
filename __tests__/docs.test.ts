/**
 * The configuration reference and the editor schema are generated from the zod schema; they must
 * be what `npm run docs` writes today, and they must say something about every setting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { EDITOR_SCHEMA_PATH, REFERENCE_PATH, editorSchema, reference } from '../scripts/docs';

const ROOT = join(__dirname, '..');
const EXAMPLES = [
  'config/minimal.example.yaml',
  'config/example.yaml',
  'config/cross-account.example.yaml',
];

describe('the generated configuration documents', () => {
  it('docs/configuration.md is up to date (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, REFERENCE_PATH), 'utf8')).toBe(reference());
  });

  it('config/eks-edge.schema.json is up to date (run `npm run docs`)', () => {
    expect(JSON.parse(readFileSync(join(ROOT, EDITOR_SCHEMA_PATH), 'utf8'))).toEqual(
      editorSchema(),
    );
  });

  it('describe every setting', () => {
    const rows = reference()
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(80);
    expect(rows.filter((row) => row.endsWith('|  |'))).toEqual([]);
  });

  it.each(EXAMPLES)('%s names the editor schema and is valid under it', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./eks-edge.schema.json');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(editorSchema());
    expect(validate(parse(text)) ? [] : validate.errors).toEqual([]);
  });

  it('the editor schema rejects what the app rejects: a misspelt setting and a bad account id', () => {
    const validate = new Ajv2020({ strict: false }).compile(editorSchema());
    const raw = parse(readFileSync(join(ROOT, EXAMPLES[0]), 'utf8'));
    expect(validate({ ...raw, clusterz: [] })).toBe(false);
    raw.clusters[0].accountId = 111122223333;
    expect(validate(raw)).toBe(false);
  });
});
