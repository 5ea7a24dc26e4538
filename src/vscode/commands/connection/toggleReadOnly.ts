import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom } from './connectionArg';

export const TOGGLE_READ_ONLY = 'tableau.toggleReadOnly';

/** Read-only connections refuse publish, delete and refresh (ConnectionManager.assertWritable). */
export async function toggleReadOnly(s: Services, arg: unknown): Promise<boolean> {
  const p = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Toggle read-only on which connection?') });
  const readOnly = !p.readOnly;
  await s.connectionAdmin.setReadOnly(p.id, readOnly);
  void s.ui.notify(
    'info',
    readOnly
      ? vscode.l10n.t('"{0}" is now read-only: publishing, deleting and refreshing are refused.', p.label)
      : vscode.l10n.t('"{0}" is writable again.', p.label),
  );
  return readOnly;
}

export const command = defineCommand(TOGGLE_READ_ONLY, toggleReadOnly);
