import * as vscode from 'vscode';
import type { ConnectionProfile } from '../connections/connectionManager';
import { Disposable } from '../disposable';
import type { Services } from '../services/services';
import type { RevealTarget, SiteRef } from '../services/siteContent';
import type { SiteContentModel } from './contentModel';
import type { ContentNode, TreeContext } from './nodes/base';
import { ConnectionNode } from './nodes/connectionNode';
import { ProjectNode } from './nodes/projectNode';
import { SiteNode } from './nodes/siteNode';
import { ContentDragAndDrop } from './dragAndDrop';
import { ViewNode } from './nodes/viewNode';
import { ViewThumbnails } from './viewThumbnails';
import { toAbortSignal } from '../services/cancellation';

/** Gives the TreeView this tree feeds: the one the start-up shell registered (src/vscode/shell). */
export type ContentViewFactory = (provider: ContentTree, dnd: ContentDragAndDrop) => vscode.TreeView<ContentNode>;

/** The "Tableau" content tree: data provider, node cache, reveal. Listings per site live in `services.sites`. */
export class ContentTree extends Disposable implements vscode.TreeDataProvider<ContentNode>, TreeContext {
  private readonly emitter = this.register(new vscode.EventEmitter<ContentNode | undefined>());
  private lastConnectionsKey = '';
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes = new Map<string, ContentNode>();
  private readonly thumbnails: ViewThumbnails;
  readonly view: vscode.TreeView<ContentNode>;

  constructor(readonly services: Services, createView: ContentViewFactory) {
    super();
    this.thumbnails = new ViewThumbnails(services);
    this.view = this.register(createView(this, new ContentDragAndDrop(services)));
    this.register(services.connections.onDidChange(() => this.connectionsChanged()));
    this.register(services.sites.onDidChangeSite((site) => this.siteChanged(site)));
    this.register(services.sites.setRevealer((target) => this.reveal(target)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tableau.pageSize')) {
          services.sites.forget();
          this.refresh();
        }
      }),
    );
    this.lastConnectionsKey = this.connectionsKey();
  }

  // ---- TreeContext

  model(profile: ConnectionProfile, siteContentUrl: string): SiteContentModel {
    return this.services.sites.model(profile, siteContentUrl);
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

  /** A view's tooltip gets its image when VS Code first shows it (never during a listing). */
  resolveTreeItem(item: vscode.TreeItem, node: ContentNode, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    return node instanceof ViewNode ? this.thumbnails.resolve(item, node, toAbortSignal(token)) : item;
  }

  async getChildren(node?: ContentNode): Promise<ContentNode[]> {
    if (node) return node.getChildren();
    const profiles = this.services.connections.list();
    const ids = new Set(profiles.map((p) => p.id));
    this.services.sites.forget((id) => ids.has(id));
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
    this.services.sites.refreshAll();
    for (const n of this.nodes.values()) if (n instanceof ConnectionNode) n.invalidate();
    this.nodes.clear();
    this.emitter.fire(undefined);
  }

  /** After a publish/delete/create on a site (its listing already refetched): redraw that site. */
  private siteChanged({ profileId, siteContentUrl }: SiteRef): void {
    const site = [...this.nodes.values()].find((n) => n instanceof SiteNode && n.scope.profile.id === profileId && n.scope.siteContentUrl === siteContentUrl);
    this.emitter.fire(site);
  }

  redraw(node?: ContentNode): void {
    this.emitter.fire(node);
  }

  get filter(): string | undefined {
    return this.services.sites.filter;
  }

  setFilter(text: string | undefined): void {
    this.services.sites.setFilter(text);
    const filter = this.services.sites.filter;
    this.view.message = filter ? vscode.l10n.t('Showing names containing "{0}".', filter) : undefined;
    void vscode.commands.executeCommand('setContext', 'tableau.contentFiltered', !!filter);
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

/** Creates the content view once per Services; the content commands find it with `contentTree(services)`. */
export function registerContentTree(services: Services, createView: ContentViewFactory): ContentTree {
  const tree = new ContentTree(services, createView);
  trees.set(services, tree);
  return tree;
}

export function contentTree(services: Services): ContentTree | undefined {
  return trees.get(services);
}
