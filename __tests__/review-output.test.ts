/**
 * The review output is exact: for every stack of every shipped example and test configuration,
 * the HCL that reviewers read (`npm run synth:hcl`) means what the deployed JSON means; both name
 * the oldest Terraform that reads them; strings users write reach Terraform literally; and an HCL
 * stack folder stands alone for plain `terraform`.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { formatHcl, parseHcl } from '../scripts/hcl-review';
import { buildApp } from '../stacks/app';
import { VARIANTS } from './fixtures/variants';
import {
  configWith,
  mirroredAwsVersion,
  plainTerraform,
  resourceAt,
  synthesize,
  terraformEval,
  withAwsProvider,
} from './helpers';
import type { Json } from './helpers';

/** Every stack's JSON and its review HCL, per variant. */
async function render(raw: Json): Promise<{ stack: string; json: Json; hcl: string }[]> {
  const config = configWith(() => undefined, raw);
  const json = synthesize(config);
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    const stacks = buildApp(config).node.children.filter(TerraformStack.isStack);
    stacks.forEach((stack) => stack.prepareStack());
    return Promise.all(
      stacks.map(async (stack) => ({
        stack: stack.node.id,
        json: json[stack.node.id],
        hcl: await formatHcl(stack.toHclTerraform().hcl),
      })),
    );
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

/** Keys whose JSON strings Terraform reads as references, where HCL writes bare references. */
const REFERENCE_KEYS = new Set(['depends_on', 'replace_triggered_by', 'when', 'from', 'to']);

/**
 * Both forms as Terraform sees them: a block list of one is its block (hcl2json lists every block,
 * cdktf's JSON only some), references are compared as references, and whitespace outside string
 * literals in an expression does not count. cdktf's `//` metadata is not configuration.
 */
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalise(item, key));
    const [only] = items;
    return items.length === 1 && only !== null && typeof only === 'object' && !Array.isArray(only)
      ? only
      : items;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '//')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalise(v, k)]),
    );
  }
  if (typeof value !== 'string') return value;
  if (REFERENCE_KEYS.has(key)) return /^\$\{(.*)\}$/s.exec(value)?.[1] ?? value;
  if (!value.includes('${')) return value;
  return value.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_, quoted?: string) => quoted ?? '');
}

/** Where two normalised values differ, as `path: json … hcl …`. */
function differences(json: unknown, hcl: unknown, path = ''): string[] {
  if (JSON.stringify(json) === JSON.stringify(hcl)) return [];
  const bothObjects =
    json !== null &&
    hcl !== null &&
    typeof json === 'object' &&
    typeof hcl === 'object' &&
    Array.isArray(json) === Array.isArray(hcl);
  if (!bothObjects) return [`${path}: json ${JSON.stringify(json)} hcl ${JSON.stringify(hcl)}`];
  const a = json as Record<string, unknown>;
  const b = hcl as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) =>
    differences(a[k], b[k], `${path}.${k}`),
  );
}

/** The test variants and the scenario examples (`config/scenarios/`), by name. */
const CONFIGS: Record<string, () => Json> = {
  ...VARIANTS,
  ...Object.fromEntries(
    readdirSync(join(__dirname, '..', 'config', 'scenarios')).map((file) => [
      `scenario ${file}`,
      () => parse(readFileSync(join(__dirname, '..', 'config', 'scenarios', file), 'utf8')),
    ]),
  ),
};

const rendered = new Map<string, { stack: string; json: Json; hcl: string }[]>();
// Every configuration's stacks, rendered and formatted: seconds on a busy machine.
beforeAll(async () => {
  for (const [name, raw] of Object.entries(CONFIGS)) rendered.set(name, await render(raw()));
}, 90_000);

describe.each(Object.keys(CONFIGS))('%s', (variant) => {
  it('has HCL that means what its JSON means, in every stack', async () => {
    for (const { stack, json, hcl } of rendered.get(variant) ?? []) {
      const decoded = await parseHcl(`${stack}.tf`, hcl);
      expect([stack, differences(normalise(json), normalise(decoded))]).toEqual([stack, []]);
    }
  });

  it('names the oldest Terraform that reads each stack, in both forms', () => {
    for (const { json, hcl } of rendered.get(variant) ?? []) {
      const required = json.terraform.required_version;
      expect(required).toMatch(/^>= 1\.\d+$/);
      expect(hcl).toContain(`required_version = "${required}"`);
    }
  });

  it('needs no value from another stack: each folder stands alone', () => {
    for (const { json } of rendered.get(variant) ?? []) {
      expect(json.data?.terraform_remote_state).toBeUndefined();
      expect(json.terraform.backend).toBeDefined();
      expect(Object.keys(json.terraform.required_providers).sort()).toEqual(
        Object.keys(json.provider).sort(),
      );
    }
  });
});

