/**
 * Construct-level tests: each construct synthesized on its own (`Testing.synthScope`), as
 * compliant / non-compliant pairs. The example-driven suites test the stacks; these pin what each
 * building block guarantees whatever stack it is used in.
 */
import { Testing } from 'cdktf';
import { AlbAccessLogs } from '../modules/alb-edge/access-logs';
import { gateway, loadBalancerConfiguration } from '../modules/alb-edge/gateways';
import type { AlbGatewayProps } from '../modules/alb-edge/gateways';
import { EksOidcProvider } from '../modules/identity/eks-oidc-provider';
import { WorkloadIdentity } from '../modules/identity/workload-identity';
import type { IdentityMechanism } from '../modules/identity/workload-identity';
import type { Json } from './helpers';
import { evaluate, iamPolicyFrom } from './iam-evaluation';

const ACCOUNT = '111122223333';
const CLUSTER_ARN = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/edge-demo`;
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

function synth(
  build: (scope: Parameters<Parameters<typeof Testing.synthScope>[0]>[0]) => void,
): Json {
  return JSON.parse(Testing.synthScope(build));
}

const only = (tf: Json, block: 'resource' | 'data', type: string): Json => {
  const entries = Object.values(tf[block]?.[type] ?? {}) as Json[];
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0];
};

function identity(mechanism: IdentityMechanism): Json {
  return synth((scope) => {
    const made = new WorkloadIdentity(scope, 'identity', {
      mechanism,
      serviceAccount: { namespace: 'kube-system', name: 'aws-load-balancer-controller' },
      roleName: 'edge-demo-aws-load-balancer-controller',
      roleOptions: {
        path: '/',
        maxSessionDuration: 3600,
        owner: { stack: 'prod-edge-demo' },
        renamedBy: 'clusters[0].namePrefix',
      },
    });
    made.attachPolicy('controller', `arn:aws:iam::${ACCOUNT}:policy/controller`);
  });
}

describe('WorkloadIdentity with IRSA', () => {
  const tf = identity({ mode: 'irsa', oidcProviderArn: OIDC_ARN, issuerHostPath: ISSUER });
  const trust = only(tf, 'data', 'aws_iam_policy_document').statement[0];

  it('is trusted by the cluster OIDC provider for exactly its service account and the STS audience', () => {
    expect(trust.principals).toEqual([{ type: 'Federated', identifiers: [OIDC_ARN] }]);
    expect(trust.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(trust.condition).toEqual([
      {
        test: 'StringEquals',
        variable: `${ISSUER}:sub`,
        values: ['system:serviceaccount:kube-system:aws-load-balancer-controller'],
      },
      { test: 'StringEquals', variable: `${ISSUER}:aud`, values: ['sts.amazonaws.com'] },
    ]);
  });

  it('has no wildcard subject and no other principal (non-compliant: a `*` in sub)', () => {
    const values = trust.condition.flatMap((c: Json) => c.values);
    expect(values.some((v: string) => v.includes('*'))).toBe(false);
    expect(trust.condition.every((c: Json) => c.test === 'StringEquals')).toBe(true);
  });

  it('attaches policies to its own role only, and needs no Pod Identity association', () => {
    const attachment = only(tf, 'resource', 'aws_iam_role_policy_attachment');
    expect(attachment.role).toMatch(/^\$\{aws_iam_role\..*\.name\}$/);
    expect(tf.resource.aws_eks_pod_identity_association).toBeUndefined();
  });
});

describe('WorkloadIdentity with EKS Pod Identity', () => {
  const tf = identity({
    mode: 'pod-identity',
    clusterName: 'edge-demo',
    clusterArn: CLUSTER_ARN,
    accountId: ACCOUNT,
  });
  const trust = iamPolicyFrom(only(tf, 'data', 'aws_iam_policy_document'));
  const assume = (context: Record<string, string>) =>
    evaluate(
      {
        principal: 'pods.eks.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/edge-demo-aws-load-balancer-controller`,
        resourceAccount: ACCOUNT,
        context,
      },
      [],
      trust,
    );

  it('associates the role with its service account in its cluster', () => {
    expect(only(tf, 'resource', 'aws_eks_pod_identity_association')).toMatchObject({
      cluster_name: 'edge-demo',
      namespace: 'kube-system',
      service_account: 'aws-load-balancer-controller',
    });
  });

  it('names only the Pod Identity service as principal, for this account and cluster', () => {
    const [statement] = trust.Statement;
    expect(statement.Principal).toEqual({ Service: ['pods.eks.amazonaws.com'] });
    expect(statement.Condition).toEqual({
      StringEquals: {
        'aws:SourceAccount': [ACCOUNT],
        'aws:RequestTag/eks-cluster-arn': [CLUSTER_ARN],
        'aws:RequestTag/kubernetes-namespace': ['kube-system'],
        'aws:RequestTag/kubernetes-service-account': ['aws-load-balancer-controller'],
      },
      ArnEquals: { 'aws:SourceArn': [CLUSTER_ARN] },
    });
  });

  it('denies the service acting for another cluster or account (confused deputy)', async () => {
    const service = {
      'aws:PrincipalServiceName': 'pods.eks.amazonaws.com',
      'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
      'aws:RequestTag/kubernetes-namespace': 'kube-system',
      'aws:RequestTag/kubernetes-service-account': 'aws-load-balancer-controller',
    };
    await expect(
      assume({ ...service, 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': CLUSTER_ARN }),
    ).resolves.toBe('Allowed');
    await expect(
      assume({
        ...service,
        'aws:SourceAccount': ACCOUNT,
        'aws:SourceArn': CLUSTER_ARN.replace('edge-demo', 'other'),
      }),
    ).resolves.not.toBe('Allowed');
    await expect(
      assume({ ...service, 'aws:SourceAccount': '444455556666', 'aws:SourceArn': CLUSTER_ARN }),
    ).resolves.not.toBe('Allowed');
  });
});

