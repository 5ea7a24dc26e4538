import * as vscode from 'vscode';
import { toAbortSignal } from '../../services/cancellation';
import type { Services } from '../../services/services';
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

export function register(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(SIGN_IN, async (arg?: unknown) => {
    try {
      await signIn(s, arg);
    } catch (e) {
      await s.errors.show(e);
    }
  });
}
