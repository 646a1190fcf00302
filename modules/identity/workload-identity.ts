import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IRSA_ROLE_ANNOTATION } from '../../catalog/eks';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Annotations } from 'cdktf';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { RoleOptions, ServiceAccountRef } from '../../config/model';
import { IDENTITY_ANNOTATION } from '../../config/derived/chart-values';
import { renewedWith, roleSettings } from './role-options';
import { irsaTrust, podIdentityTrust } from './workload-trust-policy';

export interface IrsaIdentity {
  readonly mode: 'irsa';
  readonly oidcProviderArn: string;
  /** Issuer without `https://`. */
  readonly issuerHostPath: string;
}

export interface PodIdentity {
  readonly mode: 'pod-identity';
  readonly clusterName: string;
  /** Only this cluster's Pod Identity agent may use the role. */
  readonly clusterArn: string;
  readonly accountId: string;
  /** The Pod Identity agent add-on, when this stack installs it: pods need it for credentials. */
  readonly agent?: ITerraformDependable;
}

export interface NodeRoleIdentity {
  readonly mode: 'node-role';
  /** Node IAM role names that receive the workload's policies. */
  readonly nodeRoleNames: readonly string[];
}

/**
 * IRSA through a role another tool made and keeps (eksctl's `iamserviceaccount`): the project
 * attaches its policies to that role by name and manages nothing else of it.
 */
export interface ExistingIrsaRole {
  readonly mode: 'existing-irsa-role';
  readonly roleArn: string;
}

export type IdentityMechanism = IrsaIdentity | PodIdentity | NodeRoleIdentity | ExistingIrsaRole;

export interface WorkloadIdentityProps {
  readonly mechanism: IdentityMechanism;
  readonly serviceAccount: ServiceAccountRef;
  /** Name of the IAM role made for IRSA or Pod Identity. */
  readonly roleName: string;
  /** Path, session duration and permissions boundary of that role. */
  readonly roleOptions: RoleOptions;
  /**
   * Pod Identity only: a role in another account that EKS assumes next, handing its credentials
   * to the pod, with session tags or (when disabled) an `sts:ExternalId`.
   */
  readonly targetRole?: { readonly arn: string; readonly disableSessionTags: boolean };
}

/** `irsa <role>`, `pod-identity <role> -> <target role ARN>` or `node-role <roles>`. */
function identityStamp(props: WorkloadIdentityProps): string {
  const { mechanism } = props;
  if (mechanism.mode === 'node-role') return `node-role ${mechanism.nodeRoleNames.join(',')}`;
  if (mechanism.mode === 'existing-irsa-role') return `irsa ${mechanism.roleArn}`;
  const target = props.targetRole ? ` -> ${props.targetRole.arn}` : '';
  // The path is part of the role's ARN; `/` (the default) is left out, as it always was.
  const path = props.roleOptions.path === '/' ? '' : props.roleOptions.path;
  return `${mechanism.mode} ${path}${props.roleName}${target}`;
}

/**
 * The name of an existing IRSA role, read at plan: the plan stops unless it exists and its trust
 * names the service account (a role for another workload would hand this one its permissions).
 */
function existingRole(
  scope: Construct,
  roleArn: string,
  serviceAccount: ServiceAccountRef,
): string {
  const name = roleArn.split('/').pop() as string;
  const subject = `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`;
  new DataAwsIamRole(scope, 'existing-role', {
    name,
    lifecycle: {
      postcondition: [
        {
          condition: `\${self.arn == ${JSON.stringify(roleArn)} && strcontains(self.assume_role_policy, ${JSON.stringify(`"${subject}"`)})}`,
          errorMessage: `existingRoleArn ${roleArn} must be the IRSA role of ${subject}: its ARN must be that one and its trust must name that service account (eksctl create iamserviceaccount makes such a role).`,
        },
      ],
    },
  });
  return name;
}

/**
 * AWS credentials for one Kubernetes service account, by one of four mechanisms:
 * - `irsa`: a role trusted by the cluster's OIDC provider for exactly that service account;
 * - `pod-identity`: a role trusted by `pods.eks.amazonaws.com` for this cluster only, plus the
 *   `aws_eks_pod_identity_association` (optionally chaining into a target role in another account);
 * - `node-role`: the policies go on existing node roles, so every pod on those nodes gets them
 *   (synth warns);
 * - `existing-irsa-role`: the policies go on an IRSA role another tool keeps.
 * Policies are attached with `attachPolicy`; `grants` are what must exist before the pods start.
 */
