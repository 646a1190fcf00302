import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Annotations } from 'cdktf';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface IrsaIdentity {
  readonly mode: 'irsa';
  readonly oidcProviderArn: string;
  /** Issuer without `https://`. */
  readonly issuerHostPath: string;
}

export interface PodIdentity {
  readonly mode: 'pod-identity';
  readonly clusterName: string;
  /** `arn:<partition>:eks:<region>:<account>:cluster/<name>`: only this cluster's agent may use the role. */
  readonly clusterArn: string;
  readonly accountId: string;
  /** Role in another account that EKS assumes next, handing its credentials to the pod. */
  readonly targetRoleArn?: string;
  /** Send `sts:ExternalId` instead of session tags when assuming the target role. @default false */
  readonly disableSessionTags?: boolean;
  /** The Pod Identity agent add-on, when this stack installs it: pods need it for credentials. */
  readonly agent?: ITerraformDependable;
}

export interface NodeRoleIdentity {
  readonly mode: 'node-role';
  /** Node IAM role names that receive the workload's policies. */
  readonly nodeRoleNames: readonly string[];
}

export type WorkloadIdentityProps = (IrsaIdentity | PodIdentity | NodeRoleIdentity) & {
  readonly namespace: string;
  readonly serviceAccountName: string;
  /** Name of the IAM role made for IRSA or Pod Identity. */
  readonly roleName: string;
  readonly tags?: Record<string, string>;
};

/** What a Helm chart needs to run its pods under this identity. */
export interface ServiceAccountValues {
  readonly create: true;
  readonly name: string;
  readonly annotations: Record<string, string>;
}

/**
 * AWS credentials for one Kubernetes service account, by one of three mechanisms:
 * - `irsa`: a role trusted by the cluster's OIDC provider for exactly `system:serviceaccount:<ns>:<sa>`
 *   with audience `sts.amazonaws.com`;
 * - `pod-identity`: a role trusted by `pods.eks.amazonaws.com` for this cluster only, plus the
 *   `aws_eks_pod_identity_association` (optionally chaining into a target role in another account);
 * - `node-role`: the policies go on existing node roles, so every pod on those nodes gets them
 *   (synth warns).
 * Policies are attached with `attachPolicy`; `grants` are what must exist before the pods start.
 */
export class WorkloadIdentity extends Construct {
  /** The role the workload runs as; absent in node-role mode. */
  readonly role?: IamRole;
  readonly association?: EksPodIdentityAssociation;
  readonly serviceAccount: ServiceAccountValues;
  private readonly grantResources: ITerraformDependable[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WorkloadIdentityProps,
  ) {
    super(scope, id);
    const annotations: Record<string, string> = {};
    if (props.mode === 'node-role') {
      Annotations.of(this).addWarning(
        `${props.namespace}/${props.serviceAccountName} uses the node role(s) ${props.nodeRoleNames.join(', ')}: every pod on those nodes gets the same AWS permissions. Prefer identity irsa or pod-identity.`,
      );
    } else {
      this.role = new IamRole(this, 'role', {
        name: props.roleName,
        description: `Workload identity of ${props.namespace}/${props.serviceAccountName}`,
        assumeRolePolicy: new DataAwsIamPolicyDocument(this, 'trust', {
          statement: [this.trustStatement(props)],
        }).json,
        tags: props.tags,
      });
      if (props.mode === 'irsa') {
        annotations['eks.amazonaws.com/role-arn'] = this.role.arn;
      } else {
        this.association = new EksPodIdentityAssociation(this, 'association', {
          clusterName: props.clusterName,
          namespace: props.namespace,
          serviceAccount: props.serviceAccountName,
          roleArn: this.role.arn,
          targetRoleArn: props.targetRoleArn,
          disableSessionTags: props.targetRoleArn ? (props.disableSessionTags ?? false) : undefined,
          tags: props.tags,
        });
        this.grantResources.push(this.association, ...(props.agent ? [props.agent] : []));
      }
    }
    this.serviceAccount = { create: true, name: props.serviceAccountName, annotations };
  }

  /** Attaches a managed policy to the workload's role (or to every node role) and returns the attachments. */
  attachPolicy(id: string, policyArn: string): IamRolePolicyAttachment[] {
    const roleNames =
      this.props.mode === 'node-role' ? this.props.nodeRoleNames : [this.props.roleName];
    const attachments = roleNames.map(
      (roleName) =>
        new IamRolePolicyAttachment(
          this,
          this.props.mode === 'node-role' ? `${id}-${roleName}` : id,
          {
            role: this.role ? this.role.name : roleName,
            policyArn,
          },
        ),
    );
    this.grantResources.push(...attachments);
    return attachments;
  }

  /**
   * Lets the workload assume roles in other accounts (`sts:AssumeRole`, plus `sts:TagSession` for
   * Pod Identity, whose session tags travel with the chained call). Only for irsa and pod-identity.
   */
  allowAssumeRole(id: string, roleArns: readonly string[]): DataAwsIamPolicyDocument {
    if (!this.role)
      throw new Error(
        `${this.node.path}: a node-role identity cannot be allowed to assume other roles`,
      );
    const actions =
      this.props.mode === 'pod-identity'
        ? ['sts:AssumeRole', 'sts:TagSession']
        : ['sts:AssumeRole'];
    const document = new DataAwsIamPolicyDocument(this, `${id}-document`, {
      statement: [
        { sid: 'AssumeRolesInOtherAccounts', effect: 'Allow', actions, resources: [...roleArns] },
      ],
    });
    this.grantResources.push(
      new IamRolePolicy(this, id, { name: id, role: this.role.name, policy: document.json }),
    );
    return document;
  }

  /** Resources that must exist before the workload starts (policy attachments, association). */
  get grants(): ITerraformDependable[] {
    return [...this.grantResources];
  }

  private trustStatement(props: IrsaIdentity | PodIdentity): DataAwsIamPolicyDocumentStatement {
    if (props.mode === 'irsa') {
      return {
        effect: 'Allow',
        principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
        actions: ['sts:AssumeRoleWithWebIdentity'],
        condition: [
          {
            test: 'StringEquals',
            variable: `${props.issuerHostPath}:sub`,
            values: [
              `system:serviceaccount:${this.props.namespace}:${this.props.serviceAccountName}`,
            ],
          },
          {
            test: 'StringEquals',
            variable: `${props.issuerHostPath}:aud`,
            values: ['sts.amazonaws.com'],
          },
        ],
      };
    }
    // The EKS Pod Identity agent assumes the role; the source conditions stop other clusters and
    // accounts from using it (confused deputy).
    return {
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }],
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
        { test: 'ArnEquals', variable: 'aws:SourceArn', values: [props.clusterArn] },
      ],
    };
  }
}
