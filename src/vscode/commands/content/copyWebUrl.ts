import * as vscode from 'vscode';
import { webPageOf } from '../../connections/webPage';
import { copyCommand } from './copySupport';

export const ID = 'tableau.copyWebUrl';

/** The page Tableau gives for the item; a project has none (the REST API gives no address for one). */
export const command = copyCommand(ID, vscode.l10n.t('web URL'), async (r, services) => {
  const page = await webPageOf(services.connections, r);
  return page.exact ? page.url : undefined;
});
