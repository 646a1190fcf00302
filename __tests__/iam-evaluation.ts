/**
 * Evaluates synthesized IAM policies with a real IAM policy evaluator (@cloud-copilot/iam-simulate,
 * AGPL, a dev dependency used only by the tests) instead of pattern-matching them.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Json } from './helpers';

export interface IamPolicyJson {
  Version: '2012-10-17';
  Statement: Json[];
}

/** The IAM JSON that Terraform's `aws_iam_policy_document` renders from its statement blocks. */
export function iamPolicyFrom(document: Json): IamPolicyJson {
  const literal = JSON.stringify(document.statement);
  if (literal.includes('${')) throw new Error(`policy document still has Terraform references: ${literal}`);
  return {
    Version: '2012-10-17',
    Statement: document.statement.map((statement: Json) => {
      const rendered: Json = { Effect: statement.effect ?? 'Allow', Action: statement.actions };
      if (statement.sid) rendered.Sid = statement.sid;
      if (statement.resources) rendered.Resource = statement.resources;
      if (statement.principals) {
        rendered.Principal = Object.fromEntries(statement.principals.map((p: Json) => [p.type, p.identifiers]));
      }
      if (statement.condition) {
        rendered.Condition = {};
        for (const c of statement.condition) {
          rendered.Condition[c.test] = { ...(rendered.Condition[c.test] ?? {}), [c.variable]: c.values };
        }
      }
      return rendered;
    }),
  };
}

export interface Request {
  /** ARN of the calling principal (a role). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource. */
  readonly resourceAccount: string;
  readonly context?: Record<string, string | string[]>;
}

/** 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'. */
export async function evaluate(request: Request, identityPolicies: IamPolicyJson[], resourcePolicy?: IamPolicyJson): Promise<string> {
  const principalAccount = request.principal.split(':')[4];
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        // The simulator does not derive these from the principal.
        contextVariables: { 'aws:PrincipalArn': request.principal, 'aws:PrincipalAccount': principalAccount, ...request.context },
      },
      identityPolicies: identityPolicies.map((policy, index) => ({ name: `identity-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}
