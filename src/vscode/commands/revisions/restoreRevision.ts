import * as vscode from 'vscode';
import { formatDate } from '../../tree/format';
import { cancelled, TableauError } from '../../../core/errors';
import { EXTRACT_NOTE, restoreRevision, type RestoreResult } from '../../../core/revisions/restore';
import { defineCommand } from '../command';
import { tableauFileSystem } from '../../revisions/tableauFileSystem';
import { contentTree } from '../../tree/contentTree';
import { RevisionsNode } from '../../tree/nodes/revisionNodes';
import { toAbortSignal } from '../../services/cancellation';
import { revisionNodeOf } from './revisionArgs';

export const ID = 'tableau.restoreRevision';

/**
 * Restore This Revision: after a modal confirmation naming the item, the revision and what
 * becomes current, revision N is downloaded and published over the item (overwrite); the tree
 * then shows the new current revision.
 */
export const command = defineCommand(ID, async (services, arg?: unknown): Promise<RestoreResult | undefined> => {
  const node = revisionNodeOf(arg);
  services.connections.assertWritable(node.scope.profile);
  const r = node.revision;
  const what = node.owner.kind === 'workbook' ? vscode.l10n.t('workbook') : vscode.l10n.t('data source');
  if (r.deleted) throw new TableauError({ reason: 'revisionNotFound', message: vscode.l10n.t('Revision {0} of "{1}" was removed; its content is gone.', r.number, node.owner.name) });
  if (r.current) throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('Revision {0} is already the current revision of "{1}".', r.number, node.owner.name) });
  const list = node.parent instanceof RevisionsNode ? await node.parent.revisions() : [];
  const current = list.find((x) => x.current);
  const by = [formatDate(r.publishedAt), r.publisher?.name].filter(Boolean).join(', ');
  const detail = [
    vscode.l10n.t('Revision {0}{1} is published over the current revision{2} of the {3} "{4}" in "{5}" and becomes its new current revision. The replaced revision stays in the history.',
      r.number, by ? ` (${by})` : '', current ? ` ${current.number}` : '', what, node.owner.name, node.owner.projectPath.join(' / ')),
    node.owner.kind === 'datasource' && node.owner.hasExtracts ? EXTRACT_NOTE : '',
  ].filter(Boolean).join('\n\n');
  const ok = await services.ui.confirm('revisions.restore', vscode.l10n.t('Restore revision {0} of "{1}"?', r.number, node.owner.name), vscode.l10n.t('Restore'), { modal: true, detail });
  if (!ok) throw cancelled();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Restoring revision {0} of "{1}"', r.number, node.owner.name), cancellable: true },
    async (progress, token) => {
      const signal = toAbortSignal(token);
      const client = await services.connections.getClient(node.scope.profile.id, { siteContentUrl: node.scope.siteContentUrl, signal });
      return restoreRevision(client, { kind: node.owner.kind, id: node.owner.id, revision: r.number }, {
        signal,
        logger: services.logger,
        onDownload: () => progress.report({ message: vscode.l10n.t('downloading revision {0}', r.number) }),
        onProgress: (p) => progress.report({ message: p.phase === 'upload' ? vscode.l10n.t('publishing') : p.phase }),
      });
    },
  );
  // The tree shows the new current revision; documents of the current content are read again.
  const parent = node.parent;
  if (parent instanceof RevisionsNode) {
    parent.invalidate();
    contentTree(services)?.refresh(parent);
  }
  tableauFileSystem(services)?.forgetCurrent();
  services.sites.siteChanged({ profileId: node.scope.profile.id, siteContentUrl: node.scope.siteContentUrl });
  services.logger.info(`Restored revision ${r.number} of ${node.owner.kind} ${node.owner.id}; current revision now ${result.current?.number ?? '?'}.`);
  void services.ui.notify('info', vscode.l10n.t('Restored revision {0} of "{1}": it is now revision {2}.', r.number, node.owner.name, result.current?.number ?? '?'));
  return result;
}, { errorPrefix: vscode.l10n.t('Restore failed:') });
