import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { ConnectionNode } from '../../tree/nodes/connectionNode';
import { FlowNode } from '../../tree/nodes/flowNode';
import { SiteNode } from '../../tree/nodes/siteNode';
import { contentListWebUrl, trustedWebpageUrl } from '../../connections/profileLogic';
import { resolveRef } from './itemRef';
import { webPageOf } from '../../connections/webPage';

export const ID = 'tableau.openInBrowser';

export const command = defineCommand(ID, async (services, node?: unknown) => {
  if (node instanceof ConnectionNode || node instanceof SiteNode) {
    const profile = node instanceof ConnectionNode ? node.profile : node.scope.profile;
    const site = node instanceof SiteNode ? node.scope.siteContentUrl : profile.siteContentUrl;
    const prefix = site ? `/site/${encodeURIComponent(site)}` : '';
    await services.ui.openExternal(`${profile.serverUrl}/#${prefix}/home`);
    return;
  }
  if (node instanceof FlowNode) {
    // A flow's page is the one Tableau gives with it (flows are listed with their webpageUrl).
    const { profile, siteContentUrl } = node.scope;
    const page = trustedWebpageUrl(profile.serverUrl, node.flow.webpageUrl);
    await services.ui.openExternal(page ?? contentListWebUrl(profile.serverUrl, siteContentUrl, 'flow'));
    if (!page) void services.ui.notify('info', vscode.l10n.t('Tableau gave no web address on {0} for "{1}": opened the site\'s list instead.', profile.serverUrl, node.flow.name));
    return;
  }
  const ref = await resolveRef(services, node, ['workbook', 'datasource', 'project'], { placeHolder: vscode.l10n.t('Open in browser') });
  if (!ref) return;
  const page = await webPageOf(services.connections, ref);
  await services.ui.openExternal(page.url);
  if (!page.exact) {
    void services.ui.notify(
      'info',
      ref.kind === 'project'
        ? vscode.l10n.t('Tableau gives no web address for a project: opened the site\'s projects, where "{0}" is.', ref.name)
        : vscode.l10n.t('Tableau gave no web address on {0} for "{1}": opened the site\'s list instead.', ref.profile.serverUrl, ref.name),
    );
  }
});
