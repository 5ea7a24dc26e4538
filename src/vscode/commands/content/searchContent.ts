import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { contentTree } from '../../tree/contentTree';
import { SiteNode } from '../../tree/nodes/siteNode';
import { type ItemRef, pickItem } from './itemRef';

export const ID = 'tableau.searchContent';

/**
 * Finds projects, workbooks and data sources by name on a site and reveals the chosen
 * one in the tree. Returns the choice and whether the tree could show it (tests use it).
 */
export const command = defineCommand(ID, async (services, node?: unknown): Promise<(ItemRef & { revealed: boolean }) | undefined> => {
  const ref = await pickItem(services, ['project', 'workbook', 'datasource'], {
    placeHolder: vscode.l10n.t('Search Tableau content'),
    // From a site node: search that site without asking for a connection.
    ...(node instanceof SiteNode ? { profile: node.scope.profile, siteContentUrl: node.scope.siteContentUrl } : {}),
  });
  if (!ref) return undefined;
  await vscode.commands.executeCommand('tableau.content.focus');
  const tree = contentTree(services);
  const shown = await tree?.reveal({
    profileId: ref.profile.id,
    siteContentUrl: ref.siteContentUrl,
    kind: ref.kind as 'project' | 'workbook' | 'datasource',
    id: ref.id,
    projectId: ref.projectId ?? '',
  });
  if (!shown) {
    const why = tree?.filter
      ? vscode.l10n.t('"{0}" is hidden by the filter "{1}". Clear the filter to see it.', ref.name, tree.filter)
      : vscode.l10n.t('"{0}" is no longer on the server. Refresh the view.', ref.name);
    await services.ui.notify('warning', why);
  }
  return { ...ref, revealed: !!shown };
});
