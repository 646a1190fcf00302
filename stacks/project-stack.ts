import { TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { resolve } from 'cdktf/lib/_tokens';
import { deepMerge } from 'cdktf/lib/util';
import { HclBlock } from '../modules/shared/terraform-blocks';
import { ObjectManifest, hclValue } from '../modules/shared/object-manifest';

/**
 * What every stack of this project shares beyond cdktf's `TerraformStack`: its HCL rendering
 * carries the `removed`, `moved` and `import` blocks too, so the HCL that reviewers read says what
 * the JSON says.
 */
export abstract class ProjectStack extends TerraformStack {
  /**
   * cdktf resolves every block of a stack once before synthesizing it (and again to synthesize),
   * only to find references to another stack's resources and wire them through remote state: half
   * of the synth time of a fleet. This project's stacks never refer to each other's resources
   * (each has its own state; what one needs of another is known by name), so the preparation is
   * the backend alone. `guards.test.ts` synthesizes every example and variant with cdktf's full
   * preparation too and requires the same bytes.
   */
  prepareStack(): void {
    this.ensureBackendExists();
  }

  toTerraform(): Record<string, unknown> {
    const tf = this.blocks() as { terraform: Record<string, unknown> };
    tf.terraform.required_version = `>= ${requiredTerraform(tf as StackJson).version}`;
    return tf;
  }

  /**
   * cdktf 0.21.0's `TerraformStack.toTerraform`, step for step, with each block resolved by
   * `resolveBlock`, and less its last step: a second resolve of the whole merged stack, whose
   * blocks are each resolved already. The stack's raw overrides, which nothing resolved yet, are
   * resolved here.
   * `guards.test.ts` requires the same bytes as cdktf's own for every example and variant.
   */
  private blocks(): Record<string, unknown> {
    const stack = this as unknown as {
      readonly rawOverrides: Record<string, unknown>;
      readonly cdktfVersion: string;
    };
    const metadata: Record<string, unknown> = {
      version: stack.cdktfVersion,
      stackName: this.node.id,
      backend: 'local',
      cloud: undefined,
      ...(Object.keys(stack.rawOverrides).length > 0
        ? { overrides: { stack: Object.keys(stack.rawOverrides) } }
        : {}),
    };
    const elements = elementsOf(this);
    for (const element of elements) deepMerge(metadata, resolveBlock(this, element.toMetadata()));
    const outputs: Record<string, unknown> = {};
    for (const output of elements.filter(TerraformOutput.isTerraformOutput)) {
      const path = output.node.path.split('/');
      deepMerge(
        outputs,
        path.reduceRight<unknown>((inner, part) => ({ [part]: inner }), output.friendlyUniqueId),
      );
    }
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const element of elements) deepMerge(tf, resolveBlock(this, element.toTerraform()));
    deepMerge(tf, resolve(this, stack.rawOverrides));
    return tf;
  }

  toHclTerraform(): { hcl: string; metadata: Record<string, unknown> } {
    const rendered = super.toHclTerraform() as { hcl: string; metadata: Record<string, unknown> };
    const hcl = exactHeredocs(this.withManifests(unquoteReplaceTriggers(rendered.hcl)));
    // cdktf 0.21's HCL renderer cannot write other terraform-block arguments: written here.
    const { version, reason } = requiredTerraform(super.toTerraform() as StackJson);
    const versioned = hcl.replace(
      /^terraform \{\n/m,
      `terraform {\n  # ${reason}\n  required_version = ">= ${version}"\n`,
    );
    const blocks = this.node.findAll().filter(HclBlock.isHclBlock);
    return { ...rendered, hcl: [versioned, ...blocks.map((b) => b.toHcl())].join('\n\n') };
  }

  /** The manifests of the project's own objects, written from their JSON (see ObjectManifest). */
  private withManifests(hcl: string): string {
    const manifests = this.node.findAll().filter(ObjectManifest.isObjectManifest);
    if (manifests.length === 0) return hcl;
    const json = this.toTerraform() as {
      resource: Record<string, Record<string, { manifest: unknown }>>;
    };
    return manifests.reduce(
      (text, m) =>
        text.replace(m.hclPlaceholder, () =>
          hclValue(json.resource[m.terraformResourceType][m.friendlyUniqueId].manifest),
        ),
      hcl,
    );
  }
}

/**
 * cdktf 0.21 writes a multi-line string as `<<EOF\n<value>\nEOF`, which Terraform reads as the
 * value plus a newline. A value that ends in a newline (chart values, scripts) is written without
 * the extra one; any other as a quoted string, whose escapes mean what the JSON's do.
 */
function exactHeredocs(hcl: string): string {
  return hcl.replace(/<<EOF\n([\s\S]*?)\nEOF/g, (_, content: string) =>
    content.endsWith('\n') ? `<<EOF\n${content}EOF` : JSON.stringify(content),
  );
}

/**
 * cdktf 0.21 writes `replace_triggered_by` items given as strings (an attribute of a resource,
 * such as `aws_iam_role.x.unique_id`) quoted in HCL, where Terraform wants references; the JSON
 * form takes them as strings.
 */
function unquoteReplaceTriggers(hcl: string): string {
  return hcl.replace(
    /(replace_triggered_by\s*=\s*\[)([^\]]*)\]/g,
    (_, start: string, items: string) => `${start}${items.replace(/"([\w.-]+)"/g, '$1')}]`,
  );
}

