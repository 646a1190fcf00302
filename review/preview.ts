/**
 * The change preview: what deploying one synth of the app over another does to live resources,
 * per stack in deploy order, from the synthesized Terraform alone. Its parts are the plan
 * classifier (review/plan.ts), the IAM grants, the chart values and the CRDs.
 */
import type { CrdChanges } from './crds';
import { crdChanges } from './crds';
import type { PolicyChange } from './iam-digest';
import { policyChanges } from './iam-digest';
import type { Action, PlannedChange } from './plan';
import { ACTIONS, DISRUPTIVE, planChanges } from './plan';
import type { ReleaseChange } from './releases';
import { releaseChanges } from './releases';
import type { SettingChange } from './stack-settings';
import { collisions, planChecks, settingChanges } from './stack-settings';
import type { SynthesizedStacks } from './terraform-json';

/** One synth of the app: its stacks and their deploy order. */
export interface Side {
  /** What it is, for the reader: `config/example.yaml at main (3f2a1c0)`. */
  readonly label: string;
  readonly stacks: SynthesizedStacks;
  /** Stack names, each after the stacks it depends on. */
  readonly order: readonly string[];
  /** Synth warnings of the after side; notes on how the before side was made. */
  readonly warnings: readonly string[];
}

export interface StackPreview {
  readonly stack: string;
  /** `new` (only after), `removed` (only before: its resources are orphaned), or `kept`. */
  readonly status: 'new' | 'removed' | 'kept';
  readonly account?: string;
  readonly counts: Partial<Record<Action, number>>;
  readonly disruptive: boolean;
  readonly verdict: string;
  readonly changes: readonly PlannedChange[];
  readonly iam: readonly PolicyChange[];
  readonly releases: readonly ReleaseChange[];
  readonly crds: CrdChanges;
  /** Backend, provider versions, account, region, cluster. */
  readonly settings: readonly SettingChange[];
  /** What the plan checks against what is live before it changes anything (first sentences). */
  readonly checks: readonly string[];
}

export interface Preview {
  /** The shape of this object (docs/reviewing.md); raised when it changes incompatibly. */
  readonly formatVersion: 1;
  readonly before: string;
  readonly after: string;
  readonly disruptive: boolean;
  readonly verdict: string;
  /** Every planned change, stacks in deploy order. */
  readonly changes: readonly PlannedChange[];
  readonly stacks: readonly StackPreview[];
  readonly warnings: readonly string[];
}

/** How a stack's changes are listed: what destroys first, then the rest, each by address. */
const LISTING: readonly Action[] = [
  'delete',
  'replace',
  'orphan',
  'update',
  'move',
  'forget',
  'import-if-exists',
  'create',
];

const listed = (a: PlannedChange, b: PlannedChange) =>
  LISTING.indexOf(a.action) - LISTING.indexOf(b.action) || (a.address < b.address ? -1 : 1);

/** Stacks of both sides: the after side's deploy order, then the stacks that left it. */
function stackOrder(before: Side, after: Side): string[] {
  return [...after.order, ...before.order.filter((stack) => !after.order.includes(stack))];
}

