import { TerraformStack } from 'cdktf';
import { HclBlock } from '../modules/shared/terraform-blocks';

/**
 * What every stack of this project shares beyond cdktf's `TerraformStack`: its HCL rendering
 * carries the `removed`, `moved` and `import` blocks too, so the HCL that reviewers read says what
 * the JSON says.
 */
export abstract class ProjectStack extends TerraformStack {
  toHclTerraform(): { hcl: string; metadata: Record<string, unknown> } {
    const rendered = super.toHclTerraform() as { hcl: string; metadata: Record<string, unknown> };
    const hcl = unquoteReplaceTriggers(rendered.hcl);
    const blocks = this.node.findAll().filter(HclBlock.isHclBlock);
    return { ...rendered, hcl: [hcl, ...blocks.map((b) => b.toHcl())].join('\n\n') };
  }
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
