import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { DataAwsIamRoles } from '@cdktf/provider-aws/lib/data-aws-iam-roles';
import type { IamRoleConfig } from '@cdktf/provider-aws/lib/iam-role';
import { Lazy, TerraformIterator, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { RoleOptions } from '../../config/model';
import { ROLE_OWNER_TAGS } from '../../config/naming';

const ID = 'existing-roles';

/**
 * Go (RE2) regular-expression text matching a role name literally. Of the characters IAM allows
 * in one (letters, digits and `+=,.@_-`), `.` and `+` are operators: each goes in a character
 * class, not after a backslash, which the HCL output would have to escape again.
 */
const literalPattern = (roleName: string) => roleName.replace(/[.+]/g, '[$&]');

/**
 * The roles of the account that already carry one of a stack's role names, with their tags, read
 * at plan (and on destroy): the provider lists every role of the account (`ListRoles`, paged) and
 * keeps those the pattern matches, then reads each (`GetRole`). IAM role names are unique per
 * account, without regard to case, and two configurations can give a role the same name (one
 * cluster name in two environments of an account, one shared DNS role in two configurations).
 * Without this the second deployment's apply fails halfway with EntityAlreadyExists; with it, its
 * plan stops and names the deployment that owns the role.
 */
class ExistingRoles extends Construct {
  static of(scope: Construct): ExistingRoles {
    const stack = TerraformStack.of(scope);
    const found = stack.node.tryFindChild(ID);
    return found instanceof ExistingRoles ? found : new ExistingRoles(stack, ID);
  }

  private readonly names = new Set<string>();
  private readonly roles: DataAwsIamRole;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const listed = new DataAwsIamRoles(this, 'named', {
      nameRegex: Lazy.stringValue({
        produce: () => `(?i)^(?:${[...this.names].sort().map(literalPattern).join('|')})$`,
      }),
    });
    // Keyed by the name in lower case: `Edge-Demo-…` of another deployment is the same IAM name.
    const names = `${listed.terraformResourceType}.${listed.friendlyUniqueId}.names`;
    const byName = TerraformIterator.fromMap(
      Token.asAnyMap(`\${{ for name in data.${names} : lower(name) => name }}`),
    );
    this.roles = new DataAwsIamRole(this, 'tags', { forEach: byName, name: byName.value });
  }

  /** A Terraform expression: the tag `key` of the existing role `name`, or `fallback`. */
  tag(name: string, key: string, fallback: string): string {
    this.names.add(name);
    const role = `${this.roles.terraformResourceType}.${this.roles.friendlyUniqueId}`;
    const existing = `data.${role}[${JSON.stringify(name.toLowerCase())}]`;
    return `try(${existing}.tags[${JSON.stringify(key)}], ${JSON.stringify(fallback)})`;
  }
}

/**
 * What claims a role name for its deployment: the owner's tags, and a precondition that stops the
 * plan when a role of that name already belongs to another one: another stack, or the same stack
 * with other state. A role claimed from S3 state belongs to that location; local state names no
 * location, so a role claimed from it passes any state of the same stack (the move from local to
 * S3 state, `cdktf deploy --migrate-state`). A role without the tags passes: this stack's own from
 * before they were written, or one made by something else, which IAM still refuses at apply.
 */
export function roleNameClaim(
  scope: Construct,
  name: string,
  options: Pick<RoleOptions, 'owner' | 'renamedBy'>,
): Pick<IamRoleConfig, 'tags' | 'lifecycle'> {
  const { owner } = options;
  const existing = ExistingRoles.of(scope);
  const { stack, state } = ROLE_OWNER_TAGS;
  const theirStack = existing.tag(name, stack, owner.stack);
  const theirState = existing.tag(name, state, '');
  const ownStates = [...new Set(['', owner.state ?? ''])];
  const sameOwner = `${theirStack} == ${JSON.stringify(owner.stack)} && contains(${JSON.stringify(ownStates)}, ${theirState})`;
  return {
    tags: { [stack]: owner.stack, ...(owner.state ? { [state]: owner.state } : {}) },
    lifecycle: {
      precondition: [
        {
          condition: `\${${sameOwner}}`,
          errorMessage: [
            `IAM role ${name} already exists and belongs to another eks-edge deployment:`,
            `stack \${${theirStack}} (state \${coalesce(${theirState}, "local")}).`,
            'IAM role names are unique per account, so this stack cannot create it.',
            `Give its roles other names (${options.renamedBy}) or remove the other deployment.`,
            "If the role is this stack's own and only its state moved, remove its owner tags and",
            'plan again (the apply writes them anew):',
            `aws iam untag-role --role-name ${name} --tag-keys ${stack} ${state}`,
          ].join(' '),
        },
      ],
    },
  };
}
