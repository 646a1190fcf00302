/**
 * What `terraform plan` would do to live resources when the synthesized Terraform changes, derived
 * from the JSON of both sides alone (no state, no credentials): per stack and address, create,
 * import-if-exists (a create that adopts the object where it already exists), update in place,
 * replace (a force-new argument changed), delete, forget (a `removed` block with destroy = false),
 * move (a `moved` block) or orphan (the whole stack left the app, so nothing plans it again).
 *
 * The provider facts it relies on (force-new arguments, default tags, provider defaults) are in
 * catalog/provider-schemas.ts with their sources; __tests__/plan-agreement.test.ts checks the
 * verdicts against Terraform itself.
 */
import { FORCE_NEW, PROVIDER_DEFAULTS, TAKES_DEFAULT_TAGS } from '../catalog/provider-schemas';
import { withKnownValues } from './known-values';
import { deletionMeaning, replacementMeaning } from './live-effects';
import type { Json, SynthesizedStacks } from './terraform-json';
import { dataOf, pinnedChecksum, resourcesOf, same, typeOf, valueAt } from './terraform-json';

export const ACTIONS = [
  'create',
  'import-if-exists',
  'update',
  'replace',
  'delete',
  'forget',
  'move',
  'orphan',
] as const;

export type Action = (typeof ACTIONS)[number];

/** The actions that destroy a live object, or leave it with nothing to manage it. */
export const DISRUPTIVE: ReadonlySet<Action> = new Set(['replace', 'delete', 'orphan']);

export interface PlannedChange {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** update: the arguments that change; replace: the force-new ones that do (or the trigger). */
  readonly arguments?: readonly string[];
  /** Why, and what it means for the live object. */
  readonly reason?: string;
  /** move (and an update or replace that also moves): the address in the state before. */
  readonly from?: string;
}

/**
 * Terraform's meta-arguments and cdktf's metadata: they do not change the object itself (a
 * provisioner runs only on create or destroy, so changing one plans nothing).
 */
const META = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

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

/**
 * What a data source reads: a pinned download by its checksum (the same file at another release
 * tag reads the same), anything else by its arguments, with the references a plan resolves
 * already resolved (a bucket's ARN written out or referred to reads the same).
 */
function dataArguments(address: string, body: Json, tf: Json | undefined, prior?: Json): Json {
  const checksum = typeOf(address) === 'http' ? pinnedChecksum(body) : undefined;
  return checksum ? { sha256: checksum } : withKnownValues(argumentsOf(body), tf, prior);
}

/** Dotted paths where two argument objects differ, three levels into nested objects at most. */
function changedPaths(was: unknown, is: unknown, prefix = '', depth = 0): string[] {
  const objects = [was, is].every((v) => v && typeof v === 'object' && !Array.isArray(v));
  if (!objects || depth > 2) return same(was, is) ? [] : [prefix];
  const keys = [...new Set([...Object.keys(was as Json), ...Object.keys(is as Json)])].sort();
  return keys.flatMap((key) =>
    changedPaths(
      (was as Json)[key],
      (is as Json)[key],
      prefix ? `${prefix}.${key}` : key,
      depth + 1,
    ),
  );
}

/** A replacement Terraform will not plan: the resource says `prevent_destroy`. */
const refused = (body: Json) =>
  body.lifecycle?.prevent_destroy === true
    ? 'Terraform refuses this plan (prevent_destroy), since '
    : '';

/** The address an import block adopts into, where the import runs only if the object exists. */
function conditionalImports(tf: Json | undefined): Set<string> {
  return new Set(
    (tf?.import ?? []).filter((block: Json) => block.for_each !== undefined).map((b: Json) => b.to),
  );
}

/**
 * Whether a resource stands for something outside Terraform's state: a `terraform_data` without
 * provisioners only carries the plan's checks (its preconditions), so a stack that leaves the
 * app leaves nothing of it behind.
 */
function holdsSomethingLive(address: string, body: Json): boolean {
  return typeOf(address) !== 'terraform_data' || body.provisioner !== undefined;
}

