import type { ContentEntry } from '../contentModel';
import type { ContentNode, SiteScope, TreeContext } from './base';
import { DataSourceNode } from './dataSourceNode';
import { ErrorNode } from './errorNode';
import { FlowNode } from './flowNode';
import { LoadMoreNode } from './loadMoreNode';
import { MessageNode } from './messageNode';
import { ProjectNode } from './projectNode';
import { ViewNode } from './viewNode';
import { WorkbookNode } from './workbookNode';

/** Maps the model's entries to (interned) tree nodes under `parent`. */
export function nodesFromEntries(entries: ContentEntry[], parent: ContentNode, ctx: TreeContext, scope: SiteScope): ContentNode[] {
  return entries.map((e): ContentNode => {
    switch (e.kind) {
      case 'project':
        return ctx.intern(new ProjectNode(scope, parent, ctx, e.project, e.path));
      case 'workbook':
        return ctx.intern(new WorkbookNode(scope, parent, ctx, e.workbook, e.projectPath));
      case 'datasource':
        return ctx.intern(new DataSourceNode(scope, parent, ctx, e.datasource, e.projectPath));
      case 'view':
        return ctx.intern(new ViewNode(scope, parent, ctx, e.view, e.workbook));
      case 'flow':
        return ctx.intern(new FlowNode(scope, parent, ctx, e.flow, e.projectPath, e.lastRun));
      case 'loadMore':
        return ctx.intern(new LoadMoreNode(scope, parent, ctx, e.parentKey, e.shown));
      case 'error':
        return ctx.intern(new ErrorNode(parent, ctx, e.message, e.reason));
      case 'message':
        return ctx.intern(new MessageNode(parent, ctx, e.text));
    }
  });
}
