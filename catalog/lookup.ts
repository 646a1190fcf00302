/**
 * What a catalog lookup returns: everything a version needs, or the problems that stop it. A
 * problem names the setting (relative to the product's configuration) that could resolve it.
 */
export type Lookup<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly CatalogProblem[] };

export interface CatalogProblem {
  /** Setting name relative to the product's configuration block, e.g. `policySha256`. */
  readonly setting: string;
  readonly message: string;
}
