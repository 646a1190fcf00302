/**
 * The IAM meaning of a stack, for a reviewer: per role its trust (who may assume it, on which
 * conditions) and its permissions (action, resource, conditions), each as one line, so that two
 * synths compare as sets of grants rather than as text of JSON. Bucket policies are read the same
 * way. Policies this project does not write itself (the upstream LBC policy, AWS managed policies)
 * stand as one line naming their source and checksum.
 */
import { withKnownValues } from './known-values';
import type { Json } from './terraform-json';
import { dataOf, pinnedChecksum, referencedAddress, resourcesOf, typeOf } from './terraform-json';

export interface PolicyHolder {
  /** `role <name>` or `bucket policy of <bucket>`. */
  readonly holder: string;
  readonly trust: readonly string[];
  readonly permissions: readonly string[];
}

/** Plan-time values in a policy, as a reader names them rather than as Terraform writes them. */
const READABLE: readonly [RegExp, string][] = [
  [
    /\$\{replace\(data\.aws_eks_cluster\.[\w-]+\.identity\[0\]\.oidc\[0\]\.issuer, "https:\/\/", ""\)\}/g,
    "<the cluster's OIDC issuer>",
  ],
  [/\$\{aws_iam_openid_connect_provider\.[\w-]+\.arn\}/g, "<the cluster's OIDC provider>"],
  [/\$\{data\.aws_route53_zone\.[\w-]+\.zone_id\}/g, '<the zone id, looked up by name at plan>'],
];

const readable = (text: string) =>
  READABLE.reduce((out, [pattern, name]) => out.replace(pattern, name), text);

const list = (value: unknown): string[] =>
  value === undefined
    ? []
    : (Array.isArray(value) ? value : [value]).map((item) => readable(String(item)));

/**
 * ` when StringEquals aws:SourceAccount = 1111 and …`: conditions and their values sorted, since
 * IAM reads both as sets.
 */
function conditionText(conditions: readonly Json[]): string {
  const parts = conditions
    .map((c) => `${c.test} ${c.variable} = ${list(c.values).sort().join(' | ')}`)
    .sort();
  return parts.length > 0 ? ` when ${parts.join(' and ')}` : '';
}

/** `NOT (a | b)`: a `Not*` list is one term, the complement of all of its items together. */
const complement = (items: readonly string[]) =>
  items.length === 1 ? `NOT ${items[0]}` : `NOT (${items.join(' | ')})`;

/** A principal as a reader says it: `*` (anyone) however it is written. */
function principalTerms(principals: readonly Json[] | undefined): string[] {
  return (principals ?? []).flatMap((p: Json) =>
    list(p.identifiers).map((id) => (p.type === '*' || id === '*' ? '*' : `${p.type} ${id}`)),
  );
}

/**
 * The statements of an `aws_iam_policy_document` as grants: one line per action, principal and
 * resource, so that adding or removing one shows as one line; a `Not*` list stays one term.
 */
function documentLines(document: Json, side: 'trust' | 'permissions'): string[] {
  return (document.statement ?? []).flatMap((statement: Json) => {
    const effect = statement.effect ?? 'Allow';
    const actions = statement.not_actions
      ? [complement(list(statement.not_actions))]
      : list(statement.actions);
    const resources = statement.not_resources
      ? [complement(list(statement.not_resources))]
      : list(statement.resources);
    const when = conditionText(statement.condition ?? []);
    const withPrincipals = side === 'trust' || statement.principals || statement.not_principals;
    const principals = statement.not_principals
      ? [complement(principalTerms(statement.not_principals))]
      : principalTerms(statement.principals);
    const by = withPrincipals ? principals.map((p) => ` by ${p}`) : [''];
    const on = resources.length > 0 ? resources.map((r) => ` on ${r}`) : [''];
    return actions.flatMap((action) =>
      by.flatMap((principal) =>
        on.map((resource) => `${effect} ${action}${principal}${resource}${when}`),
      ),
    );
  });
}

/** A policy argument as grant lines: a document, a pinned download, or a literal JSON policy. */
function policyLines(value: unknown, tf: Json, side: 'trust' | 'permissions'): string[] {
  const data = dataOf(tf);
  const document = referencedAddress(value, 'json');
  if (document?.startsWith('data.aws_iam_policy_document.')) {
    const body = data.get(document.slice('data.'.length));
    if (body) return documentLines(body, side);
  }
  const download = referencedAddress(value, 'response_body');
  if (download?.startsWith('data.http.')) {
    const body = data.get(download.slice('data.'.length)) ?? {};
    const checksum = pinnedChecksum(body);
    // By its content: the same file at another release tag grants the same.
    const file = String(body.url).split('/').pop();
    return [checksum ? `all of ${file} (sha256 ${checksum})` : `all of ${body.url}`];
  }
  if (typeof value === 'string' && value.trimStart().startsWith('{')) {
    try {
      return jsonPolicyLines(JSON.parse(value), side);
    } catch {
      // Not JSON after all: shown as written, below.
    }
  }
  return [`the policy ${String(value)}`];
}

