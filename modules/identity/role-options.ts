import type { IamRoleConfig } from '@cdktf/provider-aws/lib/iam-role';
import type { RoleOptions } from '../../config/model';

/**
 * The arguments every role of the project takes from `iamRoles`: its path, session duration and
 * the permissions boundary of its account. Their defaults are IAM's, so a configuration without
 * `iamRoles` changes nothing on existing roles.
 */
export function roleSettings(
  options: RoleOptions,
): Pick<IamRoleConfig, 'path' | 'maxSessionDuration' | 'permissionsBoundary'> {
  return {
    path: options.path,
    maxSessionDuration: options.maxSessionDuration,
    permissionsBoundary: options.permissionsBoundary,
  };
}
