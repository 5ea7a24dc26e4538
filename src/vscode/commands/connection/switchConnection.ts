import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { cancelled } from './connectionForm';
import { switchSite } from './switchSite';

export const SWITCH_CONNECTION = 'tableau.switchConnection';

/** The status bar click: pick the active connection, then its site. */
export async function switchConnection(s: Services): Promise<void> {
  const p = await s.connections.pick({ prompt: 'connection.makeActive', placeHolder: vscode.l10n.t('Make which connection active?') });
  if (!p) throw cancelled();
  await s.connectionAdmin.setActive(p.id);
  await switchSite(s, p.id);
}

export function register(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(SWITCH_CONNECTION, async () => {
    try {
      await switchConnection(s);
    } catch (e) {
      await s.errors.show(e);
    }
  });
}
