/**
 * The configuration reference and the editor schema are generated from the zod schema; they must
 * be what `npm run docs` writes today, and they must say something about every setting.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { loadConfig, validateConfig } from '../config/load';
import { EDITOR_SCHEMA_PATH, REFERENCE_PATH, editorSchema, reference } from '../scripts/docs';

const ROOT = join(__dirname, '..');
const EXAMPLES = [
  'config/minimal.example.yaml',
  'config/example.yaml',
  'config/cross-account.example.yaml',
  ...readdirSync(join(ROOT, 'config/scenarios')).map((file) => `config/scenarios/${file}`),
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
    const schema = relative(dirname(join(ROOT, file)), join(ROOT, EDITOR_SCHEMA_PATH));
    expect(text.split('\n')[0]).toBe(
      `# yaml-language-server: $schema=${schema.startsWith('.') ? schema : `./${schema}`}`,
    );
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

/** Headings of a Markdown file as GitHub makes their anchors. */
function anchors(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const [, heading] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    for (let n = 1; slugs.has(slug); n++) slug = `${base}-${n}`;
    slugs.add(slug);
  }
  return slugs;
}

describe('the documentation', () => {
  const pages = [
    'README.md',
    'CHANGELOG.md',
    ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.md'))
      .map((file) => `docs/${file}`),
  ];

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map(([, target]) => target)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [path, anchor] = target.split('#');
        const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page);
        if (!existsSync(file)) return true;
        return anchor !== undefined && file.endsWith('.md')
          ? !anchors(readFileSync(file, 'utf8')).has(anchor)
          : false;
      });
    expect(broken).toEqual([]);
  });

  it('has a page for each scenario example, and the scenario index links them all', () => {
    const examples = readdirSync(join(ROOT, 'config/scenarios'));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const index = readFileSync(join(ROOT, 'docs/scenarios/README.md'), 'utf8');
    for (const example of examples) {
      const page = example.replace(/\.yaml$/, '.md');
      expect(existsSync(join(ROOT, 'docs/scenarios', page))).toBe(true);
      expect(index).toContain(`](${page})`);
      expect(readFileSync(join(ROOT, 'docs/scenarios', page), 'utf8')).toContain(
        `](../../config/scenarios/${example})`,
      );
    }
  });
});

/** The fenced blocks of a page in a language, in order. */
function blocks(page: string, language: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map(
    ([, body]) => body,
  );
}

describe('pages that say what the code does', () => {
  it("getting started: the page's configuration synthesizes the stacks it names, and its mistake reads as the page says", async () => {
    const [configuration] = blocks('docs/getting-started.md', 'yaml');
    const config = validateConfig(parse(configuration), 'my.yaml');
    expect(config.clusters.map((c) => c.stackName)).toEqual(['prod-shop']);
    expect(config.clusters[0].edge.stackName).toBe('prod-shop-edge');
    const page = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8');
    expect(page).toContain('`prod-shop` (the cluster stack');
    expect(page).toContain('`prod-shop-edge` (ALB groups');
    const mistake = parse(configuration);
    mistake.clusters[0].accountId = 111122223333;
    const said = blocks('docs/getting-started.md', 'text')
      .find((block) => block.includes('configuration problem'))
      ?.trim();
    expect(() => validateConfig(mistake, 'my.yaml')).toThrow(said);
  });

  it("ExternalDNS: the example's public instance excludes the private zone, as the page says", () => {
    const page = readFileSync(join(ROOT, 'docs/external-dns.md'), 'utf8').replace(/\s+/g, ' ');
    expect(page).toContain('`public` runs with `--exclude-domains=internal.example.com`');
    const [publicInstance] = loadConfig(join(ROOT, 'config/example.yaml')).clusters[0].externalDns;
    expect(publicInstance.excludeDomains).toEqual(['internal.example.com']);
  });
});
