import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { hostedZoneIds } from '../shared/hosted-zones';
import type { ResolvedExternalDns, RoleOptions } from '../../config/model';
import type { IdentityMechanism } from '../identity/workload-identity';
import { WorkloadIdentity } from '../identity/workload-identity';
import { chartDeployment, releaseValues } from '../shared/chart-release';
import type { HelmValues } from '../../config/derived/chart-values';
import { externalDnsChartValues } from '../../config/derived/external-dns-chart-values';
import { hostedZoneArn, route53AccessStatements } from '../../config/derived/route53-policy';

export interface ExternalDnsProps {
  readonly instance: ResolvedExternalDns;
  readonly clusterName: string;
  readonly region: string;
  readonly partition: string;
  /** How the instance's service account gets its credentials. */
  readonly identity: IdentityMechanism;
  readonly roleOptions: RoleOptions;
  /** Releases that must be ready first (the LBC, whose webhook gates Services). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * One ExternalDNS instance: Route 53 permissions limited to its zones (here, or through a role in
 * the DNS account), a workload identity (or the node role, with a warning), and a Helm release
 * with explicit policy, owner id, filters and zone ids, so it can never wander into zones it was
 * not given.
 */
export class ExternalDns extends Construct {
  /** The Helm release, unless another tool deploys the chart (`deploy: iam-only`). */
  readonly release?: Release;
  /** The values this project gives the chart (an output for the tool that deploys it). */
  readonly chartValues: HelmValues;
  readonly identity: WorkloadIdentity;
  /** The Route 53 policy, when the permissions live in this account. */
  readonly route53Policy?: IamPolicy;

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const { instance } = props;
    const zoneIds = hostedZoneIds(this, instance.zones);
    const route53 = instance.route53;
    const chained = route53.kind === 'cross-account' && route53.via === 'pod-identity-target';
    this.identity = new WorkloadIdentity(this, 'identity', {
      mechanism: props.identity,
      serviceAccount: instance.serviceAccount,
      roleName: instance.names.role,
      roleOptions: props.roleOptions,
      targetRole: chained
        ? { arn: route53.dnsRoleArn, disableSessionTags: route53.proof.kind === 'external-id' }
        : undefined,
    });

    if (route53.kind === 'local') {
      const document = new DataAwsIamPolicyDocument(this, 'route53-access', {
        statement: route53AccessStatements({
          zoneArns: zoneIds.map((zoneId) => hostedZoneArn(props.partition, zoneId)),
          zoneNames: instance.zones.map((zone) => zone.name),
          recordNames: instance.recordNames,
          recordTypes: instance.recordTypes,
          managedTypes: instance.managedTypes,
          txtAffix: instance.txtAffix,
        }),
      });
      this.route53Policy = new IamPolicy(this, 'route53-policy', {
        name: instance.names.policy,
        // Fixed text: a changed description replaces the policy (see the LBC policy).
        description: `ExternalDNS ${instance.name} on ${props.clusterName}: records in its zones only`,
        policy: document.json,
      });
      this.identity.attachPolicy('route53', this.route53Policy.arn);
    } else {
      this.identity.allowAssumeRole('assume-dns-account-role', route53.dnsRoleArn);
    }

    const chart = {
      releaseName: instance.releaseName,
      chart: instance.chart,
      templatedValues: instance.templatedValues,
      namespace: instance.serviceAccount.namespace,
      managedValues: externalDnsChartValues({
        instance,
        region: props.region,
        zoneIds,
        assumeRole:
          route53.kind === 'cross-account' && route53.via === 'assume-role'
            ? { roleArn: route53.dnsRoleArn, externalId: route53.proof.externalId }
            : undefined,
        serviceAccountAnnotations: this.identity.serviceAccountAnnotations,
        podAnnotations: this.identity.podAnnotations,
      }),
      userValues: instance.values,
      timeoutSeconds: 300,
      dependsOn: [...this.identity.grants, ...props.dependsOn],
      serviceAccount: instance.serviceAccount,
      identity: this.identity,
    };
    this.chartValues = releaseValues(chart);
    this.release = chartDeployment(this, 'release', instance.deploy, chart);
  }
}
