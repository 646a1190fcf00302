/**
 * Gateways that accept ListenerSets (`gatewayApi.gateways[].allowedListeners`): the Gateway's
 * `allowedListeners` as the Gateway API CRD reads it, the controller's `GatewayListenerSet` gate
 * pinned on where the release has it, and the versions that serve them. Taking a Gateway back to
 * `None` while ListenerSets are attached is stopped by the edge stack's in-use check
 * (in-use-guard.test.ts).
 */
import { upstreamCrds, validateEmbedded, validateUpstream } from './crd-validation';
import {
  configIssues,
  configWith,
  controllerFeatureGates,
  has,
  resources,
  synthesize,
} from './helpers';
import type { Json } from './helpers';

const accepting =
  (allowed: Json, controller: Json = {}, gatewayApi: Json = {}) =>
  (raw: Json) => {
    Object.assign(raw.clusters[0].gatewayApi.gateways[0], allowed);
    Object.assign(raw.clusters[0].gatewayApi, gatewayApi);
    Object.assign(raw.clusters[0].loadBalancerController, controller);
  };
const stacksOf = (change: (raw: Json) => void) => synthesize(configWith(change));
const gatewayOf = (stacks: Record<string, Json>): Json =>
  resources(stacks['prod-edge-demo-edge'], 'kubernetes_manifest').find(
    (m) => m.manifest?.kind === 'Gateway' && m.manifest.metadata.name === 'public',
  )!.manifest;
const gatesOf = (stacks: Record<string, Json>): Json =>
  controllerFeatureGates(stacks['prod-edge-demo']);
const SELECTOR = { allowedListeners: 'Selector', allowedListenerNamespaceLabels: { team: 'shop' } };

describe('Gateways that accept ListenerSets', () => {
  it('accept none by default: no allowedListeners, the gate left to the release', () => {
    const stacks = stacksOf(() => undefined);
    expect(gatewayOf(stacks).spec).not.toHaveProperty('allowedListeners');
    expect(gatesOf(stacks)).not.toHaveProperty('GatewayListenerSet');
  });

  it('say from which namespaces, with the gate pinned on', () => {
    const same = stacksOf(accepting({ allowedListeners: 'Same' }));
    expect(gatewayOf(same).spec.allowedListeners).toEqual({ namespaces: { from: 'Same' } });
    expect(gatesOf(same)).toMatchObject({ GatewayListenerSet: true });
    expect(gatewayOf(stacksOf(accepting(SELECTOR))).spec.allowedListeners).toEqual({
      namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } },
    });
  });

  it('are valid Gateways for the CRD rules, and the upstream CRD where a copy is shared', () => {
    const gateway = gatewayOf(stacksOf(accepting(SELECTOR)));
    expect(validateEmbedded(gateway)).toEqual([]);
    if (has(upstreamCrds)) expect(validateUpstream(gateway)).toEqual([]);
    const misspelt = structuredClone(gateway);
    misspelt.spec.allowedListeners.namespaces.from = 'Some';
    expect(validateEmbedded(misspelt)).not.toEqual([]);
    if (has(upstreamCrds)) expect(validateUpstream(misspelt)).not.toEqual([]);
  });

  it('get no gate from v3.2.0 and v3.2.1, which serve ListenerSets without one', () => {
    const stacks = stacksOf(accepting({ allowedListeners: 'All' }, { version: 'v3.2.1' }));
    expect(gatewayOf(stacks).spec.allowedListeners).toEqual({ namespaces: { from: 'All' } });
    expect(gatesOf(stacks)).not.toHaveProperty('GatewayListenerSet');
  });

  it('are refused where the CRD or the controller lacks them, and with labels astray', () => {
    const at = 'clusters[0].gatewayApi.gateways[0]';
    expect(configIssues(accepting({ allowedListeners: 'Same' }, { version: 'v3.1.0' }))).toEqual([
      `${at}.allowedListeners: ListenerSets are in the Gateway API standard channel from v1.5.0; this cluster applies v1.3.0: set gatewayApi.version to v1.5.0 or later, or allowedListeners None`,
      `${at}.allowedListeners: the controller serves ListenerSets from v3.2.0; v3.1.0 ignores them: set loadBalancerController.version to v3.2.0 or later, or allowedListeners None`,
    ]);
    expect(
      configIssues(
        accepting({ allowedListeners: 'Same' }, { version: 'v3.1.0' }, { version: 'v1.5.0' }),
      ),
    ).toEqual([
      `${at}.allowedListeners: the controller serves ListenerSets from v3.2.0; v3.1.0 ignores them: set loadBalancerController.version to v3.2.0 or later, or allowedListeners None`,
    ]);
    expect(configIssues(accepting({ allowedListeners: 'Selector' }))).toEqual([
      `${at}.allowedListenerNamespaceLabels: is required with allowedListeners: Selector (the labels a namespace needs for its ListenerSets to attach)`,
    ]);
    expect(configIssues(accepting({ allowedListenerNamespaceLabels: { team: 'shop' } }))).toEqual([
      `${at}.allowedListenerNamespaceLabels: is only used with allowedListeners: Selector (this gateway allows None)`,
    ]);
    const gateOff = {
      values: { controllerConfig: { featureGates: { GatewayListenerSet: false } } },
    };
    expect(configIssues(accepting({ allowedListeners: 'Same' }, gateOff))).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.loadBalancerController\.values\.controllerConfig\.featureGates\.GatewayListenerSet: is set by this project/,
      ),
    );
  });
});
