/**
 * The project's own wording for shape problems found by the schema: what is wrong and what is
 * allowed, never the validation library's defaults. Checks with a message of their own (formats,
 * list rules) keep it.
 */
import type * as z from 'zod/mini';
import type { ConfigIssue } from './issues';

/** `clusters[0].subnets.public[1]`; keys that are not plain names are quoted: `tags["a b"]`. */
export function settingPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    if (!/^[A-Za-z_][\w-]*$/.test(name)) return `${text}[${JSON.stringify(name)}]`;
    return text ? `${text}.${name}` : name;
  }, '');
}

/** The value at `path` in the raw input, to say what was given. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map of settings',
  record: 'a map',
};

/** How to write a true/false or a number that came as a string (quoted, or a YAML 1.1 word). */
function stringHint(expected: string, value: unknown): string {
  if (typeof value !== 'string') return '';
  if (expected === 'boolean') return '; write true or false, unquoted';
  if ((expected === 'number' || expected === 'int') && /^-?\d+(\.\d+)?$/.test(value.trim()))
    return '; write the number unquoted';
  return '';
}

/** Why a number was given where a string is wanted, where YAML is the likely cause. */
function yamlNumberHint(path: readonly PropertyKey[], value: unknown): string {
  if (typeof value !== 'number') return '';
  const key = String(path[path.length - 1]);
  if (/accountId$/i.test(key)) {
    const digits = String(value);
    const dropped =
      digits.length < 12
        ? ` (YAML read it as a number and dropped ${12 - digits.length} leading zero${digits.length === 11 ? '' : 's'}: ${digits.padStart(12, '0')}?)`
        : '';
    return `; quote account ids, e.g. accountId: "${digits.padStart(12, '0')}"${dropped}`;
  }
  return '; quote it';
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** A choice: what is allowed, and what was given, or that nothing was. */
function oneOf(allowed: readonly unknown[], given: unknown): string {
  return given === undefined
    ? `is required (one of ${quoteAll(allowed)})`
    : `must be one of ${quoteAll(allowed)}, got ${JSON.stringify(given)}`;
}

function messageOf(issue: z.core.$ZodIssue, raw: unknown): string {
  const given = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown setting${issue.keys.length > 1 ? 's' : ''} ${keys} (misspelt?)`;
    }
    case 'invalid_type': {
      if (given === undefined) return `is required (${EXPECTED[issue.expected] ?? issue.expected})`;
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const hint =
        issue.expected === 'string'
          ? yamlNumberHint(issue.path, given)
          : stringHint(issue.expected, given);
      return `must be ${expected}, got ${kindOf(given)}${hint}`;
    }
    case 'invalid_value':
      return oneOf(issue.values, given);
    case 'invalid_union': {
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string };
      if (discriminator && options) return oneOf(options, given);
      return 'does not match any allowed form';
    }
    case 'invalid_key':
      return `key ${JSON.stringify(issue.path[issue.path.length - 1])}: ${issue.issues.map((inner) => messageOf(inner, undefined)).join('; ')}`;
    case 'too_small':
      return issue.message !== 'Invalid input'
        ? issue.message
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.message !== 'Invalid input'
        ? issue.message
        : `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message === 'Invalid input' ? 'is not allowed here' : issue.message;
  }
}

/** The schema's problems in the project's words, each with the path of its setting. */
export function schemaIssues(error: z.core.$ZodError, raw: unknown): ConfigIssue[] {
  return error.issues.map((issue) => {
    // A problem with a record key is the key's: name the map, not an empty path segment.
    const path = issue.code === 'invalid_key' ? issue.path.slice(0, -1) : issue.path;
    return { path: settingPath(path), message: messageOf(issue, raw) };
  });
}
