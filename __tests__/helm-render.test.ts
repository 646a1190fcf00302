/**
 * Chart values as a real Helm renders them where a chart passes them through `tpl` (issue 23):
 * the synthesized values of the releases, with user strings full of template syntax, rendered by
 * `helm template` through a probe chart of this test's own that uses the same constructs as the
 * upstream templates at the catalogued tags (cited below; the charts themselves are not copied).
 *
 * Helm comes from `$EKS_EDGE_HELM` (see docs/development.md for the registry package it is taken
 * from): the package's peer dependency on aws-cdk-lib makes it too heavy a development
 * dependency, so without the variable this suite is skipped and says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { configWith, requires, resourceAt, synthesizeCluster } from './helpers';
import type { Json, TestInput } from './helpers';

const HELM = process.env.EKS_EDGE_HELM;

/**
 * Opt-in even under EKS_EDGE_STRICT=1: CI has no Helm binary (the package that ships it needs
 * fetched chart sources CI cannot have), so strict mode leaves this suite skipped, saying why,
 * instead of failing every CI run.
 */
const HELM_BINARY: TestInput = {
  name: 'EKS_EDGE_HELM (a Helm 3 binary)',
  present: HELM !== undefined && existsSync(HELM),
  howToProvide: 'set EKS_EDGE_HELM to a Helm 3 binary (see docs/development.md)',
  optIn: true,
};

/**
 * The probe's template: each construct as the upstream chart writes it. external-dns chart 1.21.1,
 * templates/deployment.yaml: list `extraArgs` line 162, map `extraArgs` lines 144 and 153;
 * serviceaccount.yaml line 15. aws-load-balancer-controller v3.5.0 templates/serviceaccount.yaml
 * line 11, deployment.yaml line 67. And a value no template passes through `tpl`.
 */
const PROBE = `rendered:
  extraArgs:
{{- if kindIs "slice" .Values.extraArgs }}
{{- range .Values.extraArgs }}
    - {{ tpl . $ | quote }}
{{- end }}
{{- end }}
{{- if kindIs "map" .Values.extraArgs }}
{{- range $key, $value := .Values.extraArgs }}
{{- if kindIs "slice" $value }}
{{- range $value }}
    - {{ print "--" $key "=" (tpl (. | toString) $) | quote }}
{{- end }}
{{- else }}
    - {{ print "--" $key "=" (tpl ($value | toString) $) | quote }}
{{- end }}
{{- end }}
{{- end }}
  externalDnsAnnotations:
{{- range $k, $v := .Values.serviceAccount.annotations }}
    {{- printf "%s: %s" (toYaml (tpl $k $)) (toYaml (tpl $v $)) | nindent 4 }}
{{- end }}
  controllerAnnotations:
    {{- tpl (toYaml .Values.serviceAccount.annotations) $ | nindent 4 }}
  clusterName: {{ tpl (default "" .Values.clusterName) . | quote }}
  podLabels:
    {{- toYaml .Values.podLabels | nindent 4 }}
`;

/** Renders `values` (a release's values document) through the probe chart with real Helm. */
function render(values: string): Json {
  const dir = mkdtempSync(join(tmpdir(), 'eks-edge-helm-'));
  try {
    mkdirSync(join(dir, 'probe', 'templates'), { recursive: true });
    writeFileSync(
      join(dir, 'probe', 'Chart.yaml'),
      'apiVersion: v2\nname: probe\nversion: 0.1.0\n',
    );
    writeFileSync(join(dir, 'probe', 'templates', 'probe.yaml'), PROBE);
    writeFileSync(join(dir, 'values.yaml'), values);
    const run = spawnSync(
      HELM!,
      ['template', 'probe', join(dir, 'probe'), '-f', join(dir, 'values.yaml')],
      {
        encoding: 'utf8',
        env: { ...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
      },
    );
    if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
    const [document] = parseAllDocuments(run.stdout).map((d) => d.toJS());
    return document.rendered;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Strings a user writes that mean something to Go templates, to YAML 1.1 or to Terraform. */
const TRICKY = [
  '--fqdn-template={{.Name}}.{{.Namespace}}.example.com',
  '--fqdn-template={{- .Name -}}.example.com',
  '--fqdn-template={{"{{"}}',
  '--fqdn-template=}}{{ end }}',
  '--fqdn-template=${name}.%{x}.example.com',
  '--fqdn-template={{.Name}}.example.com,{{.Name}}.example.org',
];

requires(HELM_BINARY).describe('values through tpl, rendered by Helm', () => {
  const tf = synthesizeCluster(
    configWith((raw) => {
      raw.clusters[0].externalDns[0].extraArgs = TRICKY;
      raw.clusters[0].externalDns[0].values = { podLabels: { team: '{{.Release.Name}}' } };
    }),
  );
  // As Terraform reads the string: `$${` and `%%{` are its escapes of a literal `${` and `%{`.
  const values = (release: string): string =>
    resourceAt(tf, 'helm_release', `${release}/release`)
      .values[0].replaceAll('$${', '${')
      .replaceAll('%%{', '%{');

  it('gives ExternalDNS every extraArgs string as written, and its own flags', () => {
    const rendered = render(values('external-dns-public'));
    expect(rendered.extraArgs).toEqual(expect.arrayContaining(TRICKY));
    expect(rendered.extraArgs).toContain('--zone-id-filter=Z0EXAMPLEPUBLIC0001');
    // A value no template passes through tpl is written as it is.
    expect(rendered.podLabels).toEqual({ team: '{{.Release.Name}}' });
  });

  it("gives the controller its cluster name and both charts' service accounts their annotations", () => {
    const controller = render(values('aws-load-balancer-controller'));
    expect(controller.clusterName).toBe('edge-demo');
    const annotations = {
      'eks.amazonaws.com/role-arn': expect.stringMatching(/^\$\{aws_iam_role\./),
    };
    expect(controller.controllerAnnotations).toEqual(annotations);
    expect(render(values('external-dns-public')).externalDnsAnnotations).toEqual(annotations);
  });
});
