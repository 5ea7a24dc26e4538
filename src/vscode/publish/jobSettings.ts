import * as vscode from 'vscode';
import { DEFAULT_JOB_TIMEOUT_MS } from '../../core/api/jobs';

/** `tableau.jobTimeoutMinutes`: the overall wait for a job (publish asJob, extract refresh), in ms. */
export function jobTimeoutMs(): number {
  const minutes = vscode.workspace.getConfiguration('tableau').get<number>('jobTimeoutMinutes', DEFAULT_JOB_TIMEOUT_MS / 60_000);
  return Number.isFinite(minutes) && minutes > 0 ? Math.min(minutes, 2880) * 60_000 : DEFAULT_JOB_TIMEOUT_MS;
}
