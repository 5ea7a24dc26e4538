import * as vscode from 'vscode';
import type { ConnectionProfile } from '../connections/connectionManager';
import type { Services } from '../services/services';
import { SiteContentModel } from './contentModel';
import type { ContentStrategyKind } from './contentStrategies';
import type { ContentNode, TreeContext } from './nodes/base';
import { ConnectionNode } from './nodes/connectionNode';
import { ProjectNode } from './nodes/projectNode';
import { SiteNode } from './nodes/siteNode';
import { ContentDragAndDrop } from './dragAndDrop';

/** Gives the TreeView this tree feeds: the one the start-up shell registered (src/vscode/shell). */
export type ContentViewFactory = (provider: ContentTree, dnd: ContentDragAndDrop) => vscode.TreeView<ContentNode>;

/**
 * Chosen by `npm run bench` (10,000 workbooks in 1,000 projects): the first project a user
 * opens shows in 2 requests and ~12 ms with a projectName filter, against 11 requests and
 * ~1.7 s to list and group the whole site first; the filter's cost stays per project as
 * sites grow, while grouping grows with the site.
 */
const STRATEGY: ContentStrategyKind = 'projectNameFilter';
const DEFAULT_PAGE_SIZE = 100;

/** Where to reveal something: enough to walk connection > site > project chain > item. */
export interface RevealTarget {
  profileId: string;
  siteContentUrl: string;
  kind: 'project' | 'workbook' | 'datasource';
  id: string;
  /** The project holding the item (for a project: itself). */
  projectId: string;
}

