import * as vscode from 'vscode';
import { PROJECT_PATH_SEPARATOR } from '../../../core/display';
import type { ConnectionProfile } from '../../connections/connectionManager';
import type { Services } from '../../services/services';
import type { ContentNode } from '../../tree/nodes/base';
import { DataSourceNode } from '../../tree/nodes/dataSourceNode';
import { ProjectNode } from '../../tree/nodes/projectNode';
import { ViewNode } from '../../tree/nodes/viewNode';
import { WorkbookNode } from '../../tree/nodes/workbookNode';

export type ItemKind = 'project' | 'workbook' | 'datasource' | 'view';

/** One item on a site, whether it came from a tree node or a palette pick. */
export interface ItemRef {
  profile: ConnectionProfile;
  siteContentUrl: string;
  kind: ItemKind;
  id: string;
  name: string;
  contentUrl?: string;
  /** The item's page in the web UI, as Tableau gave it (workbooks and data sources; see webPageOf). */
  webpageUrl?: string;
  /** The holding project (a project's own id for projects). */
  projectId?: string;
  projectPath?: string[];
  hasExtracts?: boolean;
  /** The tree node, when the command started from one. */
  node?: ContentNode;
}

export function refFromNode(node: unknown): ItemRef | undefined {
  if (node instanceof WorkbookNode) {
    const w = node.workbook;
    return { ...scopeOf(node), kind: 'workbook', id: w.id, name: w.name, contentUrl: w.contentUrl, webpageUrl: w.webpageUrl, projectId: w.project?.id, projectPath: node.projectPath, node };
  }
  if (node instanceof DataSourceNode) {
    const d = node.datasource;
    return { ...scopeOf(node), kind: 'datasource', id: d.id, name: d.name, contentUrl: d.contentUrl, webpageUrl: d.webpageUrl, projectId: d.project?.id, projectPath: node.projectPath, hasExtracts: d.hasExtracts, node };
  }
  if (node instanceof ProjectNode) {
    return { ...scopeOf(node), kind: 'project', id: node.project.id, name: node.project.name, projectId: node.project.id, projectPath: node.path, node };
  }
  if (node instanceof ViewNode) {
    return { ...scopeOf(node), kind: 'view', id: node.view.id, name: node.view.name, contentUrl: node.view.contentUrl, node };
  }
  return undefined;
}

function scopeOf(node: WorkbookNode | DataSourceNode | ProjectNode | ViewNode): { profile: ConnectionProfile; siteContentUrl: string } {
  return { profile: node.scope.profile, siteContentUrl: node.scope.siteContentUrl };
}

export function kindLabel(kind: ItemKind): string {
  switch (kind) {
    case 'project':
      return vscode.l10n.t('project');
    case 'workbook':
      return vscode.l10n.t('workbook');
    case 'datasource':
      return vscode.l10n.t('data source');
    case 'view':
      return vscode.l10n.t('view');
  }
}

export interface PickItemOptions {
  placeHolder: string;
  requireWritable?: boolean;
  predicate?: (r: ItemRef) => boolean;
  /** Search this connection (and site) without asking. */
  profile?: ConnectionProfile;
  siteContentUrl?: string;
}

/** Palette path: connection, then a name search on its site, then the item. */
export async function pickItem(
  services: Services,
  kinds: readonly ('project' | 'workbook' | 'datasource')[],
  opts: PickItemOptions,
): Promise<ItemRef | undefined> {
  const profile =
    opts.profile ??
    (await services.connections.pick({ prompt: 'connection.forItem', placeHolder: vscode.l10n.t('{0}: choose a connection', opts.placeHolder), requireWritable: opts.requireWritable }));
  if (!profile) return undefined;
  const text = await services.ui.input('content.search', { prompt: vscode.l10n.t('Part of the name to look for'), placeHolder: opts.placeHolder });
  if (text === undefined) return undefined;
  const siteContentUrl = opts.siteContentUrl ?? profile.siteContentUrl;
  const model = services.sites.model(profile, siteContentUrl);
  const hits = (await model.search(text)).filter((h) => kinds.includes(h.kind));
  const refs = hits
    .map((h): ItemRef => ({ profile, siteContentUrl, kind: h.kind, id: h.id, name: h.name, projectId: h.projectId, projectPath: h.path }))
    .filter((r) => !opts.predicate || opts.predicate(r));
  if (refs.length === 0) {
    await services.ui.notify('info', vscode.l10n.t('Nothing on {0} matches "{1}".', profile.label, text));
    return undefined;
  }
  const chosen = await services.ui.pick(
    'content.item',
    refs.map((r) => ({ id: r.name, label: r.name, description: kindLabel(r.kind), detail: r.projectPath?.join(PROJECT_PATH_SEPARATOR), ref: r })),
    { placeHolder: opts.placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return chosen?.ref;
}

/** `node ??= await pick(...)`, refusing mutating commands on read-only connections. */
export async function resolveRef(
  services: Services,
  arg: unknown,
  kinds: readonly ('project' | 'workbook' | 'datasource')[],
  opts: PickItemOptions,
): Promise<ItemRef | undefined> {
  const ref = refFromNode(arg) ?? (await pickItem(services, kinds, opts));
  if (ref && opts.requireWritable) services.connections.assertWritable(ref.profile);
  return ref;
}
