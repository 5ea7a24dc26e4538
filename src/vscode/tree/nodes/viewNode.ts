import * as vscode from 'vscode';
import type { View, Workbook } from '../../../core/models';
import { contextValueFor } from '../contentModel';
import { detailRows } from '../format';
import { type ContentNode, SiteItemNode, type SiteScope, type TreeContext, nodeId, tooltip } from './base';

export class ViewNode extends SiteItemNode {
  readonly kind = 'view' as const;

  constructor(
    scope: SiteScope,
    parent: ContentNode,
    ctx: TreeContext,
    public view: View,
    public workbook: Workbook,
  ) {
    super(nodeId(scope, 'view', view.id), parent, ctx, scope);
  }

  get name(): string {
    return this.view.name;
  }

  override update(from: this): void {
    this.view = from.view;
    this.workbook = from.workbook;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(this.view.name, vscode.TreeItemCollapsibleState.None);
    item.iconPath = this.ctx.icon('view');
    item.contextValue = contextValueFor('view', this.readOnly);
    item.tooltip = tooltip(this.view.name, vscode.l10n.t('View of {0}', this.workbook.name), detailRows('view', this.view));
    return item;
  }
}
