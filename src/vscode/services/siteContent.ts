import * as vscode from 'vscode';
import type { ConnectionProfile, ConnectionManager } from '../connections/connectionManager';
import { Disposable } from '../disposable';
import { SiteContentModel } from '../tree/contentModel';
import type { ContentStrategyKind } from '../tree/contentStrategies';

/**
 * Chosen by `npm run bench` (10,000 workbooks in 1,000 projects): the first project a user
 * opens shows in 2 requests and ~12 ms with a projectName filter, against 11 requests and
 * ~1.7 s to list and group the whole site first; the filter's cost stays per project as
 * sites grow, while grouping grows with the site.
 */
const STRATEGY: ContentStrategyKind = 'projectNameFilter';
const DEFAULT_PAGE_SIZE = 100;

/** One site of one connection. */
export interface SiteRef {
  profileId: string;
  siteContentUrl: string;
}

/** Where to reveal something: enough to walk connection > site > project chain > item. */
export interface RevealTarget extends SiteRef {
  kind: 'project' | 'workbook' | 'datasource';
  id: string;
  /** The project holding the item (for a project: itself). */
  projectId: string;
}

/**
 * What publishing, content commands and the tree share about a site's content, so none of
 * them imports another: one listing per site (a publish picker and the tree see the same
 * projects), a "site changed" event that publish, delete and create fire and the tree
 * listens to, and "reveal" for whichever view shows content.
 */
export class SiteContent extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<SiteRef>());
  /** After content on a site was published, deleted or created (its listing is already refetched). */
  readonly onDidChangeSite = this.changed.event;
  private readonly models = new Map<string, SiteContentModel>();
  private filterText?: string;
  private revealer?: (target: RevealTarget) => Promise<boolean>;

  constructor(private readonly connections: ConnectionManager) {
    super();
  }

  /** The one listing of a site (setting tableau.pageSize; the content filter applies). */
  model(profile: ConnectionProfile, siteContentUrl: string): SiteContentModel {
    const key = keyOf({ profileId: profile.id, siteContentUrl });
    let m = this.models.get(key);
    if (!m) {
      const pageSize = vscode.workspace.getConfiguration('tableau').get<number>('pageSize', DEFAULT_PAGE_SIZE);
      const id = profile.id;
      m = new SiteContentModel(() => this.connections.getClient(id, { siteContentUrl }), { pageSize, strategy: STRATEGY });
      m.setFilter(this.filterText);
      this.models.set(key, m);
    }
    return m;
  }

  /** Refetches the site's listing, then tells listeners (the tree redraws it). */
  siteChanged(site: SiteRef): void {
    this.models.get(keyOf(site))?.refresh();
    this.changed.fire(site);
  }

  /** Refetches every listing. */
  refreshAll(): void {
    for (const m of this.models.values()) m.refresh();
  }

  /** Drops every listing (the page size changed) or those of connections that are gone. */
  forget(keep?: (profileId: string) => boolean): void {
    for (const key of [...this.models.keys()]) if (!keep?.(key.split('|')[0])) this.models.delete(key);
  }

  get filter(): string | undefined {
    return this.filterText;
  }

  /** Narrows every listing to names containing `text`; undefined clears. */
  setFilter(text: string | undefined): void {
    this.filterText = text?.trim() || undefined;
    for (const m of this.models.values()) m.setFilter(this.filterText);
  }

  /** The content view registers how it reveals an item; until then nothing is revealed. */
  setRevealer(reveal: (target: RevealTarget) => Promise<boolean>): vscode.Disposable {
    this.revealer = reveal;
    return { dispose: () => void (this.revealer = this.revealer === reveal ? undefined : this.revealer) };
  }

  /** Expands the path to an item and selects it. False when it is not on the server any more (or no view shows content). */
  reveal(target: RevealTarget): Promise<boolean> {
    return this.revealer ? this.revealer(target) : Promise.resolve(false);
  }
}

const keyOf = (site: SiteRef): string => `${site.profileId}|${site.siteContentUrl}`;
