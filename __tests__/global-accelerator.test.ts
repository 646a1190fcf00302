/**
 * The controller's Global Accelerator controller (`loadBalancerController.globalAccelerator`):
 * its pinned upstream policy attached only when enabled, the two feature gates it needs as Helm
 * reads them, the releases and partitions that have it, and what the controller's role may then
 * do, evaluated with the IAM evaluator on the upstream policy files the plan would accept.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  attachedBeforeController,
  controllerFeatureGates,
  controllerIssues,
  requires,
  resourceAt,
  resources,
  sharedUpstream,
  terraformEval,
  withController,
  withTerraform,
} from './helpers';
import type { Json } from './helpers';
import { evaluate, requestsOf } from './iam-evaluation';
import type { IamPolicyJson } from './iam-evaluation';

const upstreamController = sharedUpstream('aws-load-balancer-controller');
const UPSTREAM = upstreamController.name;
const upstreamIt = requires(upstreamController).it;
const AGA_SHA256 = '6e31a0693707f5e6974120edec6aa7059f968cb88d3a50e8b5a39b07c0dc0dfa';
const ACCOUNT = '111122223333';
const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
const ACCELERATOR = `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh`;

/** The controller role's policy attachments, by construct id. */
const attachments = (tf: Json): Json[] =>
  resources(tf, 'aws_iam_role_policy_attachment').filter((a) =>
    a['//'].metadata.path.includes('/aws-load-balancer-controller/identity/'),
  );

/**
 * The documents of the upstream policies attached to the controller's role, read from the shared
 * upstream copy of each pinned URL and accepted only with the sha256 the plan checks.
 */
function attachedUpstreamPolicies(tf: Json): IamPolicyJson[] {
  return attachments(tf).map((attachment) => {
    const [, policyName] = /^\$\{aws_iam_policy\.([\w-]+)\.arn\}$/.exec(attachment.policy_arn)!;
    const policy = tf.resource.aws_iam_policy[policyName];
    const [, downloadName] = /^\$\{data\.http\.([\w-]+)\.response_body\}$/.exec(policy.policy)!;
    const download = tf.data.http[downloadName];
    const [, tag, file] = /\/(v[\d.]+)\/docs\/install\/([\w.-]+)$/.exec(download.url)!;
    const body = readFileSync(join(UPSTREAM, tag, file));
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(download.lifecycle.postcondition[1].condition).toContain(sha256);
    return JSON.parse(body.toString('utf8'));
  });
}

