/**
 * Text that must reach Terraform literally (a user's flag such as `--txt-prefix=%{record_type}-`,
 * a shell script): Terraform reads `${` and `%{` in any string as template syntax, so they are
 * escaped as `$${` and `%%{`, which Terraform turns back into `${` and `%{`.
 */
export function terraformLiteral(text: string): string {
  // A function, not a replacement string: in one, `$$` would stand for a single `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
