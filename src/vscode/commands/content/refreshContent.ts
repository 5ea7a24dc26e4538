import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { contentTree } from '../../tree/contentTree';
import { ContentNode } from '../../tree/nodes/base';

export const ID = 'tableau.refreshContent';

/** Refreshes one node (context menu) or the whole view (view title / palette). */
export function register(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(ID, (node?: unknown) => {
    contentTree(services)?.refresh(node instanceof ContentNode ? node : undefined);
  });
}
