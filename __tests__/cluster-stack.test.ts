import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../config/load';
import { ROLE_OWNER_TAGS } from '../config/naming';
import {
  addressOf,
  configIssues,
  configWith,
  coreExampleRaw,
  dataSources,
  EXAMPLE_PATH,
  TERRAFORM,
  has,
  withTerraform,
  resourceAt,
  resources,
  synthesize,
  synthesizeCluster,
  terraformEval,
} from './helpers';
import type { Json } from './helpers';

const SHA_IAM_POLICY = '16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a';
const SHA_MIGRATION = '1e07e08600fa5bb72805da789d361e972d1fc5602f877903348e885763e83b30';

const example = (): Json => synthesizeCluster(loadConfig(EXAMPLE_PATH));
const withLbc = (settings: Json, cluster: Json = {}): Json =>
  synthesizeCluster(
    configWith((raw) => {
      Object.assign(raw.clusters[0], cluster);
      Object.assign(raw.clusters[0].loadBalancerController, settings);
    }, coreExampleRaw()),
  );

/** Addresses of a type that a `removed` block releases (destroy = false). */
const releasedOf = (tf: Json, type: string): string[] =>
  (tf.removed ?? [])
    .filter((r: Json) => r.lifecycle.destroy === false && r.from.startsWith(`${type}.`))
    .map((r: Json) => r.from);
const lbcRelease = (tf: Json): Json =>
  resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
const lbcTrust = (tf: Json): Json =>
  resourceAt(tf, 'aws_iam_policy_document', 'aws-load-balancer-controller/identity/trust');
const policyDownload = (tf: Json, name: string): Json =>
  resourceAt(tf, 'http', `aws-load-balancer-controller/iam/${name}/document`);