describe('the Global Accelerator controller', () => {
  it('is off by default: no policy, no attachment, its gates left at their default (off)', () => {
    const tf = withController({});
    expect(resources(tf, 'aws_iam_policy').map((p) => p.name)).not.toContainEqual(
      expect.stringContaining('global-accelerator'),
    );
    expect(attachments(tf).map((a) => a['//'].metadata.path)).not.toContainEqual(
      expect.stringContaining('global-accelerator'),
    );
    expect(Object.keys(controllerFeatureGates(tf))).toEqual(['ALBGatewayAPI', 'NLBGatewayAPI']);
  });

  it('attaches the upstream policy at the tag before the controller starts, with both gates on', () => {
    const tf = withController({ globalAccelerator: true });
    const download = resourceAt(
      tf,
      'http',
      'aws-load-balancer-controller/iam/global-accelerator/document',
    );
    expect(download.url).toBe(
      'https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/docs/install/aga_controller_iam_policy.json',
    );
    expect(download.lifecycle.postcondition[1].condition).toContain(AGA_SHA256);
    const policy = attachedBeforeController(
      tf,
      'iam/global-accelerator/policy',
      'global-accelerator',
    );
    expect(policy.name).toBe('edge-demo-aws-load-balancer-controller-global-accelerator');
    expect(controllerFeatureGates(tf)).toEqual({
      ALBGatewayAPI: false,
      NLBGatewayAPI: false,
      GlobalAcceleratorController: true,
      EnableRGTAPI: true,
    });
  });

  it('gives the same to a controller another tool deploys (its chart values output)', () => {
    const tf = withController({ globalAccelerator: true, deploy: 'iam-only' });
    expect(resources(tf, 'helm_release').map((r) => r['//'].metadata.path)).not.toContainEqual(
      expect.stringContaining('aws-load-balancer-controller'),
    );
    resourceAt(tf, 'aws_iam_role_policy_attachment', 'identity/global-accelerator');
    const output = Object.entries(tf.output).find(([name]) => name.includes('chart_values'));
    expect(JSON.stringify(output)).toContain('GlobalAcceleratorController');
  });

  it('pins a version outside the catalog by the sha256 the user gives, and asks for it', () => {
    const outside = {
      version: 'v3.6.0',
      policySha256: 'a'.repeat(64),
      chartCrdsSha256: 'b'.repeat(64),
      globalAccelerator: true,
    };
    expect(controllerIssues(outside)).toEqual([
      'clusters[0].loadBalancerController.globalAcceleratorPolicySha256: globalAccelerator with uncatalogued version v3.6.0 needs the sha256 of aga_controller_iam_policy.json at that tag',
    ]);
    const tf = withController({ ...outside, globalAcceleratorPolicySha256: 'c'.repeat(64) });
    const download = resourceAt(tf, 'http', 'iam/global-accelerator/document');
    expect(download.url).toContain('/v3.6.0/docs/install/aga_controller_iam_policy.json');
    expect(download.lifecycle.postcondition[1].condition).toContain('c'.repeat(64));
  });

  it('is refused where it cannot run: before v2.17.0, outside the commercial partition', () => {
    expect(controllerIssues({ globalAccelerator: true, version: 'v2.16.0' })).toContainEqual(
      'clusters[0].loadBalancerController.globalAccelerator: the Global Accelerator controller is part of the controller from v2.17.0; v2.16.0 does not have it: set version to v2.17.0 or later, or set false',
    );
    expect(
      controllerIssues({ globalAccelerator: true }, { region: 'cn-north-1' }).filter((m) =>
        m.includes('globalAccelerator'),
      ),
    ).toEqual([
      "clusters[0].loadBalancerController.globalAccelerator: AWS Global Accelerator exists only in the aws partition (upstream docs/guide/globalaccelerator/installation.md); this cluster's region is in aws-cn: set false",
    ]);
    expect(controllerIssues({ globalAccelerator: true, enabled: false })).toEqual([
      'clusters[0].loadBalancerController.globalAccelerator: is a part of the controller, which enabled: false leaves out; remove it, or enable the controller',
    ]);
    expect(() => withController({ globalAccelerator: true, version: 'v2.17.0' })).not.toThrow();
  });

  it('is not turned on, nor its gates overridden, by hand in values', () => {
    const gates = (featureGates: Json) => ({ values: { controllerConfig: { featureGates } } });
    expect(controllerIssues(gates({ GlobalAcceleratorController: true }))).toEqual([
      'clusters[0].loadBalancerController.values.controllerConfig.featureGates.GlobalAcceleratorController: turns on the Global Accelerator controller without its IAM policy; set globalAccelerator: true instead (it attaches the policy and sets the gates it needs), and remove this value',
    ]);
    expect(() => withController(gates({ GlobalAcceleratorController: false }))).not.toThrow();
    expect(
      controllerIssues({ globalAccelerator: true, ...gates({ EnableRGTAPI: false }) }),
    ).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.loadBalancerController\.values\.controllerConfig\.featureGates\.EnableRGTAPI: is set by this project/,
      ),
    );
  });

  describe("what the controller's role may do (IAM evaluator, upstream files)", () => {
    const request = requestsOf(
      `arn:aws:iam::${ACCOUNT}:role/edge-demo-aws-load-balancer-controller`,
    );
    const tagged = {
      [`aws:RequestTag/${CLUSTER_TAG}`]: 'edge-demo',
      'aws:RequestTag/aga.k8s.aws/resource': 'GlobalAccelerator',
      'aws:TagKeys': [CLUSTER_TAG, 'aga.k8s.aws/resource'],
    };
    const owned = {
      [`aws:ResourceTag/${CLUSTER_TAG}`]: 'edge-demo',
      'aws:ResourceTag/aga.k8s.aws/resource': 'GlobalAccelerator',
    };

    upstreamIt('creates and changes only the accelerators it tags as its own', async () => {
      const policies = attachedUpstreamPolicies(withController({ globalAccelerator: true }));
      const create = request('globalaccelerator:CreateAccelerator', '*', tagged);
      expect(await evaluate(create, policies)).toBe('Allowed');
      const untagged = request('globalaccelerator:CreateAccelerator', '*');
      expect(await evaluate(untagged, policies)).toBe('ImplicitlyDenied');
      const update = request('globalaccelerator:UpdateAccelerator', ACCELERATOR, owned);
      expect(await evaluate(update, policies)).toBe('Allowed');
      const foreign = request('globalaccelerator:DeleteAccelerator', ACCELERATOR, {
        'aws:ResourceTag/aga.k8s.aws/resource': 'GlobalAccelerator',
      });
      expect(await evaluate(foreign, policies)).toBe('ImplicitlyDenied');
    });

    upstreamIt('may not touch Global Accelerator without the setting', async () => {
      const policies = attachedUpstreamPolicies(withController({}));
      expect(policies).toHaveLength(1);
      const create = request('globalaccelerator:CreateAccelerator', '*', tagged);
      expect(await evaluate(create, policies)).toBe('ImplicitlyDenied');
      const update = request('globalaccelerator:UpdateAccelerator', ACCELERATOR, owned);
      expect(await evaluate(update, policies)).toBe('ImplicitlyDenied');
    });
  });
});

