import * as vscode from 'vscode';
import type { ConnectionAdmin } from './connections/connectionAdmin';

/** Text and tooltip for the status bar; plain data so the update rule is easy to read. */
export function statusBarText(c: ConnectionAdmin): { text: string; tooltip: string } {
  const p = c.active();
  if (!p) return { text: `$(cloud-upload) ${vscode.l10n.t('Tableau: no connection')}`, tooltip: vscode.l10n.t('Add a Tableau connection') };
  const site = p.siteContentUrl || vscode.l10n.t('Default site');
  const acting = c.actingUser(p.id);
  const signedIn = c.isSignedIn(p.id);
  const icon = p.readOnly ? '$(lock)' : signedIn ? '$(cloud)' : '$(debug-disconnect)';
  const who = acting ? ` $(person) ${acting.name}` : '';
  const lines = [
    `${p.label} — ${p.serverUrl}`,
    vscode.l10n.t('Site: {0}', site),
    signedIn ? vscode.l10n.t('Signed in') : vscode.l10n.t('Not signed in'),
    acting ? vscode.l10n.t('Acting as {0}', acting.name) : '',
    p.readOnly ? vscode.l10n.t('Read-only: publishing, deleting and refreshing are refused') : '',
    vscode.l10n.t('Click to switch connection or site'),
  ];
  return { text: `${icon} ${p.label}: ${site}${who}`, tooltip: lines.filter(Boolean).join('\n') };
}

export function createStatusBar(c: ConnectionAdmin): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('tableau.connection', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('Tableau Connection');
  const update = (): void => {
    const { text, tooltip } = statusBarText(c);
    item.text = text;
    item.tooltip = tooltip;
    item.command = c.active() ? 'tableau.switchConnection' : 'tableau.addConnection';
    item.show();
    // Menus hide publish/delete/refresh on a read-only active connection.
    void vscode.commands.executeCommand('setContext', 'tableau.activeConnectionReadOnly', c.active()?.readOnly === true);
    void vscode.commands.executeCommand('setContext', 'tableau.hasConnections', c.list().length > 0);
  };
  update();
  const sub = c.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
