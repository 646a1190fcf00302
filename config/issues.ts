/**
 * How configuration problems are collected and returned: every check adds to one `Issues`
 * collector, never throws, so the user sees every problem at once; resolution returns a `Result`.
 */

export interface ConfigIssue {
  /** Dotted path of the setting, e.g. `clusters[0].loadBalancerController.version`. */
  readonly path: string;
  readonly message: string;
}

/** A fully valid value, or the problems that stop it. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

export class Issues {
  private readonly list: ConfigIssue[] = [];
  private readonly warningList: string[] = [];

  /** What may be wrong but cannot be known offline: printed, never blocking. */
  warn(path: string, message: string): void {
    const text = `${path}: ${message}`;
    if (!this.warningList.includes(text)) this.warningList.push(text);
  }

  get warnings(): readonly string[] {
    return [...this.warningList];
  }

  private readonly seen = new Set<string>();

  add(path: string, message: string): void {
    const key = `${path}\n${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ path, message });
  }

  /** Problems reported relative to `path` (e.g. by a catalog lookup). */
  addUnder(path: string, problems: readonly { setting: string; message: string }[]): void {
    for (const problem of problems) this.add(`${path}.${problem.setting}`, problem.message);
  }

  /** One issue per value listed more than once. */
  addDuplicates(path: string, values: readonly string[], message: (value: string) => string): void {
    for (const value of duplicates(values)) this.add(path, message(value));
  }

  get count(): number {
    return this.list.length;
  }

  get all(): readonly ConfigIssue[] {
    return [...this.list];
  }

  /** `value` when nothing was reported, else the issues. */
  result<T>(value: () => T): Result<T> {
    return this.list.length === 0 ? { ok: true, value: value() } : { ok: false, issues: this.all };
  }
}

/** The values that occur more than once, each named once, in order of first repetition. */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}
