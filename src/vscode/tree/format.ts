/** Plain-text descriptions and tooltip lines for tree items (no vscode: unit-tested). */
import { promotedFrom } from '../../core/environments/promotion';
import { PROJECT_PATH_SEPARATOR, formatBytes } from '../../core/display';
import type { DataSource, Project, View, Workbook } from '../../core/models';

/** "2026-01-02" from an ISO timestamp; undefined for junk. */
export function formatDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

type Item = Workbook | DataSource;

/** "owner · updated 2026-01-02 · 1.2 MB" with whatever the server returned. */
export function describeItem(item: Item): string {
  const parts: string[] = [];
  if (item.owner?.name) parts.push(item.owner.name);
  const updated = formatDate(item.updatedAt ?? item.createdAt);
  if (updated) parts.push(`updated ${updated}`);
  const size = formatBytes(item.size);
  if (size) parts.push(size);
  // Promoted copies say where they came from (their promoted-from-<environment> tag).
  const from = promotedFrom(item.tags);
  if (from) parts.push(`promoted from ${from}`);
  return parts.join(' · ');
}

export function describeProject(project: Project): string {
  return project.description?.split(/\r?\n/)[0]?.slice(0, 80) ?? '';
}

/** Rows (label, value) for a tooltip table; the VS Code layer renders them as Markdown. */
export function detailRows(kind: 'project' | 'workbook' | 'datasource' | 'view', item: Project | Item | View, projectPath?: string[]): [string, string][] {
  const rows: [string, string][] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value) rows.push([label, value]);
  };
  if (projectPath?.length) add(kind === 'project' ? 'Path' : 'Project', projectPath.join(PROJECT_PATH_SEPARATOR));
  if ('owner' in item) add('Owner', item.owner?.name ?? item.owner?.id);
  if (kind === 'datasource') add('Type', (item as DataSource).type);
  if (kind === 'datasource' && (item as DataSource).hasExtracts !== undefined) add('Extract', (item as DataSource).hasExtracts ? 'yes' : 'no');
  if ('size' in item) add('Size', formatBytes(item.size));
  add('Created', formatDate(item.createdAt));
  add('Updated', formatDate(item.updatedAt));
  if ('contentUrl' in item) add('Content URL', item.contentUrl);
  add('LUID', item.id);
  if ('description' in item) add('Description', item.description);
  return rows;
}

/** Escapes text for Markdown so names like `*Sales*` show literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
