/**
 * IAM role names are unique per account, and two configurations can give a role the same name.
 * Every role the project creates carries the tags of the deployment that owns it, and a plan stops
 * when a role of the name already belongs to another one. The precondition is evaluated by
 * Terraform itself (`terraform test`, AWS provider mocked, the lookups' answers given).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../config/load';
import { ROLE_OWNER_TAGS } from '../config/naming';
import {
  configIssues,
  configWith,
  dataSources,
  overrideData,
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

const CROSS_ACCOUNT_PATH = join(__dirname, '..', 'config', 'cross-account.example.yaml');
const crossAccountRaw = (): Json => parse(readFileSync(CROSS_ACCOUNT_PATH, 'utf8'));
const crossAccount = synthesize(loadConfig(CROSS_ACCOUNT_PATH));

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
    expect(resources(stacks.s3, 'aws_iam_role')[0].tags[ROLE_OWNER_TAGS.state]).toBe(PROD_STATE);
    expect(resources(crossAccount.dns, 'aws_iam_role')[0].tags).toEqual({
      [ROLE_OWNER_TAGS.stack]: 'dns',
      [ROLE_OWNER_TAGS.state]: 's3://acme-dns-terraform-state/eks-edge/dns.tfstate',
    });
    expect(resources(withBackend(), 'aws_iam_role')[0].tags).toEqual({
      [ROLE_OWNER_TAGS.stack]: 'prod-edge-demo',
    });
  });

  it("lists, once per stack, exactly the stack's role names (a regular expression of literals)", () => {
    for (const tf of Object.values(crossAccount)) {
      const names = resources(tf, 'aws_iam_role').map((role) => role.name as string);
      const lists = dataSources(tf, 'aws_iam_roles');
      if (names.length === 0) {
        expect(lists).toEqual([]);
        continue;
      }
      expect(lists).toHaveLength(1);
      const pattern = new RegExp(lists[0].name_regex as string);
      for (const name of names) expect(pattern.test(name)).toBe(true);
      expect(pattern.test(`${names[0]}x`)).toBe(false);
    }
    const shared = 'external-dns.shared+1';
    const dns = synthesize(
      configWith(
        (raw) => Object.assign(raw.dnsAccount, { sharedRole: true, sharedRoleName: shared }),
        crossAccountRaw(),
      ),
    ).dns;
    const pattern = new RegExp(dataSources(dns, 'aws_iam_roles')[0].name_regex as string);
    expect(pattern.test(shared)).toBe(true);
    expect(pattern.test('external-dnsxshared+1')).toBe(false);
    expect(pattern.test('external-dns.sharedd1')).toBe(false);
  });

  it('refuses configured tags that would overwrite the owner tags', () => {
    expect(configIssues((raw) => (raw.tags = { [ROLE_OWNER_TAGS.stack]: 'mine' }))).toEqual([
      expect.stringMatching(/^tags: key "eks-edge\/stack": must not be a tag this project writes/),
    ]);
  });

  describe('stops a plan that would create a role another deployment owns', () => {
    const s3Stack = withBackend(S3);
    const localStack = JSON.parse(
      // The same stack with local state, as another module of the same test.
      JSON.stringify(withBackend()).replaceAll('existing-roles_', 'local-existing-roles_'),
    );
    /** The lookups and the controller's role alone (its trust is not what is tested). */
    const alone = (tf: Json, key: string): Json => {
      const [roleId, role] = Object.entries(tf.resource.aws_iam_role as Json).find(
        ([, body]) => body.name === ROLE,
      )!;
      return {
        data: { aws_iam_roles: tf.data.aws_iam_roles, aws_iam_role: tf.data.aws_iam_role },
        resource: { [`${roleId}-${key}`]: { ...role, assume_role_policy: '{}' } },
      };
    };
    const s3 = alone(s3Stack, 's3');
    const local = alone(localStack, 'local');
    const module = {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws' } } },
      provider: { aws: [{ region: 'eu-west-1' }] },
      data: {
        aws_iam_roles: { ...s3.data.aws_iam_roles, ...local.data.aws_iam_roles },
        aws_iam_role: { ...s3.data.aws_iam_role, ...local.data.aws_iam_role },
      },
      resource: { aws_iam_role: { ...s3.resource, ...local.resource } },
    };
    const address = (part: Json, type: string) =>
      `${type}.${Object.keys(part.data?.[type] ?? part.resource)[0]}`;

    /** A plan where a role named like the controller's exists with `tags` (or none exists). */
    const run = (name: string, tags: Json | undefined, failing: Json[]) => {
      const answers = [s3, local].flatMap((part) => [
        overrideData(`data.${address(part, 'aws_iam_roles')}`, { names: tags ? [ROLE] : [] }),
        overrideData(`data.${address(part, 'aws_iam_role')}`, { tags: tags ?? {} }),
      ]);
      const expected = failing.map((part) => `aws_iam_role.${Object.keys(part.resource)[0]}`);
      return [
        `run "${name}" {`,
        '  command = plan',
        ...answers,
        ...(expected.length > 0 ? [`  expect_failures = [${expected.join(', ')}]`] : []),
        '}',
      ].join('\n');
    };
    const prod = { [ROLE_OWNER_TAGS.stack]: 'prod-edge-demo' };
    const staging = { [ROLE_OWNER_TAGS.stack]: 'staging-edge-demo' };
    const elsewhere = 's3://acme-terraform-state/other-team/prod-edge-demo.tfstate';

    let result: ReturnType<typeof terraformTest> | undefined;
    const outcomes = () =>
      (result ??= terraformTest(module, [
        run('none_exists', undefined, []),
        run('own_role', { ...prod, [ROLE_OWNER_TAGS.state]: PROD_STATE }, []),
        run('untagged_role', {}, []),
        run('another_stack', { ...staging, [ROLE_OWNER_TAGS.state]: PROD_STATE }, [s3, local]),
        run('local_state_of_another_stack', staging, [s3, local]),
        run('same_stack_in_other_s3_state', { ...prod, [ROLE_OWNER_TAGS.state]: elsewhere }, [s3]),
        run('same_stack_from_local_state', prod, []),
        // Not expected to fail: shows the message.
        run('message', { ...staging, [ROLE_OWNER_TAGS.state]: elsewhere }, []),
      ]));

    withAwsProvider('passes a role that is missing, its own, or untagged', () => {
      expect(outcomes().outcomes).toMatchObject({
        none_exists: 'pass',
        own_role: 'pass',
        untagged_role: 'pass',
      });
    });

    withAwsProvider('stops at a role of another stack, whatever its state', () => {
      expect(outcomes().outcomes).toMatchObject({
        another_stack: 'pass',
        local_state_of_another_stack: 'pass',
      });
    });

    withAwsProvider(
      'stops at a role of the same stack in other S3 state, and passes one from local state',
      () => {
        expect(outcomes().outcomes).toMatchObject({
          same_stack_in_other_s3_state: 'pass',
          same_stack_from_local_state: 'pass',
        });
      },
    );

    withAwsProvider('says whose role it is, and what to change', () => {
      expect(outcomes().outcomes.message).toBe('fail');
      const text = outcomes().output.replace(/[\s│]+/g, ' ');
      expect(text).toContain(
        `IAM role ${ROLE} already exists and belongs to another eks-edge deployment: stack staging-edge-demo (state ${elsewhere}).`,
      );
      expect(text).toContain('Give this cluster another namePrefix');
    });
  });
});

// The example files still validate with the owner tags counted.
it('the tag budget leaves room for the owner tags', () => {
  const raw = parse(readFileSync(join(__dirname, '..', 'config', 'example.yaml'), 'utf8'));
  const tags = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`team-${i}`, 'x']));
  expect(() => configWith((r) => (r.tags = tags(48)), raw)).not.toThrow();
  expect(configIssues((r) => (r.tags = tags(49)), raw)).toEqual([
    expect.stringContaining('this project adds two of its own to each IAM role'),
  ]);
});
