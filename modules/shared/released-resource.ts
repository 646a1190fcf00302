import { TerraformElement, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

export interface ReleasedResourceProps {
  /** Terraform resource type, e.g. `aws_iam_openid_connect_provider`. */
  readonly type: string;
  /** Construct ids from the stack down to where the resource stood, e.g. `['oidc', 'provider']`. */
  readonly path: readonly string[];
}

/**
 * A `removed { from = <address>; lifecycle { destroy = false } }` block: when a resource leaves the
 * configuration, Terraform stops managing it and leaves the live object alone, instead of
 * destroying it. Where the resource was never in state, the block does nothing. The address is
 * the one cdktf gives a resource at `path`, so it names exactly what an earlier synth created.
 */
export class ReleasedResource extends TerraformElement {
  readonly address: string;

  constructor(scope: Construct, id: string, props: ReleasedResourceProps) {
    super(scope, id);
    const stack = TerraformStack.of(scope);
    const leaf = props.path.reduce<Construct>(
      (parent, part) =>
        (parent.node.tryFindChild(part) as Construct | undefined) ?? new Construct(parent, part),
      stack,
    );
    if (TerraformElement.isTerraformElement(leaf)) {
      throw new Error(
        `${leaf.node.path} is still in the configuration: it cannot also be released`,
      );
    }
    this.address = `${props.type}.${stack.getLogicalId(leaf.node)}`;
  }

  toTerraform(): Record<string, unknown> {
    return { removed: [{ from: this.address, lifecycle: { destroy: false } }] };
  }

  /** The block in HCL; the stack appends it (cdktf's HCL renderer knows no `removed` block). */
  toHcl(): string {
    return `removed {\n  from = ${this.address}\n  lifecycle {\n    destroy = false\n  }\n}`;
  }
}
