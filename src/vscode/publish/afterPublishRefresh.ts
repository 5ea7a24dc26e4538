/**
 * A manifest target's `refresh` option in VS Code: right after the publish, refresh the extract
 * and wait for the job. A refresh that fails leaves the publish a success and says so.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TableauClient } from '../../core/api/client';
import { isCancellation } from '../../core/errors';
import type { PublishResult } from '../../core/publish/publisher';
import { refreshAndWait } from '../../core/publish/afterPublish';
import type { Services } from '../services/services';
import { errorText } from '../services/errors';
import { jobTimeoutMs } from './jobSettings';

export async function refreshAfterPublish(
  services: Services,
  client: TableauClient,
  file: string,
  result: PublishResult,
  report: (message: string) => void,
  signal: AbortSignal,
): Promise<void> {
  if (result.mismatch) return;
  const label = path.basename(file);
  try {
    const job = await refreshAndWait(client, result.kind, result.item.id, {
      signal,
      timeoutMs: jobTimeoutMs(),
      onProgress: (j) => report(vscode.l10n.t('{0}: refreshing the extract ({1}%)', label, j.progress ?? 0)),
    });
    services.logger.info(`Refreshed the extract of "${result.item.name}" after publishing ${label} (job ${job.id}).`);
  } catch (e) {
    if (isCancellation(e)) throw e;
    services.logger.error(`Refreshing the extract of "${result.item.name}" failed:`, e instanceof Error ? e.message : String(e));
    void services.ui.notify('warning', vscode.l10n.t('Published "{0}", but the extract refresh failed: {1}', result.item.name, errorText(e)));
  }
}
