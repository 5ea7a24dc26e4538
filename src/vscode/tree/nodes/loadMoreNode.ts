import * as vscode from 'vscode';
import { ContentNode, type SiteScope, type TreeContext, nodeId } from './base';

/** "Load more..." at the end of a large project: shows the next page when clicked. */
export class LoadMoreNode extends ContentNode {
  readonly kind = 'loadMore' as const;

  constructor(
    readonly scope: SiteScope,
    parent: ContentNode,
    ctx: TreeContext,
    readonly parentKey: string,
    public shown: number,
  ) {
    super(nodeId(scope, parentKey, 'loadMore'), parent, ctx);
  }

  override update(from: this): void {
    this.shown = from.shown;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(vscode.l10n.t('Load more...'), vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.description = vscode.l10n.t('{0} shown', this.shown);
    item.contextValue = 'loadMore';
    item.command = { command: 'tableau.loadMore', title: vscode.l10n.t('Load more'), arguments: [this] };
    return item;
  }
}