describe('cluster stack of the built-in example', () => {
  it('matches the snapshot', () => {
    expect(example()).toMatchSnapshot();
  });

  it('tags each public subnet for internet-facing and each private subnet for internal load balancers', () => {
    const tags = resources(example(), 'aws_ec2_tag').map(
      (t) => `${t.resource_id} ${t.key}=${t.value}`,
    );
    expect(tags.sort()).toEqual([
      'subnet-0a1b2c3d4e5f60001 kubernetes.io/role/elb=1',
      'subnet-0a1b2c3d4e5f60002 kubernetes.io/role/elb=1',
      'subnet-0a1b2c3d4e5f60011 kubernetes.io/role/internal-elb=1',
      'subnet-0a1b2c3d4e5f60012 kubernetes.io/role/internal-elb=1',
    ]);
  });

  it('adds the shared cluster tag to every subnet only when asked', () => {
    const tf = synthesizeCluster(
      configWith((raw) => (raw.clusters[0].subnets.tagClusterShared = true), coreExampleRaw()),
    );
    const shared = resources(tf, 'aws_ec2_tag').filter(
      (t) => t.key === 'kubernetes.io/cluster/edge-demo',
    );
    expect(shared.map((t) => t.resource_id).sort()).toEqual([
      'subnet-0a1b2c3d4e5f60001',
      'subnet-0a1b2c3d4e5f60002',
      'subnet-0a1b2c3d4e5f60011',
      'subnet-0a1b2c3d4e5f60012',
    ]);
    expect(shared.every((t) => t.value === 'shared')).toBe(true);
  });

  it('creates the OIDC provider from the issuer with the root CA thumbprint and the STS audience', () => {
    const tf = example();
    const [certificate] = Object.keys(tf.data.tls_certificate);
    expect(tf.data.tls_certificate[certificate].url).toBe(
      '${data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer}',
    );
    const [provider] = resources(tf, 'aws_iam_openid_connect_provider');
    expect(provider.url).toBe('${data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer}');
    expect(provider.thumbprint_list).toEqual([
      `\${data.tls_certificate.${certificate}.certificates[0].sha1_fingerprint}`,
    ]);
    expect(provider.client_id_list).toEqual(['sts.amazonaws.com']);
  });

  it('trusts exactly the controller service account with the STS audience (IRSA)', () => {
    const tf = example();
    const [provider] = Object.keys(tf.resource.aws_iam_openid_connect_provider);
    const [statement] = lbcTrust(tf).statement;
    expect(statement.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(statement.principals).toEqual([
      { type: 'Federated', identifiers: [`\${aws_iam_openid_connect_provider.${provider}.arn}`] },
    ]);
    const host =
      '${replace(data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}';
    expect(statement.condition).toEqual([
      {
        test: 'StringEquals',
        variable: `${host}:sub`,
        values: ['system:serviceaccount:kube-system:aws-load-balancer-controller'],
      },
      { test: 'StringEquals', variable: `${host}:aud`, values: ['sts.amazonaws.com'] },
    ]);
    const [role] = resources(tf, 'aws_iam_role');
    expect(role.assume_role_policy).toMatch(
      /^\$\{data\.aws_iam_policy_document\..*trust.*\.json\}$/,
    );
  });

  it('downloads the policy at the controller tag and accepts it only with status 200 and the known sha256', () => {
    const download = policyDownload(example(), 'controller');
    expect(download.url).toBe(
      'https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/docs/install/iam_policy.json',
    );
    expect(download.lifecycle.postcondition.map((p: Json) => p.condition)).toEqual([
      '${self.status_code == 200}',
      `\${sha256(self.response_body) == "${SHA_IAM_POLICY}"}`,
    ]);
    const [policy] = resources(example(), 'aws_iam_policy');
    expect(policy.policy).toMatch(/^\$\{data\.http\..*controller_document.*\.response_body\}$/);
  });

  it('installs the chart version of the controller version, waits for it, after its permissions', () => {
    const tf = synthesizeCluster(configWith(() => undefined, coreExampleRaw()));
    const release = lbcRelease(tf);
    expect(release).toMatchObject({
      repository: 'https://aws.github.io/eks-charts',
      chart: 'aws-load-balancer-controller',
      version: '3.5.0',
      namespace: 'kube-system',
      wait: true,
    });
    expect(release.set).toBeUndefined();
    const attachment = resourceAt(tf, 'aws_iam_role_policy_attachment', 'identity/controller');
    const chartCrds = resources(tf, 'kubernetes_manifest').map((m) =>
      addressOf(tf, 'kubernetes_manifest', m),
    );
    expect(chartCrds).toHaveLength(4);
    expect(release.depends_on).toEqual([
      addressOf(tf, 'aws_iam_role_policy_attachment', attachment),
      ...chartCrds,
    ]);
  });

  it('passes cluster, region, VPC and the IRSA service account as YAML values', () => {
    const [values] = lbcRelease(example()).values;
    expect(values).toContain(
      'clusterName: edge-demo\nregion: eu-west-1\nvpcId: vpc-0a1b2c3d4e5f60718\nreplicaCount: 2\n',
    );
    expect(values).toMatch(
      /serviceAccount:\n {2}create: true\n {2}name: aws-load-balancer-controller\n {2}annotations:\n {4}eks\.amazonaws\.com\/role-arn: \$\{aws_iam_role\..*\.arn\}\n/,
    );
  });

  it('authenticates helm with aws eks get-token against the named cluster, not a kubeconfig', () => {
    const [helm] = example().provider.helm;
    expect(helm.kubernetes.host).toBe('${data.aws_eks_cluster.cluster.endpoint}');
    expect(helm.kubernetes.cluster_ca_certificate).toBe(
      '${base64decode(data.aws_eks_cluster.cluster.certificate_authority[0].data)}',
    );
    expect(helm.kubernetes.exec).toEqual({
      api_version: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'edge-demo', '--region', 'eu-west-1'],
    });
    expect(helm.kubernetes.config_path).toBeUndefined();
  });

  it('pins the AWS provider to the cluster account and region with default tags', () => {
    const [aws] = example().provider.aws;
    expect(aws).toMatchObject({
      region: 'eu-west-1',
      allowed_account_ids: ['111122223333'],
      default_tags: [{ tags: { 'managed-by': 'eks-edge', team: 'platform' } }],
    });
  });

  it('keeps state locally by default, one file per stack', () => {
    // Terraform runs in cdktf.out/stacks/<stack>/: the state lands in the project root.
    expect(example().terraform.backend).toEqual({
      local: { path: '../../../terraform.prod-edge-demo.tfstate' },
    });
  });
});

