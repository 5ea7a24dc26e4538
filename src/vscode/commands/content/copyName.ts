import * as vscode from 'vscode';
import { copyCommand } from './copySupport';

export const ID = 'tableau.copyName';

export const command = copyCommand(ID, vscode.l10n.t('name'), (r) => r.name);
