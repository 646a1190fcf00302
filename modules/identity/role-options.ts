import type { IamRole, IamRoleConfig } from '@cdktf/provider-aws/lib/iam-role';
import type { TerraformResourceLifecycle } from 'cdktf';
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

/**
 * The lifecycle of what hangs on a role by its name (policy attachments, inline policies): made
 * anew when the role is (a new `path` replaces it). Their own arguments do not change then, so
 * without this Terraform would keep them in state while deleting the old role took them away.
 * `unique_id` changes only with a new role, not when the role is updated in place.
 */
export function renewedWith(role: IamRole): TerraformResourceLifecycle {
  return {
    replaceTriggeredBy: [`${role.terraformResourceType}.${role.friendlyUniqueId}.unique_id`],
  };
}
