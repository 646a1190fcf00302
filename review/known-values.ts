/**
 * References that a reader (and Terraform, at plan) can resolve without the apply: a computed
 * attribute that follows from configured arguments (catalog/provider-schemas.ts), such as an S3
 * bucket's ARN. Where the resource ignores changes to such an argument, the live value is the one
 * of the side before: the preview compares what Terraform will really read.
 */
import { DERIVED_ATTRIBUTES } from '../catalog/provider-schemas';
import { partitionOf } from '../catalog/partitions';
import type { Json } from './terraform-json';
import { resourcesOf } from './terraform-json';

const REFERENCE = /\$\{((aws_[a-z0-9_]+)\.([\w-]+))\.(\w+)\}/g;

/** `value` with every resolvable reference of `tf` replaced by its value (`prior`: the side before). */
export function withKnownValues<T>(value: T, tf: Json | undefined, prior?: Json): T {
  if (!tf || value === undefined) return value;
  const resources = resourcesOf(tf);
  const before = resourcesOf(prior);
  const region: string = tf.provider?.aws?.[0]?.region ?? '';
  const text = JSON.stringify(value);
  const resolved = text.replace(
    REFERENCE,
    (reference, address: string, type: string, _n, attr: string) => {
      const derive = DERIVED_ATTRIBUTES[type]?.[attr];
      const body = resources.get(address);
      if (!derive || !body) return reference;
      const ignored: string[] = body.lifecycle?.ignore_changes ?? [];
      const args = { ...body };
      for (const key of ignored)
        if (before.get(address)?.[key] !== undefined) args[key] = before.get(address)?.[key];
      const known = derive(args, partitionOf(region));
      // Inside JSON text: a quote or backslash of the value is escaped.
      return typeof known === 'string' ? known.replace(/["\\]/g, '\\$&') : reference;
    },
  );
  return resolved === text ? value : JSON.parse(resolved);
}
