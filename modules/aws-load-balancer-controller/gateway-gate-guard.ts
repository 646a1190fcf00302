import type { Construct } from 'constructs';
import { GATEWAY_FEATURE_GATES } from '../../catalog/aws-load-balancer-controller';
import type { GatewayFeatureGate } from '../../catalog/aws-load-balancer-controller';
import { GATEWAY_CLASS } from '../../catalog/gateway-api';
import { LiveObjects } from '../shared/live-objects';

export interface GatewayGateGuardProps {
  /** The feature gates the release sets. */
  readonly featureGates?: Readonly<Record<GatewayFeatureGate, boolean>>;
  /** The cluster's edge stack, where the project's own Gateways are. */
  readonly edgeStackName: string;
}

/**
 * The checks that keep a Gateway API feature gate from going off while GatewayClasses of that
 * controller exist: their Gateways would lose their controller, which alone removes their load
 * balancers and the finalizers that hold the objects (so their deletion would hang). The cluster
 * stack applies before its edge stack, so turning `gatewayApi` off in one deploy would do exactly
 * that to the project's own Gateways; the plan stops and says what to deploy first.
 */
export function gatewayGateGuard(
  scope: Construct,
  props: GatewayGateGuardProps,
): { condition: string; errorMessage: string }[] {
  const gates = props.featureGates;
  if (!gates) return [];
  const off = (Object.keys(GATEWAY_FEATURE_GATES) as GatewayFeatureGate[]).filter((g) => !gates[g]);
  if (off.length === 0) return [];
  const classes = LiveObjects.of(scope, GATEWAY_CLASS);
  return off.map((gate) => {
    const controllerName = GATEWAY_FEATURE_GATES[gate];
    const names = classes.namesWhere(
      (c) => `try(${c}.spec.controllerName, "") == ${JSON.stringify(controllerName)}`,
    );
    return {
      condition: `\${length(${names}) == 0}`,
      errorMessage: `The AWS Load Balancer Controller would run with ${gate} off, but GatewayClasses of ${controllerName} exist: \${join(", ", ${names})}. Their Gateways would be left without a controller (load balancers orphaned, deletion stuck on its finalizers). Delete those Gateways and GatewayClasses first: for the ones eks-edge made, deploy the edge stack before this one (npx cdktf deploy ${props.edgeStackName} --ignore-missing-stack-dependencies), then deploy again. Or keep gatewayApi enabled (gatewayApi.nlb for ${GATEWAY_FEATURE_GATES.NLBGatewayAPI}).`,
    };
  });
}
