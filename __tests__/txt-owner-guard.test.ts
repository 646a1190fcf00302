/**
 * The TXT owner-id guard on day 2 (issue 22.3): the plan reads the ExternalDNS Deployments that
 * run and stops while one runs with an owner id no configured instance keeps. The synthesized
 * expressions are evaluated by Terraform against stand-ins of the cluster's objects.
 */
import {
  configIssues,
  configWith,
  withTerraform,
  synthesizeCluster,
  terraformEval,
} from './helpers';
import type { Json } from './helpers';

const stackOf = (change: (raw: Json) => void = () => undefined): Json =>
  synthesizeCluster(configWith(change));

/** The one lookup, local or check of the guard whose construct path ends in `suffix`. */
function part(blocks: Record<string, Json>, suffix: string): [string, Json] {
  const found = Object.entries(blocks).filter(([, body]) =>
    body['//'].metadata.path.endsWith(`/txt-owner-guard/${suffix}`),
  );
  if (found.length !== 1) throw new Error(`no single txt-owner-guard/${suffix}`);
  return found[0];
}

/** A Deployment as the chart renders it: the owner id in its args, our annotation on its pods. */
function deployment(namespace: string, name: string, owner: string, ours = true): Json {
  return {
    metadata: { namespace, name, labels: { 'app.kubernetes.io/instance': name } },
    spec: {
      template: {
        metadata: ours ? { annotations: { 'eks-edge/identity': 'irsa x' } } : {},
        spec: {
          containers: [
            { name: 'external-dns', args: ['--policy=sync', `--txt-owner-id=${owner}`] },
          ],
        },
      },
    },
  };
}

/**
 * What the guard finds in `tf` when `running` runs (namespace → Deployments the lookup lists),
 * evaluated by Terraform: the offenders the check names, or [] where the plan goes on.
 */
function ownerless(tf: Json, running: Record<string, Json[]>): unknown {
  const [lookup] = part(tf.data.kubernetes_resources, 'deployments');
  const local =
    tf.locals[Object.keys(tf.locals).find((name) => name.startsWith('txt-owner-guard_ownerless'))!];
  const lookups = Object.fromEntries(
    Object.entries(running).map(([namespace, objects]) => [namespace, { objects }]),
  );
  return terraformEval(
    local.slice(2, -1).replaceAll(`data.kubernetes_resources.${lookup}`, JSON.stringify(lookups)),
  );
}

const RUNNING = deployment('external-dns', 'external-dns-public', 'prod-edge-demo-public');
const PRIVATE = deployment('external-dns', 'external-dns-private', 'prod-edge-demo-private');

