import * as vscode from 'vscode';
import type { Flow, FlowRun } from '../../../core/api/flows';
import { contextValueFor } from '../contentModel';
import { describeFlowRun, flowRows } from '../flowContent';
import { type ContentNode, SiteItemNode, type SiteScope, type TreeContext, nodeId, tooltip } from './base';

/** A Prep flow under its project; the description is its last run's status (Run Now sets a new one). */
export class FlowNode extends SiteItemNode {
  readonly kind = 'flow' as const;

  constructor(
    scope: SiteScope,
    parent: ContentNode,
    ctx: TreeContext,
    public flow: Flow,
    public projectPath: string[],
    public lastRun: FlowRun | undefined,
  ) {
    super(nodeId(scope, 'flow', flow.id), parent, ctx, scope);
  }

  get name(): string {
    return this.flow.name;
  }

  override update(from: this): void {
    this.flow = from.flow;
    this.projectPath = from.projectPath;
    this.lastRun = from.lastRun;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(this.flow.name, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('type-hierarchy-sub');
    item.contextValue = contextValueFor('flow', this.readOnly);
    item.description = describeFlowRun(this.lastRun);
    item.tooltip = tooltip(this.flow.name, vscode.l10n.t('Flow'), flowRows(this.flow, this.projectPath, this.lastRun));
    return item;
  }
}
