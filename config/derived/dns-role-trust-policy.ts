/**
 * Who may assume a DNS-account role: each caller is one ExternalDNS source role in a cluster
 * account, pinned by its ARN and by what only the intended pod can present (the EKS Pod Identity
 * session tags, or an external id). The trust names the caller account's root, so it can be
 * created before the source role exists. Pure: the configuration checks measure its size.
 */
import type { CrossAccountAccess } from '../model';
import type { PolicyStatement } from './iam-policy-json';
import { POD_IDENTITY_TAG_KEYS, podIdentityTagConditions } from './pod-identity-tag-policy';

/** The trust statements that admit one caller. */
export function dnsRoleTrustStatements(
  partition: string,
  caller: CrossAccountAccess,
): PolicyStatement[] {
  const pinnedCaller = {
    test: 'ArnEquals',
    variable: 'aws:PrincipalArn',
    values: [caller.sourceRoleArn],
  };
  const base = {
    effect: 'Allow' as const,
    principals: [
      { type: 'AWS', identifiers: [`arn:${partition}:iam::${caller.callerAccountId}:root`] },
    ],
  };
  const proof = caller.proof;
  if (proof.kind === 'external-id') {
    const assume = {
      ...base,
      actions: ['sts:AssumeRole'],
      condition: [
        pinnedCaller,
        { test: 'StringEquals', variable: 'sts:ExternalId', values: [proof.externalId] },
      ],
    };
    if (!proof.tagSession) return [assume];
    // With session tags disabled the session has none: it may not bring Pod Identity tag keys
    // either, which would pass for another caller's in a shared role.
    const noPodIdentityTags =
      caller.via === 'pod-identity-target'
        ? POD_IDENTITY_TAG_KEYS.map((key) => ({
            test: 'Null',
            variable: `aws:RequestTag/${key}`,
            values: ['true'],
          }))
        : [];
    return [
      assume,
      { ...base, actions: ['sts:TagSession'], condition: [pinnedCaller, ...noPodIdentityTags] },
    ];
  }
  return [
    {
      ...base,
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      condition: [pinnedCaller, ...podIdentityTagConditions('aws:RequestTag', proof)],
    },
  ];
}

/** The whole trust policy of a role with these callers. */
export function dnsRoleTrustPolicy(
  partition: string,
  callers: readonly CrossAccountAccess[],
): PolicyStatement[] {
  return callers.flatMap((caller) => dnsRoleTrustStatements(partition, caller));
}