describe('turning the Global Accelerator controller off', () => {
  /** The address of the controller's lookup whose construct path ends in `suffix`. */
  const lookupAddress = (tf: Json, suffix: string): string => {
    const found = Object.entries(tf.data.kubernetes_resources as Record<string, Json>).filter(
      ([, body]) => body['//'].metadata.path.endsWith(`/aws-load-balancer-controller/${suffix}`),
    );
    if (found.length !== 1) throw new Error(`no single lookup …/${suffix}`);
    return `data.kubernetes_resources.${found[0][0]}`;
  };

  interface Live {
    /** The `--feature-gates=` flag of the running controller, if one runs. */
    readonly gatesFlag?: string;
    /** GlobalAccelerator objects by namespace. */
    readonly accelerators?: Record<string, string[]>;
  }

  /** `expression` with each lookup replaced by what `live` says the cluster holds. */
  const withLive = (tf: Json, expression: string, live: Live): string => {
    const deployment = {
      spec: {
        template: {
          spec: { containers: [{ args: ['--cluster-name=edge-demo', live.gatesFlag] }] },
        },
      },
    };
    const accelerators = Object.entries(live.accelerators ?? {});
    const answers: [string, unknown][] = [
      [lookupAddress(tf, 'release-deployed'), { objects: live.gatesFlag ? [deployment] : [] }],
      [
        lookupAddress(tf, 'global-accelerator-namespaces'),
        [{ objects: accelerators.map(([name]) => ({ metadata: { name } })) }],
      ],
      [
        lookupAddress(tf, 'global-accelerators'),
        Object.fromEntries(
          accelerators.map(([namespace, names]) => [
            namespace,
            { objects: names.map((name) => ({ metadata: { namespace, name } })) },
          ]),
        ),
      ],
    ];
    return answers.reduce(
      (text, [address, value]) => text.replaceAll(address, `(${JSON.stringify(value)})`),
      expression,
    );
  };

  const guardOf = (tf: Json): Json | undefined =>
    resourceAt(
      tf,
      'helm_release',
      'aws-load-balancer-controller/release',
    ).lifecycle.precondition.find((p: Json) =>
      p.error_message.includes('GlobalAccelerator objects exist'),
    );

  /** Whether the plan reads every namespace (only while the running controller has the gate). */
  const readsNamespaces = (tf: Json, live: Live): unknown => {
    const [, body] = Object.entries(tf.data.kubernetes_resources as Record<string, Json>).find(
      ([, b]) => b['//'].metadata.path.endsWith('/global-accelerator-namespaces'),
    )!;
    return terraformEval(withLive(tf, body.count.slice(2, -1), live));
  };

  const off = withController({});
  const on = (gate: string) =>
    `--feature-gates=ALBGatewayAPI=false,GlobalAcceleratorController=${gate},EnableRGTAPI=true`;

  withTerraform('reads the namespaces only when the running controller has the gate on', () => {
    expect(readsNamespaces(off, {})).toBe(0);
    expect(readsNamespaces(off, { gatesFlag: on('false') })).toBe(0);
    expect(readsNamespaces(off, { gatesFlag: '--feature-gates=ALBGatewayAPI=false' })).toBe(0);
    expect(readsNamespaces(off, { gatesFlag: on('true') })).toBe(1);
    expect(readsNamespaces(off, { gatesFlag: on('True') })).toBe(1);
    expect(
      readsNamespaces(off, { gatesFlag: '--feature-gates=XGlobalAcceleratorController=true' }),
    ).toBe(0);
  });

  withTerraform('stops the plan while GlobalAccelerator objects exist, naming them', () => {
    const guard = guardOf(off)!;
    const holds = (live: Live) => terraformEval(withLive(off, guard.condition.slice(2, -1), live));
    expect(holds({ gatesFlag: on('true') })).toBe(true);
    expect(holds({ gatesFlag: on('true'), accelerators: { shop: [] } })).toBe(true);
    expect(holds({ gatesFlag: on('true'), accelerators: { shop: ['front'] } })).toBe(false);
    const named = terraformEval(
      withLive(
        off,
        `join(", ", ${/\$\{join\(", ", (.*)\)\}\. Their/.exec(guard.error_message)![1]})`,
        {
          gatesFlag: on('true'),
          accelerators: { shop: ['front'], api: ['edge'] },
        },
      ),
    );
    expect(named).toBe('api/edge, shop/front');
  });

  it('is not checked while the setting keeps it on', () => {
    expect(guardOf(withController({ globalAccelerator: true }))).toBeUndefined();
    expect(guardOf(off)).toBeDefined();
  });
});
