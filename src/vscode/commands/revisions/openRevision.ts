import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { tableauUri } from '../../revisions/tableauFileSystem';
import { revisionAddress, revisionNodeOf } from './revisionArgs';

export const ID = 'tableau.openRevision';

/** Opens a revision's document (.twb / .tds XML) read-only; a package's extracts are never loaded. */
export const command = defineCommand(ID, async (_services, arg?: unknown) => {
  const node = revisionNodeOf(arg);
  const uri = tableauUri(revisionAddress(node));
  await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}, { errorPrefix: vscode.l10n.t('Opening the revision failed:') });
