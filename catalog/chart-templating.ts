/**
 * Where a chart renders values through Helm's `tpl`, which evaluates `{{ … }}` in them as a
 * template: a value there reaches the workload as written only if its `{{` are written so that
 * `tpl` prints them. The places are upstream facts, read in each chart's templates at its tags
 * (see catalog/external-dns.ts and catalog/aws-load-balancer-controller/releases.ts).
 */
export interface TemplatedValue {
  /** Keys from the top of the values; `*` is every entry of a map, or every item of a list. */
  readonly path: readonly string[];
  /** The map's keys there go through `tpl` too (the values always do). */
  readonly keys?: boolean;
}
