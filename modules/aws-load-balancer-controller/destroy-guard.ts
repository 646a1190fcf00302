import { DataResource } from 'cdktf';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { LBC_CLUSTER_TAG } from '../../catalog/aws-load-balancer-controller';
import { HclBlock, resourceAddress } from '../shared/terraform-blocks';
import { terraformLiteral } from '../shared/terraform-string';

/**
 * The destroy-time check, a POSIX shell script that needs only the AWS CLI. It lists the load
 * balancers and target groups the controller made for this cluster (it tags them
 * `elbv2.k8s.aws/cluster=<cluster>` and `<ingress|service|gateway…>/stack=<owner>`,
 * pkg/deploy/tracking/provider.go at v3.5.0) and, where `kubectl` is installed, the Ingresses,
 * Services and Gateways that still carry the controller's finalizers (pkg/shared_constants/
 * finalizers.go at v3.5.0: their load balancers may not exist yet, or any more, and they would
 * hang without the controller); it reaches the cluster with `aws eks get-token`, like the
 * providers. It waits up to WAIT_SECONDS for the controller to finish (it deletes load balancers
 * asynchronously once their owning object is gone), and fails unless nothing is left, or
 * ACCEPT_ORPHANS is true.
 */
/**
 * The controller's finalizers on the objects it manages (pkg/shared_constants/finalizers.go at
 * v3.5.0): an Ingress of an implicit or explicit group, a Service, an ALB or NLB Gateway.
 */
export const CONTROLLER_FINALIZERS = {
  ingress: ['ingress\\.k8s\\.aws/resources', 'group\\.ingress\\.k8s\\.aws/'],
  service: ['service\\.k8s\\.aws/resources'],
  gateway: ['gateway\\.k8s\\.aws/(alb|nlb)'],
} as const;

const FINALIZERS = Object.values(CONTROLLER_FINALIZERS).flat().join('|');

export const DESTROY_GUARD_SCRIPT = `set -eu
if [ -n "\${ROLE_ARN:-}" ]; then
  set -- $(aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name eks-edge-destroy-guard --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
  export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3"
fi
kube=unknown
kubeconfig=""
listing=$(mktemp)
trap 'rm -f "$kubeconfig" "$listing"' EXIT
unchecked() {
  kube=no
  echo "eks-edge: $1: the Kubernetes objects the controller manages are not checked, only its load balancers and target groups." >&2
}
# A kubeconfig of its own (mode 600), so that the token is in no command line.
connect() {
  command -v kubectl >/dev/null 2>&1 || { unchecked "kubectl is not installed"; return 0; }
  endpoint=$(aws eks describe-cluster \${PROFILE:+--profile "$PROFILE"} --region "$REGION" --name "$CLUSTER" --query cluster.endpoint --output text) &&
    authority=$(aws eks describe-cluster \${PROFILE:+--profile "$PROFILE"} --region "$REGION" --name "$CLUSTER" --query cluster.certificateAuthority.data --output text) &&
    token=$(aws eks get-token \${PROFILE:+--profile "$PROFILE"} --region "$REGION" --cluster-name "$CLUSTER" --query status.token --output text) ||
    { unchecked "the cluster could not be reached with aws eks describe-cluster and get-token"; return 0; }
  kubeconfig=$(mktemp)
  printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- name: eks\\n  cluster:\\n    server: %s\\n    certificate-authority-data: %s\\nusers:\\n- name: eks\\n  user:\\n    token: %s\\ncontexts:\\n- name: eks\\n  context: {cluster: eks, user: eks}\\ncurrent-context: eks\\n' \\
    "$endpoint" "$authority" "$token" > "$kubeconfig"
  kube=yes
}
objects() {
  [ "$kube" = yes ] || return 0
  for kind in ingresses.networking.k8s.io services gateways.gateway.networking.k8s.io; do
    if ! listed=$(kubectl --kubeconfig "$kubeconfig" --request-timeout=10s get "$kind" --all-namespaces \\
      -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.finalizers}{"\\n"}{end}' 2>&1); then
      case "$listed" in
        *"doesn't have a resource type"*) continue ;; # no Gateway API in the cluster
      esac
      unchecked "kubectl could not list $kind ($listed)"
      return 0
    fi
    printf '%s\\n' "$listed" | grep -E '${FINALIZERS}' | sed "s|^\\([^ ]*\\) .*|$kind \\1|" || true
  done
}
connect
resources() {
  aws resourcegroupstaggingapi get-resources \${PROFILE:+--profile "$PROFILE"} --region "$REGION" \\
    --tag-filters "Key=${LBC_CLUSTER_TAG},Values=$CLUSTER" \\
    --resource-type-filters elasticloadbalancing:loadbalancer elasticloadbalancing:targetgroup \\
    --query 'ResourceTagMappingList[].[ResourceARN, join(\`, \`, Tags[?ends_with(Key, \`/stack\`)].join(\`=\`, [Key, Value]))]' \\
    --output text
}
# In this shell, not a subshell: a kubectl that fails once is not asked again.
poll() {
  objects > "$listing"
  remaining=$(cat "$listing"; resources)
}
waited=0
poll
while [ -n "$remaining" ] && [ "$waited" -lt "\${WAIT_SECONDS:-180}" ]; do
  sleep 15
  waited=$((waited + 15))
  poll
done
if [ -z "$remaining" ]; then
  echo "eks-edge: no load balancer or target group of cluster $CLUSTER is left; the controller may go."
  exit 0
fi
echo "eks-edge: the AWS Load Balancer Controller of cluster $CLUSTER still owns (resource, owning object):"
echo "$remaining"
if [ "\${ACCEPT_ORPHANS:-false}" = "true" ]; then
  echo "eks-edge: acceptOrphansOnDestroy is true: destroying the controller leaves them behind."
  exit 0
fi
echo "eks-edge: delete the Ingresses, Services of type LoadBalancer and Gateways above (the owning objects), wait until the controller has removed their load balancers, then destroy again. To leave them behind, set loadBalancerController.acceptOrphansOnDestroy: true and deploy first." >&2
exit 1
`;

