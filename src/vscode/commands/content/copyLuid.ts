import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { registerCopy } from './copySupport';

export const ID = 'tableau.copyLuid';

export function register(services: Services): vscode.Disposable {
  return registerCopy(services, ID, vscode.l10n.t('LUID'), (r) => r.id);
}
