import * as vscode from 'vscode';
import type { DataSource } from '../../../core/models';
import { contextValueFor } from '../contentModel';
import { lastDataUpdate } from '../dataUpdateResults';
import { describeItem, detailRows } from '../format';
import { type ContentNode, SiteItemNode, type SiteScope, type TreeContext, nodeId, tooltip } from './base';
import { RevisionsNode } from './revisionNodes';

export class DataSourceNode extends SiteItemNode {
  readonly kind = 'datasource' as const;

  constructor(
    scope: SiteScope,
    parent: ContentNode,
    ctx: TreeContext,
    public datasource: DataSource,
    public projectPath: string[],
  ) {
    super(nodeId(scope, 'datasource', datasource.id), parent, ctx, scope);
  }

  get name(): string {
    return this.datasource.name;
  }

  override update(from: this): void {
    this.datasource = from.datasource;
    this.projectPath = from.projectPath;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(this.datasource.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = this.ctx.icon('datasource');
    // Extract refresh only makes sense for data sources that hold an extract.
    const extract = this.datasource.hasExtracts ? '.extract' : '';
    item.contextValue = contextValueFor('datasource', this.readOnly) + extract;
    const updated = lastDataUpdate(this.datasource.id);
    item.description = updated ? `${describeItem(this.datasource)} · ${vscode.l10n.t('updated: {0}', updated)}` : describeItem(this.datasource);
    item.tooltip = tooltip(this.datasource.name, vscode.l10n.t('Data source'), detailRows('datasource', this.datasource, this.projectPath));
    return item;
  }

  override async getChildren(): Promise<ContentNode[]> {
    const d = this.datasource;
    return [this.ctx.intern(new RevisionsNode(this.scope, this, this.ctx, { kind: 'datasource', id: d.id, name: d.name, projectPath: this.projectPath, hasExtracts: d.hasExtracts }))];
  }
}