describe('controller versions and partitions', () => {
  it.each([
    ['eu-west-1', 'iam_policy.json', 'aws'],
    ['cn-north-1', 'iam_policy_cn.json', 'aws-cn'],
    ['us-gov-west-1', 'iam_policy_us-gov.json', 'aws-us-gov'],
  ])('in %s the policy comes from %s', (region, file) => {
    const tf = withLbc({}, { region });
    expect(policyDownload(tf, 'controller').url).toBe(
      `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/docs/install/${file}`,
    );
  });

  it('uses the partition in the Pod Identity trust source ARN', () => {
    const tf = withLbc({ identity: 'pod-identity' }, { region: 'cn-north-1' });
    const [statement] = lbcTrust(tf).statement;
    expect(statement.condition).toContainEqual({
      test: 'ArnEquals',
      variable: 'aws:SourceArn',
      values: ['arn:aws-cn:eks:cn-north-1:111122223333:cluster/edge-demo'],
    });
  });

  it('v2.17.1 installs chart 1.17.1 and the policy of tag v2.17.1', () => {
    const tf = withLbc({ version: 'v2.17.1' });
    expect(lbcRelease(tf).version).toBe('1.17.1');
    expect(policyDownload(tf, 'controller').url).toContain(
      '/aws-load-balancer-controller/v2.17.1/docs/install/iam_policy.json',
    );
  });

  it('an uncatalogued version uses the checksum the user gave', () => {
    const tf = withLbc({
      version: 'v3.9.0',
      policySha256: 'c'.repeat(64),
      chartCrdsSha256: 'd'.repeat(64),
    });
    expect(lbcRelease(tf).version).toBe('3.9.0');
    expect(policyDownload(tf, 'controller').lifecycle.postcondition[1].condition).toContain(
      'c'.repeat(64),
    );
  });

  it('upgrades in place: only the document URL, checksum and version tag change, not the policy name or description', () => {
    const [before] = resources(withLbc({ version: 'v3.4.3' }), 'aws_iam_policy');
    const [after] = resources(withLbc({ version: 'v3.5.0' }), 'aws_iam_policy');
    expect(after.name).toBe(before.name);
    expect(after.description).toBe(before.description);
    expect([before.tags, after.tags]).toEqual([
      { 'eks-edge/controller-version': 'v3.4.3' },
      { 'eks-edge/controller-version': 'v3.5.0' },
    ]);
  });

  it('never points at a branch', () => {
    const json = JSON.stringify(example());
    expect(json).not.toMatch(/aws-load-balancer-controller\/(main|master)\//);
  });
});

describe('EKS Pod Identity mode', () => {
  const tf = withLbc({ identity: 'pod-identity' }, { externalDns: [] });

  it('associates the role with the controller service account', () => {
    const [association] = resources(tf, 'aws_eks_pod_identity_association');
    const [roleName] = Object.keys(tf.resource.aws_iam_role);
    expect(association).toMatchObject({
      cluster_name: 'edge-demo',
      namespace: 'kube-system',
      service_account: 'aws-load-balancer-controller',
      role_arn: `\${aws_iam_role.${roleName}.arn}`,
    });
    expect(association.target_role_arn).toBeUndefined();
  });

  it('is trusted by the Pod Identity service for its own service account of this cluster only', () => {
    const [statement] = lbcTrust(tf).statement;
    expect(statement.principals).toEqual([
      { type: 'Service', identifiers: ['pods.eks.amazonaws.com'] },
    ]);
    expect(statement.actions).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    const cluster = 'arn:aws:eks:eu-west-1:111122223333:cluster/edge-demo';
    expect(statement.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] },
      { test: 'ArnEquals', variable: 'aws:SourceArn', values: [cluster] },
      { test: 'StringEquals', variable: 'aws:RequestTag/eks-cluster-arn', values: [cluster] },
      {
        test: 'StringEquals',
        variable: 'aws:RequestTag/kubernetes-namespace',
        values: ['kube-system'],
      },
      {
        test: 'StringEquals',
        variable: 'aws:RequestTag/kubernetes-service-account',
        values: ['aws-load-balancer-controller'],
      },
    ]);
  });

  it('has no OIDC provider, TLS lookup or role annotation', () => {
    expect(resources(tf, 'aws_iam_openid_connect_provider')).toEqual([]);
    expect(dataSources(tf, 'tls_certificate')).toEqual([]);
    expect(tf.provider.tls).toBeUndefined();
    expect(JSON.stringify({ ...tf, removed: undefined })).not.toContain('oidc');
    expect(lbcRelease(tf).values[0]).toContain(
      'serviceAccount:\n  create: true\n  name: aws-load-balancer-controller\n  annotations: {}\n',
    );
  });

  it('installs the Pod Identity agent add-on only when asked, before the controller starts', () => {
    expect(resources(tf, 'aws_eks_addon')).toEqual([]);
    const withAgent = withLbc(
      { identity: 'pod-identity' },
      { externalDns: [], installPodIdentityAgent: true },
    );
    const [addon] = resources(withAgent, 'aws_eks_addon');
    expect(addon).toMatchObject({
      cluster_name: 'edge-demo',
      addon_name: 'eks-pod-identity-agent',
    });
    expect(lbcRelease(withAgent).depends_on).toContain(
      addressOf(withAgent, 'aws_eks_addon', addon),
    );
  });

  describe('the Pod Identity agent add-on on a live cluster', () => {
    const withAgent = (onRemoval?: string) =>
      withLbc(
        { identity: 'pod-identity' },
        { externalDns: [], installPodIdentityAgent: true, podIdentityAgentOnRemoval: onRemoval },
      );

    it('keeps the agent running when the stack stops managing it, unless told to uninstall it', () => {
      expect(resources(withAgent(), 'aws_eks_addon')[0].preserve).toBe(true);
      expect(resources(withAgent('keep'), 'aws_eks_addon')[0].preserve).toBe(true);
      expect(resources(withAgent('uninstall'), 'aws_eks_addon')[0].preserve).toBe(false);
    });

    it('adopts the add-on where the cluster runs its DaemonSet, and creates it only where it does not', () => {
      const tf = withAgent();
      const [address] = Object.keys(tf.resource.aws_eks_addon);
      const adopt = (tf.import as Json[]).find((i) => i.to === `aws_eks_addon.${address}`);
      expect(adopt?.id).toBe('${each.value}');
      const lookup = resourceAt(tf, 'kubernetes_resources', 'pod-identity-agent-running');
      expect(lookup).toMatchObject({
        api_version: 'apps/v1',
        kind: 'DaemonSet',
        namespace: 'kube-system',
        field_selector: 'metadata.name=eks-pod-identity-agent',
      });
      // The for_each, evaluated by Terraform over what the lookup finds on a live cluster.
      const forEach = (objects: string) =>
        terraformEval(
          adopt!.for_each
            .slice(2, -1)
            .replace(/data\.kubernetes_resources\.[\w-]+\.objects/g, objects),
        );
      if (has(TERRAFORM)) {
        expect(forEach('null')).toEqual([]);
        expect(forEach('[]')).toEqual([]);
        expect(forEach('[{ metadata = { name = "eks-pod-identity-agent" } }]')).toEqual([
          'edge-demo:eks-pod-identity-agent',
        ]);
      }
    });
  });

  it('starts the controller only after the association exists', () => {
    const [association] = resources(tf, 'aws_eks_pod_identity_association');
    expect(lbcRelease(tf).depends_on).toContain(
      addressOf(tf, 'aws_eks_pod_identity_association', association),
    );
  });
});

