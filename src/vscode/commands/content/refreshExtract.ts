import * as vscode from 'vscode';
import type { Job } from '../../../core/models';
import { toAbortSignal } from '../../services/cancellation';
import { waitJobWithProgress } from '../../publish/jobSettings';
import { defineCommand } from '../command';
import { resolveRef } from './itemRef';

export const ID = 'tableau.refreshExtract';

/** Runs an extract refresh job, waits for it and says how it ended. Returns the finished job. */
export const command = defineCommand(ID, async (services, node?: unknown): Promise<Job | undefined> => {
  const ref = await resolveRef(services, node, ['datasource'], {
    placeHolder: vscode.l10n.t('Refresh the extract of which data source?'),
    requireWritable: true,
  });
  if (!ref) return undefined;
  const job = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Refreshing extract of "{0}"', ref.name), cancellable: true },
    async (progress, token) => {
      const signal = toAbortSignal(token);
      const client = await services.connections.getClient(ref.profile.id, { siteContentUrl: ref.siteContentUrl, purpose: 'refresh', signal });
      const started = await client.refreshDataSource(ref.id, signal);
      return waitJobWithProgress(client, started.id, progress, signal);
    },
  );
  services.logger.info(`Extract refresh of data source ${ref.id} finished (job ${job.id}).`);
  void services.ui.notify('info', vscode.l10n.t('The extract of "{0}" was refreshed.', ref.name));
  return job;
}, { errorPrefix: vscode.l10n.t('Extract refresh failed:') });
