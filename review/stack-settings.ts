/**
 * What the preview says beyond the resources of a stack: its own settings (state backend,
 * provider versions, the account, region and cluster it reaches), the checks its plan makes
 * against what is live before it changes anything, and creates that collide with a live object
 * another stack keeps (an orphaned stack's role of the same name, say).
 */
import type { PlannedChange } from './plan';
import type { Json, SynthesizedStacks } from './terraform-json';
import { dataOf, resourcesOf, same, typeOf } from './terraform-json';

export interface SettingChange {
  readonly setting: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** What it means for the live objects. */
  readonly meaning: string;
  /** The stack's objects leave Terraform's hands where they are (another account or region). */
  readonly disruptive: boolean;
}

const aws = (tf: Json | undefined): Json => tf?.provider?.aws?.[0] ?? {};

/** The cluster the stack's helm and kubernetes providers reach (`aws eks get-token` args). */
function cluster(tf: Json | undefined): unknown {
  const args: string[] = tf?.provider?.kubernetes?.[0]?.exec?.[0]?.args ?? [];
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  return args.includes('--cluster-name')
    ? `${at('--cluster-name')} (${at('--region')})`
    : undefined;
}

const SETTINGS: readonly {
  readonly setting: string;
  readonly read: (tf: Json | undefined) => unknown;
  readonly meaning: string;
  readonly disruptive: boolean;
}[] = [
  {
    setting: 'state backend',
    read: (tf) => tf?.terraform?.backend,
    meaning:
      'the state must move with it (cdktf deploy --migrate-state); a plan against the new backend without it starts from empty state and plans to create everything again',
    disruptive: false,
  },
  {
    setting: 'provider versions',
    read: (tf) => tf?.terraform?.required_providers,
    meaning:
      'new provider releases may plan differently from what this preview knows (its provider facts are for the versions it pins)',
    disruptive: false,
  },
  {
    setting: 'AWS account',
    read: (tf) => aws(tf).allowed_account_ids,
    meaning:
      "the stack's objects stay in the old account, out of Terraform's hands, and are made again in the new one",
    disruptive: true,
  },
  {
    setting: 'AWS region',
    read: (tf) => aws(tf).region,
    meaning:
      "regional objects stay in the old region, out of Terraform's hands (its refresh finds them gone), and are made again in the new one",
    disruptive: true,
  },
  {
    setting: 'AWS credentials',
    read: (tf) => ({ profile: aws(tf).profile, assume_role: aws(tf).assume_role }),
    meaning: 'Terraform reaches the account with other credentials: they need the same rights',
    disruptive: false,
  },
  {
    setting: 'cluster reached by helm and kubernetes',
    read: cluster,
    meaning:
      "the stack's releases and Kubernetes objects are looked for on another cluster: those on the old one stay there, out of Terraform's hands",
    disruptive: true,
  },
];

/** The settings of a stack that change (none for a stack that is new or left the app). */
export function settingChanges(before: Json | undefined, after: Json | undefined): SettingChange[] {
  if (!before || !after) return [];
  return SETTINGS.flatMap(({ setting, read, meaning, disruptive }) => {
    const [was, is] = [read(before), read(after)];
    return same(was, is) ? [] : [{ setting, before: was, after: is, meaning, disruptive }];
  });
}

/** The first sentence of a check's message, with its plan-time values left out. */
function gist(message: string): string {
  const text = message.replace(/\$\{[^}]*\}/g, '…');
  const end = text.search(/\.(\s|$)/);
  return end > 0 ? text.slice(0, end + 1) : text;
}

/**
 * The preconditions and postconditions the plan evaluates against what is live, on what this
 * change touches: created, updated, replaced or adopted resources, resources whose checks read a
 * changed local, and data sources that read something new (pinned downloads' checksum checks left out: they hold for every plan).
 */
export function planChecks(
  stack: string,
  before: Json | undefined,
  after: Json | undefined,
  changes: readonly PlannedChange[],
): string[] {
  if (!after) return [];
  const touched = new Set(
    changes
      .filter(
        (c) =>
          c.stack === stack &&
          ['create', 'import-if-exists', 'update', 'replace'].includes(c.action),
      )
      .map((c) => c.address),
  );
  // A check whose condition reads a local that changed (a list the plan computes) is touched too.
  const changedLocals = Object.entries(after.locals ?? {})
    .filter(([name, value]) => !same(before?.locals?.[name], value))
    .map(([name]) => new RegExp(`local\\.${name}(?![\\w-])`));
  const readsChangedLocal = (body: Json) => {
    const text = JSON.stringify(body.lifecycle ?? {});
    return changedLocals.some((local) => local.test(text));
  };
  const resources = [...resourcesOf(after)].filter(
    ([address, body]) => touched.has(address) || readsChangedLocal(body),
  );
  const oldData = dataOf(before);
  const data = [...dataOf(after)].filter(
    ([address, body]) => typeOf(address) !== 'http' && !same(oldData.get(address), body),
  );
  const messages = [...resources, ...data].flatMap(([, body]) =>
    [...(body.lifecycle?.precondition ?? []), ...(body.lifecycle?.postcondition ?? [])].map(
      (check: Json) => gist(String(check.error_message)),
    ),
  );
  return [...new Set(messages)].sort();
}

/** What names a live object uniquely where it lives (an account, or a cluster). */
function identity(address: string, body: Json, tf: Json): string | undefined {
  const account = aws(tf).allowed_account_ids?.[0];
  switch (typeOf(address)) {
    case 'aws_iam_role':
      return `IAM role ${String(body.name).toLowerCase()} in account ${account}`;
    case 'aws_iam_policy':
      return `IAM policy ${body.name} in account ${account}`;
    case 'aws_iam_openid_connect_provider':
      return String(body.url).includes('${')
        ? `the OIDC provider of cluster ${cluster(tf)} in account ${account}`
        : `the OIDC provider of ${body.url} in account ${account}`;
    case 'aws_s3_bucket':
      return `bucket ${body.bucket}`;
    case 'aws_security_group':
      return `security group ${body.name} in ${body.vpc_id}`;
    case 'helm_release':
      return `Helm release ${body.namespace}/${body.name} on cluster ${cluster(tf)}`;
    default:
      return undefined;
  }
}

/**
 * Creates (or adoptions) of an object that stays live with a stack that leaves the app: a new
 * stack beside a renamed one. The plan stops on the name (IAM and EC2 refuse a second one, the
 * role-name claim names the owner), or an import adopts what the other state still holds.
 */
export function collisions(
  before: SynthesizedStacks,
  after: SynthesizedStacks,
  changes: readonly PlannedChange[],
): Map<PlannedChange, string> {
  const kept = new Map<string, string>();
  for (const change of changes.filter((c) => c.action === 'orphan')) {
    const tf = before[change.stack];
    const body = resourcesOf(tf).get(change.address);
    const key = body && identity(change.address, body, tf);
    if (key) kept.set(key, change.stack);
  }
  const found = new Map<PlannedChange, string>();
  for (const change of changes.filter(
    (c) => c.action === 'create' || c.action === 'import-if-exists',
  )) {
    const tf = after[change.stack];
    const body = resourcesOf(tf).get(change.address);
    const key = body && identity(change.address, body, tf);
    const owner = key && kept.get(key);
    if (key && owner && owner !== change.stack)
      found.set(
        change,
        `${key} stays live with the stack ${owner}, which leaves the app: ${change.action === 'create' ? 'the plan stops on its name, or the apply fails' : 'the import would adopt it while the other state still holds it'}`,
      );
  }
  return found;
}
