import type { IamRole, IamRoleConfig } from '@cdktf/provider-aws/lib/iam-role';
import type { TerraformResourceLifecycle } from 'cdktf';
import type { Construct } from 'constructs';
import type { RoleOptions } from '../../config/model';
import { roleNameClaim } from './role-name-claim';

/**
 * The arguments every role of the project takes from `iamRoles` and its stack: its name, path,
 * session duration and the permissions boundary of its account (their defaults are IAM's, so a
 * configuration without `iamRoles` changes nothing on existing roles), and the claim of its name
 * for the stack's deployment.
 */
export function roleSettings(
  scope: Construct,
  name: string,
  options: RoleOptions,
): Pick<
  IamRoleConfig,
  'name' | 'path' | 'maxSessionDuration' | 'permissionsBoundary' | 'tags' | 'lifecycle'
> {
  return {
    name,
    path: options.path,
    maxSessionDuration: options.maxSessionDuration,
    permissionsBoundary: options.permissionsBoundary,
    ...roleNameClaim(scope, name, options),
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
