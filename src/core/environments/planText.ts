/** A plan as lines for people (the CLI's `plan`, VS Code's preview); `--json` prints the PlanItem itself. */
import type { PlanItem } from './plan';
import { impactLine, settingsLines } from './planSettings';

const ACTION: Record<PlanItem['action'], string> = {
  create: 'create',
  overwrite: 'overwrite the existing item',
  append: 'append to the existing item',
  replace: 'replace the existing item\'s data',
  refused: 'CANNOT GO',
};

const AFTER: Record<NonNullable<PlanItem['afterPublish']>[number], string> = {
  refresh: 'refresh the extract and wait for the job',
  checkViews: 'render every view (check views)',
};

function fields(f: Record<string, string | undefined>): string {
  return Object.entries(f).map(([k, v]) => `${k}=${v ?? '(none)'}`).join(' ');
}

export function planLines(item: PlanItem): string[] {
  const t = item.target;
  const out = [
    `${item.file} -> [${item.environment}] ${t.server} site "${t.site}" / ${t.project} / ${t.name}`,
    `  ${item.kind === 'workbook' ? 'workbook' : 'data source'}, mode ${item.mode}: ${ACTION[item.action]}${item.exists === undefined ? '' : item.exists ? ' (exists)' : ' (new)'}`,
  ];
  if (!item.project.exists) out.push(`  project "${t.project}" is missing: ${item.project.willCreate ? 'it will be created' : 'it will not be created'}`);
  for (const c of item.connections) {
    out.push(`  connection ${c.connection + 1} (${c.class}): ${fields(c.from)} -> ${fields(c.to)} via ${c.route} (rule ${c.rule}: ${c.why})`);
  }
  if (!item.connections.length) out.push('  data connections: unchanged');
  for (const c of item.credentials) out.push(`  credentials for ${c.host || '(no host)'}: ${c.username}, password from ${c.passwordFrom}${c.embed ? ', embedded' : ''}`);
  if (item.tags) out.push(`  tags: ${item.tags.join(', ')}`);
  if (item.description !== undefined) out.push(`  description: ${item.description}`);
  if (item.hiddenViews) out.push(`  hidden views: ${item.hiddenViews.join(', ')}`);
  if (item.showTabs !== undefined) out.push(`  show tabs: ${item.showTabs}`);
  if (item.settings) out.push(...settingsLines(item.settings));
  if (item.impact) out.push(impactLine(item.impact));
  if (item.afterPublish) out.push(`  after publish: ${item.afterPublish.map((s) => AFTER[s]).join(', then ')}`);
  for (const p of item.problems) out.push(`  FAILS (${p.code}): ${p.message}`);
  return out;
}

/** The one-line verdict after all items. */
export function planSummary(items: readonly PlanItem[]): string {
  const refused = items.filter((i) => i.problems.length).length;
  return refused ? `${refused} of ${items.length} item(s) cannot go: nothing was published.` : `${items.length} item(s) can go.`;
}
