/**
 * The building blocks of the schema: how a setting is documented (`setting`, `named`), and the
 * value types settings share (ids, names, ARNs, lists, tags, chart values).
 */
import * as z from 'zod/mini';
import { PROJECT_TAG_KEYS } from '../naming';
import { unsupportedPartitionProblem } from '../../catalog/partitions';

/** Both charts' `serviceAccount.create`, as a setting of the controller and of each instance. */
export const CREATE_SERVICE_ACCOUNT =
  "`false`: the chart uses the service account `serviceAccountName`, which must exist (made by eksctl or another tool), and leaves it to its owner: Helm neither changes nor deletes it. Its `eks.amazonaws.com/role-arn` annotation is then yours to set: with `irsa` to this project's role, with `pod-identity` none (it would win over the association); the plan warns when it differs, and stops when the service account is missing or is the release's own (Helm would delete it: annotate it `helm.sh/resource-policy=keep` first). From `false` back to `true`, Helm refuses to take over the existing service account until it carries Helm's ownership labels.";

/** Documentation of one setting, shown in docs/configuration.md and by editors. */
export interface SettingDoc {
  /** What the setting means (Markdown). */
  readonly description: string;
  /** The default in words, where it is derived rather than a literal value. */
  readonly defaultText?: string;
}

/** A value type with a name for the docs' Type column. */
export function named<T extends z.ZodMiniType>(title: string, schema: T): T {
  z.globalRegistry.add(schema, { title });
  return schema;
}

/** Documents a setting (on a copy, so a shared type keeps no setting's text). */
export function setting<T extends z.ZodMiniType>(schema: T, doc: string | SettingDoc): T {
  const meta = typeof doc === 'string' ? { description: doc } : doc;
  const copy = schema.clone();
  z.globalRegistry.add(copy, { ...z.globalRegistry.get(schema), ...meta });
  return copy;
}

export const pattern = (title: string, regex: RegExp, message: string) =>
  named(title, z.string().check(z.regex(regex, message)));

