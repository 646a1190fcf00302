import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { AlbSettings } from './alb-settings';
import { MANAGED_BY_LABEL } from '../shared/kubernetes-object';
import type { KubernetesObject } from '../shared/kubernetes-object';

export interface AlbGatewayClassProps {
  readonly className: string;
  /** Namespace of the Gateways and their LoadBalancerConfigurations. */
  readonly namespace: string;
  readonly dependsOn?: ITerraformDependable[];
}

export function gatewayClass(className: string): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: className, labels: MANAGED_BY_LABEL },
    spec: { controllerName: 'gateway.k8s.aws/alb' },
  };
}

/** The GatewayClass served by the controller's ALB gateway controller, and the Gateways' namespace. */
export class AlbGatewayClass extends Construct {
  readonly gatewayClass: Manifest;
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: AlbGatewayClassProps) {
    super(scope, id);
    this.gatewayClass = new Manifest(this, 'class', {
      manifest: gatewayClass(props.className),
      dependsOn: props.dependsOn,
    });
    this.namespace = new NamespaceV1(this, 'namespace', {
      metadata: { name: props.namespace, labels: MANAGED_BY_LABEL },
    });
  }
}

export interface AlbGatewayProps extends AlbSettings {
  readonly name: string;
  readonly namespace: string;
  readonly className: string;
  /** apiVersion of LoadBalancerConfiguration for the controller version. */
  readonly lbcGatewayApiVersion: string;
  /** Listener hostname, e.g. `*.example.com`. */
  readonly hostname?: string;
  readonly dependsOn?: ITerraformDependable[];
}

export function loadBalancerConfiguration(props: AlbGatewayProps): KubernetesObject {
  const spec: Record<string, unknown> = { scheme: props.scheme };
  const [defaultCertificate, ...otherCertificates] = props.certificateArns;
  if (defaultCertificate) {
    const https: Record<string, unknown> = {
      protocolPort: 'HTTPS:443',
      defaultCertificate,
      sslPolicy: props.sslPolicy,
    };
    if (otherCertificates.length > 0) https.certificates = otherCertificates;
    spec.listenerConfigurations = [https];
  }
  if (props.webAclArn) spec.wafV2 = { webACL: props.webAclArn };
  if (props.securityGroupId) {
    spec.securityGroups = [props.securityGroupId];
    spec.manageBackendSecurityGroupRules = true;
  } else if (props.inboundCidrs) {
    spec.sourceRanges = [...props.inboundCidrs];
  }
  if (props.attributes.length > 0)
    spec.loadBalancerAttributes = props.attributes.map((a) => ({ ...a }));
  return {
    apiVersion: props.lbcGatewayApiVersion,
    kind: 'LoadBalancerConfiguration',
    metadata: { name: props.name, namespace: props.namespace, labels: MANAGED_BY_LABEL },
    spec,
  };
}

export function gateway(props: AlbGatewayProps): KubernetesObject {
  const listener = (name: string, protocol: string, port: number) => ({
    name,
    protocol,
    port,
    ...(props.hostname ? { hostname: props.hostname } : {}),
    allowedRoutes: { namespaces: { from: 'All' } },
  });
  // No `tls` on the HTTPS listener: the controller takes certificates from the
  // LoadBalancerConfiguration, not from certificateRefs.
  const listeners = [
    listener('http', 'HTTP', 80),
    ...(props.certificateArns.length > 0 ? [listener('https', 'HTTPS', 443)] : []),
  ];
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: props.name, namespace: props.namespace, labels: MANAGED_BY_LABEL },
    spec: {
      gatewayClassName: props.className,
      infrastructure: {
        parametersRef: {
          group: 'gateway.k8s.aws',
          kind: 'LoadBalancerConfiguration',
          name: props.name,
        },
      },
      listeners,
    },
  };
}

/** One Gateway (one ALB) with its LoadBalancerConfiguration: scheme, certificates, WAF ACL, security group, logs. */
export class AlbGateway extends Construct {
  readonly configuration: Manifest;
  readonly gateway: Manifest;

  constructor(scope: Construct, id: string, props: AlbGatewayProps) {
    super(scope, id);
    this.configuration = new Manifest(this, 'configuration', {
      manifest: loadBalancerConfiguration(props),
      dependsOn: props.dependsOn,
    });
    this.gateway = new Manifest(this, 'gateway', {
      manifest: gateway(props),
      dependsOn: [this.configuration],
    });
  }
}
