import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../connections/connectionManager';
import type { Services } from '../../services/services';
import type { SiteContentModel } from '../contentModel';
import { escapeMarkdown } from '../format';

export type NodeKind = 'connection' | 'site' | 'project' | 'workbook' | 'datasource' | 'view' | 'loadMore' | 'error' | 'message' | 'revisions' | 'revision' | 'flow';

/** What every node needs from the tree around it. */
export interface TreeContext {
  readonly services: Services;
  /** The content model of one (connection, site); created once and kept across refreshes. */
  model(profile: ConnectionProfile, siteContentUrl: string): SiteContentModel;
  /** media/<name>-light.svg and -dark.svg. */
  icon(name: 'workbook' | 'datasource' | 'project' | 'view'): { light: vscode.Uri; dark: vscode.Uri };
  /** Returns the existing node with this id (updated) or registers `created`; keeps identity across refreshes. */
  intern<T extends ContentNode>(created: T): T;
}

/** The (connection, site) a content node belongs to. */
export interface SiteScope {
  readonly profile: ConnectionProfile;
  readonly siteContentUrl: string;
  readonly siteName: string;
}

export abstract class ContentNode {
  abstract readonly kind: NodeKind;

  constructor(
    readonly id: string,
    /** Reassigned when a refresh finds the item under another parent (moved project). */
    public parent: ContentNode | undefined,
    protected readonly ctx: TreeContext,
  ) {}

  abstract getTreeItem(): vscode.TreeItem;

  getChildren(): Promise<ContentNode[]> {
    return Promise.resolve([]);
  }

  /** Copies fresh server data from a newly built node with the same id. */
  update(_from: this): void {}

  /** Drops cached data under this node so the next expand refetches. */
  invalidate(): void {
    this.parent?.invalidate();
  }

  protected item(label: string, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
    const item = new vscode.TreeItem(label, collapsible);
    item.id = this.id;
    return item;
  }
}

/** Nodes that stand for something on a Tableau site. */
export abstract class SiteItemNode extends ContentNode {
  constructor(
    id: string,
    parent: ContentNode | undefined,
    ctx: TreeContext,
    readonly scope: SiteScope,
  ) {
    super(id, parent, ctx);
  }

  get readOnly(): boolean {
    return this.scope.profile.readOnly;
  }

  get model(): SiteContentModel {
    return this.ctx.model(this.scope.profile, this.scope.siteContentUrl);
  }

  override invalidate(): void {
    this.model.refresh();
  }
}

/** A Markdown tooltip: bold title, kind, then a table of details. */
export function tooltip(title: string, kindLabel: string, rows: [string, string][]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(title)}**  \n${escapeMarkdown(kindLabel)}\n\n`);
  if (rows.length) {
    md.appendMarkdown('| | |\n|---|---|\n');
    for (const [k, v] of rows) md.appendMarkdown(`| ${escapeMarkdown(k)} | ${escapeMarkdown(v).replace(/\r?\n/g, ' ')} |\n`);
  }
  return md;
}

export function nodeId(scope: SiteScope, ...parts: string[]): string {
  return [scope.profile.id, scope.siteContentUrl, ...parts].join('|');
}
