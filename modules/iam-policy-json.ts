import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';

export interface IamPolicyJson {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

/**
 * The IAM JSON that `aws_iam_policy_document` renders from statement blocks (snake_case as in the
 * synthesized Terraform, or camelCase as in the construct props).
 */
export function iamPolicyJson(statements: readonly (DataAwsIamPolicyDocumentStatement | Record<string, any>)[]): IamPolicyJson {
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement: Record<string, any>) => {
      const rendered: Record<string, any> = {};
      if (statement.sid) rendered.Sid = statement.sid;
      rendered.Effect = statement.effect ?? 'Allow';
      rendered.Action = statement.actions;
      if (statement.resources) rendered.Resource = statement.resources;
      if (statement.principals) rendered.Principal = Object.fromEntries(statement.principals.map((p: Record<string, any>) => [p.type, p.identifiers]));
      if (statement.condition) {
        const condition: Record<string, Record<string, string[]>> = {};
        for (const c of statement.condition) condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: c.values };
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
