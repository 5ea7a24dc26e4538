import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { ConnectionNode } from '../../tree/nodes/connectionNode';
import { SiteNode } from '../../tree/nodes/siteNode';
import { resolveRef } from './itemRef';
import { webUrlOf } from './webUrl';

export const ID = 'tableau.openInBrowser';

export const command = defineCommand(ID, async (services, node?: unknown) => {
  if (node instanceof ConnectionNode || node instanceof SiteNode) {
    const profile = node instanceof ConnectionNode ? node.profile : node.scope.profile;
    const site = node instanceof SiteNode ? node.scope.siteContentUrl : profile.siteContentUrl;
    const prefix = site ? `/site/${encodeURIComponent(site)}` : '';
    await services.ui.openExternal(`${profile.serverUrl}/#${prefix}/home`);
    return;
  }
  const ref = await resolveRef(services, node, ['workbook', 'datasource', 'project'], { placeHolder: vscode.l10n.t('Open in browser') });
  if (ref) await services.ui.openExternal(webUrlOf(services, ref));
});
