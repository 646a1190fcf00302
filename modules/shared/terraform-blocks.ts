/**
 * Terraform blocks that cdktf 0.21 cannot write: `removed` (Terraform forgets an object without
 * destroying it), `moved` between instance addresses, and `import` with `for_each` (adopt an object
 * only where it exists). Each renders its JSON and its HCL; `ProjectStack` appends the HCL.
 */
import { TerraformElement, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** An element whose HCL the stack appends (cdktf's HCL renderer does not know the block). */
export abstract class HclBlock extends TerraformElement {
  abstract toHcl(): string;

  static isHclBlock(construct: unknown): construct is HclBlock {
    return construct instanceof HclBlock;
  }
}

/**
 * The address cdktf gives a resource of `type` at `path` (construct ids from the stack down),
 * whether or not the resource is in this synth: placeholders stand in for missing constructs.
 */
export function resourceAddress(scope: Construct, type: string, path: readonly string[]): string {
  const stack = TerraformStack.of(scope);
  const leaf = path.reduce<Construct>(
    (parent, part) =>
      (parent.node.tryFindChild(part) as Construct | undefined) ?? new Construct(parent, part),
    stack,
  );
  return `${type}.${stack.getLogicalId(leaf.node)}`;
}

/** Construct ids from the stack down to `construct` (itself included). */
export function pathFromStack(construct: Construct): string[] {
  const scopes = construct.node.scopes;
  return scopes.slice(scopes.indexOf(TerraformStack.of(construct)) + 1).map((s) => s.node.id);
}

export interface ReleasedResourceProps {
  /** Terraform resource type, e.g. `aws_iam_openid_connect_provider`. */
  readonly type: string;
  /** Construct ids from the stack down to where the resource stood, e.g. `['oidc', 'provider']`. */
  readonly path: readonly string[];
}

/**
 * `removed { from = <address>; lifecycle { destroy = false } }`: when a resource leaves the
 * configuration, Terraform stops managing it and leaves the live object alone, instead of
 * destroying it. Where the resource was never in state, the block does nothing.
 */
export class ReleasedResource extends HclBlock {
  readonly address: string;

  constructor(scope: Construct, id: string, props: ReleasedResourceProps) {
    super(scope, id);
    const stack = TerraformStack.of(scope);
    const existing = props.path.reduce<Construct | undefined>(
      (parent, part) => parent?.node.tryFindChild(part) as Construct | undefined,
      stack,
    );
    if (TerraformElement.isTerraformElement(existing)) {
      throw new Error(
        `${existing.node.path} is still in the configuration: it cannot also be released`,
      );
    }
    this.address = resourceAddress(scope, props.type, props.path);
  }

  toTerraform(): Record<string, unknown> {
    return { removed: [{ from: this.address, lifecycle: { destroy: false } }] };
  }

  toHcl(): string {
    return `removed {\n  from = ${this.address}\n  lifecycle {\n    destroy = false\n  }\n}`;
  }
}

/** `moved { from; to }` between addresses that may name instances (`x["key"]`). */
export class MovedResource extends HclBlock {
  constructor(
    scope: Construct,
    id: string,
    private readonly from: string,
    private readonly to: string,
  ) {
    super(scope, id);
  }

  toTerraform(): Record<string, unknown> {
    return { moved: [{ from: this.from, to: this.to }] };
  }

  toHcl(): string {
    return `moved {\n  from = ${this.from}\n  to   = ${this.to}\n}`;
  }
}

export interface ImportIfExistsProps {
  /** The resource address to import into. */
  readonly to: string;
  /** The provider's import id. */
  readonly importId: string;
  /** A Terraform expression, true when the object exists (read at plan time). */
  readonly exists: string;
}

/**
 * `import { for_each = <exists> ? [id] : []; to; id = each.value }`: adopts an object that
 * already exists (made by Helm, another tool or an earlier version of this project) instead of
 * failing to create it, and does nothing where it does not exist or is already managed.
 */
export class ImportIfExists extends HclBlock {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: ImportIfExistsProps,
  ) {
    super(scope, id);
  }

  private get forEach(): string {
    return `${this.props.exists} ? toset([${JSON.stringify(this.props.importId)}]) : toset([])`;
  }

  toTerraform(): Record<string, unknown> {
    return {
      import: [{ for_each: `\${${this.forEach}}`, to: this.props.to, id: '${each.value}' }],
    };
  }

  toHcl(): string {
    return `import {\n  for_each = ${this.forEach}\n  to       = ${this.props.to}\n  id       = each.value\n}`;
  }
}

export interface CheckAssertion {
  /** A Terraform expression, true when all is well. */
  readonly condition: string;
  /** A Terraform template; its interpolations must not contain quotes (use locals). */
  readonly errorMessage: string;
}

/**
 * `check "<name>" { assert { … } }` (Terraform 1.5): a failed assertion does not stop the plan or
 * the apply, it is shown as a warning. For what the user should see on every plan, but may have
 * good reasons to leave as it is.
 */
export class CheckBlock extends HclBlock {
  constructor(
    scope: Construct,
    id: string,
    private readonly assertion: CheckAssertion,
  ) {
    super(scope, id);
  }

  private get name(): string {
    return this.friendlyUniqueId;
  }

  toTerraform(): Record<string, unknown> {
    const { condition, errorMessage } = this.assertion;
    return {
      check: {
        [this.name]: { assert: [{ condition: `\${${condition}}`, error_message: errorMessage }] },
      },
    };
  }

  toHcl(): string {
    const { condition, errorMessage } = this.assertion;
    if (/\$\{[^}]*"/.test(errorMessage)) {
      throw new Error(`${this.node.path}: an interpolation of the message holds a quote`);
    }
    return [
      `check "${this.name}" {`,
      '  assert {',
      `    condition     = ${condition}`,
      `    error_message = ${JSON.stringify(errorMessage)}`,
      '  }',
      '}',
    ].join('\n');
  }
}
