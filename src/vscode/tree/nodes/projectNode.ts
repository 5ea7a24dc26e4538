import * as vscode from 'vscode';
import { PROJECT_PATH_SEPARATOR } from '../../../core/display';
import type { Project } from '../../../core/models';
import { contextValueFor } from '../contentModel';
import { describeProject, detailRows } from '../format';
import { type ContentNode, SiteItemNode, type SiteScope, type TreeContext, nodeId, tooltip } from './base';
import { nodesFromEntries } from './fromEntries';

export class ProjectNode extends SiteItemNode {
  readonly kind = 'project' as const;

  constructor(
    scope: SiteScope,
    parent: ContentNode,
    ctx: TreeContext,
    public project: Project,
    public path: string[],
  ) {
    super(nodeId(scope, 'project', project.id), parent, ctx, scope);
  }

  get displayPath(): string {
    return this.path.join(PROJECT_PATH_SEPARATOR);
  }

  override update(from: this): void {
    this.project = from.project;
    this.path = from.path;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(this.project.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = this.ctx.icon('project');
    item.contextValue = contextValueFor('project', this.readOnly);
    item.description = describeProject(this.project);
    item.tooltip = tooltip(this.project.name, vscode.l10n.t('Project'), detailRows('project', this.project, this.path));
    return item;
  }

  override async getChildren(): Promise<ContentNode[]> {
    return nodesFromEntries(await this.model.projectChildren(this.project.id), this, this.ctx, this.scope);
  }
}
