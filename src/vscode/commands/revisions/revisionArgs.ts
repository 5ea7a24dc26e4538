/** What the revision commands share: the node they run on, its address in the `tableau:` file system. */
import * as vscode from 'vscode';
import type { Revision } from '../../../core/api/revisions';
import { TableauError } from '../../../core/errors';
import { documentName, type TableauAddress } from '../../revisions/tableauUri';
import { RevisionNode } from '../../tree/nodes/revisionNodes';

export function revisionNodeOf(arg: unknown): RevisionNode {
  if (arg instanceof RevisionNode) return arg;
  throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('Run this from a revision in the Tableau view (expand a workbook or data source, then Revisions).') });
}

/** The document of `revision` of the node's item: the current one is the item's own content. */
export function revisionAddress(node: RevisionNode, revision: Revision = node.revision): TableauAddress {
  return {
    where: 'server',
    connectionId: node.scope.profile.id,
    siteContentUrl: node.scope.siteContentUrl,
    kind: node.owner.kind,
    id: node.owner.id,
    revision: revision.current ? undefined : revision.number,
    docName: documentName(revision.current ? node.owner.name : `${node.owner.name} (revision ${revision.number})`, node.owner.kind),
    normalized: false,
  };
}