describe('the TXT owner-id guard', () => {
  const tf = stackOf();

  it('reads ExternalDNS Deployments where the instances run and where the chart bound them', () => {
    const [, bindings] = part(tf.data.kubernetes_resources, 'bindings');
    expect(bindings).toMatchObject({
      api_version: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      label_selector: 'app.kubernetes.io/name=external-dns',
    });
    const [, deployments] = part(tf.data.kubernetes_resources, 'deployments');
    expect(deployments).toMatchObject({
      api_version: 'apps/v1',
      kind: 'Deployment',
      namespace: '${each.value}',
      label_selector: 'app.kubernetes.io/name=external-dns',
    });
    const [, check] = part(tf.resource.terraform_data, 'check');
    const [precondition] = check.lifecycle.precondition;
    expect(precondition.error_message).toMatch(
      /^ExternalDNS runs with TXT owner ids that no instance of this configuration keeps: .* set migrateFromTxtOwner to it .* retiredTxtOwnerIds/,
    );
  });

  withTerraform('reads the namespaces of the instances and of every binding of the chart', () => {
    const [bindingsName] = part(tf.data.kubernetes_resources, 'bindings');
    const [, deployments] = part(tf.data.kubernetes_resources, 'deployments');
    const bindings = {
      objects: [
        { subjects: [{ kind: 'ServiceAccount', name: 'external-dns-old', namespace: 'dns-old' }] },
        {
          subjects: [
            { kind: 'ServiceAccount', name: 'external-dns-public', namespace: 'external-dns' },
          ],
        },
      ],
    };
    const forEach = deployments.for_each
      .slice(2, -1)
      .replaceAll(`data.kubernetes_resources.${bindingsName}`, JSON.stringify(bindings));
    expect(terraformEval(`keys(${forEach})`)).toEqual(['dns-old', 'external-dns']);
    const none = forEach.replaceAll(JSON.stringify(bindings), JSON.stringify({ objects: null }));
    expect(terraformEval(`keys(${none})`)).toEqual(['external-dns']);
  });

  withTerraform('passes on a first install and while every instance runs with its owner id', () => {
    expect(ownerless(tf, {})).toEqual([]);
    expect(ownerless(tf, { 'external-dns': [RUNNING, PRIVATE] })).toEqual([]);
  });

  withTerraform('stops the plan when an owner id would change (the environment renamed)', () => {
    const renamed = stackOf((raw) => (raw.clusters[0].environment = 'production'));
    expect(ownerless(renamed, { 'external-dns': [RUNNING, PRIVATE] })).toEqual([
      'external-dns/external-dns-public (prod-edge-demo-public)',
      'external-dns/external-dns-private (prod-edge-demo-private)',
    ]);
  });

  withTerraform(
    'stops the plan when an instance is renamed, although its new release does not run yet',
    () => {
      const renamed = stackOf((raw) => (raw.clusters[0].externalDns[0].name = 'internet'));
      expect(ownerless(renamed, { 'external-dns': [RUNNING, PRIVATE] })).toEqual([
        'external-dns/external-dns-public (prod-edge-demo-public)',
      ]);
      const keeping = stackOf((raw) =>
        Object.assign(raw.clusters[0].externalDns[0], {
          name: 'internet',
          txtOwnerId: 'prod-edge-demo-public',
        }),
      );
      expect(ownerless(keeping, { 'external-dns': [RUNNING, PRIVATE] })).toEqual([]);
    },
  );

  withTerraform('finds a renamed instance in a namespace no instance uses any more', () => {
    const moved = stackOf((raw) =>
      Object.assign(raw.clusters[0].externalDns[0], { name: 'internet', namespace: 'dns' }),
    );
    const old = deployment('dns-old', 'external-dns-public', 'prod-edge-demo-public');
    expect(ownerless(moved, { 'dns-old': [old], 'external-dns': [PRIVATE] })).toEqual([
      'dns-old/external-dns-public (prod-edge-demo-public)',
    ]);
  });

  withTerraform('lets a change through with migrateFromTxtOwner, and only from that id', () => {
    const migrating = stackOf((raw) =>
      Object.assign(raw.clusters[0].externalDns[0], {
        name: 'internet',
        migrateFromTxtOwner: 'prod-edge-demo-public',
      }),
    );
    expect(ownerless(migrating, { 'external-dns': [RUNNING, PRIVATE] })).toEqual([]);
    const other = deployment('external-dns', 'external-dns-public', 'someone-else');
    expect(ownerless(migrating, { 'external-dns': [other] })).toEqual([
      'external-dns/external-dns-public (someone-else)',
    ]);
  });

  withTerraform('stops a removal unless its owner id is retired', () => {
    const removed = stackOf((raw) => raw.clusters[0].externalDns.splice(1, 1));
    expect(ownerless(removed, { 'external-dns': [RUNNING, PRIVATE] })).toEqual([
      'external-dns/external-dns-private (prod-edge-demo-private)',
    ]);
    const retired = stackOf((raw) => {
      raw.clusters[0].externalDns.splice(1, 1);
      raw.clusters[0].retiredTxtOwnerIds = ['prod-edge-demo-private'];
    });
    expect(ownerless(retired, { 'external-dns': [RUNNING, PRIVATE] })).toEqual([]);
  });

  withTerraform('leaves alone ExternalDNS Deployments this project did not install', () => {
    const foreign = deployment('external-dns', 'their-external-dns', 'theirs', false);
    expect(ownerless(tf, { 'external-dns': [RUNNING, PRIVATE, foreign] })).toEqual([]);
  });

  withTerraform('reads the release it is about to adopt, installed another way, too', () => {
    const adopted = deployment('external-dns', 'external-dns-public', 'shop-prod', false);
    expect(ownerless(tf, { 'external-dns': [adopted, PRIVATE] })).toEqual([
      'external-dns/external-dns-public (shop-prod)',
    ]);
  });

  it('refuses an owner id that is both kept and retired', () => {
    expect(
      configIssues((raw) => (raw.clusters[0].retiredTxtOwnerIds = ['prod-edge-demo-public'])),
    ).toContainEqual(
      'clusters[0].retiredTxtOwnerIds[0]: prod-edge-demo-public is kept by externalDns public (its txtOwnerId or migrateFromTxtOwner): an owner id is either kept or retired; remove it here',
    );
  });
});
