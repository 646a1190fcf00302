/**
 * The plan-time checks of a migration from the ALB Ingress Controller v1: which node
 * security-group rules need the controller's description (only those whose source is a group v1
 * made), and v1's resources left while `migrateFromV1` is off. The checks' expressions are
 * evaluated by Terraform itself (`terraform test` with a mocked AWS provider and the data sources'
 * answers given), where Terraform and the mirrored provider are on the machine.
 */
import {
  LBC_CLUSTER_TAG,
  SHARED_BACKEND_RULE_DESCRIPTION,
  V1_CLUSTER_TAG,
} from '../catalog/aws-load-balancer-controller';
import {
  configWith,
  overrideData,
  synthesizeCluster,
  terraformTest,
  withAwsProvider,
} from './helpers';
import type { Json } from './helpers';

const clusterStack = (migrateFromV1: boolean): Json =>
  synthesizeCluster(
    configWith((raw) => Object.assign(raw.clusters[0].loadBalancerController, { migrateFromV1 })),
  );

const isCheck = (key: string) => key.includes('v1-migration');
const pick = (entries: Json = {}): Json =>
  Object.fromEntries(Object.entries(entries).filter(([key]) => isCheck(key)));

/** `type.name` of the check's data source of `type`. */
function dataAddress(tf: Json, type: string): string {
  const [name] = Object.keys(pick(tf.data[type]));
  return `data.${type}.${name}`;
}

/** The checks of a cluster stack, alone: their data sources, locals and check blocks. */
function checksAlone(tf: Json): Json {
  const data = Object.fromEntries(
    Object.entries(tf.data as Json)
      .map(([type, entries]) => [type, pick(entries as Json)])
      .filter(([, entries]) => Object.keys(entries).length > 0),
  );
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    data,
    locals: pick(tf.locals),
    check: pick(tf.check),
  };
}

const ARN = 'arn:aws:ec2:eu-west-1:111122223333';
const ELB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333';
const mapping = (arn: string, tags: Json) => ({ resource_arn: arn, tags, compliance_details: [] });
const v1Tags = { [V1_CLUSTER_TAG]: 'edge-demo' };

/** Merges the checks of several stacks into one module (their names must differ). */
function merged(modules: Json[]): Json {
  const [first, ...rest] = modules;
  const result = structuredClone(first);
  for (const module of rest) {
    for (const [type, entries] of Object.entries(module.data as Json))
      result.data[type] = { ...result.data[type], ...entries };
    Object.assign(result.locals, module.locals);
    Object.assign(result.check, module.check);
  }
  return result;
}

/** Each run's outcome, or Terraform's output where none could be read. */
function outcomesOrOutput(module: Json, runs: string[]): Record<string, string> {
  const { outcomes, output } = terraformTest(module, runs);
  return Object.keys(outcomes).length > 0 ? outcomes : { output };
}

