import { TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { resolve } from 'cdktf/lib/_tokens';
import { HclBlock } from '../modules/shared/terraform-blocks';
import { ObjectManifest, hclValue } from '../modules/shared/object-manifest';
import { JsonStackSynthesizer } from './stack-synthesizer';

/**
 * What every stack of this project shares beyond cdktf's `TerraformStack`: its HCL rendering
 * carries the `removed`, `moved` and `import` blocks too, so the HCL that reviewers read says what
 * the JSON says.
 */
export abstract class ProjectStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.synthesizer = new JsonStackSynthesizer(this);
  }

  /** The sha256 of the stack's JSON as its last synthesize wrote it (undefined for HCL). */
  get writtenSha256(): string | undefined {
    return (this.synthesizer as JsonStackSynthesizer).writtenSha256;
  }

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
   * `resolveBlock` and merged by `mergeInto`, and less its last step: a second resolve of the whole merged stack, whose
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
    for (const element of elements) mergeInto(metadata, resolveBlock(this, element.toMetadata()));
    const outputs: Record<string, unknown> = {};
    for (const output of elements.filter(TerraformOutput.isTerraformOutput)) {
      const path = output.node.path.split('/');
      mergeInto(
        outputs,
        path.reduceRight<unknown>((inner, part) => ({ [part]: inner }), output.friendlyUniqueId),
      );
    }
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const element of elements) mergeInto(tf, resolveBlock(this, element.toTerraform()));
    mergeInto(tf, resolve(this, stack.rawOverrides));
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

/**
 * cdktf 0.21.0's `deepMerge` of a resolved block into the stack's JSON, without its copy of
 * every map of the block: a resolved block is a tree of its own (`resolveBlock` and cdktf's
 * resolve make new maps and lists), so its maps can become the stack's, and a later block merges
 * into them as it would into the copies. Lists are joined, `undefined` deletes, anything else
 * replaces.
 */
function mergeInto(target: Record<string, unknown>, source: unknown): void {
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    const existing = target[key];
    if (value === undefined) delete target[key];
    else if (isMap(value) && typeof existing === 'object' && existing !== null)
      mergeInto(existing as Record<string, unknown>, value);
    else if (Array.isArray(value) && Array.isArray(existing)) target[key] = [...existing, ...value];
    else target[key] = value;
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Text that may hold a token, by cdktf 0.21.0's own patterns (tokens/private/encoding.js): a
 * string, list or map token's marker, or what its number-token pattern matches (a lowercase `e`
 * between a digit, sign or dot and a digit, sign, dot or `e`: an encoded number token's text).
 * Anything else resolves to itself. The uppercase hex of cdktf's unique ids (`_1512E4E1`) is not
 * a number to cdktf, so the blocks it names are not handed to cdktf's resolve.
 */
const MAY_HOLD_TOKEN = /TfToken\[|[-|\d.+]e[-|\d.eE+]/;
/** A list item that makes cdktf resolve its list as a whole: a list token's marker. */
const LIST_TOKEN_MARKER = '#{TfToken[';
/** cdktf encodes number tokens as doubles beyond ±1e289. */
const mayBeNumberToken = (value: number): boolean => Math.abs(value) >= 1e250;

/**
 * What cdktf's `resolve` makes of a block, without its cost where there is nothing to resolve:
 * cdktf makes a resolution context for every string, key and number of every block, which is
 * most of the synth time of a fleet. A plain value resolves to itself (an object or list without
 * its undefined entries), so plain maps and lists are walked here, and only what may hold a token
 * is handed to cdktf's `resolve`: a string that matches `MAY_HOLD_TOKEN`, a number in the range
 * cdktf encodes tokens in, a list with a list token (which cdktf resolves as a whole), a map with
 * such a key, anything resolvable (what has a `resolve` method, as cdktf's
 * `Tokenization.isResolvable` says). Plain containers set nothing on the resolution context, so a
 * value resolves there as it would inside them. `guards.test.ts` requires the same bytes as
 * cdktf's own synth for every example and variant.
 */
function resolveBlock(scope: IConstruct, value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return MAY_HOLD_TOKEN.test(value) ? resolve(scope, value) : value;
  if (typeof value === 'number') return mayBeNumberToken(value) ? resolve(scope, value) : value;
  if (typeof value !== 'object' || value instanceof Date) return resolve(scope, value);
  if (Array.isArray(value)) {
    if (value.some(isListToken)) return resolve(scope, value);
    const result: unknown[] = [];
    for (const item of value) {
      const resolved = resolveBlock(scope, item);
      if (resolved !== undefined) result.push(resolved);
    }
    return result;
  }
  const keys = Object.keys(value);
  if (
    typeof (value as { resolve?: unknown }).resolve === 'function' ||
    keys.some((key) => MAY_HOLD_TOKEN.test(key))
  )
    return resolve(scope, value);
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolveBlock(scope, (value as Record<string, unknown>)[key]);
    if (resolved !== undefined) result[key] = resolved;
  }
  return result;
}

function isListToken(item: unknown): boolean {
  return (
    (typeof item === 'string' && item.includes(LIST_TOKEN_MARKER)) ||
    (typeof item === 'number' && mayBeNumberToken(item))
  );
}