describe('an existing OIDC provider', () => {
  const arn =
    'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  const tf = withLbc({}, { existingOidcProviderArn: arn });

  it('must belong to this cluster: the plan fails if its URL is not the cluster issuer', () => {
    const existing = resourceAt(tf, 'aws_iam_openid_connect_provider', 'oidc/existing');
    expect(existing.arn).toBe(arn);
    expect(existing.lifecycle.postcondition[0].condition).toBe(
      '${trimprefix(self.url, "https://") == trimprefix(data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://")}',
    );
  });

  it('is trusted by ARN, with its issuer as the condition prefix, and nothing is created', () => {
    expect(resources(tf, 'aws_iam_openid_connect_provider')).toEqual([]);
    expect(dataSources(tf, 'tls_certificate')).toEqual([]);
    const [statement] = lbcTrust(tf).statement;
    expect(statement.principals).toEqual([{ type: 'Federated', identifiers: [arn] }]);
    expect(statement.condition.map((c: Json) => c.variable)).toEqual([
      'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub',
      'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud',
    ]);
  });
});

describe('migration from the ALB Ingress Controller v1', () => {
  it('attaches the upstream migration policy before the controller starts', () => {
    const tf = withLbc({ migrateFromV1: true });
    const download = policyDownload(tf, 'migration');
    expect(download.url).toBe(
      'https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/docs/install/iam_policy_v1_to_v2_additional.json',
    );
    expect(download.lifecycle.postcondition[1].condition).toContain(SHA_MIGRATION);
    const attachment = resourceAt(tf, 'aws_iam_role_policy_attachment', 'identity/v1-migration');
    const migrationPolicy = resourceAt(tf, 'aws_iam_policy', 'iam/migration/policy');
    expect(attachment.policy_arn).toBe(
      `\${${addressOf(tf, 'aws_iam_policy', migrationPolicy)}.arn}`,
    );
    expect(lbcRelease(tf).depends_on).toContain(
      addressOf(tf, 'aws_iam_role_policy_attachment', attachment),
    );
  });

  it('rewrites the commercial-partition ARNs of the migration policy in other partitions', () => {
    const tf = withLbc({ migrateFromV1: true }, { region: 'us-gov-west-1' });
    const migrationPolicy = resourceAt(tf, 'aws_iam_policy', 'iam/migration/policy');
    expect(migrationPolicy.policy).toMatch(
      /^\$\{replace\(data\.http\..*\.response_body, "arn:aws:", "arn:aws-us-gov:"\)\}$/,
    );
  });

  it('is absent unless asked for', () => {
    expect(JSON.stringify(example())).not.toContain('v1_to_v2');
  });
});

