import * as vscode from 'vscode';
import type { ErrorAction } from '../services/errors';
import type { Services } from '../services/services';
import { dayKey, patWarningDue, tokenPageUrl } from './profileLogic';
import { PAT_WARNED_KEY } from './storageKeys';

/** Warns about PATs expiring within a week (or expired), at most once a day per connection. */
export async function checkPatExpiry(services: Services, now = new Date()): Promise<void> {
  const warned = { ...services.context.globalState.get<Record<string, string>>(PAT_WARNED_KEY, {}) };
  for (const p of services.connections.list()) {
    const due = patWarningDue(p, now, warned[p.id]);
    if (!due) continue;
    warned[p.id] = dayKey(now);
    await services.context.globalState.update(PAT_WARNED_KEY, warned);
    const message = due.expired
      ? vscode.l10n.t('The access token "{0}" of connection "{1}" expired on {2}.', p.patName ?? '', p.label, p.patExpiresOn ?? '')
      : due.daysLeft === 0
        ? vscode.l10n.t('The access token "{0}" of connection "{1}" expires today.', p.patName ?? '', p.label)
        : vscode.l10n.t('The access token "{0}" of connection "{1}" expires in {2} day(s), on {3}.', p.patName ?? '', p.label, due.daysLeft, p.patExpiresOn ?? '');
    const actions = tokenActions(services, p.id);
    void services.ui.notify('warning', message, ...actions.map((a) => a.title)).then((chosen) => actions.find((a) => a.title === chosen)?.run());
  }
}

/** "Enter new token…" and "Create a token…" for a PAT connection. */
export function tokenActions(services: Services, connectionId: string): ErrorAction[] {
  return [
    {
      title: vscode.l10n.t('Enter new token…'),
      run: () => vscode.commands.executeCommand('tableau.editConnection', { connectionId, secretOnly: true }),
    },
    {
      title: vscode.l10n.t('Create a token…'),
      run: () => {
        const p = services.connections.get(connectionId);
        if (p) return services.ui.openExternal(tokenPageUrl(p.serverUrl, p.siteContentUrl));
        return undefined;
      },
    },
  ];
}
