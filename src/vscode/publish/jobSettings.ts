import * as vscode from 'vscode';
import { DEFAULT_JOB_TIMEOUT_MS } from '../../core/api/jobs';
import type { Job } from '../../core/models';

/** `tableau.jobTimeoutMinutes`: the overall wait for a job (publish asJob, extract refresh, a flow run), in ms. */
export function jobTimeoutMs(): number {
  const minutes = vscode.workspace.getConfiguration('tableau').get<number>('jobTimeoutMinutes', DEFAULT_JOB_TIMEOUT_MS / 60_000);
  return Number.isFinite(minutes) && minutes > 0 ? Math.min(minutes, 2880) * 60_000 : DEFAULT_JOB_TIMEOUT_MS;
}

/** What waitJobWithProgress needs of TableauClient. */
interface JobWaiter {
  waitForJob(id: string, opts: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (j: Job) => void }): Promise<Job>;
}

/**
 * Waits for a job (bounded by jobTimeoutMs) with its percentage in a progress notification.
 * Cancelling stops waiting only: the server keeps running the job.
 */
export function waitJobWithProgress(client: JobWaiter, jobId: string, progress: vscode.Progress<{ message?: string; increment?: number }>, signal: AbortSignal): Promise<Job> {
  progress.report({ message: vscode.l10n.t('job queued') });
  let last = 0;
  return client.waitForJob(jobId, {
    signal,
    timeoutMs: jobTimeoutMs(),
    onProgress: (j) => {
      const p = j.progress ?? 0;
      progress.report({ increment: Math.max(0, p - last), message: `${p}%` });
      last = Math.max(last, p);
    },
  });
}
