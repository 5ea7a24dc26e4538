import * as vscode from 'vscode';
import type { Workbook } from '../../../core/models';
import { contextValueFor } from '../contentModel';
import { describeItem, detailRows } from '../format';
import { type ContentNode, SiteItemNode, type SiteScope, type TreeContext, nodeId, tooltip } from './base';
import { nodesFromEntries } from './fromEntries';
import { RevisionsNode } from './revisionNodes';

export class WorkbookNode extends SiteItemNode {
  readonly kind = 'workbook' as const;

  constructor(
    scope: SiteScope,
    parent: ContentNode,
    ctx: TreeContext,
    public workbook: Workbook,
    public projectPath: string[],
  ) {
    super(nodeId(scope, 'workbook', workbook.id), parent, ctx, scope);
  }

  get name(): string {
    return this.workbook.name;
  }

  override update(from: this): void {
    this.workbook = from.workbook;
    this.projectPath = from.projectPath;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(this.workbook.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = this.ctx.icon('workbook');
    item.contextValue = contextValueFor('workbook', this.readOnly);
    item.description = describeItem(this.workbook);
    item.tooltip = tooltip(this.workbook.name, vscode.l10n.t('Workbook'), detailRows('workbook', this.workbook, this.projectPath));
    return item;
  }

  override async getChildren(): Promise<ContentNode[]> {
    const views = nodesFromEntries(await this.model.workbookViews(this.workbook), this, this.ctx, this.scope);
    const w = this.workbook;
    return [...views, this.ctx.intern(new RevisionsNode(this.scope, this, this.ctx, { kind: 'workbook', id: w.id, name: w.name, projectPath: this.projectPath }))];
  }
}
