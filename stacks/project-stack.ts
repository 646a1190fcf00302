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
    const blocks = this.node.findAll().filter(HclBlock.isHclBlock);
    if (blocks.length === 0) return rendered;
    return { ...rendered, hcl: [rendered.hcl, ...blocks.map((b) => b.toHcl())].join('\n\n') };
  }
}
