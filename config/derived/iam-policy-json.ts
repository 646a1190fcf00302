/**
 * One statement of an IAM policy, in the shape of `aws_iam_policy_document` statement blocks
 * (mutable arrays, so a statement is handed to `DataAwsIamPolicyDocument` as it is).
 */
export interface PolicyStatement {
  sid?: string;
  effect?: 'Allow' | 'Deny';
  actions: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: PolicyCondition[];
}

export interface PolicyCondition {
  test: string;
  variable: string;
  values: string[];
}

export interface IamPolicyJson {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

/** The IAM JSON that `aws_iam_policy_document` renders from statement blocks. */
export function iamPolicyJson(statements: readonly PolicyStatement[]): IamPolicyJson {
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => {
      const rendered: Record<string, unknown> = {};
      if (statement.sid) rendered.Sid = statement.sid;
      rendered.Effect = statement.effect ?? 'Allow';
      rendered.Action = statement.actions;
      if (statement.resources) rendered.Resource = statement.resources;
      if (statement.principals) {
        // `aws_iam_policy_document` renders the anonymous principal (type "*") as "*".
        rendered.Principal = statement.principals.some((p) => p.type === '*')
          ? '*'
          : Object.fromEntries(statement.principals.map((p) => [p.type, p.identifiers]));
      }
      if (statement.condition) {
        const condition: Record<string, Record<string, readonly string[]>> = {};
        for (const c of statement.condition) {
          condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: c.values };
        }
        rendered.Condition = condition;
      }
      return rendered;
    }),
  };
}

/** Characters IAM counts against its policy size quotas (white space is not counted). */
export function policySize(policy: IamPolicyJson): number {
  return JSON.stringify(policy).length;
}
