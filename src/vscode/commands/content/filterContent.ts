import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { contentTree } from '../../tree/contentTree';

export const ID = 'tableau.filterContent';

/** Narrows the tree to names containing the text (server-side `name:has:`, then case-insensitive). */
export const command = defineCommand(ID, async (services, text?: unknown) => {
  const tree = contentTree(services);
  if (!tree) return;
  const value =
    typeof text === 'string'
      ? text
      : await services.ui.input('content.filter', {
          prompt: vscode.l10n.t('Show only workbooks, data sources and projects whose name contains'),
          value: tree.filter ?? '',
          placeHolder: vscode.l10n.t('e.g. sales (empty shows everything)'),
        });
  if (value === undefined) return;
  tree.setFilter(value);
});
