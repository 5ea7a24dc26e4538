import * as vscode from 'vscode';
import { copyCommand } from './copySupport';

export const ID = 'tableau.copyContentUrl';

export const command = copyCommand(ID, vscode.l10n.t('content URL'), (r) => r.contentUrl);
