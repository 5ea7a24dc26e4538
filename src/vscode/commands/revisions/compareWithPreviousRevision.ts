import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { openComparison } from '../../revisions/comparison';
import { revisionAddress, revisionNodeOf } from './revisionArgs';
import { RevisionsNode } from '../../tree/nodes/revisionNodes';

export const ID = 'tableau.compareWithPreviousRevision';

/** Diff editor: the revision before this one (deleted ones skipped) ↔ this one, with the semantic summary. */
export const command = defineCommand(ID, async (services, arg?: unknown) => {
  const node = revisionNodeOf(arg);
  const list = node.parent instanceof RevisionsNode ? await node.parent.revisions() : [];
  const previous = [...list].reverse().find((r) => r.number < node.revision.number && !r.deleted);
  if (!previous) {
    await services.ui.notify('info', vscode.l10n.t('Revision {0} of "{1}" has no earlier revision to compare with.', node.revision.number, node.owner.name));
    return undefined;
  }
  return openComparison(services, revisionAddress(node, previous), revisionAddress(node), {
    left: `revision ${previous.number}`,
    right: `revision ${node.revision.number}`,
    title: vscode.l10n.t('{0}: revision {1} ↔ {2}', node.owner.name, previous.number, node.revision.number),
  });
}, { errorPrefix: vscode.l10n.t('Compare failed:') });
