import * as vscode from 'vscode';
import { copyCommand } from './copySupport';
import { webUrlOf } from './webUrl';

export const ID = 'tableau.copyWebUrl';

export const command = copyCommand(ID, vscode.l10n.t('web URL'), (r, services) => webUrlOf(services, r));