function planStack(stack: string, before: Json | undefined, after: Json | undefined) {
  const old = resourcesOf(before);
  const change = (
    address: string,
    action: Action,
    details: Omit<PlannedChange, 'stack' | 'address' | 'type' | 'action'> = {},
  ): PlannedChange => ({ stack, address, type: typeOf(address), action, ...details });
  if (!after)
    return [...old]
      .filter(([address, body]) => holdsSomethingLive(address, body))
      .map(([address]) =>
        change(address, 'orphan', {
          reason:
            'its stack left the configuration: nothing plans it again, and it stays live, unmanaged (destroy the stack before removing it)',
        }),
      );
  const now = resourcesOf(after);
  const moved = new Map<string, string>((after.moved ?? []).map((m: Json) => [m.from, m.to]));
  const released = new Set<string>(
    (after.removed ?? [])
      .filter((r: Json) => r.lifecycle?.destroy === false)
      .map((r: Json) => r.from),
  );
  const changes = new Map<string, PlannedChange>();
  for (const [address, body] of old) {
    const target = moved.get(address) ?? address;
    const next = now.get(target);
    const type = typeOf(address);
    const from = target === address ? {} : { from: address };
    // A for_each resource whose instances moved elsewhere (`moved { from = a["k"] }`) is gone
    // from its address without a destroy.
    if (!next && [...moved.keys()].some((source) => source.startsWith(`${address}[`))) continue;
    if (!next) {
      changes.set(
        address,
        released.has(address)
          ? change(address, 'forget', {
              reason:
                'a removed block releases it: Terraform stops managing it, the live object stays',
            })
          : change(address, 'delete', { reason: deletionMeaning(address, body) }),
      );
      continue;
    }
    // Terraform plans only what the new configuration's ignore_changes does not list.
    const ignored: string[] = next.lifecycle?.ignore_changes ?? [];
    const [was, is] = [argumentsOf(body, ignored, type), argumentsOf(next, ignored, type)];
    if (same(was, is)) {
      if (target !== address)
        changes.set(target, change(target, 'move', { ...from, reason: `moved from ${address}` }));
      continue;
    }
    const forceNew = (FORCE_NEW[type] ?? [])
      .filter((path) => !ignored.includes(path.split('.')[0]))
      .filter((path) => !same(valueAt(was, path), valueAt(is, path)));
    changes.set(
      target,
      forceNew.length > 0
        ? change(target, 'replace', {
            ...from,
            arguments: forceNew,
            reason: `${refused(next)}${forceNew.join(', ')} changed: ${replacementMeaning(target, next)}`,
          })
        : change(target, 'update', { ...from, arguments: changedPaths(was, is) }),
    );
  }
  // A resource that reads a changed data source (a policy document, say) is updated through it.
  const oldData = dataOf(before);
  const changedData = [...dataOf(after)]
    .filter(
      ([address, body]) =>
        oldData.has(address) &&
        !same(
          dataArguments(address, oldData.get(address) ?? {}, before),
          dataArguments(address, body, after, before),
        ),
    )
    .map(([address]) => `data.${address}`);
  for (const [address, body] of now) {
    if (changes.has(address) || !old.has(address)) continue;
    // Referred to anywhere in an expression, not only at its start (`one([… data.http.x.…])`).
    const through = Object.entries(argumentsOf(body)).flatMap(([argument, value]) => {
      const text = JSON.stringify(value);
      return changedData.filter((ref) => text.includes(`${ref}.`)).map((ref) => [argument, ref]);
    });
    if (through.length > 0)
      changes.set(
        address,
        change(address, 'update', {
          arguments: [...new Set(through.map(([argument]) => argument))],
          reason: `reads ${[...new Set(through.map(([, ref]) => ref))].join(', ')}, which changed`,
        }),
      );
  }
  // New default tags of the AWS provider reach every resource that takes them (its tags_all).
  const defaultTags = (tf: Json | undefined) =>
    (tf?.provider?.aws ?? []).map((p: Json) => [p.alias, p.default_tags]);
  if (!same(defaultTags(before), defaultTags(after))) {
    for (const address of now.keys()) {
      if (!changes.has(address) && old.has(address) && TAKES_DEFAULT_TAGS.has(typeOf(address)))
        changes.set(
          address,
          change(address, 'update', {
            arguments: ['tags_all'],
            reason: "the provider's default tags changed",
          }),
        );
    }
  }
  const targets = new Set([
    ...[...old.keys()].map((a) => moved.get(a) ?? a),
    ...[...moved].filter(([from]) => old.has(from.replace(/\[.*\]$/, ''))).map(([, to]) => to),
  ]);
  const adopted = conditionalImports(after);
  for (const address of now.keys()) {
    if (targets.has(address)) continue;
    changes.set(
      address,
      adopted.has(address)
        ? change(address, 'import-if-exists', {
            reason:
              'adopted where the cluster or account already holds it (an import that runs only then), created where it does not: the outcome depends on what is live',
          })
        : change(address, 'create'),
    );
  }
  // A resource that refers to one being made anew changes with it: its value there (an ARN, an
  // id) is known only at apply. In a force-new argument (or through replace_triggered_by) it is
  // replaced too; in any other argument, updated in place.
  const refersTo = (value: unknown, address: string) =>
    new RegExp(`(^|[^\\w.-])${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`).test(
      JSON.stringify(value ?? ''),
    );
  for (let renewedMore = true; renewedMore;) {
    renewedMore = false;
    const renewed = [...changes.values()]
      .filter((c) => c.action === 'replace' || c.action === 'create')
      .map((c) => c.address);
    for (const [address, body] of now) {
      const current = changes.get(address);
      if (current && ['replace', 'create', 'import-if-exists'].includes(current.action)) continue;
      const paths = FORCE_NEW[typeOf(address)] ?? [];
      // replace_triggered_by names a resource (or its attribute) whose replacement renews this one.
      const triggers: string[] = body.lifecycle?.replace_triggered_by ?? [];
      const trigger = renewed.find(
        (r) =>
          triggers.some((t) => t === r || t.startsWith(`${r}.`)) ||
          paths.some((path) => refersTo(valueAt(body, path), r)),
      );
      if (trigger) {
        const via = paths.filter((path) => refersTo(valueAt(body, path), trigger));
        changes.set(
          address,
          change(address, 'replace', {
            ...(current?.from ? { from: current.from } : {}),
            arguments: via.length > 0 ? via : ['replace_triggered_by'],
            reason: `${refused(body)}${trigger} is made anew: ${replacementMeaning(address, body)}`,
          }),
        );
        renewedMore = true;
        continue;
      }
      if (current || !old.has(address)) continue;
      const through = Object.entries(argumentsOf(body)).flatMap(([argument, value]) =>
        renewed.filter((r) => refersTo(value, r)).map((r) => [argument, r]),
      );
      if (through.length > 0)
        changes.set(
          address,
          change(address, 'update', {
            arguments: [...new Set(through.map(([argument]) => argument))],
            reason: `refers to ${[...new Set(through.map(([, r]) => r))].join(', ')}, made anew: the new value is known only at apply`,
          }),
        );
    }
  }
  // A data source that refers to a resource with a change is read at apply, not at plan (its
  // inputs are not final), so what reads it is updated with values known only then.
  const data = dataOf(after);
  for (let deferredMore = true; deferredMore;) {
    deferredMore = false;
    const changing = [...changes.values()]
      .filter((c) => ['create', 'import-if-exists', 'update', 'replace'].includes(c.action))
      .map((c) => c.address);
    const deferred = [...data]
      .filter(([, body]) => changing.some((address) => refersTo(argumentsOf(body), address)))
      .map(([address]) => `data.${address}`);
    for (const [address, body] of now) {
      if (changes.has(address) || !old.has(address)) continue;
      const through = Object.entries(argumentsOf(body)).flatMap(([argument, value]) =>
        deferred.filter((ref) => refersTo(value, ref)).map((ref) => [argument, ref]),
      );
      if (through.length === 0) continue;
      changes.set(
        address,
        change(address, 'update', {
          arguments: [...new Set(through.map(([argument]) => argument))],
          reason: `reads ${[...new Set(through.map(([, ref]) => ref))].join(', ')}, read at apply since what it refers to changes`,
        }),
      );
      deferredMore = true;
    }
  }
  return [...changes.values()];
}

/**
 * Every change to a resource between two synths of the app (stack name → Terraform JSON), stacks
 * in the order given by `stackOrder` (else by name).
 */
export function planChanges(
  before: SynthesizedStacks,
  after: SynthesizedStacks,
  stackOrder?: readonly string[],
): PlannedChange[] {
  const stacks = stackOrder ?? [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return stacks.flatMap((stack) => planStack(stack, before[stack], after[stack]));
}

/** `create helm_release ×2`-style lines, sorted: what a reader of the plan sees. */
export function summarize(changes: readonly PlannedChange[]): string[] {
  const counts = new Map<string, number>();
  for (const { action, type } of changes)
    counts.set(`${action} ${type}`, (counts.get(`${action} ${type}`) ?? 0) + 1);
  return [...counts].map(([key, count]) => (count > 1 ? `${key} ×${count}` : key)).sort();
}
