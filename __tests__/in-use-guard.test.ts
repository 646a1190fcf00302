/**
 * Removing an ALB group or a Gateway that applications still use (issue 22.5): the edge stack's
 * plan reads this project's IngressClasses and Gateways, and the Ingresses of every namespace
 * only when a class is no longer configured. The synthesized expressions are evaluated by
 * Terraform against stand-ins of the cluster's objects.
 */
import { configWith, synthesize, terraformEval, withTerraform } from './helpers';
import type { Json } from './helpers';

const edgeOf = (change: (raw: Json) => void = () => undefined): Json =>
  synthesize(configWith(change))['prod-edge-demo-edge'];

/** The lookup of the guard whose construct path ends in `suffix`: [address, body]. */
function lookup(tf: Json, suffix: string): [string, Json] {
  const found = Object.entries(tf.data.kubernetes_resources as Record<string, Json>).filter(
    ([, body]) => body['//'].metadata.path.endsWith(`/in-use-guard/${suffix}`),
  );
  if (found.length !== 1) throw new Error(`no single in-use-guard/${suffix}`);
  return [`data.kubernetes_resources.${found[0][0]}`, found[0][1]];
}

interface Live {
  /** Names of this project's IngressClasses. */
  readonly classes?: string[];
  /** Ingresses by namespace: [name, ingressClassName]. */
  readonly ingresses?: Record<string, [string, string | undefined][]>;
  /** This project's Gateways in gateway-system: [name, attached routes per listener, ListenerSets]. */
  readonly gateways?: [string, number[], number?][];
}

/** Replaces each lookup of `expression` with what `live` says the cluster holds. */
function withLive(tf: Json, expression: string, live: Live): string {
  const answers: [string, unknown][] = [
    [
      lookup(tf, 'ingress-classes')[0],
      { objects: (live.classes ?? []).map((name) => ({ metadata: { name } })) },
    ],
    [
      lookup(tf, 'ingresses')[0],
      Object.fromEntries(
        Object.entries(live.ingresses ?? {}).map(([namespace, list]) => [
          namespace,
          {
            objects: list.map(([name, className]) => ({
              metadata: { namespace, name },
              spec: className ? { ingressClassName: className } : {},
            })),
          },
        ]),
      ),
    ],
    [
      lookup(tf, 'gateways')[0],
      {
        'gateway-system': {
          objects: (live.gateways ?? []).map(([name, routes, attachedListenerSets]) => ({
            metadata: { namespace: 'gateway-system', name },
            status: {
              listeners: routes.map((attachedRoutes) => ({ attachedRoutes })),
              ...(attachedListenerSets === undefined ? {} : { attachedListenerSets }),
            },
          })),
        },
      },
    ],
  ];
  return answers.reduce(
    (text, [address, value]) => text.replaceAll(address, `(${JSON.stringify(value)})`),
    expression,
  );
}

/** What the guard finds in use, evaluated by Terraform; [] where the plan goes on. */
function inUse(tf: Json, live: Live): unknown {
  const name = Object.keys(tf.locals).find((local) => local.startsWith('in-use-guard_in-use'));
  return terraformEval(withLive(tf, tf.locals[name!].slice(2, -1), live));
}

/** Whether the guard reads the Ingresses of every namespace (one lookup per namespace). */
function readsNamespaces(tf: Json, live: Live): unknown {
  return terraformEval(withLive(tf, lookup(tf, 'namespaces')[1].count.slice(2, -1), live));
}

const LIVE: Live = {
  classes: ['alb-public', 'alb-vpn'],
  ingresses: {
    shop: [
      ['web', 'alb-vpn'],
      ['admin', undefined],
    ],
    blog: [['www', 'alb-public']],
  },
  gateways: [['public', [2, 1]]],
};

