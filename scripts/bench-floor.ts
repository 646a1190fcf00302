/**
 * The floor of `npm run bench`: a Node process that only loads cdktf and writes one empty stack
 * (a local backend, nothing else) to $CDKTF_OUTDIR. What the app costs above this is this
 * project's own cost: configuration, provider bindings, constructs and the larger output.
 */
import { App, LocalBackend, TerraformStack } from 'cdktf';

export function synthesizeFloor(outdir?: string): void {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'floor');
  new LocalBackend(stack, { path: 'terraform.floor.tfstate' });
  app.synth();
}

if (require.main === module) synthesizeFloor();
