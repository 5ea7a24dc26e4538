import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
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

export const command = defineCommand(SWITCH_CONNECTION, switchConnection);
