import * as vscode from 'vscode';
import { defineCommand } from '../command';

export const ID = 'tableau.switchEnvironment';

/** Picks the workspace's active environment (the status bar item's command); returns the chosen name. */
export const command = defineCommand(ID, async (services, arg?: unknown): Promise<string | undefined> => {
  const names = await services.environments.environmentNames();
  if (!names.length) {
    await services.ui.notify('info', vscode.l10n.t('The workspace manifest defines no environments (version 2 "environments" in .vscode/tableau-publish.json).'));
    return undefined;
  }
  // From another command or a test: a name given is taken as it is, when the manifest has it.
  let chosen = typeof arg === 'string' && names.includes(arg) ? arg : undefined;
  if (!chosen) {
    const active = services.environments.active();
    const items = [...names.map((n) => ({ id: n, label: n, description: n === active ? vscode.l10n.t('active') : undefined })), { id: 'none', label: vscode.l10n.t('No environment') }];
    const picked = await services.ui.pick('environment.switch', items, { placeHolder: vscode.l10n.t('Publish to which environment?') });
    if (!picked) return undefined;
    chosen = picked.id === 'none' ? undefined : picked.id;
  }
  await services.environments.setActive(chosen);
  return chosen;
});
