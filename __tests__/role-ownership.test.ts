/**
 * IAM role names are unique per account, and two configurations can give a role the same name.
 * Every role the project creates carries the tags of the deployment that owns it, and a plan stops
 * when a role of the name already belongs to another one. The precondition is evaluated by
 * Terraform itself (`terraform test`, AWS provider mocked, the lookups' answers given).
 */
import { loadConfig } from '../config/load';
import { PROJECT_TAG_KEYS, ROLE_OWNER_TAGS } from '../config/naming';
import {
  configIssues,
  configWith,
  CROSS_ACCOUNT_PATH,
  crossAccountRaw,
  dataSources,
  overrideData,
  resourceAt,
  resources,
  synthesize,
  synthesizeCluster,
  terraformTest,
  withAwsProvider,
} from './helpers';
import type { Json } from './helpers';

const S3 = { type: 's3', bucket: 'acme-terraform-state', region: 'eu-west-1', keyPrefix: 'edge' };
const PROD_STATE = 's3://acme-terraform-state/edge/prod-edge-demo.tfstate';
const ROLE = 'edge-demo-aws-load-balancer-controller';

const withBackend = (backend?: Json) =>
  synthesizeCluster(configWith((raw) => backend && (raw.backend = backend)));

const crossAccount = synthesize(loadConfig(CROSS_ACCOUNT_PATH));

const RESERVED = `must not be a tag this project writes (${PROJECT_TAG_KEYS.join(', ')})`;

/** The provider's Go (RE2) pattern as a JavaScript one: its leading `(?i)` as the `i` flag. */
const goPattern = (pattern: string) =>
  pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), 'i') : new RegExp(pattern);

