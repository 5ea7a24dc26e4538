// The connection item in the status bar. Used twice: the start-up shell fills it from the
// stored profiles (src/vscode/shell), and once the rest of the extension is loaded it
// follows the connection manager. Imports nothing but vscode and types.
import * as vscode from 'vscode';
import type { ConnectionAdmin } from './connections/connectionAdmin';
import type { ConnectionProfile } from './connections/connectionManager';

/** What the item shows: the active connection, whether it is signed in and who it acts as. */
export interface ConnectionStatus {
  active?: Pick<ConnectionProfile, 'label' | 'serverUrl' | 'siteContentUrl' | 'readOnly'>;
  signedIn: boolean;
  actingAs?: string;
  connectionCount: number;
}

export function connectionStatus(c: ConnectionAdmin): ConnectionStatus {
  const p = c.active();
  return { active: p, signedIn: !!p && c.isSignedIn(p.id), actingAs: p && c.actingUser(p.id)?.name, connectionCount: c.list().length };
}

/** Text and tooltip for the status bar; plain data so the update rule is easy to read. */
export function statusBarText(s: ConnectionStatus): { text: string; tooltip: string } {
  const p = s.active;
  if (!p) return { text: `$(cloud-upload) ${vscode.l10n.t('Tableau: no connection')}`, tooltip: vscode.l10n.t('Add a Tableau connection') };
  const site = p.siteContentUrl || vscode.l10n.t('Default site');
  const icon = p.readOnly ? '$(lock)' : s.signedIn ? '$(cloud)' : '$(debug-disconnect)';
  const who = s.actingAs ? ` $(person) ${s.actingAs}` : '';
  const lines = [
    `${p.label} — ${p.serverUrl}`,
    vscode.l10n.t('Site: {0}', site),
    s.signedIn ? vscode.l10n.t('Signed in') : vscode.l10n.t('Not signed in'),
    s.actingAs ? vscode.l10n.t('Acting as {0}', s.actingAs) : '',
    p.readOnly ? vscode.l10n.t('Read-only: publishing, deleting and refreshing are refused') : '',
    vscode.l10n.t('Click to switch connection or site'),
  ];
  return { text: `${icon} ${p.label}: ${site}${who}`, tooltip: lines.filter(Boolean).join('\n') };
}

export function newStatusBarItem(): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('tableau.connection', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('Tableau Connection');
  return item;
}

/** Shows `s` on the item and sets the context keys menus and welcome content use. */
export function showStatus(item: vscode.StatusBarItem, s: ConnectionStatus): void {
  const { text, tooltip } = statusBarText(s);
  item.text = text;
  item.tooltip = tooltip;
  item.command = s.active ? 'tableau.switchConnection' : 'tableau.addConnection';
  item.show();
  // Menus hide publish/delete/refresh on a read-only active connection.
  void vscode.commands.executeCommand('setContext', 'tableau.activeConnectionReadOnly', s.active?.readOnly === true);
  void vscode.commands.executeCommand('setContext', 'tableau.hasConnections', s.connectionCount > 0);
}

/** Keeps `item` (made by the shell) in step with the connection manager from now on. */
export function followConnections(item: vscode.StatusBarItem, c: ConnectionAdmin): vscode.Disposable {
  const update = (): void => showStatus(item, connectionStatus(c));
  update();
  return c.onDidChange(update);
}