/** The "Tableau" content tree: data provider, node cache, models per site, reveal. */
export class ContentTree implements vscode.TreeDataProvider<ContentNode>, TreeContext, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ContentNode | undefined>();
  private lastConnectionsKey = '';
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes = new Map<string, ContentNode>();
  private readonly models = new Map<string, SiteContentModel>();
  private readonly disposables: vscode.Disposable[] = [];
  private filterText?: string;
  readonly view: vscode.TreeView<ContentNode>;

  constructor(readonly services: Services, createView: ContentViewFactory) {
    this.view = createView(this, new ContentDragAndDrop(services));
    this.disposables.push(
      this.view,
      this.emitter,
      services.connections.onDidChange(() => this.connectionsChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tableau.pageSize')) {
          this.models.clear();
          this.refresh();
        }
      }),
    );
    this.lastConnectionsKey = this.connectionsKey();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ---- TreeContext

  model(profile: ConnectionProfile, siteContentUrl: string): SiteContentModel {
    const key = `${profile.id}|${siteContentUrl}`;
    let m = this.models.get(key);
    if (!m) {
      const pageSize = vscode.workspace.getConfiguration('tableau').get<number>('pageSize', DEFAULT_PAGE_SIZE);
      m = new SiteContentModel(() => this.services.connections.getClient(profile.id, { siteContentUrl }), { pageSize, strategy: STRATEGY });
      m.setFilter(this.filterText);
      this.models.set(key, m);
    }
    return m;
  }

  icon(name: 'workbook' | 'datasource' | 'project' | 'view'): { light: vscode.Uri; dark: vscode.Uri } {
    const media = vscode.Uri.joinPath(this.services.context.extensionUri, 'media');
    return { light: vscode.Uri.joinPath(media, `${name}-light.svg`), dark: vscode.Uri.joinPath(media, `${name}-dark.svg`) };
  }

  intern<T extends ContentNode>(created: T): T {
    const existing = this.nodes.get(created.id) as T | undefined;
    if (existing && existing.kind === created.kind) {
      existing.update(created);
      existing.parent = created.parent;
      return existing;
    }
    this.nodes.set(created.id, created);
    return created;
  }

  // ---- TreeDataProvider

  getTreeItem(node: ContentNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  async getChildren(node?: ContentNode): Promise<ContentNode[]> {
    if (node) return node.getChildren();
    const profiles = this.services.connections.list();
    const ids = new Set(profiles.map((p) => p.id));
    for (const key of [...this.models.keys()]) if (!ids.has(key.split('|')[0])) this.models.delete(key);
    // No connection: an empty tree lets the viewsWelcome content show.
    return profiles.map((p) => this.intern(new ConnectionNode(p, this)));
  }

  getParent(node: ContentNode): ContentNode | undefined {
    return node.parent;
  }

  /** What the tree's content depends on: the profiles and who each connection acts as. */
  private connectionsKey(): string {
    const admin = this.services.connectionAdmin;
    return JSON.stringify(
      this.services.connections.list().map((p) => [p.id, p.label, p.serverUrl, p.siteContentUrl, p.readOnly, p.authKind, p.caFile, admin.actingUser(p.id)?.id]),
    );
  }

  /**
   * A sign-in or sign-out changes only a connection row's description: redraw those rows and
   * keep what is loaded or loading. Refetching everything there raced the first listing,
   * which signs in (the row could stay expanded with no children).
   */
  private connectionsChanged(): void {
    const key = this.connectionsKey();
    if (key !== this.lastConnectionsKey) {
      this.lastConnectionsKey = key;
      this.refresh();
      return;
    }
    for (const n of this.nodes.values()) if (n instanceof ConnectionNode) this.emitter.fire(n);
  }

  // ---- operations used by commands

  /** Refetches under `node` (or everything) and redraws. */
  refresh(node?: ContentNode): void {
    if (node) {
      node.invalidate();
      this.emitter.fire(node);
      return;
    }
    for (const m of this.models.values()) m.refresh();
    for (const n of this.nodes.values()) if (n instanceof ConnectionNode) n.invalidate();
    this.nodes.clear();
    this.emitter.fire(undefined);
  }

  /** After a publish/delete/create on a site: refetch that site's content. */
  refreshSite(profileId: string, siteContentUrl: string): void {
    const m = this.models.get(`${profileId}|${siteContentUrl}`);
    m?.refresh();
    const site = [...this.nodes.values()].find((n) => n instanceof SiteNode && n.scope.profile.id === profileId && n.scope.siteContentUrl === siteContentUrl);
    this.emitter.fire(site);
  }

  redraw(node?: ContentNode): void {
    this.emitter.fire(node);
  }

  get filter(): string | undefined {
    return this.filterText;
  }

  setFilter(text: string | undefined): void {
    this.filterText = text?.trim() || undefined;
    for (const m of this.models.values()) m.setFilter(this.filterText);
    this.view.message = this.filterText ? vscode.l10n.t('Showing names containing "{0}".', this.filterText) : undefined;
    void vscode.commands.executeCommand('setContext', 'tableau.contentFiltered', !!this.filterText);
    this.refresh();
  }

  /** Site nodes currently known (for search and filter pickers). */
  async sites(): Promise<SiteNode[]> {
    const out: SiteNode[] = [];
    for (const c of await this.getChildren()) {
      for (const s of await c.getChildren()) if (s instanceof SiteNode) out.push(s);
    }
    return out;
  }

  /** Expands the path to an item and selects it. Returns false when it is not on the server any more. */
  async reveal(target: RevealTarget): Promise<boolean> {
    const conn = (await this.getChildren()).find((n) => n instanceof ConnectionNode && n.profile.id === target.profileId);
    if (!conn) return false;
    const site = (await conn.getChildren()).find((n) => n instanceof SiteNode && n.scope.siteContentUrl === target.siteContentUrl) as SiteNode | undefined;
    if (!site) return false;
    const model = site.model;
    let node: ContentNode = site;
    for (const pid of (await model.projects()).chain(target.projectId)) {
      const next = (await node.getChildren()).find((n) => n instanceof ProjectNode && n.project.id === pid);
      if (!next) return false;
      node = next;
    }
    if (target.kind !== 'project') {
      if (!(await model.ensureShown(target.projectId, target.id))) return false;
      this.emitter.fire(node);
      const item = (await node.getChildren()).find((n) => n.id.endsWith(`|${target.kind}|${target.id}`));
      if (!item) return false;
      node = item;
    }
    await this.view.reveal(node, { select: true, focus: true, expand: target.kind === 'project' });
    return true;
  }
}

const trees = new WeakMap<Services, ContentTree>();

/** Creates the content view once per Services; commands find it with `contentTree(services)`. */
export function registerContentTree(services: Services, createView: ContentViewFactory): ContentTree {
  const tree = new ContentTree(services, createView);
  trees.set(services, tree);
  return tree;
}

export function contentTree(services: Services): ContentTree | undefined {
  return trees.get(services);
}