describe('the oldest Terraform a stack needs', () => {
  const versions = (variant: string) =>
    Object.fromEntries(
      (rendered.get(variant) ?? []).map(({ stack, json }) => [
        stack,
        json.terraform.required_version,
      ]),
    );

  it('follows what the stack holds', () => {
    expect(versions('cross-account example')).toEqual({
      dns: '>= 1.10',
      'prod-edge-prod': '>= 1.10',
      'prod-edge-prod-edge': '>= 1.10',
      'staging-edge-staging': '>= 1.10',
      'staging-edge-staging-edge': '>= 1.10',
    });
    expect(versions('example')).toEqual({
      'prod-edge-demo': '>= 1.7',
      'prod-edge-demo-edge': '>= 1.7',
    });
    expect(
      versions('minimal example, controller turned off, unused CRDs deleted, IAM conventions')[
        'prod-shop'
      ],
    ).toBe('>= 1.9');
  });
});

describe('strings users write', () => {
  const variant = 'minimal example, controller turned off, unused CRDs deleted, IAM conventions';
  const values = () => {
    const [{ json }] = rendered.get(variant) ?? [];
    return resourceAt(json, 'helm_release', 'external-dns-public/release').values[0] as string;
  };

  it('are escaped where Terraform would read templates', () => {
    expect(values()).toContain('txtPrefix: "%%{record_type}-"');
    expect(values()).toContain('--txt-wildcard-replacement=$${wildcard}');
    expect(values()).toContain('a $${literal} and %%{directive}');
  });

  it('reach the Kubernetes objects of the edge exactly as written', () => {
    const edge = synthesize(
      configWith((raw) => {
        raw.clusters[0].albGroups[0].attributes = {
          'routing.http.drop_invalid_header_fields.enabled': 'a ${literal} and %{directive}',
        };
      }),
    )['prod-edge-demo-edge'];
    const params = resourceAt(edge, 'kubernetes_manifest', 'group-public/params').manifest;
    const attribute = params.spec.loadBalancerAttributes.find(
      (a: Json) => a.key === 'routing.http.drop_invalid_header_fields.enabled',
    );
    expect(attribute.value).toBe('a $${literal} and %%{directive}');
    const evaluated = terraformEval(JSON.stringify(attribute.value));
    if (evaluated !== undefined) expect(evaluated).toBe('a ${literal} and %{directive}');
  });

  it('reach the chart exactly as written (evaluated by Terraform)', () => {
    // The role ARN is a reference to a resource the console does not have: a stand-in.
    const standalone = values().replace(/\$\{aws_iam_role\.[\w-]+\.arn\}/g, 'role-arn');
    const evaluated = terraformEval(JSON.stringify(standalone));
    if (evaluated === undefined) return;
    const chart = parse(evaluated as string);
    expect(chart.txtPrefix).toBe('%{record_type}-');
    expect(chart.extraArgs).toContain('--txt-wildcard-replacement=${wildcard}');
    expect(chart.podLabels.note).toBe('a ${literal} and %{directive}');
  });

  it('leave the references this project writes as references', () => {
    const example = rendered.get('example')?.[0].json ?? {};
    const lbcValues = resourceAt(example, 'helm_release', 'aws-load-balancer-controller/release')
      .values[0] as string;
    expect(lbcValues).toMatch(/eks\.amazonaws\.com\/role-arn: \$\{aws_iam_role\.[\w-]+\.arn\}/);
  });
});

withAwsProvider(
  'an HCL stack folder is plain Terraform: init and validate without cdktf (the DNS stack, whose one provider is here)',
  () => {
    const dns = (rendered.get('cross-account example') ?? []).find((s) => s.stack === 'dns');
    const dir = mkdtempSync(join(tmpdir(), 'eks-edge-plain-'));
    try {
      // The provider build on this machine is another version than the pinned one.
      writeFileSync(
        join(dir, 'main.tf'),
        (dns?.hcl ?? '').replace(/version = "6\.25\.0"/, `version = "${mirroredAwsVersion()}"`),
      );
      const terraform = plainTerraform(dir);
      const init = terraform('init', '-backend=false', '-input=false', '-no-color');
      expect([init.status, init.stderr]).toEqual([0, '']);
      const validate = terraform('validate', '-no-color');
      expect(`${validate.stdout}${validate.stderr}`).toContain(
        'Success! The configuration is valid.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
