/**
 * Reading synthesized Terraform JSON (`cdk.tf.json`): the shape is the subject of the review, so
 * it is read as plain data.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** Terraform JSON per stack name, as one synth of the app writes it. */
export type SynthesizedStacks = Record<string, Json>;

/** `type.name` → body of every resource of a stack. */
export function resourcesOf(tf: Json | undefined): Map<string, Json> {
  const found = new Map<string, Json>();
  for (const [type, byName] of Object.entries(tf?.resource ?? {})) {
    for (const [name, body] of Object.entries(byName as Json))
      found.set(`${type}.${name}`, body as Json);
  }
  return found;
}

/** `type.name` → body of every data source of a stack (the address without `data.`). */
export function dataOf(tf: Json | undefined): Map<string, Json> {
  return resourcesOf({ resource: tf?.data });
}

export const typeOf = (address: string): string => address.split('.')[0];

/** The value at a dotted path (`manifest.metadata.name`), or undefined. */
export function valueAt(body: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Json)[key] : undefined),
      body,
    );
}

export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The address inside a whole-value reference (`${aws_iam_role.r.arn}` → `aws_iam_role.r`). */
export function referencedAddress(value: unknown, attribute: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{((?:data\.)?[a-z0-9_]+\.[\w-]+)\.([\w]+)\}$/.exec(value);
  return match && match[2] === attribute ? match[1] : undefined;
}

/** The sha256 a pinned download's postcondition demands, if any. */
export function pinnedChecksum(download: Json): string | undefined {
  const conditions: Json[] = download.lifecycle?.postcondition ?? [];
  for (const { condition } of conditions) {
    const match = /sha256\(self\.response_body\) == "([0-9a-f]{64})"/.exec(String(condition));
    if (match) return match[1];
  }
  return undefined;
}