/**
 * The oldest Terraform that reads a stack, from what it holds (Terraform's CHANGELOG): S3-native
 * locking (`use_lockfile`) from 1.10, destroy-time provisioners in `removed` blocks from 1.9,
 * `removed` blocks and `import` with `for_each` from 1.7, `check` blocks from 1.5,
 * `terraform_data` from 1.4, and
 * preconditions and `replace_triggered_by` from 1.2.
 */
interface StackJson {
  readonly terraform?: { readonly backend?: Record<string, unknown> };
  readonly removed?: readonly Record<string, unknown>[];
  readonly import?: readonly unknown[];
  readonly check?: Record<string, unknown>;
  readonly resource?: Record<string, unknown>;
}

export function requiredTerraform(tf: StackJson): { version: string; reason: string } {
  const removed = tf.removed ?? [];
  if (tf.terraform?.backend?.s3)
    return { version: '1.10', reason: 'S3-native state locking (use_lockfile)' };
  if (removed.some((block) => block.provisioner))
    return { version: '1.9', reason: 'a destroy-time provisioner in a removed block' };
  if (removed.length > 0 || (tf.import ?? []).length > 0)
    return { version: '1.7', reason: 'removed blocks, import blocks with for_each' };
  if (tf.check) return { version: '1.5', reason: 'check blocks' };
  if (tf.resource?.terraform_data) return { version: '1.4', reason: 'terraform_data' };
  return { version: '1.2', reason: 'lifecycle preconditions and replace_triggered_by' };
}

/** The stack's Terraform elements in construct order, as cdktf 0.21.0 collects them. */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children)
    if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/** Text that may hold a token: cdktf's markers, or a number (an encoded number token's text). */
const MAY_HOLD_TOKEN = /TfToken\[|\d[eE][-+]?\d/;

/**
 * What cdktf's `resolve` makes of a block, without its cost where there is nothing to resolve:
 * cdktf makes a resolution context for every string, key and number of every block, which is
 * most of the synth time of a fleet. A plain value resolves to itself (an object or list without
 * its undefined entries), so plain maps and lists are walked here, and every value that may hold
 * a token (a string with a token marker or a number's text, a number in the range cdktf encodes
 * tokens in, a list with such a string, a map with such a key, anything resolvable) is handed to
 * cdktf's `resolve` as a whole (resolvable: what has a `resolve` method, as cdktf's
 * `Tokenization.isResolvable` says). Plain containers set nothing on the resolution context, so a
 * value resolves there as it would inside them. `guards.test.ts` requires the same bytes as
 * cdktf's own synth for every example and variant.
 */
function resolveBlock(scope: IConstruct, value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return MAY_HOLD_TOKEN.test(value) ? resolve(scope, value) : value;
  // cdktf encodes number tokens as doubles beyond ±1e289.
  if (typeof value === 'number') return Math.abs(value) < 1e250 ? value : resolve(scope, value);
  if (typeof value !== 'object' || value instanceof Date) return resolve(scope, value);
  if (Array.isArray(value)) {
    if (value.some((item) => typeof item === 'string' && MAY_HOLD_TOKEN.test(item)))
      return resolve(scope, value);
    return value.map((item) => resolveBlock(scope, item)).filter((item) => item !== undefined);
  }
  const entries = Object.entries(value);
  if (
    typeof (value as { resolve?: unknown }).resolve === 'function' ||
    entries.some(([key]) => MAY_HOLD_TOKEN.test(key))
  )
    return resolve(scope, value);
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveBlock(scope, item);
    if (resolved !== undefined) result[key] = resolved;
  }
  return result;
}
