import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { ConnectionNode } from '../../tree/nodes/connectionNode';
import { FlowNode } from '../../tree/nodes/flowNode';
import { SiteNode } from '../../tree/nodes/siteNode';
import { resolveRef } from './itemRef';
import { siteHomeWebUrl } from '../../connections/profileLogic';
import { webPageOf } from '../../connections/webPage';

export const ID = 'tableau.openInBrowser';

export const command = defineCommand(ID, async (services, node?: unknown) => {
  if (node instanceof ConnectionNode || node instanceof SiteNode) {
    const profile = node instanceof ConnectionNode ? node.profile : node.scope.profile;
    const site = node instanceof SiteNode ? node.scope.siteContentUrl : profile.siteContentUrl;
    await services.ui.openExternal(siteHomeWebUrl(profile.serverUrl, site));
    return;
  }
  // A flow goes by the page Tableau lists it with, as the other items do.
  const ref =
    node instanceof FlowNode
      ? { profile: node.scope.profile, siteContentUrl: node.scope.siteContentUrl, kind: 'flow' as const, id: node.flow.id, name: node.flow.name, webpageUrl: node.flow.webpageUrl }
      : await resolveRef(services, node, ['workbook', 'datasource', 'project'], { placeHolder: vscode.l10n.t('Open in browser') });
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