export class WorkloadIdentity extends Construct {
  /** The role the workload runs as; absent in node-role mode. */
  readonly role?: IamRole;
  readonly association?: EksPodIdentityAssociation;
  /** What the chart must put on the service account for this identity. */
  readonly serviceAccountAnnotations: Record<string, string> = {};
  /**
   * What the chart must put on the pod template: the identity in words. Running pods keep the
   * credentials they started with (IRSA token and role, Pod Identity session), so a change of
   * mechanism, role or target must roll the pods; a changed pod template does exactly that.
   */
  readonly podAnnotations: Record<string, string>;
  private readonly grantResources: ITerraformDependable[] = [];
  /** Where policies go: the workload's role, or each node role (keyed by its name). */
  private readonly policyTargets: { readonly role: string; readonly key?: string }[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WorkloadIdentityProps,
  ) {
    super(scope, id);
    const { mechanism, serviceAccount } = props;
    const who = `${serviceAccount.namespace}/${serviceAccount.name}`;
    this.podAnnotations = { [IDENTITY_ANNOTATION]: identityStamp(props) };
    if (mechanism.mode === 'node-role') {
      Annotations.of(this).addWarning(
        `${who} uses the node role(s) ${mechanism.nodeRoleNames.join(', ')}: every pod on those nodes gets the same AWS permissions. Prefer identity irsa or pod-identity.`,
      );
      this.policyTargets = mechanism.nodeRoleNames.map((role) => ({ role, key: role }));
      return;
    }
    if (mechanism.mode === 'existing-irsa-role') {
      this.policyTargets = [{ role: existingRole(this, mechanism.roleArn, serviceAccount) }];
      this.serviceAccountAnnotations[IRSA_ROLE_ANNOTATION] = mechanism.roleArn;
      return;
    }
    const trust =
      mechanism.mode === 'irsa'
        ? irsaTrust({
            ...mechanism,
            namespace: serviceAccount.namespace,
            serviceAccountName: serviceAccount.name,
          })
        : podIdentityTrust({
            ...mechanism,
            namespace: serviceAccount.namespace,
            serviceAccountName: serviceAccount.name,
            sessionTags: !props.targetRole?.disableSessionTags,
          });
    this.role = new IamRole(this, 'role', {
      description: `Workload identity of ${who}`,
      assumeRolePolicy: new DataAwsIamPolicyDocument(this, 'trust', { statement: [trust] }).json,
      ...roleSettings(this, props.roleName, props.roleOptions),
    });
    this.policyTargets = [{ role: this.role.name }];
    if (mechanism.mode === 'irsa') {
      this.serviceAccountAnnotations[IRSA_ROLE_ANNOTATION] = this.role.arn;
      return;
    }
    this.association = new EksPodIdentityAssociation(this, 'association', {
      clusterName: mechanism.clusterName,
      namespace: serviceAccount.namespace,
      serviceAccount: serviceAccount.name,
      roleArn: this.role.arn,
      targetRoleArn: props.targetRole?.arn,
      disableSessionTags: props.targetRole?.disableSessionTags,
    });
    this.grantResources.push(this.association, ...(mechanism.agent ? [mechanism.agent] : []));
  }

  /**
   * A Terraform expression: the ARN the service account's IRSA annotation must hold (IRSA), or
   * undefined (the other mechanisms need none; one there would win over them).
   */
  get irsaRoleArn(): string | undefined {
    const { mechanism } = this.props;
    if (mechanism.mode === 'existing-irsa-role') return JSON.stringify(mechanism.roleArn);
    return this.role && mechanism.mode === 'irsa'
      ? `${IamRole.tfResourceType}.${this.role.friendlyUniqueId}.arn`
      : undefined;
  }

  /** Attaches a managed policy to the workload's role (or to every node role). */
  attachPolicy(id: string, policyArn: string): void {
    for (const { role, key } of this.policyTargets) {
      const attachmentId = key ? `${id}-${key}` : id;
      this.grantResources.push(
        new IamRolePolicyAttachment(this, attachmentId, {
          role,
          policyArn,
          lifecycle: this.role ? renewedWith(this.role) : undefined,
        }),
      );
    }
  }

  /**
   * Lets the workload assume a role in another account (`sts:AssumeRole`, plus `sts:TagSession`
   * for Pod Identity, whose session tags travel with the chained call).
   */
  allowAssumeRole(id: string, roleArn: string): void {
    const mode = this.props.mechanism.mode;
    if (!this.role) throw new Error(`${this.node.path}: a node-role identity cannot assume roles`);
    const actions =
      mode === 'pod-identity' ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
    const document = new DataAwsIamPolicyDocument(this, `${id}-document`, {
      statement: [
        { sid: 'AssumeRolesInOtherAccounts', effect: 'Allow', actions, resources: [roleArn] },
      ],
    });
    this.grantResources.push(
      new IamRolePolicy(this, id, {
        name: id,
        role: this.role.name,
        policy: document.json,
        lifecycle: renewedWith(this.role),
      }),
    );
  }

  /** Resources that must exist before the workload starts (policy attachments, association). */
  get grants(): ITerraformDependable[] {
    return [...this.grantResources];
  }
}
