/**
 * The controller's upstream IAM policy files, one per partition plus the v1 → v2 migration policy
 * and the Global Accelerator controller's policy, and their sha256 at the release tags. Each file
 * was byte-identical at every catalogued tag that has it (the Global Accelerator policy exists
 * from v2.17.0); a release whose file differs records its own sha256 (`policies` of its
 * LBC_RELEASES entry, written by `npm run catalog -- add lbc <tag>`).
 * Source: `docs/install/<file>` at each tag of kubernetes-sigs/aws-load-balancer-controller, e.g.
 * https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/docs/install/iam_policy.json
 */
import type { Partition } from '../partitions';

export type LbcPolicyFile =
  | 'iam_policy.json'
  | 'iam_policy_cn.json'
  | 'iam_policy_us-gov.json'
  | 'iam_policy_v1_to_v2_additional.json'
  | 'aga_controller_iam_policy.json';

export const POLICY_SHA256: Readonly<Record<LbcPolicyFile, string>> = {
  'iam_policy.json': '16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a',
  'iam_policy_cn.json': 'b1ac7c188d27a2cdb3095c7efd8376cd21705fe75d6ce91715558a85987b25bc',
  'iam_policy_us-gov.json': 'eff0caf0b8f205e63e09ee1ea37a90fba6a87a417ac40fc83da50b204a55f372',
  'iam_policy_v1_to_v2_additional.json':
    '1e07e08600fa5bb72805da789d361e972d1fc5602f877903348e885763e83b30',
  'aga_controller_iam_policy.json':
    '6e31a0693707f5e6974120edec6aa7059f968cb88d3a50e8b5a39b07c0dc0dfa',
};

/** Each partition has its own copy of the policy (ARN prefixes and service names differ). */
export const POLICY_FILE_BY_PARTITION: Readonly<Record<Partition, LbcPolicyFile>> = {
  aws: 'iam_policy.json',
  'aws-cn': 'iam_policy_cn.json',
  'aws-us-gov': 'iam_policy_us-gov.json',
};

/** Upstream ships the migration policy for the commercial partition only. */
export const MIGRATION_POLICY_FILE: LbcPolicyFile = 'iam_policy_v1_to_v2_additional.json';

/**
 * The Global Accelerator controller's policy (`GlobalAcceleratorController` feature gate), from
 * v2.17.0. Global Accelerator exists in the commercial partition only, and upstream ships the
 * file for it alone: docs/guide/globalaccelerator/installation.md at v3.5.0, "Prerequisites"
 * ("only available in the commercial AWS partition").
 */
export const GLOBAL_ACCELERATOR_POLICY = {
  file: 'aga_controller_iam_policy.json',
  since: 'v2.17.0',
  partitions: ['aws'],
} as const satisfies {
  readonly file: LbcPolicyFile;
  readonly since: string;
  readonly partitions: readonly Partition[];
};

/**
 * The certificate management policy (`EnableCertificateManagement`, from v3.3.0; byte-identical
 * at every catalogued tag from then). The project does not attach it as it is: it grants Route 53
 * changes and Private CA issuance on `*`, which the controller's own guide says to scope
 * (docs/guide/ingress/certificate_management.md at v3.5.0, "IAM Policy Scoping"). Its sha256 pins
 * the file the scoped policy (config/derived/certificate-management-policy.ts) is derived from.
 */
export const CERTIFICATE_MANAGEMENT_POLICY = {
  file: 'iam_policy_acm_certs.json',
  since: 'v3.3.0',
  sha256: '2a442c3d109dc623dd0ec089a06af9d57d1aaf585fbdae94e21371cb9038232e',
} as const;

/** The raw URL of a policy file at a release tag: always a tag, never a branch. */
export function policyUrl(version: string, file: LbcPolicyFile): string {
  return `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${version}/docs/install/${file}`;
}
