import { Token } from 'cdktf';

/**
 * Text that must reach Terraform literally (a user's flag such as `--txt-prefix=%{record_type}-`,
 * a shell script): Terraform reads `${` and `%{` in any string as template syntax, so they are
 * escaped as `$${` and `%%{`, which Terraform turns back into `${` and `%{`.
 */
export function terraformLiteral(text: string): string {
  // A function, not a replacement string: in one, `$$` would stand for a single `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * Every string of a value (chart values, a Kubernetes object) as Terraform must read it
 * literally: a user's `%{record_type}` or `${…}` would otherwise be a Terraform template in
 * `cdk.tf.json`. References this project puts in (cdktf tokens, such as a role ARN) stay
 * references.
 */
export function literalStrings(value: unknown): unknown {
  if (typeof value === 'string') return Token.isUnresolved(value) ? value : terraformLiteral(value);
  if (Array.isArray(value)) return value.map(literalStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalStrings(v)]));
  }
  return value;
}
