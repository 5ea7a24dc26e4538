import * as vscode from 'vscode';
import { toAbortSignal } from '../../services/cancellation';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom } from './connectionArg';

export const SIGN_IN = 'tableau.signIn';

export async function signIn(s: Services, arg: unknown): Promise<void> {
  const p = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Sign in to which connection?') });
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to {0}…', p.label), cancellable: true },
    (_progress, token) => s.connectionAdmin.signIn(p.id, toAbortSignal(token)),
  );
  vscode.window.setStatusBarMessage(vscode.l10n.t('Signed in to {0}', p.label), 4000);
}

export const command = defineCommand(SIGN_IN, signIn);
