import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load';
import { buildApp } from '../stacks/app';
import {
  conditionsAsBlocks,
  formatHcl,
  parseHcl,
  stackFiles,
  unquoteDependsOn,
  unwrapInterpolationOnlyValues,
} from '../scripts/hcl-review';
import { EXAMPLE_PATH } from './helpers';

/** Renders the example's stacks as HCL the way `npm run synth:hcl` does. */
async function renderExampleHcl(): Promise<{ file: string; hcl: string }[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'eks-edge-hcl-'));
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    buildApp(loadConfig(EXAMPLE_PATH), outdir).synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  const rendered = [];
  for (const file of stackFiles(outdir)) {
    const hcl = await formatHcl(readFileSync(file, 'utf8'));
    writeFileSync(file, hcl);
    rendered.push({ file, hcl });
  }
  return rendered;
}

describe('the HCL rendering for review', () => {
  let stacks: { file: string; hcl: string }[];
  let rendered: { file: string; hcl: string };
  let parsed: Record<string, any>;

  // Rendering and the WebAssembly parser take a few seconds on a busy machine.
  beforeAll(async () => {
    stacks = await renderExampleHcl();
    rendered = stacks[0];
    parsed = await parseHcl(rendered.file, rendered.hcl);
  }, 30_000);

  afterAll(() => rmSync(join(stacks[0].file, '..', '..', '..'), { recursive: true, force: true }));

  it('is valid HCL for every stack', async () => {
    expect(stacks.map((s) => s.file.split('/').slice(-2)[0])).toEqual([
      'prod-edge-demo',
      'prod-edge-demo-edge',
    ]);
    expect(Object.keys(parsed).sort()).toEqual([
      'check',
      'data',
      'import',
      'locals',
      'moved',
      'output',
      'provider',
      'removed',
      'resource',
      'terraform',
    ]);
    const edge = await parseHcl(stacks[1].file, stacks[1].hcl);
    expect(Object.keys(edge.resource)).toContain('kubernetes_manifest');
  });

  it('writes the helm 3.x provider kubernetes and exec settings as attributes, not blocks', () => {
    // hcl2json turns blocks into lists of objects and object attributes into objects.
    const [helm] = parsed.provider.helm;
    expect(Array.isArray(helm.kubernetes)).toBe(false);
    expect(Array.isArray(helm.kubernetes.exec)).toBe(false);
    expect(helm.kubernetes.exec.args).toEqual([
      'eks',
      'get-token',
      '--cluster-name',
      'edge-demo',
      '--region',
      'eu-west-1',
    ]);
    expect(rendered.hcl).toMatch(/provider "helm" \{\n {2}kubernetes = \{\n/);
    expect(rendered.hcl).not.toContain('[object Object]');
  });

  it('is accepted by Terraform itself (configuration decoding, offline)', () => {
    const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
    if (terraform.error) {
      // No terraform binary here: at least the conditions must be blocks.
      for (const { hcl } of stacks) expect(hcl).not.toMatch(/condition = \[/);
      return;
    }
    const work = mkdtempSync(join(tmpdir(), 'eks-edge-init-'));
    try {
      // An empty provider mirror: init decodes the whole configuration, then fails only at provider installation.
      mkdirSync(join(work, 'mirror'));
      writeFileSync(
        join(work, 'terraformrc'),
        `provider_installation {\n  filesystem_mirror {\n    path    = "${join(work, 'mirror')}"\n    include = ["*/*/*"]\n  }\n}\n`,
      );
      for (const { file } of stacks) {
        const init = spawnSync(
          'terraform',
          ['init', '-backend=false', '-input=false', '-no-color'],
          {
            cwd: join(file, '..'),
            encoding: 'utf8',
            env: {
              ...process.env,
              TF_CLI_CONFIG_FILE: join(work, 'terraformrc'),
              TF_DATA_DIR: join(work, 'data'),
            },
          },
        );
        const output = `${init.stdout}${init.stderr}`;
        expect(output).not.toMatch(
          /problems with the configuration|Unsupported (argument|block type)|Invalid |Missing required/,
        );
        expect(output).toMatch(/Failed to query available provider packages/);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('writes depends_on as references, not deprecated quoted strings', () => {
    expect(stacks.some(({ hcl }) => hcl.includes('depends_on = ['))).toBe(true);
    for (const { hcl } of stacks) expect(hcl).not.toMatch(/depends_on = \[\n\s+"/);
  });

  it('passes chart values as YAML, with no set entries', () => {
    const [release] = Object.values(parsed.resource.helm_release) as any[];
    expect(release[0].set).toBeUndefined();
    expect(release[0].values[0]).toContain('clusterName: edge-demo');
  });

  it('is already formatted as terraform fmt wants it', () => {
    const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
    if (terraform.error) {
      // No terraform binary here: the formatter above is the same hclwrite code terraform uses.
      expect(rendered.hcl).toMatch(/^terraform \{\n {2}required_providers \{\n/);
      return;
    }
    for (const { file } of stacks) {
      const check = spawnSync('terraform', ['fmt', '-check', '-diff', file], { encoding: 'utf8' });
      expect(check.stdout).toBe('');
      expect(check.status).toBe(0);
    }
  });
});

describe('conditionsAsBlocks', () => {
  it('turns a list of postconditions into postcondition blocks', () => {
    const hcl = [
      'lifecycle {',
      '  postcondition = [',
      '{',
      'condition = a',
      '},',
      '{',
      'condition = b',
      '},',
      ']',
      '}',
    ].join('\n');
    expect(conditionsAsBlocks(hcl)).toBe(
      [
        'lifecycle {',
        'postcondition {',
        'condition = a',
        '}',
        'postcondition {',
        'condition = b',
        '}',
        '}',
      ].join('\n'),
    );
  });
});

describe('unquoteDependsOn', () => {
  it('turns quoted depends_on entries into references, and nothing else', () => {
    const hcl = [
      '  depends_on = [',
      '    "aws_iam_role.a",',
      '    "helm_release.b"',
      '  ]',
      '  values = [',
      '    "x",',
      '  ]',
    ].join('\n');
    expect(unquoteDependsOn(hcl)).toBe(
      [
        '  depends_on = [',
        '    aws_iam_role.a,',
        '    helm_release.b',
        '  ]',
        '  values = [',
        '    "x",',
        '  ]',
      ].join('\n'),
    );
  });
});

describe('unwrapInterpolationOnlyValues', () => {
  it('unwraps a value that is one interpolation, as terraform fmt does', () => {
    expect(unwrapInterpolationOnlyValues('  role = "${aws_iam_role.x.name}"')).toBe(
      '  role = aws_iam_role.x.name',
    );
    expect(unwrapInterpolationOnlyValues('  v = "${replace(a, "https://", "")}"')).toBe(
      '  v = replace(a, "https://", "")',
    );
  });

  it('leaves templates with text or several interpolations alone', () => {
    for (const line of [
      '  v = "${a}:sub"',
      '  v = "${a}-${b}"',
      '  v = "prefix-${a}"',
      '    "${a}",',
    ]) {
      expect(unwrapInterpolationOnlyValues(line)).toBe(line);
    }
  });
});