describe('the in-use guard of the edge stack', () => {
  it('reads the IngressClasses, namespaces and Gateways this project made, by its label', () => {
    const tf = edgeOf();
    expect(lookup(tf, 'ingress-classes')[1]).toMatchObject({
      api_version: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      label_selector: 'app.kubernetes.io/managed-by=eks-edge',
    });
    expect(lookup(tf, 'gateways')[1]).toMatchObject({
      kind: 'Gateway',
      namespace: '${each.value}',
      label_selector: 'app.kubernetes.io/managed-by=eks-edge',
    });
    expect(lookup(tf, 'ingresses')[1]).toMatchObject({
      kind: 'Ingress',
      namespace: '${each.value}',
    });
    const check = Object.values(tf.resource.terraform_data as Record<string, Json>).find((body) =>
      body['//'].metadata.path.endsWith('/in-use-guard/check'),
    );
    expect(check!.lifecycle.precondition[0].error_message).toMatch(
      /^ALB groups or Gateways this plan removes are still in use: .* Move each Ingress to another ALB group's IngressClass/,
    );
  });

  withTerraform('reads nothing more and passes while every group and Gateway stays', () => {
    const tf = edgeOf();
    expect(readsNamespaces(tf, LIVE)).toBe(0);
    expect(inUse(tf, LIVE)).toEqual([]);
  });

  withTerraform(
    'stops the removal of a group whose IngressClass Ingresses use, naming them',
    () => {
      const tf = edgeOf((raw) => raw.clusters[0].albGroups.splice(1, 1));
      expect(readsNamespaces(tf, LIVE)).toBe(1);
      expect(inUse(tf, LIVE)).toEqual(['shop/web (IngressClass alb-vpn)']);
      const moved: Live = { ...LIVE, ingresses: { shop: [['web', 'alb-public']] } };
      expect(inUse(tf, moved)).toEqual([]);
    },
  );

  withTerraform('stops the removal of a Gateway while routes attach to it', () => {
    const tf = edgeOf((raw) => (raw.clusters[0].gatewayApi.gateways = []));
    expect(inUse(tf, LIVE)).toEqual(['Gateway gateway-system/public (3 attached routes)']);
    expect(inUse(tf, { ...LIVE, gateways: [['public', [0, 0]]] })).toEqual([]);
    expect(inUse(tf, { ...LIVE, gateways: [['public', []]] })).toEqual([]);
  });

  withTerraform(
    'stops a Gateway closing to the ListenerSets attached to it, or going with them',
    () => {
      const withSets: Live = { ...LIVE, gateways: [['public', [0, 0], 2]] };
      const accepting = edgeOf(
        (raw) => (raw.clusters[0].gatewayApi.gateways[0].allowedListeners = 'Same'),
      );
      expect(inUse(accepting, withSets)).toEqual([]);
      expect(inUse(edgeOf(), withSets)).toEqual([
        'Gateway gateway-system/public (2 ListenerSets, which allowedListeners None detaches)',
      ]);
      expect(inUse(edgeOf(), { ...LIVE, gateways: [['public', [0, 0], 0]] })).toEqual([]);
      const removed = edgeOf((raw) => (raw.clusters[0].gatewayApi.gateways = []));
      expect(inUse(removed, withSets)).toEqual([
        'Gateway gateway-system/public (0 attached routes, 2 ListenerSets)',
      ]);
    },
  );

  withTerraform(
    'reads Gateways in its own namespaces, and none where the cluster has no Gateway CRD',
    () => {
      const tf = edgeOf();
      const namespaces = (definitions: unknown) =>
        terraformEval(
          `keys(${lookup(tf, 'gateways')[1]
            .for_each.slice(2, -1)
            .replaceAll(
              lookup(tf, 'gateway-definition')[0],
              `(${JSON.stringify({ objects: definitions })})`,
            )
            .replaceAll(
              lookup(tf, 'own-namespaces')[0],
              `(${JSON.stringify({ objects: [{ metadata: { name: 'gateway-system' } }] })})`,
            )})`,
        );
      expect(namespaces([{ metadata: { name: 'gateways.gateway.networking.k8s.io' } }])).toEqual([
        'gateway-system',
      ]);
      expect(namespaces(null)).toEqual([]);
    },
  );

  withTerraform('checks the same in the empty edge stack of a cluster without any group', () => {
    const tf = edgeOf((raw) => {
      delete raw.clusters[0].albGroups;
      delete raw.clusters[0].gatewayApi;
      delete raw.clusters[0].accessLogs;
      raw.clusters[0].externalDns[0].sources = ['service', 'ingress'];
    });
    expect(inUse(tf, LIVE)).toEqual([
      'blog/www (IngressClass alb-public)',
      'shop/web (IngressClass alb-vpn)',
      'Gateway gateway-system/public (3 attached routes)',
    ]);
  });
});
