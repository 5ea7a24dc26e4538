import * as vscode from 'vscode';
import { showLog } from '../../services/logger';

export const SHOW_LOG = 'tableau.showLog';

export function register(): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_LOG, () => showLog());
}
