import type { Construct } from 'constructs';
import { GLOBAL_ACCELERATOR } from '../../catalog/aws-load-balancer-controller';
import { namespacesWhen, objectsInNamespaces } from '../shared/live-objects';

export interface GlobalAcceleratorGuardProps {
  /** The controller's Deployments as the plan finds them (a Terraform list). */
  readonly running: string;
}

/**
 * Whether a Deployment runs with `GlobalAcceleratorController` on: its `--feature-gates=` flag,
 * as the chart writes it (templates/deployment.yaml line 182 at v3.5.0, `key=value,…`) and the
 * controller reads it (pkg/config/feature_gates.go `SplitMapStringBool`: Go's ParseBool).
 */
function runsGlobalAccelerator(deployments: string): string {
  const args = `flatten([for deployment in ${deployments} : [for container in try(deployment.spec.template.spec.containers, []) : try(container.args, [])]])`;
  const gate =
    '(^|,)\\\\s*GlobalAcceleratorController\\\\s*=\\\\s*(1|t|T|true|TRUE|True)\\\\s*(,|$)';
  return `anytrue([for arg in ${args} : startswith(arg, "--feature-gates=") && can(regex("${gate}", trimprefix(arg, "--feature-gates=")))])`;
}

/**
 * The check that keeps the Global Accelerator controller from going off while GlobalAccelerator
 * objects exist: their accelerators would stay in AWS without a controller (no longer following
 * their load balancers, still billed), and deleting the objects would hang on the controller's
 * finalizer. Only when the running controller has the gate on are the cluster's namespaces read
 * (one list call each), so a cluster that never ran it pays one Deployment read, shared with the
 * release's adoption.
 */
export function globalAcceleratorGuard(
  scope: Construct,
  props: GlobalAcceleratorGuardProps,
): { condition: string; errorMessage: string }[] {
  const namespaces = namespacesWhen(
    scope,
    'global-accelerator-namespaces',
    runsGlobalAccelerator(props.running),
  );
  const accelerators = objectsInNamespaces(scope, 'global-accelerators', {
    apiVersion: GLOBAL_ACCELERATOR.apiVersion,
    kind: GLOBAL_ACCELERATOR.kind,
    namespaces,
  });
  const names = `[for object in ${accelerators} : format("%s/%s", object.metadata.namespace, object.metadata.name)]`;
  return [
    {
      condition: `\${length(${names}) == 0}`,
      errorMessage: `The AWS Load Balancer Controller runs the Global Accelerator controller and this plan turns it off (globalAccelerator: false), but GlobalAccelerator objects exist: \${join(", ", ${names})}. Their accelerators would stay in AWS with no controller (billed, no longer following their load balancers), and deleting the objects would hang on the finalizer aga.k8s.aws/resources. Delete them first (the controller then deletes their accelerators), or keep globalAccelerator: true.`,
    },
  ];
}
