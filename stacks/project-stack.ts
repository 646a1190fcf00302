import { TerraformStack } from 'cdktf';
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
    const tf = super.toTerraform() as { terraform: Record<string, unknown> };
    tf.terraform.required_version = `>= ${requiredTerraform(tf as StackJson).version}`;
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
