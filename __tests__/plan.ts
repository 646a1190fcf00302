/**
 * What `terraform plan` would do to live resources when a configuration changes, derived from the
 * synthesized JSON of both configurations: per stack and address, create, update in place,
 * replace (a force-new argument changed), delete, forget (a `removed` block with destroy = false)
 * or orphan (the whole stack left the app, so nothing would plan its resources again).
 */
import type { Json } from './helpers';
import { FORCE_NEW, PROVIDER_DEFAULTS, TAKES_DEFAULT_TAGS } from './fixtures/force-new';

export type Change = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'orphan';

export interface PlannedChange {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly change: Change;
}

/** Terraform's meta-arguments and cdktf's metadata: they do not change the object itself. */
const META = new Set(['//', 'depends_on', 'lifecycle', 'provider']);

function resourcesOf(tf: Json | undefined): Map<string, Json> {
  const found = new Map<string, Json>();
  for (const [type, byName] of Object.entries(tf?.resource ?? {})) {
    for (const [name, body] of Object.entries(byName as Json))
      found.set(`${type}.${name}`, body as Json);
  }
  return found;
}

function dataOf(tf: Json | undefined): Map<string, Json> {
  return resourcesOf({ resource: tf?.data });
}

function valueAt(body: Json, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Json)[key] : undefined),
      body,
    );
}

/**
 * The object's own arguments, without meta-arguments and without what `ignored` lists; an
 * argument left out stands at the provider's default, as Terraform compares it.
 */
function argumentsOf(body: Json, ignored: readonly string[] = [], type = ''): Json {
  return Object.fromEntries(
    Object.entries({ ...PROVIDER_DEFAULTS[type], ...body }).filter(
      ([key]) => !META.has(key) && !ignored.includes(key),
    ),
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function planStack(
  stack: string,
  before: Json | undefined,
  after: Json | undefined,
): PlannedChange[] {
  const old = resourcesOf(before);
  if (!after)
    return [...old.keys()].map((address) => ({
      stack,
      address,
      type: address.split('.')[0],
      change: 'orphan',
    }));
  const now = resourcesOf(after);
  const moved = new Map<string, string>((after.moved ?? []).map((m: Json) => [m.from, m.to]));
  const released = new Set<string>(
    (after.removed ?? [])
      .filter((r: Json) => r.lifecycle?.destroy === false)
      .map((r: Json) => r.from),
  );
  const changes = new Map<string, Change>();
  for (const [address, body] of old) {
    const target = moved.get(address) ?? address;
    const next = now.get(target);
    const type = address.split('.')[0];
    // A for_each resource whose instances moved elsewhere (`moved { from = a["k"] }`) is gone
    // from its address without a destroy.
    if (!next && [...moved.keys()].some((from) => from.startsWith(`${address}[`))) continue;
    if (!next) {
      changes.set(address, released.has(address) ? 'forget' : 'delete');
      continue;
    }
    // Terraform plans only what the new configuration's ignore_changes does not list.
    const ignored: string[] = next.lifecycle?.ignore_changes ?? [];
    const [was, is] = [argumentsOf(body, ignored, type), argumentsOf(next, ignored, type)];
    if (same(was, is)) continue;
    const forceNew = (FORCE_NEW[type] ?? [])
      .filter((path) => !ignored.includes(path.split('.')[0]))
      .some((path) => !same(valueAt(was, path), valueAt(is, path)));
    changes.set(target, forceNew ? 'replace' : 'update');
  }
  // A resource that reads a changed data source (a policy document, say) is updated through it.
  const oldData = dataOf(before);
  const changedData = [...dataOf(after)]
    .filter(
      ([address, body]) =>
        oldData.has(address) && !same(argumentsOf(oldData.get(address) ?? {}), argumentsOf(body)),
    )
    // Referred to anywhere in an expression, not only at its start (`one([… data.http.x.…])`).
    .map(([address]) => `data.${address}.`);
  for (const [address, body] of now) {
    if (changes.has(address) || !old.has(address)) continue;
    if (changedData.some((ref) => JSON.stringify(argumentsOf(body)).includes(ref)))
      changes.set(address, 'update');
  }
  // New default tags of the AWS provider reach every resource that takes them (its tags_all).
  const defaultTags = (tf: Json | undefined) =>
    (tf?.provider?.aws ?? []).map((p: Json) => [p.alias, p.default_tags]);
  if (!same(defaultTags(before), defaultTags(after))) {
    for (const address of now.keys()) {
      if (
        !changes.has(address) &&
        old.has(address) &&
        TAKES_DEFAULT_TAGS.has(address.split('.')[0])
      )
        changes.set(address, 'update');
    }
  }
  const targets = new Set([
    ...[...old.keys()].map((a) => moved.get(a) ?? a),
    ...[...moved].filter(([from]) => old.has(from.replace(/\[.*\]$/, ''))).map(([, to]) => to),
  ]);
  for (const address of now.keys()) if (!targets.has(address)) changes.set(address, 'create');
  // A force-new argument that refers to a resource being made anew changes with it.
  for (let changed = true; changed;) {
    changed = false;
    const renewed = [...changes]
      .filter(([, c]) => c === 'replace' || c === 'create')
      .map(([a]) => a);
    for (const [address, body] of now) {
      const change = changes.get(address);
      if (change === 'replace' || change === 'create') continue;
      const refs = (FORCE_NEW[address.split('.')[0]] ?? []).map((path) =>
        JSON.stringify(valueAt(body, path) ?? ''),
      );
      // replace_triggered_by names a resource (or its attribute) whose replacement renews this one.
      const triggers: string[] = body.lifecycle?.replace_triggered_by ?? [];
      const triggered = triggers.some((t) => renewed.some((r) => t === r || t.startsWith(`${r}.`)));
      if (triggered || renewed.some((r) => refs.some((ref) => ref.includes(`\${${r}.`)))) {
        changes.set(address, 'replace');
        changed = true;
      }
    }
  }
  return [...changes].map(([address, change]) => ({
    stack,
    address,
    type: address.split('.')[0],
    change,
  }));
}

/** Every change to a resource between two synths of the app (stack name → Terraform JSON). */
export function planChanges(
  before: Record<string, Json>,
  after: Record<string, Json>,
): PlannedChange[] {
  const stacks = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return stacks.flatMap((stack) => planStack(stack, before[stack], after[stack]));
}

/** `create helm_release ×2`-style lines, sorted: what a reader of the plan sees. */
export function summarize(changes: readonly PlannedChange[]): string[] {
  const counts = new Map<string, number>();
  for (const { change, type } of changes)
    counts.set(`${change} ${type}`, (counts.get(`${change} ${type}`) ?? 0) + 1);
  return [...counts].map(([key, count]) => (count > 1 ? `${key} ×${count}` : key)).sort();
}