describe('chart values from the user', () => {
  it('are merged under the managed values', () => {
    const tf = withLbc({
      values: { enableServiceMutatorWebhook: false, resources: { limits: { memory: '256Mi' } } },
    });
    const [values] = lbcRelease(tf).values;
    expect(values).toContain(
      'enableServiceMutatorWebhook: false\nresources:\n  limits:\n    memory: 256Mi\nclusterName: edge-demo\n',
    );
  });
});

describe('an S3 backend', () => {
  it('gives each stack its own key, with encryption and S3 lock files', () => {
    const config = configWith((raw) => {
      raw.backend = {
        type: 's3',
        bucket: 'acme-tf-state',
        region: 'eu-west-1',
        keyPrefix: 'platform/edge',
      };
    }, coreExampleRaw());
    const tf = synthesizeCluster(config);
    expect(tf.terraform.backend.s3).toEqual({
      bucket: 'acme-tf-state',
      key: 'platform/edge/prod-edge-demo.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
  });
});

describe('clusters sharing a VPC', () => {
  const SUBNETS = [
    'subnet-0a1b2c3d4e5f60001',
    'subnet-0a1b2c3d4e5f60002',
    'subnet-0a1b2c3d4e5f60011',
    'subnet-0a1b2c3d4e5f60012',
  ];
  /** The core example plus a staging cluster on the same subnets, whose role tags `owner` owns. */
  const shared = (
    owner: 'prod' | 'staging',
    order: 'prod-first' | 'staging-first' = 'prod-first',
  ) =>
    synthesize(
      configWith((raw) => {
        const [prod] = raw.clusters;
        prod.subnets.tagClusterShared = true;
        const staging = {
          ...structuredClone(prod),
          environment: 'staging',
          clusterName: 'edge-staging',
        };
        const [owning, other] = owner === 'prod' ? [prod, staging] : [staging, prod];
        other.subnets.roleTagOwnedBy = Object.fromEntries(
          SUBNETS.map((id) => [id, `${owning.environment}-${owning.clusterName}`]),
        );
        raw.clusters = order === 'prod-first' ? [prod, staging] : [staging, prod];
      }, coreExampleRaw()),
    );
  const tags = (stacks: Record<string, Json>, name: string) =>
    resources(stacks[name], 'aws_ec2_tag').map((t) => `${t.resource_id} ${t.key}`);

  it('are tagged by the one named owner; each cluster adds its own cluster tag', () => {
    const stacks = shared('prod');
    expect(tags(stacks, 'prod-edge-demo')).toContain(
      'subnet-0a1b2c3d4e5f60001 kubernetes.io/role/elb',
    );
    expect(tags(stacks, 'prod-edge-demo')).toContain(
      'subnet-0a1b2c3d4e5f60001 kubernetes.io/cluster/edge-demo',
    );
    expect(tags(stacks, 'staging-edge-staging').sort()).toEqual(
      SUBNETS.map((id) => `${id} kubernetes.io/cluster/edge-staging`),
    );
  });

  it('keep every tag in its stack when the clusters are reordered', () => {
    const [before, after] = [shared('prod', 'prod-first'), shared('prod', 'staging-first')];
    for (const stack of ['prod-edge-demo', 'staging-edge-staging']) {
      expect(after[stack].resource.aws_ec2_tag).toEqual(before[stack].resource.aws_ec2_tag);
    }
  });

  it('move ownership only by the explicit edit, releasing (never deleting) the tag in the old owner', () => {
    const [before, after] = [shared('prod'), shared('staging')];
    const prodRoleTag = Object.entries(before['prod-edge-demo'].resource.aws_ec2_tag as Json).find(
      ([, tag]) => tag.resource_id === SUBNETS[0] && tag.key === 'kubernetes.io/role/elb',
    );
    expect(after['prod-edge-demo'].removed).toContainEqual({
      from: `aws_ec2_tag.${prodRoleTag?.[0]}`,
      lifecycle: { destroy: false },
    });
    expect(tags(after, 'staging-edge-staging')).toContain(`${SUBNETS[0]} kubernetes.io/role/elb`);
    expect(releasedOf(after['prod-edge-demo'], 'aws_ec2_tag')).toHaveLength(SUBNETS.length);
  });

  it('are rejected when two clusters would both tag a subnet, naming the edit that fixes it', () => {
    const issues = configIssues((raw) => {
      raw.clusters.push({
        ...structuredClone(raw.clusters[0]),
        environment: 'staging',
        clusterName: 'edge-staging',
      });
    }, coreExampleRaw());
    expect(issues).toContainEqual(
      'clusters[1].subnets.roleTagOwnedBy: subnet-0a1b2c3d4e5f60001 is also listed by clusters[0]: exactly one cluster tags its kubernetes.io/role tag; add subnet-0a1b2c3d4e5f60001: prod-edge-demo here (or name another owner)',
    );
  });

  it('reject an owner that does not tag the subnet, and accept one outside the project', () => {
    const issues = configIssues((raw) => {
      raw.clusters[0].subnets.roleTagOwnedBy = { [SUBNETS[0]]: 'prod-other' };
    }, coreExampleRaw());
    expect(issues).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.subnets\.roleTagOwnedBy: subnet-0a1b2c3d4e5f60001: prod-other does not tag it \(allowed: external/,
      ),
    );
    const external = synthesize(
      configWith(
        (raw) => (raw.clusters[0].subnets.roleTagOwnedBy = { [SUBNETS[0]]: 'external' }),
        coreExampleRaw(),
      ),
    )['prod-edge-demo'];
    expect(tags({ s: external }, 's')).not.toContain(`${SUBNETS[0]} kubernetes.io/role/elb`);
    expect(releasedOf(external, 'aws_ec2_tag')).toHaveLength(1);
  });
});

describe('several clusters', () => {
  it('make one stack each, each with its own provider account and state', () => {
    const config = configWith((raw) => {
      const second = structuredClone(raw.clusters[0]);
      Object.assign(second, {
        environment: 'staging',
        accountId: '444455556666',
        region: 'us-east-1',
        subnets: { public: ['subnet-0b1b2c3d4e5f60001'] },
      });
      raw.clusters.push(second);
    }, coreExampleRaw());
    const stacks = synthesize(config);
    expect(Object.keys(stacks)).toEqual([
      'prod-edge-demo',
      'prod-edge-demo-edge',
      'staging-edge-demo',
      'staging-edge-demo-edge',
    ]);
    expect(stacks['staging-edge-demo'].provider.aws[0]).toMatchObject({
      region: 'us-east-1',
      allowed_account_ids: ['444455556666'],
    });
    expect(stacks['staging-edge-demo'].terraform.backend.local.path).toBe(
      '../../../terraform.staging-edge-demo.tfstate',
    );
  });
});

describe('the OIDC provider on day 2', () => {
  const irsa = withLbc({}, { externalDns: [] });
  const podIdentity = (oidcProvider?: string) =>
    withLbc(
      { identity: 'pod-identity' },
      { externalDns: [], ...(oidcProvider ? { oidcProvider } : {}) },
    );
  const [providerName] = Object.keys(irsa.resource.aws_iam_openid_connect_provider);
  const providerAddress = `aws_iam_openid_connect_provider.${providerName}`;

  it('is released, not destroyed, when the last IRSA workload moves to Pod Identity', () => {
    const after = podIdentity();
    expect(resources(after, 'aws_iam_openid_connect_provider')).toEqual([]);
    expect(releasedOf(after, 'aws_iam_openid_connect_provider')).toEqual([providerAddress]);
  });

  it('is deleted only with the explicit when-needed-then-delete setting', () => {
    expect(
      releasedOf(podIdentity('when-needed-then-delete'), 'aws_iam_openid_connect_provider'),
    ).toEqual([]);
    expect(releasedOf(irsa, 'aws_iam_openid_connect_provider')).toEqual([]);
  });

  it('stays managed with `always`, at the same address, when no workload uses IRSA', () => {
    const always = podIdentity('always');
    expect(Object.keys(always.resource.aws_iam_openid_connect_provider)).toEqual([providerName]);
    expect(releasedOf(always, 'aws_iam_openid_connect_provider')).toEqual([]);
  });

  it('is released when an existing provider replaces it', () => {
    const existing = withLbc(
      {},
      {
        externalDns: [],
        existingOidcProviderArn:
          'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
      },
    );
    expect(releasedOf(existing, 'aws_iam_openid_connect_provider')).toEqual([providerAddress]);
  });
});

describe('an identity switch', () => {
  const podAnnotations = (tf: Json, release: string) =>
    parse(resourceAt(tf, 'helm_release', `${release}/release`).values[0]).podAnnotations;

  it.each([
    ['irsa', 'pod-identity'],
    ['pod-identity', 'irsa'],
  ])(
    'of the controller from %s to %s changes its pod template, so its pods restart with the new credentials',
    (from, to) => {
      const [before, after] = [from, to].map((identity) =>
        withLbc({ identity }, { externalDns: [] }),
      );
      expect(podAnnotations(before, 'aws-load-balancer-controller')).toEqual({
        'eks-edge/identity': `${from} edge-demo-aws-load-balancer-controller`,
      });
      expect(podAnnotations(after, 'aws-load-balancer-controller')).toEqual({
        'eks-edge/identity': `${to} edge-demo-aws-load-balancer-controller`,
      });
    },
  );

  it('of an ExternalDNS instance to the node role changes its pod template too', () => {
    const nodes = synthesizeCluster(
      configWith(
        (raw) =>
          Object.assign(raw.clusters[0].externalDns[0], {
            identity: 'node-role',
            nodeRoleNames: ['nodes'],
          }),
        coreExampleRaw(),
      ),
    );
    expect(podAnnotations(nodes, 'external-dns-public')).toEqual({
      'eks-edge/identity': 'node-role nodes',
    });
  });

  it('is the only thing that changes the annotation: other edits leave the pods alone', () => {
    const before = withLbc({}, { externalDns: [] });
    const after = withLbc(
      { replicaCount: 3, values: { podAnnotations: { team: 'edge' } } },
      { externalDns: [] },
    );
    expect(podAnnotations(after, 'aws-load-balancer-controller')).toEqual({
      ...podAnnotations(before, 'aws-load-balancer-controller'),
      team: 'edge',
    });
  });

  it('may not be overridden through the chart values', () => {
    expect(
      configIssues(
        (raw) =>
          (raw.clusters[0].loadBalancerController.values = {
            podAnnotations: { 'eks-edge/identity': 'x' },
          }),
      ),
    ).toContainEqual(
      expect.stringMatching(
        /^clusters\[0\]\.loadBalancerController\.values\.podAnnotations\.eks-edge\/identity: is set by this project/,
      ),
    );
  });
});

describe('moving the state from local files to S3', () => {
  it('changes the backend block of every stack, the Terraform it needs and the state tag of each role, nothing else', () => {
    const local = synthesize(configWith(() => undefined));
    const s3 = synthesize(
      configWith(
        (raw) => (raw.backend = { type: 's3', bucket: 'acme-tf-state', region: 'eu-west-1' }),
      ),
    );
    expect(Object.keys(s3)).toEqual(Object.keys(local));
    // cdktf's own metadata (`//`) names the backend type too; Terraform ignores it.
    const withoutBackend = (tf: Json) => ({
      ...tf,
      '//': undefined,
      terraform: { ...tf.terraform, backend: undefined, required_version: undefined },
    });
    for (const stack of Object.keys(local)) {
      expect(local[stack].terraform.backend).toHaveProperty('local');
      expect(s3[stack].terraform.backend).toHaveProperty('s3');
      // S3-native locking (use_lockfile) needs Terraform 1.10.
      expect(s3[stack].terraform.required_version).toBe('>= 1.10');
      // The roles name the state they belong to (an update in place), and their name claim
      // compares it (a check, not a change): see role-ownership.test.ts.
      const roles = (tf: Json) => Object.values(tf.resource?.aws_iam_role ?? {}) as Json[];
      const location = `s3://acme-tf-state/eks-edge/${stack}.tfstate`;
      for (const role of roles(s3[stack])) {
        expect(role.tags[ROLE_OWNER_TAGS.state]).toBe(location);
        expect(role.lifecycle.precondition[0].condition).toContain(`"${location}"`);
        delete role.tags[ROLE_OWNER_TAGS.state];
      }
      for (const role of [...roles(s3[stack]), ...roles(local[stack])]) delete role.lifecycle;
      expect(withoutBackend(s3[stack])).toEqual(withoutBackend(local[stack]));
    }
  });
});

describe('what a destroy of the cluster stack may delete', () => {
  const tf = synthesizeCluster(configWith(() => undefined));
  const crdManifests = (stack: Json) =>
    Object.entries(stack.resource.kubernetes_manifest as Json).filter(([address]) =>
      address.includes('customresourcedefinition-'),
    );

  it('refuses to destroy a CRD or the OIDC provider unless the configuration says delete', () => {
    expect(crdManifests(tf).length).toBeGreaterThan(0);
    for (const [, crd] of crdManifests(tf)) expect(crd.lifecycle.prevent_destroy).toBe(true);
    expect(resources(tf, 'aws_iam_openid_connect_provider')[0].lifecycle).toEqual({
      prevent_destroy: true,
    });
    const deleting = synthesizeCluster(
      configWith((raw) =>
        Object.assign(raw.clusters[0], {
          crdsOnDestroy: 'delete',
          oidcProvider: 'when-needed-then-delete',
        }),
      ),
    );
    for (const [, crd] of crdManifests(deleting))
      expect(crd.lifecycle.prevent_destroy).toBeUndefined();
    expect(resources(deleting, 'aws_iam_openid_connect_provider')[0].lifecycle).toBeUndefined();
  });

  it('releases them when retiring, and reads the provider by its ARN for the roles that still trust it', () => {
    const retiring = synthesizeCluster(configWith((raw) => (raw.clusters[0].retiring = true)));
    expect(retiring.resource.kubernetes_manifest).toBeUndefined();
    expect(resources(retiring, 'aws_iam_openid_connect_provider')).toEqual([]);
    const released = (retiring.removed as Json[]).map((r) => r.from);
    for (const [address] of [
      ...crdManifests(tf),
      ...Object.keys(tf.resource.aws_iam_openid_connect_provider).map((a) => [a]),
    ])
      expect(released.some((from) => from.endsWith(`.${address}`))).toBe(true);
    expect(dataSources(retiring, 'aws_iam_openid_connect_provider')[0].arn).toBe(
      'arn:aws:iam::111122223333:oidc-provider/${replace(data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}',
    );
    // With delete, retiring keeps them in the stack, so that the destroy deletes them.
    const deleting = synthesizeCluster(
      configWith((raw) =>
        Object.assign(raw.clusters[0], {
          retiring: true,
          crdsOnDestroy: 'delete',
          oidcProvider: 'when-needed-then-delete',
        }),
      ),
    );
    expect(crdManifests(deleting).length).toBe(crdManifests(tf).length);
    expect(resources(deleting, 'aws_iam_openid_connect_provider')).toHaveLength(1);
  });

  withTerraform(
    'prevent_destroy stops a destroy plan before it deletes anything (Terraform itself)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'eks-edge-prevent-'));
      try {
        const terraform = (...args: string[]) =>
          spawnSync('terraform', args, {
            cwd: dir,
            encoding: 'utf8',
            env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
          });
        writeFileSync(
          join(dir, 'main.tf.json'),
          JSON.stringify({
            resource: {
              terraform_data: {
                crd: { input: 'a', lifecycle: { prevent_destroy: true } },
                other: { input: 'b' },
              },
            },
          }),
        );
        expect(terraform('apply', '-auto-approve', '-input=false', '-no-color').status).toBe(0);
        const destroy = terraform('plan', '-destroy', '-input=false', '-no-color');
        expect(destroy.status).toBe(1);
        expect(destroy.stderr).toContain('Instance cannot be destroyed');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
