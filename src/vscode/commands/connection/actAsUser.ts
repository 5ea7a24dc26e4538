import * as vscode from 'vscode';
import { TableauError } from '../../../core/errors';
import { toAbortSignal } from '../../services/cancellation';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom } from './connectionArg';
import { cancelled } from './connectionForm';

export const ACT_AS_USER = 'tableau.actAsUser';

/**
 * Impersonation for administrators: later calls on the connection run in a separate
 * session signed in as the chosen user (shown in the status bar) until stopped.
 */
export async function actAsUser(s: Services, arg: unknown): Promise<void> {
  const p = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Act as a user on which connection?') });
  const acting = s.connectionAdmin.actingUser(p.id);
  const users = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing users on {0}…', p.label), cancellable: true },
    async (_progress, token) => {
      const signal = toAbortSignal(token);
      // Listed as the connection's own user ('' below), not as whoever is impersonated now.
      const client = await s.connections.getClient(p.id, { signal, actAsUserId: '' });
      try {
        return await client.allUsers({ signal });
      } catch (e) {
        if (TableauError.is(e, 'forbidden')) {
          throw new TableauError({ reason: 'forbidden', message: vscode.l10n.t('Only administrators can act as another user, and "{0}" cannot list the users of this site.', p.label), cause: e });
        }
        throw e;
      }
    },
  );
  type Item = vscode.QuickPickItem & { id: string; user?: { id: string; name: string } };
  const items: Item[] = [];
  if (acting) items.push({ label: `$(circle-slash) ${vscode.l10n.t('Stop acting as {0}', acting.name)}`, id: 'stop' });
  for (const u of users) items.push({ id: u.name, label: u.name, description: [u.fullName, u.siteRole].filter(Boolean).join(' · '), user: { id: u.id, name: u.name } });
  const chosen = await s.ui.pick('connection.actAs', items, { title: vscode.l10n.t('Act as user on {0}', p.label), placeHolder: vscode.l10n.t('Choose the user to act as'), matchOnDescription: true });
  if (!chosen) throw cancelled();
  if (!chosen.user) {
    await s.connectionAdmin.setActingUser(p.id, undefined);
    return;
  }
  const user = chosen.user;
  await s.connectionAdmin.setActingUser(p.id, user);
  try {
    // Sign in now so a refused impersonation shows here, not at the next publish.
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in as {0}…', user.name), cancellable: true },
      (_progress, token) => s.connectionAdmin.signIn(p.id, toAbortSignal(token)),
    );
  } catch (e) {
    await s.connectionAdmin.setActingUser(p.id, undefined);
    throw e;
  }
}

export const command = defineCommand(ACT_AS_USER, actAsUser);
