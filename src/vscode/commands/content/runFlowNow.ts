import * as vscode from 'vscode';
import { lastFlowRun, runFlowNow, type FlowRun } from '../../../core/api/flows';
import { TableauError } from '../../../core/errors';
import { toAbortSignal } from '../../services/cancellation';
import { waitJobWithProgress } from '../../publish/jobSettings';
import { FlowNode } from '../../tree/nodes/flowNode';
import { defineCommand } from '../command';

export const ID = 'tableau.runFlowNow';

/**
 * Run Now on a flow in the tree: Run Flow Now (a job), wait for it with the job semantics of every
 * other wait (bounded by tableau.jobTimeoutSeconds; cancelling stops waiting, not the run), say how
 * it ended and redraw the site, so the flow's row shows the new last run. Returns that run.
 */
export const command = defineCommand(ID, async (services, node?: unknown): Promise<FlowRun | undefined> => {
  if (!(node instanceof FlowNode)) throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('Run Now works on a flow in the Tableau view.') });
  services.connections.assertWritable(node.scope.profile);
  const { flow, scope } = node;
  const site = { profileId: scope.profile.id, siteContentUrl: scope.siteContentUrl };
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Running flow "{0}"', flow.name), cancellable: true },
      async (progress, token) => {
        const signal = toAbortSignal(token);
        const client = await services.connections.getClient(scope.profile.id, { siteContentUrl: scope.siteContentUrl, purpose: 'refresh', signal });
        const job = await runFlowNow(client, flow.id, signal);
        services.logger.info(`Flow ${flow.id} ("${flow.name}") started: job ${job.id}${job.flowRunId ? `, run ${job.flowRunId}` : ''}.`);
        await waitJobWithProgress(client, job.id, progress, signal);
        const run = await lastFlowRun(client, flow.id, signal);
        void services.ui.notify('info', vscode.l10n.t('Flow "{0}" ran: {1} (job {2}).', flow.name, run?.status ?? 'Success', job.id));
        return run;
      },
    );
  } finally {
    // Succeeded or failed, the flow has a new last run: the row shows it.
    services.sites.siteChanged(site);
  }
}, { errorPrefix: vscode.l10n.t('Run Flow failed:') });
