import * as vscode from 'vscode';
import { copyCommand } from './copySupport';

export const ID = 'tableau.copyLuid';

export const command = copyCommand(ID, vscode.l10n.t('LUID'), (r) => r.id);
