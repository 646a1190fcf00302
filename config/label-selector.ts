/**
 * The Kubernetes label-selector syntax, which ExternalDNS's `--annotation-filter` uses on
 * annotations (source/source.go at v0.21.0 parses it with `labels.Parse`). The grammar and limits
 * follow k8s.io/apimachinery pkg/labels/selector.go: requirements separated by commas, each
 * `key`, `!key`, `key = v`, `key == v`, `key != v`, `key in (v, …)`, `key notin (v, …)`,
 * `key > n` or `key < n`; keys `[prefix/]name`, values of at most 63 characters.
 */

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const TOKEN = /\s*(!=|==|=|!|\(|\)|,|<|>|[^\s!=(),<>]+)/y;

/** What is wrong with a label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix)))
    return `key ${key}: its prefix must be a DNS subdomain (lower-case)`;
  if (!NAME.test(name))
    return `key ${key}: the name must be 1-63 characters (letters, digits, "-", "_", "."), starting and ending with a letter or digit`;
  return undefined;
}

/** What is wrong with a label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  return VALUE.test(value)
    ? undefined
    : `value ${value}: must be at most 63 characters (letters, digits, "-", "_", "."), starting and ending with a letter or digit`;
}

/** What is wrong with a selector, or undefined when Kubernetes would parse it. */
export function labelSelectorProblem(selector: string): string | undefined {
  const tokens: string[] = [];
  let position = 0;
  for (;;) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(selector);
    if (!match) break;
    tokens.push(match[1]);
    position = TOKEN.lastIndex;
  }
  if (selector.slice(position).trim() !== '' || tokens.length === 0)
    return 'is not a label selector';
  let at = 0;
  const next = () => tokens[at++];
  const peek = () => tokens[at];
  const isWord = (token: string | undefined) =>
    token !== undefined && !/^(!=|==|=|!|\(|\)|,|<|>)$/.test(token);
  for (;;) {
    const negated = peek() === '!';
    if (negated) next();
    const key = next();
    if (!isWord(key))
      return `expects a key${key === undefined ? ' at the end' : `, found "${key}"`}`;
    const keyIssue = labelKeyProblem(key);
    if (keyIssue) return keyIssue;
    const operator = negated ? undefined : peek();
    if (operator === '=' || operator === '==' || operator === '!=') {
      next();
      const value = isWord(peek()) ? next() : '';
      const issue = labelValueProblem(value);
      if (issue) return issue;
    } else if (operator === 'in' || operator === 'notin') {
      next();
      if (next() !== '(') return `expects "(" after ${operator}`;
      // `in ()` is the empty value, as Kubernetes parses it.
      for (;;) {
        const value = isWord(peek()) ? next() : '';
        const issue = labelValueProblem(value);
        if (issue) return issue;
        const separator = next();
        if (separator === ')') break;
        if (separator !== ',') return `expects "," or ")" in the values of ${key}`;
      }
    } else if (operator === '<' || operator === '>') {
      next();
      const value = next();
      if (value === undefined || !/^-?\d+$/.test(value)) return `${operator} needs a whole number`;
    }
    const separator = next();
    if (separator === undefined) return undefined;
    if (separator !== ',') return `expects "," between requirements, found "${separator}"`;
  }
}