export const accountId = pattern(
  '12-digit account id (quoted)',
  /^\d{12}$/,
  'must be a 12-digit AWS account id, quoted as a string (e.g. "111122223333")',
);
// The pattern admits the regions of the partitions refused below, so that they get the reason.
export const region = named(
  'AWS region',
  z.string().check(
    z.regex(
      /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de)-[a-z]+-\d{1,2}$/,
      'must be an AWS region name such as eu-west-1, us-gov-west-1 or cn-north-1',
    ),
    z.superRefine((value, context) => {
      const problem = unsupportedPartitionProblem(value);
      if (problem) context.issues.push({ code: 'custom', message: problem, input: value });
    }),
  ),
);
export const dns1123Label = named(
  'DNS-1123 label',
  z
    .string()
    .check(
      z.maxLength(63, 'must be at most 63 characters'),
      z.regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
        'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
      ),
    ),
);
export const eksClusterName = named(
  'EKS cluster name',
  z
    .string()
    .check(
      z.maxLength(100, 'must be at most 100 characters'),
      z.regex(
        /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
        'must be an EKS cluster name: letters, digits, "-" and "_", starting with a letter or digit',
      ),
    ),
);
export const vpcId = pattern(
  'VPC id (vpc-…)',
  /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/,
  'must be a VPC id such as vpc-0123456789abcdef0',
);
export const subnetId = pattern(
  'subnet id (subnet-…)',
  /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/,
  'must be a subnet id such as subnet-0123456789abcdef0',
);
export const controllerVersion = pattern(
  'release tag vX.Y.Z',
  /^v\d+\.\d+\.\d+$/,
  'must be a release tag such as v3.5.0 (semver with a leading "v")',
);
export const chartVersion = pattern(
  'chart version X.Y.Z',
  /^\d+\.\d+\.\d+$/,
  'must be a chart version such as 3.5.0 (semver, no leading "v")',
);
export const sha256 = pattern(
  'sha256 (64 hex)',
  /^[0-9a-f]{64}$/,
  'must be a sha256 checksum: 64 lower-case hex characters',
);
export const iamRoleArn = pattern(
  'IAM role ARN',
  /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  'must be an IAM role ARN such as arn:aws:iam::111122223333:role/deployer',
);
export const iamRoleName = pattern(
  'IAM role name',
  /^[\w+=,.@-]{1,64}$/,
  'must be an IAM role name (1-64 characters: letters, digits and +=,.@_-)',
);
export const oidcProviderArn = pattern(
  'IAM OIDC provider ARN',
  /^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/[a-z0-9.-]+\/id\/[A-Za-z0-9]+$/,
  'must be an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
);
export const iamPolicyArn = pattern(
  'IAM policy ARN',
  /^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/,
  'must be an IAM policy ARN such as arn:aws:iam::111122223333:policy/platform-boundary',
);
export const certificateAuthorityArn = pattern(
  'ACM Private CA ARN',
  /^arn:aws(-cn|-us-gov)?:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/,
  'must be an AWS Private CA ARN such as arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/12345678-1234-1234-1234-123456789012',
);
export const iamPath = pattern(
  'IAM path',
  /^\/([\w+=,.@-]+\/){0,20}$/,
  'must be an IAM path such as /eks-edge/ (starting and ending with "/": letters, digits and +=,.@_-)',
);
export const domainName = named(
  'DNS name',
  z.string().check(
    z.maxLength(253, 'must be at most 253 characters'),
    z.regex(
      /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z][-a-z0-9]*[a-z0-9]$/,
      'must be a lower-case DNS name such as example.com (no trailing dot)',
    ),
    z.refine((name) => name.split('.').every((label) => label.length <= 63), {
      message: 'each label (between dots) must be at most 63 characters',
    }),
  ),
);
export const hostedZoneId = pattern(
  'hosted zone id',
  /^Z[A-Z0-9]{1,31}$/,
  'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
);
export const bucketName = pattern(
  'S3 bucket name',
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  'must be an S3 bucket name: 3-63 lower-case letters, digits, "." and "-"',
);
export const nonEmpty = named('string', z.string().check(z.minLength(1, 'must not be empty')));

/** A list whose entries must differ (each one becomes a resource or a chart list entry). */
export function uniqueList<T extends z.ZodMiniType>(item: T) {
  return z.array(item).check(
    z.refine((list) => new Set(list.map((entry) => JSON.stringify(entry))).size === list.length, {
      message: 'must not list a value twice',
    }),
  );
}
export function nonEmptyList<T extends z.ZodMiniType>(list: T, what: string): T {
  return list.check(
    z.refine((value) => Array.isArray(value) && value.length > 0, {
      message: `list at least one ${what}`,
    }),
  );
}
/** What AWS allows in tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARACTERS_TEXT = 'letters, digits, spaces and _ . : / = + - @';
export const tags = named(
  'map of string',
  z.record(
    z.string().check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(128, 'must be at most 128 characters'),
      z.regex(TAG_CHARACTERS, `may hold only ${TAG_CHARACTERS_TEXT}`),
      z.refine((key) => !key.toLowerCase().startsWith('aws:'), {
        message: 'must not start with "aws:" (reserved for AWS)',
      }),
      // IAM compares tag keys without case: `EKS-Edge/Stack` would take the owner tag's place.
      z.refine((key) => !PROJECT_TAG_KEYS.includes(key.toLowerCase()), {
        message: `must not be a tag this project writes (${PROJECT_TAG_KEYS.join(', ')})`,
      }),
    ),
    z
      .string()
      .check(
        z.maxLength(256, 'must be at most 256 characters'),
        z.regex(TAG_CHARACTERS, `may hold only ${TAG_CHARACTERS_TEXT}`),
      ),
  ),
);
export const helmValues = named('map (chart values)', z.record(z.string(), z.unknown()));
export const integer = (min: number, max: number) =>
  named(
    `integer ${min}–${max}`,
    z
      .number()
      .check(z.int(), z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
  );
