import * as vscode from 'vscode';
import { contextValueFor } from '../contentModel';
import { type ContentNode, SiteItemNode, type SiteScope, type TreeContext, nodeId, tooltip } from './base';
import { nodesFromEntries } from './fromEntries';

/** One site of a connection; children are its top-level projects (one request for all projects). */
export class SiteNode extends SiteItemNode {
  readonly kind = 'site' as const;

  constructor(
    scope: SiteScope,
    parent: ContentNode,
    ctx: TreeContext,
    readonly isConnectionSite: boolean,
  ) {
    super(nodeId(scope, 'site'), parent, ctx, scope);
  }

  /**
   * A PAT holds one live session, on one site: browsing another site would sign in there
   * and end the session everything else is using (401002). Such a site is shown, but
   * switching to it is an explicit step.
   */
  private get needsSwitch(): boolean {
    return this.scope.profile.authKind === 'pat' && !this.isConnectionSite;
  }

  getTreeItem(): vscode.TreeItem {
    // The connection's own site opens by default: it is what the user came for.
    const state = this.needsSwitch
      ? vscode.TreeItemCollapsibleState.None
      : this.isConnectionSite
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = this.item(this.scope.siteName, state);
    if (this.needsSwitch) {
      item.command = { command: 'tableau.switchSite', title: vscode.l10n.t('Switch Site'), arguments: [this] };
    }
    item.iconPath = new vscode.ThemeIcon('globe');
    item.contextValue = contextValueFor('site', this.readOnly);
    const filter = this.model.filter;
    const { siteName, siteContentUrl } = this.scope;
    // The content URL only adds something when it differs from the name people see.
    const url = siteContentUrl === '' ? vscode.l10n.t('default site') : siteContentUrl.toLowerCase() === siteName.toLowerCase() ? '' : siteContentUrl;
    item.description = this.needsSwitch
      ? vscode.l10n.t('click to switch to this site')
      : filter
        ? vscode.l10n.t('filtered: "{0}"', filter)
        : url;
    item.tooltip = tooltip(this.scope.siteName, vscode.l10n.t('Site'), [[vscode.l10n.t('Content URL'), this.scope.siteContentUrl || vscode.l10n.t('(default)')]]);
    return item;
  }

  override async getChildren(): Promise<ContentNode[]> {
    if (this.needsSwitch) return [];
    return nodesFromEntries(await this.model.topLevel(), this, this.ctx, this.scope);
  }
}
