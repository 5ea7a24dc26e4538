import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { registerCopy } from './copySupport';

export const ID = 'tableau.copyContentUrl';

export function register(services: Services): vscode.Disposable {
  return registerCopy(services, ID, vscode.l10n.t('content URL'), (r) => r.contentUrl);
}
