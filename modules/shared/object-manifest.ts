import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ManifestConfig } from '@cdktf/provider-kubernetes/lib/manifest';
import type { Construct } from 'constructs';
import { literalStrings } from './terraform-string';

/**
 * A `kubernetes_manifest` of an object this project writes itself (not from a pinned file). Its
 * JSON is cdktf's. Its HCL is not: cdktf 0.21 renders every list inside `manifest` as a map keyed
 * `0`, `1`, … (and drops keys, quotes and types on the way), so the HCL that reviewers read would
 * say something else than the JSON that is deployed. The HCL carries a placeholder that the stack
 * replaces with the resolved JSON value written as HCL (`hclValue`). Its strings reach Terraform
 * literally: a user's `${` or `%{` (an ALB attribute, a namespace label) is no template.
 */
export class ObjectManifest extends Manifest {
  constructor(scope: Construct, id: string, config: ManifestConfig) {
    super(scope, id, {
      ...config,
      manifest: literalStrings(config.manifest) as ManifestConfig['manifest'],
    });
  }

  static isObjectManifest(construct: unknown): construct is ObjectManifest {
    return construct instanceof ObjectManifest;
  }

  /** What stands in the HCL for the manifest until the stack writes it. */
  get hclPlaceholder(): string {
    return `eks_edge_manifest_of_${this.friendlyUniqueId.replace(/\W/g, '_')}`;
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      ...(super.synthesizeHclAttributes() as Record<string, unknown>),
      manifest: {
        value: this.hclPlaceholder,
        isBlock: false,
        type: 'simple',
        storageClassType: 'reference',
      },
    };
  }
}

/**
 * A JSON value (as Terraform reads it from `cdk.tf.json`) written as an HCL expression with the
 * same meaning: lists stay lists, strings stay quoted templates (references stay `${…}`, escaped
 * `$${` stays escaped), numbers and booleans keep their type.
 */
export function hclValue(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${hclValue(item, inner)},`).join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, item]) => {
      const name = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
      return `${inner}${name} = ${hclValue(item, inner)}`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