/** A policy in IAM's own JSON form, as the same grant lines as a document. */
function jsonPolicyLines(policy: Json, side: 'trust' | 'permissions'): string[] {
  const statements: Json[] = policy.Statement === undefined ? [] : [policy.Statement].flat();
  const principals = (value: unknown) =>
    value === '*'
      ? [{ type: 'AWS', identifiers: ['*'] }]
      : Object.entries((value as Json) ?? {}).map(([type, identifiers]) => ({ type, identifiers }));
  return documentLines(
    {
      statement: statements.map((s) => ({
        effect: s.Effect,
        actions: s.Action,
        not_actions: s.NotAction,
        resources: s.Resource,
        not_resources: s.NotResource,
        principals: s.Principal ? principals(s.Principal) : undefined,
        not_principals: s.NotPrincipal ? principals(s.NotPrincipal) : undefined,
        condition: Object.entries((s.Condition as Json) ?? {}).flatMap(([test, byKey]) =>
          Object.entries(byKey as Json).map(([variable, values]) => ({ test, variable, values })),
        ),
      })),
    },
    side,
  );
}

/**
 * Every role and bucket policy of a stack with its grants, keyed by the address of the role or
 * bucket policy (so a renamed role compares with itself), or by the name of a role the stack does
 * not manage (a node role it attaches a policy to).
 */
export function policyHolders(stack: Json | undefined, prior?: Json): Map<string, PolicyHolder> {
  // Policy documents with what the plan resolves resolved (a bucket's ARN from its name).
  const tf = stack && { ...stack, data: withKnownValues(stack.data, stack, prior) };
  const holders = new Map<string, { holder: string; trust: string[]; permissions: string[] }>();
  if (!tf) return new Map();
  const resources = resourcesOf(tf);
  const holder = (key: string, label: string) => {
    if (!holders.has(key)) holders.set(key, { holder: label, trust: [], permissions: [] });
    return holders.get(key) as { trust: string[]; permissions: string[] };
  };
  const role = (value: unknown) => {
    const address = referencedAddress(value, 'name') ?? referencedAddress(value, 'id');
    const name = address ? resources.get(address)?.name : undefined;
    const label = `role ${typeof name === 'string' ? name : (address ?? String(value))}`;
    return holder(address ?? label, label);
  };
  for (const [address, body] of resources) {
    const type = typeOf(address);
    if (type === 'aws_iam_role') {
      const grants = role(`\${${address}.name}`);
      grants.trust.push(...policyLines(body.assume_role_policy, tf, 'trust'));
      if (body.permissions_boundary)
        grants.permissions.push(`within the permissions boundary ${body.permissions_boundary}`);
    } else if (type === 'aws_iam_role_policy') {
      role(body.role).permissions.push(...policyLines(body.policy, tf, 'permissions'));
    } else if (type === 'aws_iam_role_policy_attachment') {
      const policy = referencedAddress(body.policy_arn, 'arn');
      const lines = policy
        ? policyLines(resources.get(policy)?.policy, tf, 'permissions')
        : [`all of the managed policy ${body.policy_arn}`];
      role(body.role).permissions.push(...lines);
    } else if (type === 'aws_s3_bucket_policy') {
      const bucket =
        referencedAddress(body.bucket, 'id') ?? referencedAddress(body.bucket, 'bucket');
      const name = (bucket && resources.get(bucket)?.bucket) ?? bucket ?? body.bucket;
      holder(address, `bucket policy of ${name}`).trust.push(
        ...policyLines(body.policy, tf, 'trust'),
      );
    }
  }
  return new Map(
    [...holders].map(([key, grants]) => [
      key,
      {
        holder: grants.holder,
        trust: [...new Set(grants.trust)].sort(),
        permissions: [...new Set(grants.permissions)].sort(),
      },
    ]),
  );
}

export interface PolicyChange {
  readonly stack: string;
  /** The role's or bucket policy's address, or `role <name>` for a role the stack does not manage. */
  readonly key: string;
  /** `role <name>` (`role <old> -> <new>` when renamed) or `bucket policy of <bucket>`. */
  readonly holder: string;
  /** `orphaned`: its stack left the app; it stays live, unmanaged. */
  readonly status: 'created' | 'deleted' | 'changed' | 'orphaned';
  readonly trust: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly permissions: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

/** The grants each role and bucket policy of a stack gains and loses. */
export function policyChanges(
  stack: string,
  before: Json | undefined,
  after: Json | undefined,
): PolicyChange[] {
  const [was, is] = [policyHolders(before), policyHolders(after, before)];
  const keys = [...new Set([...was.keys(), ...is.keys()])].sort();
  return keys.flatMap((key) => {
    const [a, b] = [was.get(key), is.get(key)];
    const diff = (side: 'trust' | 'permissions') => ({
      added: minus(b?.[side] ?? [], a?.[side] ?? []),
      removed: minus(a?.[side] ?? [], b?.[side] ?? []),
    });
    const [trust, permissions] = [diff('trust'), diff('permissions')];
    const renamed = a && b && a.holder !== b.holder;
    const changed = [trust, permissions].some((d) => d.added.length + d.removed.length > 0);
    if (!changed && !renamed) return [];
    const status = !a ? 'created' : !b ? 'deleted' : 'changed';
    const kind = /^(role|bucket policy of) /.exec(b?.holder ?? '')?.[0] ?? '';
    const holder = renamed ? `${a.holder} -> ${b.holder.slice(kind.length)}` : (b ?? a)!.holder;
    return [{ stack, key, holder, status, trust, permissions }];
  });
}
