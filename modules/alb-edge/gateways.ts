import { GATEWAY_FEATURE_GATES } from '../../catalog/aws-load-balancer-controller';
import { GATEWAY_CLASS } from '../../catalog/gateway-api';
import type { LbcGatewaySupport } from '../../catalog/aws-load-balancer-controller';
import type { AllowedNamespaces, ResolvedGateway } from '../../config/model';
import { ALB_GROUP_LABEL } from '../../config/naming';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import type { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ObjectManifest } from '../shared/object-manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ImportIfExists, ReleasedResource, pathFromStack } from '../shared/terraform-blocks';
import type { AlbSettings } from './alb-settings';
import { schemeKept } from './alb-settings';
import { MANAGED_BY_LABEL, foundObjects } from '../shared/kubernetes-object';
import type { KubernetesObject } from '../shared/kubernetes-object';

export interface AlbGatewayClassProps {
  readonly className: string;
  /** Namespace of the Gateways and their LoadBalancerConfigurations. */
  readonly namespace: string;
  readonly dependsOn?: ITerraformDependable[];
}

export function gatewayClass(className: string): KubernetesObject {
  return {
    apiVersion: GATEWAY_CLASS.apiVersion,
    kind: GATEWAY_CLASS.kind,
    metadata: { name: className, labels: MANAGED_BY_LABEL },
    spec: { controllerName: GATEWAY_FEATURE_GATES.ALBGatewayAPI },
  };
}

/** The GatewayClass served by the controller's ALB gateway controller, and the Gateways' namespace. */
export class AlbGatewayClass extends Construct {
  readonly gatewayClass: Manifest;
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: AlbGatewayClassProps) {
    super(scope, id);
    this.gatewayClass = new ObjectManifest(this, 'class', {
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
  readonly lbcGatewayApiVersion: LbcGatewaySupport['lbcApiVersion'];
  /** Listener hostname, e.g. `*.example.com`. */
  readonly hostname?: string;
  /** Which namespaces' routes may attach. */
  readonly allowedRoutes: ResolvedGateway['allowedRoutes'];
  /** Which namespaces' ListenerSets may add listeners. */
  readonly allowedListeners: ResolvedGateway['allowedListeners'];
  /** Its ALB group: a label, by which ExternalDNS instances select the Gateway. */
  readonly group: string;
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

/** Gateway API `RouteNamespaces` / `ListenerNamespaces`: `from`, and the selector with `Selector`. */
function allowedNamespaces(
  allowed: AllowedNamespaces<'None' | 'All' | 'Same'>,
): Record<string, unknown> {
  return allowed.from === 'Selector'
    ? { from: 'Selector', selector: { matchLabels: { ...allowed.matchLabels } } }
    : { from: allowed.from };
}

export function gateway(props: AlbGatewayProps): KubernetesObject {
  const listener = (name: string, protocol: string, port: number) => ({
    name,
    protocol,
    port,
    ...(props.hostname ? { hostname: props.hostname } : {}),
    allowedRoutes: { namespaces: allowedNamespaces(props.allowedRoutes) },
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
    metadata: {
      name: props.name,
      namespace: props.namespace,
      labels: { ...MANAGED_BY_LABEL, [ALB_GROUP_LABEL]: props.group },
    },
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
      // `None` is the CRD's default: left out, as it was before ListenerSets existed.
      ...(props.allowedListeners.from === 'None'
        ? {}
        : { allowedListeners: { namespaces: allowedNamespaces(props.allowedListeners) } }),
    },
  };
}

/**
 * Construct id of the LoadBalancerConfiguration per apiVersion. `kubernetes_manifest` replaces an
 * object whose apiVersion changes (delete, then create: for that moment the Gateway's
 * parametersRef points at nothing), so each apiVersion has its own address: on a controller
 * upgrade or rollback the old address is released and the new one adopts the live object.
 */
const CONFIGURATION_ID: Readonly<Record<LbcGatewaySupport['lbcApiVersion'], string>> = {
  'gateway.k8s.aws/v1': 'configuration',
  'gateway.k8s.aws/v1beta1': 'configuration-v1beta1',
};

/** One Gateway (one ALB) with its LoadBalancerConfiguration: scheme, certificates, WAF ACL, security group, logs. */
export class AlbGateway extends Construct {
  readonly configuration: Manifest;
  readonly gateway: Manifest;

  constructor(scope: Construct, id: string, props: AlbGatewayProps) {
    super(scope, id);
    const apiVersion = props.lbcGatewayApiVersion;
    const lookup = new DataKubernetesResources(this, 'existing-configuration', {
      apiVersion,
      kind: 'LoadBalancerConfiguration',
      namespace: props.namespace,
      fieldSelector: `metadata.name=${props.name}`,
    });
    const objects = `data.${DataKubernetesResources.tfResourceType}.${lookup.friendlyUniqueId}.objects`;
    const precondition = schemeKept(
      foundObjects(objects),
      `The scheme of Gateway ${props.namespace}/${props.name} (its LoadBalancerConfiguration)`,
      props,
    );
    this.configuration = new ObjectManifest(this, CONFIGURATION_ID[apiVersion], {
      manifest: loadBalancerConfiguration(props),
      dependsOn: props.dependsOn,
      lifecycle: precondition.length > 0 ? { precondition } : undefined,
    });
    new ImportIfExists(this, 'adopt-configuration', {
      to: `${this.configuration.terraformResourceType}.${this.configuration.friendlyUniqueId}`,
      importId: `apiVersion=${apiVersion},kind=LoadBalancerConfiguration,namespace=${props.namespace},name=${props.name}`,
      exists: `length(${foundObjects(objects)}) > 0`,
    });
    for (const otherId of Object.values(CONFIGURATION_ID).filter(
      (c) => c !== CONFIGURATION_ID[apiVersion],
    )) {
      new ReleasedResource(this, `${otherId}-released`, {
        type: this.configuration.terraformResourceType,
        path: [...pathFromStack(this), otherId],
      });
    }
    this.gateway = new ObjectManifest(this, 'gateway', {
      manifest: gateway(props),
      dependsOn: [this.configuration],
    });
  }
}
