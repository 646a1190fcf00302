import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AnnotationMetadataEntryType } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { StackAnnotation } from 'cdktf/lib/manifest';
import { encounteredAnnotationWithLevelError } from 'cdktf/lib/errors';
import { StackSynthesizer, invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { ICustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import type { ISynthesisSession } from 'cdktf/lib/synthesize/types';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import { ConstructOrder } from 'constructs';
import type { IConstruct } from 'constructs';
import { writeStableJson } from './stable-json';

/** Where cdktf 0.21.0 keeps a construct's custom synthesis (synthesize/synthesizer.js). */
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

const ANNOTATION_TYPES: readonly string[] = [
  AnnotationMetadataEntryType.INFO,
  AnnotationMetadataEntryType.WARN,
  AnnotationMetadataEntryType.ERROR,
];

/**
 * cdktf 0.21.0's `StackSynthesizer.synthesize`, step for step, with the stack's JSON written by
 * `writeStableJson` instead of `json-stable-stringify`: the same text, several times faster (the
 * stringify was a fifth of the synth time of a fleet). The HCL rendering is cdktf's own.
 * `guards.test.ts` compares every file of every example and variant, the manifest included, with
 * what cdktf's own synthesizer writes.
 */
export class JsonStackSynthesizer extends StackSynthesizer {
  private readonly hcl: boolean;
  private readonly continueOnErrors: boolean;
  /** The sha256 of the JSON file the last synthesize wrote (undefined before, or for HCL). */
  writtenSha256: string | undefined;

  constructor(stack: TerraformStack) {
    // As cdktf 0.21.0's TerraformStack constructor reads them.
    const continueOnErrors = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
    const hcl = hclOutputRequested();
    super(stack, continueOnErrors, hcl);
    this.hcl = hcl;
    this.continueOnErrors = continueOnErrors;
  }

  synthesize(session: ISynthesisSession): void {
    if (this.hcl) {
      super.synthesize(session);
      return;
    }
    const stack = this.stack;
    invokeAspects(stack);
    if (stack.hasResourceMove()) {
      stack.node.addValidation(
        new ValidateTerraformVersion(
          '>=1.5',
          `Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.`,
        ),
      );
    }
    if (!session.skipValidation) stack.runAllValidations();
    const stackManifest = session.manifest.forStack(stack);
    const workingDirectory = join(session.outdir, stackManifest.workingDirectory);
    if (!existsSync(workingDirectory)) mkdirSync(workingDirectory);
    for (const node of stack.node.findAll(ConstructOrder.POSTORDER))
      customSynthesis(node)?.onSynthesize(session);
    const annotations = annotationsOf(stack);
    // The manifest's annotations are read-only to everything but the synthesizer.
    (stackManifest as { annotations: StackAnnotation[] }).annotations = annotations;
    const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
    if (!this.continueOnErrors && errors.length > 0)
      throw encounteredAnnotationWithLevelError(
        errors.map((a) => `[${a.constructPath}] ${a.message}`).join('\n'),
      );
    this.writtenSha256 = writeStableJson(
      join(session.outdir, stackManifest.synthesizedStackPath),
      stack.toTerraform() as Record<string, unknown>,
    );
  }
}

/** Whether HCL output is asked for, as cdktf 0.21.0's TerraformStack reads it. */
export function hclOutputRequested(): boolean {
  return process.env.SYNTH_HCL_OUTPUT === 'true' || process.env.SYNTH_HCL_OUTPUT === '1';
}

/** Whether a construct of the stack writes files of its own when synthesized (assets). */
export function hasCustomSynthesis(stack: TerraformStack): boolean {
  return stack.node.findAll().some((node) => customSynthesis(node) !== undefined);
}

function customSynthesis(node: IConstruct): ICustomSynthesis | undefined {
  return (node as unknown as Record<symbol, ICustomSynthesis | undefined>)[CUSTOM_SYNTHESIS];
}

function annotationsOf(stack: TerraformStack): StackAnnotation[] {
  return stack.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((metadata) => ANNOTATION_TYPES.includes(metadata.type))
      .map((metadata) => ({
        constructPath: node.node.path,
        level: metadata.type as AnnotationMetadataEntryType,
        message: metadata.data as string,
        stacktrace: metadata.trace,
      })),
  );
}