export interface DestroyGuardProps {
  readonly clusterName: string;
  readonly region: string;
  /** How the AWS CLI gets into the cluster's account (the stack's credentials). */
  readonly roleArn?: string;
  readonly profile?: string;
  readonly acceptOrphans: boolean;
  /** The controller's release: the guard goes (and checks) before it. */
  readonly release: ITerraformDependable;
}

/**
 * Destroying the controller while it still owns load balancers orphans them (and their security
 * groups, which then block deleting the VPC): before its release is destroyed, this check runs
 * and stops the destroy with the list of what is left. A destroy-time provisioner sees only
 * `self`, so what it needs is kept in `input`; a changed setting must be deployed before a destroy
 * uses it.
 */
export function destroyGuard(scope: Construct, id: string, props: DestroyGuardProps): DataResource {
  return new DestroyGuard(scope, id, {
    input: {
      cluster: props.clusterName,
      region: props.region,
      role_arn: props.roleArn ?? '',
      profile: props.profile ?? '',
      accept_orphans: String(props.acceptOrphans),
    },
    dependsOn: [props.release],
    provisioners: [{ type: 'local-exec', ...guardExec('${self.input.accept_orphans}') }],
  });
}

/** The destroy-time `local-exec` of the guard; what it needs comes from `self.input` (state). */
function guardExec(acceptOrphans: string) {
  return {
    when: 'destroy' as const,
    interpreter: ['/bin/sh', '-c'],
    command: terraformLiteral(DESTROY_GUARD_SCRIPT),
    environment: {
      CLUSTER: '${self.input.cluster}',
      REGION: '${self.input.region}',
      ROLE_ARN: '${self.input.role_arn}',
      PROFILE: '${self.input.profile}',
      ACCEPT_ORPHANS: acceptOrphans,
    },
  };
}

/**
 * The guard of a controller the configuration no longer has (`enabled: false`): Terraform runs a
 * destroy-time provisioner only from the configuration, so without this `removed` block the
 * release would go without the check. The block destroys the guard's state entry through the same
 * check (before the release, which it depends on in state); `acceptOrphans` comes from the
 * configuration as it is now. Where no guard is in state, it does nothing.
 */
export class RemovedDestroyGuard extends HclBlock {
  private readonly address: string;

  constructor(
    scope: Construct,
    id: string,
    guardPath: readonly string[],
    private readonly acceptOrphans: boolean,
  ) {
    super(scope, id);
    this.address = resourceAddress(scope, 'terraform_data', guardPath);
  }

  toTerraform(): Record<string, unknown> {
    const exec = guardExec(String(this.acceptOrphans));
    return {
      removed: [
        {
          from: this.address,
          lifecycle: { destroy: true },
          provisioner: [{ 'local-exec': exec }],
        },
      ],
    };
  }

  toHcl(): string {
    const exec = guardExec(String(this.acceptOrphans));
    const environment = Object.entries(exec.environment)
      .map(([key, value]) => `      ${key} = ${JSON.stringify(value)}`)
      .join('\n');
    return [
      'removed {',
      `  from = ${this.address}`,
      '  lifecycle {',
      '    destroy = true',
      '  }',
      '  provisioner "local-exec" {',
      '    when        = destroy',
      `    interpreter = ${JSON.stringify(exec.interpreter).replace(/,/g, ', ')}`,
      `    command     = <<EOT\n${exec.command}EOT`,
      '    environment = {',
      environment,
      '    }',
      '  }',
      '}',
    ].join('\n');
  }
}

/**
 * cdktf 0.21 writes provisioner arguments to HCL without type information: a multi-line command
 * as a quoted string (invalid) and `when` quoted (Terraform wants the keyword). Typed, they render
 * as a heredoc and as the bare keyword; the JSON is unchanged.
 */
class DestroyGuard extends DataResource {
  toHclTerraform(): Record<string, unknown> {
    type Typed = { value: Record<string, unknown> };
    const rendered = super.toHclTerraform() as {
      resource: Record<string, Record<string, { provisioner: Record<string, Typed>[] }>>;
    };
    for (const body of Object.values(rendered.resource.terraform_data)) {
      for (const { value: exec } of body.provisioner.map((p) => p['local-exec'])) {
        exec.command = { value: exec.command, type: 'simple', storageClassType: 'string' };
        exec.when = { value: exec.when, type: 'simple', storageClassType: 'reference' };
      }
    }
    return rendered;
  }
}