describe('WorkloadIdentity on node roles', () => {
  it('creates no role, attaches to every node role, and warns (non-compliant by design)', () => {
    const tf = identity({ mode: 'node-role', nodeRoleNames: ['nodes-a', 'nodes-b'] });
    expect(tf.resource.aws_iam_role).toBeUndefined();
    const attachments = Object.values(tf.resource.aws_iam_role_policy_attachment) as Json[];
    expect(attachments.map((a) => a.role).sort()).toEqual(['nodes-a', 'nodes-b']);
  });
});

describe('EksOidcProvider', () => {
  it('creates the provider from the issuer with the root CA thumbprint and the STS audience', () => {
    const tf = synth(
      (scope) => new EksOidcProvider(scope, 'oidc', { issuerUrl: `https://${ISSUER}` }),
    );
    const provider = only(tf, 'resource', 'aws_iam_openid_connect_provider');
    const certificate = Object.keys(tf.data.tls_certificate)[0];
    expect(provider).toMatchObject({
      url: `https://${ISSUER}`,
      client_id_list: ['sts.amazonaws.com'],
    });
    expect(provider.thumbprint_list).toEqual([
      `\${data.tls_certificate.${certificate}.certificates[0].sha1_fingerprint}`,
    ]);
  });

  it('reuses an existing provider only when its URL is the cluster issuer (plan-time check)', () => {
    const tf = synth(
      (scope) =>
        new EksOidcProvider(scope, 'oidc', {
          existingProviderArn: OIDC_ARN,
          issuerUrl: `https://${ISSUER}`,
        }),
    );
    expect(tf.resource?.aws_iam_openid_connect_provider).toBeUndefined();
    const existing = only(tf, 'data', 'aws_iam_openid_connect_provider');
    expect(existing.arn).toBe(OIDC_ARN);
    expect(existing.lifecycle.postcondition[0].condition).toBe(
      `\${trimprefix(self.url, "https://") == trimprefix(https://${ISSUER}, "https://")}`,
    );
  });
});

