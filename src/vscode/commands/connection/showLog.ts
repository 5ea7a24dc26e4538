import * as vscode from 'vscode';
import type { Services } from '../../services/services';

export const SHOW_LOG = 'tableau.showLog';

export function register(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_LOG, () => services.showLog());
}
