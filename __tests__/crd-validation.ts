/**
 * Emitted Kubernetes objects against their CRD schemas. Embedded: the rules of the fields the
 * project sets (fixtures/crd-rules.ts), with unknown fields rejected (the API server would
 * silently prune a misspelt field). Upstream: the full schemas of the shared upstream CRD copies,
 * made strict the same way, where those copies are present.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { EMBEDDED_SCHEMAS } from './fixtures/crd-rules';
import { UPSTREAM_DIR, sharedUpstream } from './helpers';
import type { Json } from './helpers';

const ajv = new Ajv({ allowUnionTypes: true, strict: false, validateFormats: false });
export const validateEmbedded = (object: Json) => {
  const schema = EMBEDDED_SCHEMAS[object.kind];
  const validate = ajv.compile({
    ...schema,
    properties: { ...schema.properties, apiVersion: { type: 'string' } },
  });
  return validate(object) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
};

const UPSTREAM = UPSTREAM_DIR;
/** Upstream CRD files, for the pinned versions of the example (Gateway API v1.6.0, controller v3.5.0). */
export const UPSTREAM_CRDS: Record<string, string> = {
  GatewayClass:
    'gateway-api/v1.6.0/config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml',
  Gateway: 'gateway-api/v1.6.0/config/crd/standard/gateway.networking.k8s.io_gateways.yaml',
  LoadBalancerConfiguration:
    'aws-load-balancer-controller/v3.5.0/crd-gateway/gateway.k8s.aws_loadbalancerconfigurations.yaml',
};

/** The served version's schema, with unknown fields rejected wherever the CRD lists properties. */
function strictUpstreamSchema(kind: string, apiVersion: string): Json {
  const crd = parseAllDocuments(readFileSync(join(UPSTREAM, UPSTREAM_CRDS[kind]), 'utf8'))
    .map((d) => d.toJS())
    .find((d) => d?.spec?.names?.kind === kind);
  const version = crd.spec.versions.find(
    (v: Json) => `${crd.spec.group}/${v.name}` === apiVersion && v.served,
  );
  const strict = (schema: Json): Json => {
    if (!schema || typeof schema !== 'object') return schema;
    const copy: Json = Array.isArray(schema)
      ? schema.map(strict)
      : Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, strict(v)]));
    if (
      copy.properties &&
      copy.additionalProperties === undefined &&
      !copy['x-kubernetes-preserve-unknown-fields']
    )
      copy.additionalProperties = false;
    return copy;
  };
  const schema = strict(version.schema.openAPIV3Schema);
  // Metadata is ObjectMeta, validated by the API server itself, not by the CRD.
  schema.properties.metadata = { type: 'object' };
  return schema;
}

/** The upstream CRD files of UPSTREAM_CRDS (all of them, or the tests that need them skip). */
export const upstreamCrds = sharedUpstream();
export const haveUpstream = upstreamCrds.present;
/** What the upstream schema of the object's kind finds wrong with it ([] when valid). */
export function validateUpstream(object: Json): string[] {
  const validate = ajv.compile(strictUpstreamSchema(object.kind, object.apiVersion));
  return validate(object) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
}
