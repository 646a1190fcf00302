/**
 * `npm run docs`: writes the configuration reference `docs/configuration.md` and the editor schema
 * `config/eks-edge.schema.json`, both generated from the zod schema (`config/schema/`), the one
 * place where settings, defaults and their meaning are written down. `__tests__/docs.test.ts`
 * fails when a generated file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { configSchema } from '../config/schema';

type JsonSchema = {
  type?: string;
  title?: string;
  description?: string;
  defaultText?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  [key: string]: unknown;
};

export const REFERENCE_PATH = join('docs', 'configuration.md');
export const EDITOR_SCHEMA_PATH = join('config', 'eks-edge.schema.json');

/** The JSON Schema of the configuration file as editors read it (input form, with defaults). */
export function editorSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchema;
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== 'defaultText')
          .map(([key, inner]) => [key, strip(inner)]),
      );
    }
    return value;
  };
  return {
    ...(strip(schema) as JsonSchema),
    title: 'eks-edge configuration',
    description: 'Generated from config/schema/ by `npm run docs`; see docs/configuration.md.',
  };
}

/** The object schemas behind a property: itself, a list's items, or the variants of a union. */
function objectsOf(schema: JsonSchema): JsonSchema[] {
  if (schema.type === 'object' && schema.properties) return [schema];
  if (schema.type === 'array' && schema.items) return objectsOf(schema.items);
  return (schema.oneOf ?? schema.anyOf ?? []).flatMap(objectsOf);
}

const code = (value: unknown) =>
  `\`${typeof value === 'string' ? value : JSON.stringify(value).split(',').join(', ')}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

interface Section {
  readonly key: string;
  readonly heading: string;
  readonly usedBy: string[];
  readonly variants: JsonSchema[];
}

function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** What identifies a kind of object: its name, or else the one path that holds it. */
function keyOf(schema: JsonSchema, path: string): string {
  return schema.title ?? schema.items?.title ?? objectsOf(schema)[0]?.title ?? path;
}

/** `a.b` + `c` → `a.b.c`, with `[]` for a list of objects. */
function childPath(path: string, name: string, property: JsonSchema): string {
  const list = property.type === 'array' && objectsOf(property).length > 0 ? '[]' : '';
  return `${path ? `${path}.` : ''}${name}${list}`;
}

/** Every object schema of the configuration with the setting paths that hold it, in file order. */
function objectSections(root: JsonSchema): Map<string, Section> {
  const sections = new Map<string, Section>();
  const visit = (schema: JsonSchema, path: string): void => {
    const objects = objectsOf(schema);
    if (objects.length === 0) return;
    const key = keyOf(schema, path);
    const known = sections.get(key);
    if (known) {
      known.usedBy.push(path);
      return;
    }
    sections.set(key, { key, heading: '', usedBy: [path], variants: objects });
    for (const variant of objects) {
      for (const [name, property] of Object.entries(variant.properties ?? {})) {
        visit(
          property,
          `${path ? `${path}.` : ''}${name}${objectsOf(property).length && property.type === 'array' ? '[]' : ''}`,
        );
      }
    }
  };
  visit(root, '');
  // One place: named by its path; several places: by its name, listing them.
  return new Map(
    [...sections].map(([key, section]) => [
      key,
      {
        ...section,
        heading:
          section.usedBy[0] === ''
            ? 'Top level'
            : section.usedBy.length === 1
              ? `\`${section.usedBy[0]}\``
              : `\`${key}\``,
      },
    ]),
  );
}

/**
 * The reference: one table per kind of object, in the order they are first met. An object used in
 * several places (credentials, backend) is described once and linked from the others.
 */
export function reference(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchema;
  const sections = objectSections(root);

  const typeOf = (schema: JsonSchema, path: string): string => {
    const section = sections.get(keyOf(schema, path));
    if (objectsOf(schema).length > 0 && section) {
      const link = `[${section.heading.replace(/`/g, '')}](#${anchorOf(section.heading)})`;
      return schema.type === 'array' ? `list of ${link}` : link;
    }
    if (schema.const !== undefined) return code(schema.const);
    if (schema.enum) return schema.enum.map(code).join(' | ');
    if (schema.type === 'array' && schema.items) return `list of ${typeOf(schema.items, path)}`;
    if (schema.title) return schema.title;
    if (schema.type === 'integer' && schema.minimum !== undefined)
      return `integer ${schema.minimum}–${schema.maximum}`;
    return schema.type ?? 'any value';
  };

  const defaultOf = (schema: JsonSchema, required: boolean): string => {
    if (schema.defaultText) return schema.defaultText;
    if (schema.default !== undefined) return code(schema.default);
    return required ? 'required' : 'none';
  };

  const lines: string[] = [];
  for (const section of sections.values()) {
    const path = section.usedBy[0];
    lines.push(`## ${section.heading}`, '');
    if (section.usedBy.length > 1) {
      lines.push(`Used by ${section.usedBy.map((path) => `\`${path}\``).join(', ')}.`, '');
    }
    const single = section.variants.length === 1;
    for (const variant of section.variants) {
      const discriminator = Object.entries(variant.properties ?? {}).find(
        ([, p]) => p.const !== undefined,
      );
      if (!single && discriminator) {
        lines.push(`With \`${discriminator[0]}: ${String(discriminator[1].const)}\`:`, '');
      }
      lines.push('| Setting | Type | Default | Meaning |', '|---|---|---|---|');
      for (const [name, property] of Object.entries(variant.properties ?? {})) {
        const required = variant.required?.includes(name) ?? false;
        lines.push(
          `| \`${name}\` | ${cell(typeOf(property, childPath(path, name, property)))} | ${cell(defaultOf(property, required))} | ${cell(property.description ?? '')} |`,
        );
      }
      lines.push('');
    }
  }
  return [
    '<!-- Generated from config/schema/ by `npm run docs`: edit the schema, not this file. -->',
    '',
    '# Configuration reference',
    '',
    'The configuration is one YAML (or JSON) file: `--config <file>`, else `$EKS_EDGE_CONFIG`, else',
    '`config/example.yaml`. Unknown settings are rejected. Editors that speak the YAML language server',
    'protocol validate and complete it with `config/eks-edge.schema.json`: start the file with',
    '`# yaml-language-server: $schema=<path to>/config/eks-edge.schema.json`, as the examples do.',
    '',
    'Every problem is reported at once, each with the path of its setting, and nothing is written',
    'until the whole file is valid. The checks between settings are described with the features',
    '([cross-account DNS](cross-account-dns.md), [ALB edge](alb-edge.md)).',
    '',
    ...lines,
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(REFERENCE_PATH, reference());
  writeFileSync(EDITOR_SCHEMA_PATH, `${JSON.stringify(editorSchema(), null, 2)}\n`);
  process.stdout.write(`${REFERENCE_PATH}\n${EDITOR_SCHEMA_PATH}\n`);
}