describe('IAM role ownership', () => {
  it('every role of every stack carries its deployment and a precondition on its name', () => {
    const stacks = { ...crossAccount, s3: withBackend(S3) };
    for (const [stack, tf] of Object.entries(stacks)) {
      for (const role of resources(tf, 'aws_iam_role')) {
        const owner = stack === 's3' ? 'prod-edge-demo' : stack;
        expect(role.tags[ROLE_OWNER_TAGS.stack]).toBe(owner);
        const [claim] = role.lifecycle.precondition;
        expect(claim.condition).toContain(`["${role.name}"]`);
        expect(claim.error_message).toContain(`IAM role ${role.name} already exists`);
      }
    }
    // The stop names what renames the roles: the cluster's prefix, or in the DNS account what
    // its role names are made of.
    const message = (tf: Json) => resources(tf, 'aws_iam_role')[0].lifecycle.precondition[0];
    expect(message(stacks.s3).error_message).toContain('(clusters[0].namePrefix)');
    expect(message(crossAccount['staging-edge-staging']).error_message).toContain(
      '(clusters[1].namePrefix)',
    );
    expect(message(crossAccount.dns).error_message).toContain(
      "(the environment or clusterName of the role's cluster (or dnsAccount.sharedRole",
    );
    expect(resources(stacks.s3, 'aws_iam_role')[0].tags[ROLE_OWNER_TAGS.state]).toBe(PROD_STATE);
    expect(resources(crossAccount.dns, 'aws_iam_role')[0].tags).toEqual({
      [ROLE_OWNER_TAGS.stack]: 'dns',
      [ROLE_OWNER_TAGS.state]: 's3://acme-dns-terraform-state/eks-edge/dns.tfstate',
      // The clusters it serves: the DNS stack's state guard reads it (cross-account.test.ts).
      'eks-edge/clusters': 'prod-edge-prod',
    });
    expect(resources(withBackend(), 'aws_iam_role')[0].tags).toEqual({
      [ROLE_OWNER_TAGS.stack]: 'prod-edge-demo',
    });
  });

  it("lists, once per stack, exactly the stack's role names (a regular expression of literals)", () => {
    for (const tf of Object.values(crossAccount)) {
      const names = resources(tf, 'aws_iam_role').map((role) => role.name as string);
      // The role-name claim's lookup (the DNS stack's state guard has one of its own).
      const lists = dataSources(tf, 'aws_iam_roles').filter((list) =>
        list['//'].metadata.path.endsWith('existing-roles/named'),
      );
      if (names.length === 0) {
        expect(lists).toEqual([]);
        continue;
      }
      expect(lists).toHaveLength(1);
      const pattern = goPattern(lists[0].name_regex as string);
      for (const name of names) expect(pattern.test(name)).toBe(true);
      // IAM role names are unique without regard to case.
      expect(pattern.test(names[0].toUpperCase())).toBe(true);
      expect(pattern.test(`${names[0]}x`)).toBe(false);
      expect(pattern.test(`x${names[0]}`)).toBe(false);
    }
    const shared = 'external-dns.shared+1';
    const dns = synthesize(
      configWith(
        (raw) => Object.assign(raw.dnsAccount, { sharedRole: true, sharedRoleName: shared }),
        crossAccountRaw(),
      ),
    ).dns;
    const pattern = goPattern(
      resourceAt(dns, 'aws_iam_roles', 'existing-roles/named').name_regex as string,
    );
    expect(pattern.test(shared)).toBe(true);
    expect(pattern.test('external-dnsxshared+1')).toBe(false);
    expect(pattern.test('external-dns.sharedd1')).toBe(false);
  });

  it('refuses configured tags that would overwrite its own, in any case (IAM ignores it)', () => {
    const keys = [...PROJECT_TAG_KEYS, 'EKS-Edge/Stack'];
    const tags = Object.fromEntries(keys.map((key) => [key, 'mine']));
    expect(configIssues((raw) => (raw.tags = tags))).toEqual(
      keys.map((key) => `tags: key "${key}": ${RESERVED}`),
    );
  });

  describe('stops a plan that would create a role another deployment owns', () => {
    const prod = { [ROLE_OWNER_TAGS.stack]: 'prod-edge-demo' };
    const staging = { [ROLE_OWNER_TAGS.stack]: 'staging-edge-demo' };
    const elsewhere = 's3://acme-terraform-state/other-team/prod-edge-demo.tfstate';
    /** The tags of the role of the controller's name (undefined: none exists), by case. */
    const CASES: Record<string, Json | undefined> = {
      'none-exists': undefined,
      // Replaced by the tags this copy's role writes itself (see below).
      'own-role': {},
      untagged: {},
      'another-stack': { ...staging, [ROLE_OWNER_TAGS.state]: PROD_STATE },
      'another-stack-from-local-state': staging,
      'same-stack-in-other-s3-state': { ...prod, [ROLE_OWNER_TAGS.state]: elsewhere },
      'same-stack-from-local-state': prod,
      // IAM names are unique without regard to case.
      'another-stack-other-case': { ...staging, name: ROLE.toUpperCase() },
    };
    const stacks = { s3: withBackend(S3), local: withBackend() };

    /**
     * One copy per case and backend of the stack's lookups and the controller's role alone (its
     * trust is not what is tested), each with its own answers: one plan evaluates every case.
     */
    const copies = Object.entries(CASES).flatMap(([name, tags]) =>
      Object.entries(stacks).map(([backend, tf]) => {
        const prefix = `${name}-${backend}`;
        const [roleId, role] = Object.entries(tf.resource.aws_iam_role as Json).find(
          ([, body]) => body.name === ROLE,
        )!;
        const renamed: Json = JSON.parse(
          JSON.stringify({
            data: { aws_iam_roles: tf.data.aws_iam_roles, aws_iam_role: tf.data.aws_iam_role },
            role: { ...role, assume_role_policy: '{}' },
          }).replaceAll('existing-roles_', `${prefix}_existing-roles_`),
        );
        const dataAddress = (type: string) => `data.${type}.${Object.keys(renamed.data[type])[0]}`;
        return {
          name,
          backend,
          data: renamed.data,
          resource: { [`${prefix}_${roleId}`]: renamed.role },
          answers: (() => {
            // `name`: the existing role's name as IAM spells it (by default the controller's).
            const { name: listed = ROLE, ...roleTags } =
              name === 'own-role' ? role.tags : (tags ?? {});
            return [
              overrideData(dataAddress('aws_iam_roles'), { names: tags ? [listed] : [] }),
              overrideData(dataAddress('aws_iam_role'), { tags: roleTags }),
            ];
          })(),
        };
      }),
    );
    const merged = (type: string) =>
      Object.assign({}, ...copies.map((copy) => copy.data[type])) as Json;
    const module = {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws' } } },
      provider: { aws: [{ region: 'eu-west-1' }] },
      data: { aws_iam_roles: merged('aws_iam_roles'), aws_iam_role: merged('aws_iam_role') },
      resource: { aws_iam_role: Object.assign({}, ...copies.map((copy) => copy.resource)) },
    };

    /** The cases and backends whose role's precondition failed, the errors and the output. */
    let result: { stopped: string[]; errors: number; output: string } | undefined;
    const plan = () => {
      if (result) return result;
      const run = ['run "plan" {', '  command = plan', ...copies.flatMap((c) => c.answers), '}'];
      const { output } = terraformTest(module, [run.join('\n')]);
      const failed = new Set(
        [...output.matchAll(/in resource\.aws_iam_role\.([\w-]+)\.lifecycle/g)].map(([, id]) => id),
      );
      const stopped = copies
        .filter((copy) => failed.has(Object.keys(copy.resource)[0]))
        .map((copy) => `${copy.name} (${copy.backend})`);
      const errors = output.match(/^\s*Error: /gm)?.length ?? 0;
      return (result = { stopped, errors, output: output.replace(/[\s│]+/g, ' ') });
    };

    withAwsProvider('stops only at roles of another deployment', () => {
      expect(plan().stopped).toEqual([
        'another-stack (s3)',
        'another-stack (local)',
        'another-stack-from-local-state (s3)',
        'another-stack-from-local-state (local)',
        'same-stack-in-other-s3-state (s3)',
        // A role claimed from S3 state belongs to that location, also for a stack with local state.
        'same-stack-in-other-s3-state (local)',
        'another-stack-other-case (s3)',
        'another-stack-other-case (local)',
      ]);
      // Nothing else failed: every error is one of these stops.
      expect(plan().errors).toBe(plan().stopped.length);
    });

    withAwsProvider('passes a role that is missing, its own, or untagged', () => {
      for (const name of ['none-exists', 'own-role', 'untagged'])
        expect(plan().stopped.filter((stop) => stop.startsWith(`${name} `))).toEqual([]);
    });

    withAwsProvider('passes a role of this stack tagged from local state (the move to S3)', () => {
      expect(plan().stopped.filter((stop) => stop.startsWith('same-stack-from-local'))).toEqual([]);
    });

    withAwsProvider('says whose role it is, and what to change', () => {
      const message = (owner: string) =>
        `IAM role ${ROLE} already exists and belongs to another eks-edge deployment: ${owner}.`;
      expect(plan().output).toContain(message(`stack prod-edge-demo (state ${elsewhere})`));
      expect(plan().output).toContain(message('stack staging-edge-demo (state local)'));
      expect(plan().output).toContain(
        'Give its roles other names (clusters[0].namePrefix) or remove the other deployment.',
      );
      expect(plan().output).toContain(
        `aws iam untag-role --role-name ${ROLE} --tag-keys eks-edge/stack eks-edge/state`,
      );
    });
  });
});

// The example still validates with the owner tags counted, and one tag more does not.
it("the tag budget leaves room for the owner tags and a DNS role's clusters", () => {
  const tags = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`team-${i}`, 'x']));
  expect(() => configWith((r) => (r.tags = tags(47)))).not.toThrow();
  expect(configIssues((r) => (r.tags = tags(48)))).toEqual([
    expect.stringContaining('this project adds up to 3 of its own to an IAM role'),
  ]);
});
