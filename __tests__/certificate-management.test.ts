/**
 * The controller's ACM certificate management (`loadBalancerController.certificateManagement`):
 * the gate and policy only when configured, and a policy narrower than upstream's: Route 53
 * changes only of ACM validation records in the named zones, Private CA issuance only from the
 * named authorities. Evaluated with the IAM evaluator, as compliant / non-compliant pairs, and
 * held against the upstream file it is derived from.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CERTIFICATE_MANAGEMENT_POLICY } from '../catalog/aws-load-balancer-controller';
import { certificateManagementStatements } from '../config/derived/certificate-management-policy';
import {
  attachedBeforeController,
  controllerFeatureGates,
  controllerIssues,
  requires,
  resourceAt,
  resources,
  sharedUpstream,
  withController,
} from './helpers';
import type { Json } from './helpers';
import { evaluate, iamPolicyFrom, requestsOf } from './iam-evaluation';
import type { IamPolicyJson } from './iam-evaluation';

const upstreamPolicy = sharedUpstream(
  `aws-load-balancer-controller/v3.5.0/${CERTIFICATE_MANAGEMENT_POLICY.file}`,
);
const UPSTREAM_FILE = upstreamPolicy.name;
const upstreamIt = requires(upstreamPolicy).it;

const ACCOUNT = '111122223333';
const ZONE = 'Z0EXAMPLEPUBLIC0001';
const OTHER_ZONE = 'Z0EXAMPLEOTHER00001';
const CA = `arn:aws:acm-pca:eu-west-1:${ACCOUNT}:certificate-authority/12345678-1234-1234-1234-123456789012`;
const OTHER_CA = `arn:aws:acm-pca:eu-west-1:${ACCOUNT}:certificate-authority/87654321-4321-4321-4321-210987654321`;
const SETTINGS = { zones: [{ name: 'example.com', id: ZONE }] };

/** The synthesized policy document, as IAM reads it. */
const policyOf = (tf: Json): IamPolicyJson =>
  iamPolicyFrom(
    resourceAt(
      tf,
      'aws_iam_policy_document',
      'aws-load-balancer-controller/certificate-management/access',
    ),
  );

const request = requestsOf(`arn:aws:iam::${ACCOUNT}:role/edge-demo-aws-load-balancer-controller`);
/** A change of one record, as Route 53 gives it to IAM. */
const change = (zone: string, action: string, type: string, name: string) =>
  request('route53:ChangeResourceRecordSets', `arn:aws:route53:::hostedzone/${zone}`, {
    'route53:ChangeResourceRecordSetsActions': [action],
    'route53:ChangeResourceRecordSetsRecordTypes': [type],
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': [name],
  });
const VALIDATION = '_3639ac514e785e898d2646601fa951d5.app.example.com';

