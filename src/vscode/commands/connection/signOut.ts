import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom } from './connectionArg';

export const SIGN_OUT = 'tableau.signOut';

export async function signOut(s: Services, arg: unknown): Promise<void> {
  const p = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Sign out of which connection?') });
  await s.connectionAdmin.signOut(p.id);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Signed out of {0}', p.label), 4000);
}

export const command = defineCommand(SIGN_OUT, signOut);
