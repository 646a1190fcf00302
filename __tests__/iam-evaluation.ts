/**
 * Evaluates synthesized IAM policies with a real IAM policy evaluator (@cloud-copilot/iam-simulate,
 * AGPL, a dev dependency used only by the tests) instead of pattern-matching them.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { iamPolicyJson } from '../config/derived/iam-policy-json';
import type { IamPolicyJson } from '../config/derived/iam-policy-json';
import type { Json } from './helpers';

export type { IamPolicyJson };

/** The IAM JSON that Terraform's `aws_iam_policy_document` renders from its statement blocks. */
export function iamPolicyFrom(document: Json): IamPolicyJson {
  const literal = JSON.stringify(document.statement);
  if (literal.includes('${'))
    throw new Error(`policy document still has Terraform references: ${literal}`);
  return iamPolicyJson(document.statement);
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
export async function evaluate(
  request: Request,
  identityPolicies: IamPolicyJson[],
  resourcePolicy?: IamPolicyJson,
): Promise<string> {
  const principalAccount = request.principal.split(':')[4];
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        // The simulator does not derive these from the principal.
        contextVariables: {
          'aws:PrincipalArn': request.principal,
          'aws:PrincipalAccount': principalAccount,
          ...request.context,
        },
      },
      identityPolicies: identityPolicies.map((policy, index) => ({
        name: `identity-${index}`,
        policy,
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** Requests of one principal on resources of its own account. */
export function requestsOf(principal: string) {
  const account = principal.split(':')[4];
  return (action: string, resource: string, context: Request['context'] = {}): Request => ({
    principal,
    action,
    resource,
    resourceAccount: account,
    context,
  });
}