describe('certificate management', () => {
  it('is off by default: no policy, the gate left at its default (off)', () => {
    const tf = withController({});
    expect(resources(tf, 'aws_iam_policy').map((p) => p.name)).not.toContainEqual(
      expect.stringContaining('certificates'),
    );
    expect(controllerFeatureGates(tf)).not.toHaveProperty('EnableCertificateManagement');
  });

  it('attaches its policy before the controller starts, with the gate on', () => {
    const tf = withController({ certificateManagement: SETTINGS });
    const policy = attachedBeforeController(
      tf,
      'certificate-management/policy',
      'certificate-management',
    );
    expect(policy.name).toBe('edge-demo-aws-load-balancer-controller-certificates');
    expect(controllerFeatureGates(tf)).toMatchObject({ EnableCertificateManagement: true });
  });

  it('looks a zone without id up by name, as a public zone', () => {
    const tf = withController({ certificateManagement: { zones: [{ name: 'example.net' }] } });
    const zone = resourceAt(tf, 'aws_route53_zone', 'certificate-management/zone-example.net');
    expect(zone).toMatchObject({ name: 'example.net', private_zone: false });
  });

  describe('what the role may do (IAM evaluator)', () => {
    const policies = [policyOf(withController({ certificateManagement: SETTINGS }))];

    it('writes and deletes the validation records of its zones', async () => {
      expect(await evaluate(change(ZONE, 'CREATE', 'CNAME', VALIDATION), policies)).toBe('Allowed');
      expect(await evaluate(change(ZONE, 'DELETE', 'CNAME', VALIDATION), policies)).toBe('Allowed');
    });

    it('writes nothing else: no other zone, name, type or action', async () => {
      const denied = [
        change(OTHER_ZONE, 'CREATE', 'CNAME', VALIDATION),
        change(ZONE, 'CREATE', 'CNAME', 'www.example.com'),
        change(ZONE, 'CREATE', 'A', '_x.example.com'),
        change(ZONE, 'UPSERT', 'CNAME', VALIDATION),
        change(ZONE, 'CREATE', 'CNAME', '_x.example.org'),
      ];
      for (const r of denied)
        expect([r, await evaluate(r, policies)]).toEqual([r, 'ImplicitlyDenied']);
    });

    it('requests and deletes only certificates tagged as its own', async () => {
      const tag = 'elbv2.k8s.aws/cluster';
      const tagged = { [`aws:RequestTag/${tag}`]: 'edge-demo', 'aws:TagKeys': [tag] };
      expect(await evaluate(request('acm:RequestCertificate', '*', tagged), policies)).toBe(
        'Allowed',
      );
      expect(await evaluate(request('acm:RequestCertificate', '*'), policies)).toBe(
        'ImplicitlyDenied',
      );
      const certificate = `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/1234`;
      const own = { [`aws:ResourceTag/${tag}`]: 'edge-demo' };
      expect(await evaluate(request('acm:DeleteCertificate', certificate, own), policies)).toBe(
        'Allowed',
      );
      expect(await evaluate(request('acm:DeleteCertificate', certificate), policies)).toBe(
        'ImplicitlyDenied',
      );
    });

    it('issues from the named Private CAs only, and from none unless named', async () => {
      const issue = (ca: string) => request('acm-pca:IssueCertificate', ca);
      expect(await evaluate(issue(CA), policies)).toBe('ImplicitlyDenied');
      const withCa = [
        policyOf(
          withController({
            certificateManagement: { ...SETTINGS, privateCertificateAuthorities: [CA] },
          }),
        ),
      ];
      expect(await evaluate(issue(CA), withCa)).toBe('Allowed');
      expect(await evaluate(issue(OTHER_CA), withCa)).toBe('ImplicitlyDenied');
    });
  });

  describe('against upstream iam_policy_acm_certs.json', () => {
    const upstream = (): IamPolicyJson => {
      const body = readFileSync(UPSTREAM_FILE);
      expect(createHash('sha256').update(body).digest('hex')).toBe(
        CERTIFICATE_MANAGEMENT_POLICY.sha256,
      );
      return JSON.parse(body.toString('utf8'));
    };
    const actions = (policy: IamPolicyJson) =>
      [...new Set(policy.Statement.flatMap((s) => s.Action as string[]))].sort();

    upstreamIt('grants the same actions, no more', () => {
      const ours = certificateManagementStatements({
        zoneArns: [`arn:aws:route53:::hostedzone/${ZONE}`],
        zoneNames: ['example.com'],
        certificateAuthorityArns: [CA],
      });
      expect(ours.flatMap((s) => s.actions).sort()).toEqual(actions(upstream()));
    });

    upstreamIt('is narrower where upstream grants on *: what it allows and we deny', async () => {
      const ours = [policyOf(withController({ certificateManagement: SETTINGS }))];
      const wider = [
        change(OTHER_ZONE, 'UPSERT', 'A', 'www.example.org'),
        request('acm-pca:IssueCertificate', OTHER_CA),
      ];
      for (const r of wider) {
        expect(await evaluate(r, [upstream()])).toBe('Allowed');
        expect(await evaluate(r, ours)).toBe('ImplicitlyDenied');
      }
    });
  });

  it('is refused where it cannot work, naming the setting', () => {
    expect(controllerIssues({ certificateManagement: SETTINGS, version: 'v3.2.2' })).toEqual([
      'clusters[0].loadBalancerController.certificateManagement: certificate management is part of the controller from v3.3.0; v3.2.2 does not have it: set version to v3.3.0 or later, or remove this setting',
    ]);
    const privateZone = { zones: [{ name: 'internal.example.com', id: ZONE, private: true }] };
    expect(controllerIssues({ certificateManagement: privateZone })).toEqual([
      'clusters[0].loadBalancerController.certificateManagement.zones[0].private: ACM validates certificates through public DNS, which never sees a private zone: name public zones only',
    ]);
    const govCa = CA.replace('arn:aws:', 'arn:aws-us-gov:');
    expect(
      controllerIssues({
        certificateManagement: { ...SETTINGS, privateCertificateAuthorities: [govCa] },
      }),
    ).toEqual([
      `clusters[0].loadBalancerController.certificateManagement.privateCertificateAuthorities[0]: ${govCa} is not in the cluster's partition aws`,
    ]);
    expect(controllerIssues({ certificateManagement: SETTINGS, enabled: false })).toEqual([
      'clusters[0].loadBalancerController.certificateManagement: is a part of the controller, which enabled: false leaves out; remove it, or enable the controller',
    ]);
    expect(
      controllerIssues({
        values: { controllerConfig: { featureGates: { EnableCertificateManagement: true } } },
      }),
    ).toEqual([
      'clusters[0].loadBalancerController.values.controllerConfig.featureGates.EnableCertificateManagement: turns on certificate management without its IAM policy; set certificateManagement instead (it attaches the policy and sets the gates it needs), and remove this value',
    ]);
    expect(controllerIssues({ certificateManagement: { zones: [] } })).toEqual([
      'clusters[0].loadBalancerController.certificateManagement.zones: list at least one zone',
    ]);
  });
});
