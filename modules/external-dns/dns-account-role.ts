import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { hostedZoneArn, route53AccessStatements } from './iam-policy';
import type { PolicyStatement } from '../iam-policy-json';

/**
 * Who may assume the DNS role: one ExternalDNS source role in a cluster account, pinned by its ARN
 * and by what only the intended pod can present — the EKS Pod Identity session tags, or an
 * external id (set by EKS when session tags are disabled, or by `--aws-assume-role-external-id`).
 */
export type DnsRoleCaller = {
  readonly accountId: string;
  /** ARN of the ExternalDNS role in the cluster account (it need not exist yet). */
  readonly sourceRoleArn: string;
} & (
  | {
      readonly kind: 'session-tags';
      readonly clusterArn: string;
      readonly namespace: string;
      readonly serviceAccount: string;
    }
  | {
      readonly kind: 'external-id';
      readonly externalId: string;
      /** EKS Pod Identity with session tags disabled still calls `sts:TagSession`. */
      readonly tagSession: boolean;
    }
);

export interface DnsAccountRoleProps {
  readonly roleName: string;
  readonly partition: string;
  readonly callers: readonly DnsRoleCaller[];
  readonly zoneIds: readonly string[];
  readonly recordNames?: readonly string[];
  readonly recordTypes?: readonly string[];
}

/**
 * The role in the DNS account that ExternalDNS instances of cluster accounts assume. The trust
 * names the cluster account's root (so it can be created before the source role exists) and pins
 * each caller with conditions; the permissions are the same zone-scoped Route 53 rules as a
 * single-account instance.
 */
export class DnsAccountRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: DnsAccountRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: props.callers.flatMap((caller) => trustStatements(props.partition, caller)),
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `ExternalDNS from ${[...new Set(props.callers.map((c) => c.accountId))].join(', ')}: records in the zones it names`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    });
    const access = new DataAwsIamPolicyDocument(this, 'route53-access', {
      statement: route53AccessStatements({
        zoneArns: props.zoneIds.map((zoneId) => hostedZoneArn(props.partition, zoneId)),
        recordNames: props.recordNames,
        recordTypes: props.recordTypes,
      }),
    });
    new IamRolePolicy(this, 'route53', {
      name: 'route53-records',
      role: this.role.name,
      policy: access.json,
    });
  }
}

/** The trust statements that admit one caller (also used to check the trust policy's size at synth). */
export function trustStatements(partition: string, caller: DnsRoleCaller): PolicyStatement[] {
  const pinnedCaller = {
    test: 'ArnEquals',
    variable: 'aws:PrincipalArn',
    values: [caller.sourceRoleArn],
  };
  const base = {
    effect: 'Allow' as const,
    principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${caller.accountId}:root`] }],
  };
  if (caller.kind === 'external-id') {
    const assume = {
      ...base,
      actions: ['sts:AssumeRole'],
      condition: [
        pinnedCaller,
        { test: 'StringEquals', variable: 'sts:ExternalId', values: [caller.externalId] },
      ],
    };
    return caller.tagSession
      ? [assume, { ...base, actions: ['sts:TagSession'], condition: [pinnedCaller] }]
      : [assume];
  }
  return [
    {
      ...base,
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      condition: [
        pinnedCaller,
        {
          test: 'StringEquals',
          variable: 'aws:RequestTag/eks-cluster-arn',
          values: [caller.clusterArn],
        },
        {
          test: 'StringEquals',
          variable: 'aws:RequestTag/kubernetes-namespace',
          values: [caller.namespace],
        },
        {
          test: 'StringEquals',
          variable: 'aws:RequestTag/kubernetes-service-account',
          values: [caller.serviceAccount],
        },
      ],
    },
  ];
}
