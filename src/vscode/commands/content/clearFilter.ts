import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { contentTree } from '../../tree/contentTree';

export const ID = 'tableau.clearFilter';

export function register(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(ID, () => contentTree(services)?.setFilter(undefined));
}
