/**
 * The preview written for a person at a terminal, for a pull-request comment (Markdown), or for a
 * tool (JSON, the `Preview` object itself; docs/reviewing.md describes it).
 */
import type { PlannedChange } from './plan';
import { DISRUPTIVE } from './plan';
import type { Preview, StackPreview } from './preview';

export const FORMATS = ['text', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** What becomes of a CRD that leaves a stack (or its address), by the plan's action. */
const GONE: Readonly<Record<string, string>> = {
  delete: 'DELETED, WITH EVERY OBJECT OF ITS KIND',
  replace: 'DELETED WITH EVERY OBJECT OF ITS KIND, THEN MADE AGAIN EMPTY',
  forget: 'left on the cluster, no longer managed',
  orphan: 'left on the cluster with its stack, no longer managed',
};

const shown = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

function changeDetail(change: PlannedChange): string {
  const parts = [
    change.from && change.action !== 'move' ? `moved from ${change.from}` : '',
    change.action === 'update' && change.arguments ? change.arguments.join(', ') : '',
    change.reason ?? '',
  ].filter(Boolean);
  return parts.join('; ');
}

/** The diff lines of a stack's IAM grants, chart values and CRDs, `+`/`-` prefixed. */
function detailSections(stack: StackPreview): { title: string; lines: string[] }[] {
  const sections: { title: string; lines: string[] }[] = [];
  if (stack.settings.length > 0)
    sections.push({
      title: 'Stack settings',
      lines: stack.settings.flatMap((s) => [
        `${s.disruptive ? '!' : ' '} ${s.setting}: ${s.meaning}`,
        `- ${shown(s.before)}`,
        `+ ${shown(s.after)}`,
      ]),
    });
  const iam = stack.iam.flatMap((holder) => {
    // A role's principals are its trust; a bucket policy's are whom it grants access.
    const label = holder.holder.startsWith('role ') ? 'trust' : 'grant';
    return [
      `${holder.holder}${holder.status === 'changed' ? '' : ` (${holder.status})`}`,
      ...holder.trust.removed.map((line) => `- ${label}: ${line}`),
      ...holder.trust.added.map((line) => `+ ${label}: ${line}`),
      ...holder.permissions.removed.map((line) => `- permission: ${line}`),
      ...holder.permissions.added.map((line) => `+ permission: ${line}`),
    ];
  });
  if (iam.length > 0) sections.push({ title: 'IAM grants', lines: iam });
  const releases = stack.releases.flatMap((release) => [
    `${release.release}${release.status === 'changed' ? '' : ` (${release.status})`}`,
    ...(release.chart.before === release.chart.after
      ? [`  chart ${release.chart.after}`]
      : [
          ...(release.chart.before ? [`- chart ${release.chart.before}`] : []),
          ...(release.chart.after ? [`+ chart ${release.chart.after}`] : []),
        ]),
    ...release.values.flatMap((v) => [
      ...('before' in v ? [`- ${v.path}: ${shown(v.before)}`] : []),
      ...('after' in v ? [`+ ${v.path}: ${shown(v.after)}`] : []),
    ]),
  ]);
  if (releases.length > 0)
    sections.push({ title: 'Chart values, as Helm reads them', lines: releases });
  const { crds } = stack;
  const crdLines = [
    ...crds.gone.map((g) => `- ${g.name}: ${GONE[g.action] ?? g.action}`),
    ...crds.changed.map((c) => `  ${c.name}: ${c.before} -> ${c.after}`),
    ...crds.added.map((a) => `+ ${a.name}: ${a.source}`),
  ];
  if (crdLines.length > 0)
    sections.push({
      title: `CRDs (${crds.before} applied before, ${crds.after} after)`,
      lines: crdLines,
    });
  if (stack.checks.length > 0)
    sections.push({
      title: 'The plan stops before changing anything if it finds, live',
      lines: stack.checks.map((check) => `  ${check}`),
    });
  return sections;
}

function stackHeading(stack: StackPreview): string {
  const where = [
    stack.account ? `account ${stack.account}` : '',
    stack.status === 'kept' ? '' : `${stack.status} stack`,
  ].filter(Boolean);
  return `${stack.stack}${where.length ? ` (${where.join(', ')})` : ''}`;
}

function text(result: Preview): string {
  const out = ['eks-edge preview', `  before: ${result.before}`, `  after:  ${result.after}`, ''];
  for (const stack of result.stacks) {
    out.push(`${stackHeading(stack)}: ${stack.verdict}`);
    const width = Math.max(0, ...stack.changes.map((c) => c.action.length));
    for (const change of stack.changes) {
      const mark = DISRUPTIVE.has(change.action) ? '!' : ' ';
      const detail = changeDetail(change);
      out.push(`  ${mark} ${change.action.padEnd(width)}  ${change.address}`);
      if (detail) out.push(`      ${' '.repeat(width)}${detail}`);
    }
    for (const section of detailSections(stack))
      out.push(`  ${section.title}:`, ...section.lines.map((line) => `    ${line}`));
    out.push('');
  }
  for (const warning of result.warnings) out.push(`Warning: ${warning}`);
  out.push(`Verdict: ${result.verdict}`);
  return `${out.join('\n')}\n`;
}

const code = (value: string) => `\`${value.replace(/`/g, "'")}\``;
const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(result: Preview): string {
  const out = [
    '## eks-edge preview',
    '',
    `**${result.disruptive ? '⚠️ ' : ''}${cell(result.verdict)}**`,
    '',
    `Before: ${code(result.before)}  `,
    `After: ${code(result.after)}`,
    '',
  ];
  for (const stack of result.stacks) {
    out.push(`### ${code(stack.stack)}${stackHeading(stack).slice(stack.stack.length)}`, '');
    out.push(`${stack.disruptive ? '⚠️ ' : ''}${cell(stack.verdict)}`, '');
    if (stack.changes.length > 0) {
      out.push('| Action | Address | Detail |', '|---|---|---|');
      for (const change of stack.changes) {
        const action = DISRUPTIVE.has(change.action) ? `**${change.action}**` : change.action;
        out.push(`| ${action} | ${code(change.address)} | ${cell(changeDetail(change))} |`);
      }
      out.push('');
    }
    for (const section of detailSections(stack)) {
      out.push(`<details><summary>${section.title}</summary>`, '', '```diff');
      out.push(
        ...section.lines.map((line) => line.replace(/^```/, "'''")),
        '```',
        '',
        '</details>',
        '',
      );
    }
  }
  if (result.warnings.length > 0)
    out.push('**Warnings**', '', ...result.warnings.map((w) => `- ${cell(w)}`), '');
  return `${out.join('\n')}\n`;
}

export function render(result: Preview, format: Format): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  return format === 'markdown' ? markdown(result) : text(result);
}