describe('AlbGateway objects', () => {
  const props: AlbGatewayProps = {
    name: 'public',
    namespace: 'gateway-system',
    className: 'aws-alb',
    lbcGatewayApiVersion: 'gateway.k8s.aws/v1',
    allowedRoutes: { from: 'All' },
    allowedListeners: { from: 'None' },
    schemeChange: { setting: 'albGroups[0].replaceOnSchemeChange', replace: false },
    group: 'public',
    scheme: 'internet-facing',
    certificateArns: [
      `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`,
    ],
    sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    inboundCidrs: ['10.8.0.0/16'],
    attributes: [],
  };

  it('with its own security group: names it and lets the controller manage backend rules', () => {
    const spec = loadBalancerConfiguration({ ...props, securityGroupId: 'sg-0123' }).spec;
    expect(spec).toMatchObject({
      securityGroups: ['sg-0123'],
      manageBackendSecurityGroupRules: true,
    });
    expect(spec.sourceRanges).toBeUndefined();
  });

  it('without one: limits the controller-made group to the inbound CIDRs', () => {
    const spec = loadBalancerConfiguration(props).spec;
    expect(spec.sourceRanges).toEqual(['10.8.0.0/16']);
    expect(spec.securityGroups).toBeUndefined();
  });

  it('listens on HTTPS only with a certificate, and takes it from the configuration, not certificateRefs', () => {
    const withCertificate = gateway(props).spec.listeners as Json[];
    expect(withCertificate.map((l) => `${l.protocol}:${l.port}`)).toEqual(['HTTP:80', 'HTTPS:443']);
    expect(withCertificate.every((l) => l.tls === undefined)).toBe(true);
    const plain = gateway({ ...props, certificateArns: [] }).spec.listeners as Json[];
    expect(plain.map((l) => `${l.protocol}:${l.port}`)).toEqual(['HTTP:80']);
  });
});

describe('AlbAccessLogs', () => {
  const logs = (elbAccount?: string): Json =>
    synth(
      (scope) =>
        new AlbAccessLogs(scope, 'logs', {
          bucketName: 'edge-demo-alb-logs',
          expirationDays: 30,
          forceDestroy: false,
          elbAccount,
          accountId: ACCOUNT,
          partition: 'aws',
        }),
    );
  /** The bucket policy with the bucket's ARN resolved (the document names the live bucket's). */
  const policyOf = (tf: Json) =>
    iamPolicyFrom(
      JSON.parse(
        JSON.stringify(only(tf, 'data', 'aws_iam_policy_document')).replace(
          /\$\{aws_s3_bucket\.[\w-]+\.arn\}/g,
          'arn:aws:s3:::edge-demo-alb-logs',
        ),
      ),
    );
  const put = (tf: Json, principal: string, key: string, secure = 'true') =>
    evaluate(
      {
        principal,
        action: 's3:PutObject',
        resource: `arn:aws:s3:::edge-demo-alb-logs/${key}`,
        resourceAccount: ACCOUNT,
        context: { 'aws:SecureTransport': secure },
      },
      // ELB's own side may write anywhere; the bucket policy decides.
      [
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }],
        },
      ],
      policyOf(tf),
    );
  const ELB_ROOT = 'arn:aws:iam::156460612806:root';

  it("lets the region's ELB account write this account's logs, over TLS only", async () => {
    const tf = logs('156460612806');
    await expect(put(tf, ELB_ROOT, `ingress/public/AWSLogs/${ACCOUNT}/x.gz`)).resolves.toBe(
      'Allowed',
    );
    await expect(put(tf, ELB_ROOT, 'ingress/public/AWSLogs/444455556666/x.gz')).resolves.not.toBe(
      'Allowed',
    );
    await expect(
      put(tf, ELB_ROOT, `ingress/public/AWSLogs/${ACCOUNT}/x.gz`, 'false'),
    ).resolves.toBe('ExplicitlyDenied');
  });

  it('in a region without an ELB account: no account principal at all', async () => {
    const tf = logs();
    expect(policyOf(tf).Statement.map((s) => s.Sid)).toEqual([
      'LogDeliveryService',
      'DenyInsecureTransport',
    ]);
    await expect(put(tf, ELB_ROOT, `ingress/public/AWSLogs/${ACCOUNT}/x.gz`)).resolves.not.toBe(
      'Allowed',
    );
  });

  it('blocks public access, enforces bucket-owner ownership and expires logs', () => {
    const tf = logs('156460612806');
    expect(only(tf, 'resource', 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(
      only(tf, 'resource', 'aws_s3_bucket_lifecycle_configuration').rule[0].expiration,
    ).toEqual([{ days: 30 }]);
  });
});
