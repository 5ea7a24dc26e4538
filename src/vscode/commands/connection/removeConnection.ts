import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom } from './connectionArg';

export const REMOVE_CONNECTION = 'tableau.removeConnection';

export async function removeConnection(s: Services, arg: unknown): Promise<boolean> {
  const p = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Remove which connection?') });
  const ok = await s.ui.confirm(
    'connection.remove',
    vscode.l10n.t('Remove the connection "{0}"?', p.label),
    vscode.l10n.t('Remove'),
    { modal: true, detail: vscode.l10n.t('This signs out and deletes its saved credentials from this machine. Nothing on {0} changes.', p.serverUrl) },
  );
  if (!ok) return false;
  await s.connectionAdmin.remove(p.id);
  s.logger.info(`Connection "${p.label}" removed.`);
  return true;
}

export const command = defineCommand(REMOVE_CONNECTION, removeConnection, { failedResult: false });
