/**
 * The semantic diff as text (CLI), Markdown (VS Code's preview beside the diff editor) and
 * JSON. Every value comes from a document (names, formulas): text output goes through
 * `printable`, Markdown escapes what Markdown would act on.
 */
import { printable } from '../printable';
import type { Change, ChangeCategory, DiffResult } from './compare';
import { NORMALIZATION_NOTES } from './xmlTree';

const HEADINGS: Record<ChangeCategory, string> = {
  calculatedField: 'Calculated fields',
  parameter: 'Parameters',
  filter: 'Filters',
  worksheet: 'Worksheets',
  dashboard: 'Dashboards',
  dataSource: 'Data sources and connections',
  document: 'Document',
};

const MARK: Record<Change['kind'], string> = { added: '+', removed: '-', changed: '~' };

function grouped(result: DiffResult): [ChangeCategory, Change[]][] {
  const groups = new Map<ChangeCategory, Change[]>();
  for (const c of result.changes) {
    const g = groups.get(c.category);
    if (g) g.push(c);
    else groups.set(c.category, [c]);
  }
  return [...groups];
}

export function summaryLine(result: DiffResult): string {
  if (result.same) return 'No differences (after normalizing).';
  const n = result.changes.length;
  return `${n} change${n === 1 ? '' : 's'}.`;
}

/** Plain text, one change per line, details indented. */
export function renderText(result: DiffResult): string {
  const lines = [printable(`${result.left.label} → ${result.right.label}: ${summaryLine(result)}`, 'none')];
  for (const [cat, changes] of grouped(result)) {
    lines.push('', HEADINGS[cat]);
    for (const c of changes) {
      lines.push(printable(`  ${MARK[c.kind]} ${c.name}${c.in ? ` (${c.in})` : ''}${c.kind === 'changed' ? '' : ` ${c.kind}`}`, 'none'));
      for (const d of c.details) lines.push(printable(`      ${d}`, 'none'));
    }
  }
  return `${lines.join('\n')}\n`;
}

function mdText(s: string): string {
  return printable(s, 'none').replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

function mdCode(s: string): string {
  const t = printable(s, 'none');
  const ticks = '`'.repeat(Math.max(1, ...(t.match(/`+/g) ?? []).map((m) => m.length + 1)));
  return `${ticks} ${t} ${ticks}`;
}

/** Markdown for the summary beside the diff editor. */
export function renderMarkdown(result: DiffResult, title: string): string {
  const out = [`# ${mdText(title)}`, '', `${mdText(result.left.label)} → ${mdText(result.right.label)}`, '', `**${mdText(summaryLine(result))}**`];
  for (const [cat, changes] of grouped(result)) {
    out.push('', `## ${HEADINGS[cat]}`, '');
    for (const c of changes) {
      const what = c.kind === 'added' ? 'added' : c.kind === 'removed' ? 'removed' : 'changed';
      out.push(`- **${mdText(c.name)}**${c.in ? ` (${mdText(c.in)})` : ''}: ${what}`);
      for (const d of c.details) {
        const m = /^([^:]+): (.*) → (.*)$/.exec(d);
        out.push(m ? `  - ${mdText(m[1])}: ${mdCode(m[2])} → ${mdCode(m[3])}` : `  - ${mdText(d)}`);
      }
    }
  }
  out.push('', `_Compared after leaving out: ${NORMALIZATION_NOTES.map(mdText).join('; ')}._`, '');
  return out.join('\n');
}

/** The JSON form (CLI --json): the changes, without the normalized documents. */
export function toJson(result: DiffResult): { kind: string; same: boolean; left: string; right: string; changes: Change[] } {
  return { kind: result.kind, same: result.same, left: result.left.label, right: result.right.label, changes: result.changes };
}
