import * as vscode from 'vscode';
import type { PromptId, Ui } from '../services/ui';
import type { ConnectionManager, ConnectionProfile } from './connectionManager';

/**
 * Quick pick of the saved connections, with "Add connection…" last. A lone connection is
 * taken without asking. With `requireWritable`, read-only ones are left out, and one added
 * here must be writable too.
 */
export async function pickConnection(
  connections: ConnectionManager,
  ui: Ui,
  opts: { prompt: PromptId; placeHolder?: string; requireWritable?: boolean },
): Promise<ConnectionProfile | undefined> {
  const all = connections.list();
  const candidates = all.filter((p) => !opts?.requireWritable || !p.readOnly);
  if (candidates.length === 1 && all.length === 1) return candidates[0];
  // Item ids are the connection names (what tests know); the profile id picks the profile.
  type Item = vscode.QuickPickItem & { id: string; profileId?: string };
  const activeId = connections.active()?.id;
  const items: Item[] = candidates.map((p) => ({
    id: p.label,
    profileId: p.id,
    label: p.label,
    description: `${p.serverUrl}${p.siteContentUrl ? ` · ${p.siteContentUrl}` : ''}`,
    detail: [p.id === activeId ? vscode.l10n.t('active') : '', connections.isSignedIn(p.id) ? vscode.l10n.t('signed in') : '', p.readOnly ? vscode.l10n.t('read-only') : '']
      .filter(Boolean)
      .join(' · ') || undefined,
  }));
  items.push({ label: `$(add) ${vscode.l10n.t('Add connection…')}`, alwaysShow: true, id: 'add' });
  const placeHolder = opts?.placeHolder ?? vscode.l10n.t('Choose a Tableau connection');
  const chosen = await ui.pick(opts.prompt, items, { placeHolder });
  if (!chosen) return undefined;
  if (chosen.profileId) return connections.get(chosen.profileId);
  const added = await vscode.commands.executeCommand<ConnectionProfile | undefined>('tableau.addConnection');
  if (added && opts?.requireWritable) connections.assertWritable(added);
  return added;
}
