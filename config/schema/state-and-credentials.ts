/**
 * How Terraform reaches an account (`credentials`) and where a stack keeps its state (`backend`).
 */
import * as z from 'zod/mini';
import { bucketName, iamRoleArn, named, nonEmpty, pattern, region, setting } from './primitives';

const oneOfRoleOrProfile = z.refine<{ assumeRoleArn?: string; profile?: string }>(
  (c) => !(c.assumeRoleArn && c.profile),
  { message: 'set either assumeRoleArn or profile, not both' },
);

export const credentials = named(
  'credentials',
  z
    .strictObject({
      assumeRoleArn: setting(
        z.optional(iamRoleArn),
        "Role Terraform assumes in the account (session name `eks-edge`). For a cluster it is also passed to `aws eks get-token --role-arn` and must be in the cluster's account.",
      ),
      profile: setting(
        z.optional(nonEmpty),
        'Named profile from `~/.aws/config`, also passed to `aws eks get-token --profile`.',
      ),
    })
    .check(oneOfRoleOrProfile),
);

export const backend = named(
  'backend',
  z.discriminatedUnion('type', [
    z.strictObject({
      type: setting(z.literal('local'), 'State in a local file.'),
      directory: setting(
        z._default(
          pattern(
            'relative path',
            /^(?![/\\~])(?![A-Za-z]:)[^\0]*$/,
            'must be a path relative to the project root (Terraform runs in cdktf.out/stacks/<stack>/, so the state path is written relative to it), such as state or ../shared-state',
          ),
          '.',
        ),
        {
          description:
            'Folder of `terraform.<stack>.tfstate`, relative to the project root (see docs/operations.md, State backends).',
        },
      ),
    }),
    z
      .strictObject({
        type: setting(z.literal('s3'), 'State in S3 with S3-native locking (`use_lockfile`).'),
        bucket: setting(bucketName, 'Bucket of the state files.'),
        region: setting(region, 'Region of the bucket.'),
        keyPrefix: setting(
          z._default(
            pattern('key prefix', /^[\w./-]*[\w-]$/, 'must be a key prefix without a trailing "/"'),
            'eks-edge',
          ),
          'State key is `<keyPrefix>/<stack>.tfstate`.',
        ),
        assumeRoleArn: setting(
          z.optional(iamRoleArn),
          'Role to assume for state access (state may live in a tooling account).',
        ),
        profile: setting(z.optional(nonEmpty), 'Named profile for state access.'),
      })
      .check(oneOfRoleOrProfile),
  ]),
);
