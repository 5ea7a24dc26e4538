import * as vscode from 'vscode';
import { toAbortSignal } from '../../services/cancellation';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom } from './connectionArg';

export const TEST_CONNECTION = 'tableau.testConnection';

export interface ConnectionReport {
  productVersion: string;
  restApiVersion: string;
  apiVersionUsed: string;
  site: string;
  userId: string;
  userName?: string;
}

/** Signs in (or reuses the session) and reports server version, API version, site and user. */
export async function testConnection(s: Services, arg: unknown): Promise<ConnectionReport> {
  const p = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Test which connection?') });
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing {0}…', p.label), cancellable: true },
    async (_progress, token): Promise<ConnectionReport> => {
      const signal = toAbortSignal(token);
      const info = await s.connectionAdmin.serverInfo(p.id, signal);
      const apiVersionUsed = await s.connectionAdmin.apiVersion(p.id, signal);
      const signIn = await s.connectionAdmin.signIn(p.id, signal);
      let userName: string | undefined;
      try {
        const client = await s.connections.getClient(p.id, { signal });
        const me = await client.request({ method: 'GET', path: `sites/{siteId}/users/${signIn.userId}`, replaySafe: true, signal });
        userName = (me as { user?: { name?: string } })?.user?.name;
      } catch (e) {
        // Some roles may not read user records; the id is still worth showing.
        s.logger.debug(`Reading the signed-in user's name failed: ${String(e)}`);
      }
      return {
        productVersion: info.productVersion,
        restApiVersion: info.restApiVersion,
        apiVersionUsed,
        site: signIn.siteContentUrl,
        userId: signIn.userId,
        userName,
      };
    },
  );
  const acting = s.connectionAdmin.actingUser(p.id);
  const lines = [
    vscode.l10n.t('Tableau {0} (REST API {1}, using {2})', report.productVersion, report.restApiVersion, report.apiVersionUsed),
    vscode.l10n.t('Site: {0}', report.site || vscode.l10n.t('default site')),
    vscode.l10n.t('User: {0}', report.userName ?? report.userId),
    acting ? vscode.l10n.t('Acting as: {0}', acting.name) : '',
  ].filter(Boolean);
  s.logger.info(`Test of "${p.label}": ${lines.join('; ')}`);
  void s.ui.notify('info', vscode.l10n.t('{0} works. {1}', p.label, lines.join(' · ')));
  return report;
}

export const command = defineCommand(TEST_CONNECTION, testConnection);
