import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { registerCopy } from './copySupport';
import { webUrlOf } from './webUrl';

export const ID = 'tableau.copyWebUrl';

export function register(services: Services): vscode.Disposable {
  return registerCopy(services, ID, vscode.l10n.t('web URL'), (r) => webUrlOf(services, r));
}