describe('the v1 migration checks', () => {
  const migrating = clusterStack(true);
  const notMigrating = clusterStack(false);

  it('read what v1 tagged for this cluster: load balancers, target groups, security groups', () => {
    for (const tf of [migrating, notMigrating]) {
      const [lookup] = Object.values(pick(tf.data.aws_resourcegroupstaggingapi_resources));
      expect(lookup.tag_filter).toEqual([{ key: V1_CLUSTER_TAG, values: ['edge-demo'] }]);
      expect(lookup.resource_type_filters.sort()).toEqual([
        'ec2:security-group',
        'elasticloadbalancing:loadbalancer',
        'elasticloadbalancing:targetgroup',
      ]);
      expect(Object.keys(pick(tf.check))).toHaveLength(1);
    }
  });

  it('look for node rules only while migrating, in the cluster VPC, from the groups v1 made', () => {
    expect(notMigrating.data.aws_security_groups).toBeUndefined();
    const [admitting] = Object.values(pick(migrating.data.aws_security_groups));
    expect(admitting.filter).toEqual([
      { name: 'vpc-id', values: ['vpc-0a1b2c3d4e5f60718'] },
      { name: 'ip-permission.group-id', values: expect.stringMatching(/^\$\{local\./) },
    ]);
  });

  it('are warnings that need Terraform 1.5 (check blocks)', () => {
    expect(Object.values(pick(migrating.check))[0].assert).toHaveLength(1);
    const version = (migrating.terraform.required_version as string).replace('>= ', '');
    expect(Number(version.split('.')[1])).toBeGreaterThanOrEqual(5);
  });

  // Both stacks' checks in one module: the not-migrating names get another suffix.
  const migratingChecks = checksAlone(migrating);
  const offChecks = JSON.parse(
    JSON.stringify(checksAlone(notMigrating)).replaceAll('_v1-migration_', '_v1-migration-off_'),
  );
  const v1Made = (module: Json, mappings: Json[]) =>
    overrideData(dataAddress(module, 'aws_resourcegroupstaggingapi_resources'), {
      resource_tag_mapping_list: mappings,
    });
  /** A `run` block: the data sources' answers and assertions, and the checks that must warn. */
  const run = (name: string, body: string[], warning: string) =>
    [`run "${name}" {`, '  command = plan', ...body, `  expect_failures = [${warning}]`, '}'].join(
      '\n',
    );
  const equals = (local: string, value: string) =>
    `  assert {\n    condition     = local.${local} == ${JSON.stringify(value)}\n    error_message = local.${local}\n  }`;

  // The migrating module's cases: data sources' answers, the check's name and its list.
  const migratingCase = (() => {
    const module = migratingChecks;
    const rule = dataAddress(module, 'aws_vpc_security_group_rule');
    const [check] = Object.keys(module.check);
    const [commands] = Object.keys(module.locals).filter((k) => k.includes('to-describe'));
    const answers = (rules: Json) => [
      v1Made(module, [
        mapping(`${ARN}:security-group/sg-0v1`, v1Tags),
        mapping(`${ELB_ARN}:loadbalancer/app/k8s-shop/1`, v1Tags),
      ]),
      // The node group, and the v1 group itself, admit traffic from the v1 group.
      overrideData(dataAddress(module, 'aws_security_groups'), { ids: ['sg-0node', 'sg-0v1'] }),
      overrideData(dataAddress(module, 'aws_vpc_security_group_rules'), {
        ids: Object.keys(rules),
      }),
      ...Object.entries(rules).map(([id, values]) => overrideData(`${rule}["${id}"]`, values)),
    ];
    const from = (source: string | null, description = '', isEgress = false) => ({
      security_group_id: 'sg-0node',
      referenced_security_group_id: source,
      description,
      is_egress: isEgress,
    });
    const command = (id: string) =>
      `aws ec2 update-security-group-rule-descriptions-ingress --region eu-west-1 --group-id sg-0node --security-group-rule-descriptions '${JSON.stringify([{ Description: SHARED_BACKEND_RULE_DESCRIPTION, SecurityGroupRuleId: id }])}'`;
    return {
      check: `check.${check}`,
      undescribed: [
        ...answers({
          'sgr-0v1a': from('sg-0v1'),
          'sgr-0other': from('sg-0project-alb'),
          'sgr-0cidr': from(null),
          'sgr-0done': from('sg-0v1', SHARED_BACKEND_RULE_DESCRIPTION),
          'sgr-0egress': from('sg-0v1', '', true),
          'sgr-0v1b': from('sg-0v1', 'allow v1'),
        }),
        equals(commands, ['sgr-0v1a', 'sgr-0v1b'].map(command).join('\n')),
      ],
      allDescribed: [
        ...answers({
          'sgr-0done': from('sg-0v1', SHARED_BACKEND_RULE_DESCRIPTION),
          'sgr-0other': from('sg-0project-alb'),
        }),
        equals(commands, ''),
      ],
    };
  })();

  // The not-migrating module's cases.
  const notMigratingCase = (() => {
    const module = offChecks;
    const [check] = Object.keys(module.check);
    const [left] = Object.keys(module.locals);
    const v1Only = `${ELB_ARN}:loadbalancer/app/k8s-shop/1`;
    const takenOver = mapping(`${ARN}:security-group/sg-0v1`, {
      ...v1Tags,
      [LBC_CLUSTER_TAG]: 'edge-demo',
    });
    return {
      check: `check.${check}`,
      leftByV1: [v1Made(module, [mapping(v1Only, v1Tags), takenOver]), equals(left, v1Only)],
      allTakenOver: [v1Made(module, [takenOver]), equals(left, '')],
    };
  })();

  // Two runs (each plan costs), each with one module's check failing and the other's passing.
  let outcomes: Record<string, string> | undefined;
  const outcomesOf = () =>
    (outcomes ??= outcomesOrOutput(merged([migratingChecks, offChecks]), [
      run(
        'undescribed_rules_and_all_taken_over',
        [...migratingCase.undescribed, ...notMigratingCase.allTakenOver],
        migratingCase.check,
      ),
      run(
        'all_described_and_left_by_v1',
        [...migratingCase.allDescribed, ...notMigratingCase.leftByV1],
        notMigratingCase.check,
      ),
    ]));

  withAwsProvider(
    'list, with the command for each, only the node rules from a v1 group without the description',
    () => {
      expect(outcomesOf()).toMatchObject({
        undescribed_rules_and_all_taken_over: 'pass',
        all_described_and_left_by_v1: 'pass',
      });
    },
  );

  withAwsProvider(
    'without migrateFromV1, list what v1 made that the controller has not taken',
    () => {
      expect(outcomesOf()).toEqual({
        undescribed_rules_and_all_taken_over: 'pass',
        all_described_and_left_by_v1: 'pass',
      });
    },
  );
});
