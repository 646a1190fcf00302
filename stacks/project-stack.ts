import { TerraformStack } from 'cdktf';
import { ReleasedResource } from '../modules/shared/released-resource';

/**
 * What every stack of this project shares beyond cdktf's `TerraformStack`: its HCL rendering
 * carries the `removed` blocks too, so the HCL that reviewers read says what the JSON says.
 */
export abstract class ProjectStack extends TerraformStack {
  toHclTerraform(): { hcl: string; metadata: Record<string, unknown> } {
    const rendered = super.toHclTerraform() as { hcl: string; metadata: Record<string, unknown> };
    const released = this.node
      .findAll()
      .filter((c): c is ReleasedResource => c instanceof ReleasedResource);
    if (released.length === 0) return rendered;
    return { ...rendered, hcl: [rendered.hcl, ...released.map((r) => r.toHcl())].join('\n\n') };
  }
}