function countsOf(changes: readonly PlannedChange[]): Partial<Record<Action, number>> {
  const counts: Partial<Record<Action, number>> = {};
  for (const action of ACTIONS) {
    const n = changes.filter((c) => c.action === action).length;
    if (n > 0) counts[action] = n;
  }
  return counts;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2 create, 1 update, 3 forget`: the number of changes per action, in the actions' order. */
function countText(counts: Partial<Record<Action, number>>): string {
  return ACTIONS.filter((a) => counts[a])
    .map((a) => `${counts[a]} ${a}`)
    .join(', ');
}

function verdictOf(
  changes: readonly PlannedChange[],
  crds: readonly CrdChanges[],
  settings: readonly SettingChange[],
): string {
  const moved = settings.filter((s) => s.disruptive).map((s) => s.setting);
  if (moved.length > 0)
    return `DISRUPTIVE: the ${moved.join(' and ')} change${moved.length === 1 ? 's' : ''}: its objects stay where they are, out of Terraform's hands${changes.length ? `; ${countText(countsOf(changes))}` : ''}`;
  if (changes.length === 0)
    return settings.length
      ? `no change to resources; ${settings.map((s) => s.setting).join(', ')} change`
      : 'no change';
  const disruptive = changes.filter((c) => DISRUPTIVE.has(c.action));
  const deletedCrds = crds.flatMap((c) =>
    c.gone.filter((g) => g.action === 'delete' || g.action === 'replace'),
  );
  const counts = countText(countsOf(changes));
  if (disruptive.length === 0) return `${counts}: nothing live is replaced or deleted`;
  const crdText =
    deletedCrds.length > 0
      ? `, including ${plural(deletedCrds.length, 'CRD')} with every object of ${deletedCrds.length === 1 ? 'its kind' : 'their kinds'}`
      : '';
  return `DISRUPTIVE: ${counts}: ${plural(disruptive.length, 'live object')} replaced, deleted or orphaned${crdText}`;
}

function accountOf(stacks: SynthesizedStacks, stack: string): string | undefined {
  return stacks[stack]?.provider?.aws?.[0]?.allowed_account_ids?.[0];
}

export function preview(before: Side, after: Side): Preview {
  const order = stackOrder(before, after);
  const planned = order.flatMap((stack) =>
    planChanges(before.stacks, after.stacks, [stack]).sort(listed),
  );
  // A create that collides with what another stack leaves live says so.
  const collided = collisions(before.stacks, after.stacks, planned);
  const changes = planned.map((change) => {
    const note = collided.get(change);
    return note
      ? { ...change, reason: change.reason ? `${change.reason}; ${note}` : note }
      : change;
  });
  const stacks = order.map((stack): StackPreview => {
    const [was, is] = [before.stacks[stack], after.stacks[stack]];
    const own = changes.filter((c) => c.stack === stack);
    const crds = crdChanges(stack, was, is, own);
    // A stack that left the app takes nothing with it: its roles and releases stay, unmanaged.
    const orphaned = <T extends { status: string }>(items: readonly T[]) =>
      is ? items : items.map((item) => ({ ...item, status: 'orphaned' as const }));
    const settings = settingChanges(was, is);
    return {
      stack,
      status: !was ? 'new' : !is ? 'removed' : 'kept',
      account: accountOf(after.stacks, stack) ?? accountOf(before.stacks, stack),
      counts: countsOf(own),
      disruptive: own.some((c) => DISRUPTIVE.has(c.action)) || settings.some((s) => s.disruptive),
      verdict: verdictOf(own, [crds], settings),
      changes: own,
      iam: orphaned(policyChanges(stack, was, is)),
      releases: orphaned(releaseChanges(stack, was, is)),
      crds,
      settings,
      checks: planChecks(stack, was, is, own),
    };
  });
  const changed = stacks.filter((s) => s.changes.length > 0 || s.settings.length > 0).length;
  const overall = verdictOf(
    changes,
    stacks.map((s) => s.crds),
    stacks.flatMap((s) => s.settings),
  );
  const disruptive = stacks.some((s) => s.disruptive);
  return {
    formatVersion: 1,
    before: before.label,
    after: after.label,
    disruptive,
    verdict:
      changed === 0
        ? `no change in ${plural(stacks.length, 'stack')}`
        : `${overall} (in ${changed} of ${plural(stacks.length, 'stack')})`,
    changes,
    stacks,
    warnings: [...after.warnings, ...before.warnings.map((w) => `before: ${w}`)],
  };
}

/** The exit code that gates CI: 2 where something live is replaced, deleted or orphaned. */
export function exitCodeOf(result: Preview, allowDisruptive: boolean): 0 | 2 {
  return result.disruptive && !allowDisruptive ? 2 : 0;
}
