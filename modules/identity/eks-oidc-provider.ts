import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { DataTlsCertificate } from '@cdktf/provider-tls/lib/data-tls-certificate';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export type EksOidcProviderProps =
  | {
      /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`). */
      readonly issuerUrl: string;
      readonly tags?: Record<string, string>;
      /** Refuse any plan that destroys it (`prevent_destroy`). */
      readonly preventDestroy?: boolean;
    }
  | {
      /** ARN of an IAM OIDC provider that already exists for the cluster's issuer. */
      readonly existingProviderArn: string;
      /** The cluster's issuer URL: the plan fails unless the existing provider is for it. */
      readonly issuerUrl: string;
    };

/**
 * The IAM OIDC identity provider that lets Kubernetes service accounts assume IAM roles (IRSA):
 * created from the cluster's issuer with the thumbprint of the root CA of its TLS chain, or an
 * existing one reused by ARN.
 */
export class EksOidcProvider extends Construct {
  readonly arn: string;
  /** Issuer without `https://`: the prefix of the `:sub` and `:aud` condition keys. */
  readonly issuerHostPath: string;
  readonly provider?: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: EksOidcProviderProps) {
    super(scope, id);
    if ('existingProviderArn' in props) {
      // Trusting another cluster's provider would hand this cluster's roles to its service accounts.
      new DataAwsIamOpenidConnectProvider(this, 'existing', {
        arn: props.existingProviderArn,
        lifecycle: {
          postcondition: [
            {
              condition: `\${trimprefix(self.url, "https://") == trimprefix(${props.issuerUrl}, "https://")}`,
              errorMessage: `${props.existingProviderArn} is not the OIDC provider of this cluster's issuer.`,
            },
          ],
        },
      });
      this.arn = props.existingProviderArn;
      this.issuerHostPath = props.existingProviderArn.split(':oidc-provider/')[1];
      return;
    }
    const certificate = new DataTlsCertificate(this, 'issuer-certificate', {
      url: props.issuerUrl,
    });
    this.provider = new IamOpenidConnectProvider(this, 'provider', {
      url: props.issuerUrl,
      clientIdList: ['sts.amazonaws.com'],
      // The tls provider lists the chain root first; IAM wants the root CA's fingerprint.
      thumbprintList: [certificate.certificates.get(0).sha1Fingerprint],
      tags: props.tags,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.arn = this.provider.arn;
    this.issuerHostPath = Fn.replace(props.issuerUrl, 'https://', '');
  }
}
