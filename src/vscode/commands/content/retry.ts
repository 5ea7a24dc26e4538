import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { contentTree } from '../../tree/contentTree';
import { ErrorNode } from '../../tree/nodes/errorNode';

export const ID = 'tableau.retry';

/** Retry on an error node: forget the failed listing and expand its parent again. */
export function register(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(ID, (node?: unknown) => {
    const tree = contentTree(services);
    if (!tree) return;
    tree.refresh(node instanceof ErrorNode ? node.parent : undefined);
  });
}
