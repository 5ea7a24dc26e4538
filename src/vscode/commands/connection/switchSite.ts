import * as vscode from 'vscode';
import { TableauError } from '../../../core/errors';
import type { Site } from '../../../core/models';
import type { ConnectionProfile } from '../../connections/connectionManager';
import { toAbortSignal } from '../../services/cancellation';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom, siteNodeContentUrl } from './connectionArg';
import { askSite, cancelled } from './connectionForm';

export const SWITCH_SITE = 'tableau.switchSite';

/** Sites the user can reach; when listing is refused (non-admins on some servers), undefined. */
async function reachableSites(s: Services, p: ConnectionProfile): Promise<Site[] | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing sites on {0}…', p.label), cancellable: true },
    async (_progress, token) => {
      const signal = toAbortSignal(token);
      const client = await s.connections.getClient(p.id, { signal });
      try {
        return await client.listSites({ signal });
      } catch (e) {
        if (TableauError.is(e, ['forbidden', 'notFound', 'badRequest'])) return undefined;
        throw e;
      }
    },
  );
}

/** Picks another site of the connection and moves its session there (the core's switchSite). */
export async function switchSite(s: Services, arg: unknown): Promise<void> {
  const p = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Switch site on which connection?') });
  const fromNode = siteNodeContentUrl(arg);
  const sites = fromNode === undefined ? await reachableSites(s, p) : undefined;
  let target: string;
  if (fromNode !== undefined) {
    target = fromNode;
  } else if (sites) {
    const items = sites.map((site) => ({
      label: site.name,
      description: site.contentUrl || vscode.l10n.t('default site'),
      detail: site.contentUrl === p.siteContentUrl ? vscode.l10n.t('current') : undefined,
      contentUrl: site.contentUrl,
      id: site.contentUrl,
    }));
    const chosen = await s.ui.pick('connection.switchSite', items, { title: vscode.l10n.t('Switch site on {0}', p.label), placeHolder: vscode.l10n.t('Choose a site') });
    if (!chosen) throw cancelled();
    target = chosen.contentUrl;
  } else {
    target = await askSite(s, p.siteContentUrl);
  }
  if (target === p.siteContentUrl) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Switching to site {0}…', target || vscode.l10n.t('default site')), cancellable: true },
    (_progress, token) => s.connectionAdmin.switchSite(p.id, target, toAbortSignal(token)),
  );
}

export const command = defineCommand(SWITCH_SITE, switchSite);
