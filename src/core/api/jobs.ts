/**
 * When a job has ended and what its end means. A job has ended only once `completedAt` is
 * set: the answer to an asJob publish already carries finishCode="1" with progress="0"
 * (TSC's recorded workbook_publish_async.xml), so a finishCode before the end means nothing.
 * At the end (Query Job reference): 0 success, 1 failure, 2 cancelled; on Tableau Cloud a
 * Tableau Bridge refresh answers 0 once a Bridge client has the job and 3 once it completed.
 */
import { TableauError } from '../errors';
import type { Job } from '../models';

/** Overall wait for a job (default 3 h): Tableau's own extract refresh limit is 2 h (Server's backgrounder.querylimit, Cloud's refresh timeout), plus time in the queue. */
export const DEFAULT_JOB_TIMEOUT_MS = 3 * 60 * 60 * 1000;

export function jobHasEnded(job: Job): boolean {
  return job.completedAt !== undefined && job.completedAt !== '';
}

function what(job: Job): string {
  return `The ${job.type ? `${job.type} ` : ''}job ${job.id}`;
}

function reasonText(job: Job): string {
  const notes = [...(job.notes ?? []), ...(job.statusNotes ?? [])];
  return notes.length ? `: ${notes.join(' ')}` : ' (Tableau gave no reason).';
}

/** The ended job when it succeeded; otherwise a 'jobFailed' / 'jobCancelled' error carrying its notes. */
export function endedJob(job: Job): Job {
  switch (job.finishCode) {
    case undefined:
    case 0:
    case 3: // Tableau Bridge: completed
      return job;
    case 1:
      throw new TableauError({ reason: 'jobFailed', message: `${what(job)} failed on the server${reasonText(job)}`, detail: job.notes?.join('\n') });
    case 2:
      throw new TableauError({ reason: 'jobCancelled', message: `${what(job)} was cancelled on the server${reasonText(job)}`, detail: job.notes?.join('\n') });
    default:
      throw new TableauError({
        reason: 'jobFailed',
        message: `${what(job)} ended with finish code ${job.finishCode}, which Tableau does not document; it is treated as a failure${reasonText(job)}`,
        detail: job.notes?.join('\n'),
      });
  }
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/** Gave up waiting: said plainly, with the job id, because the server may still finish it. */
export function jobTimeout(job: Job, timeoutMs: number): TableauError {
  const progress = job.progress !== undefined ? ` (last progress ${job.progress}%)` : '';
  return new TableauError({
    reason: 'jobTimeout',
    message:
      `Stopped waiting for ${what(job).replace(/^The /, 'the ')} after ${duration(timeoutMs)}${progress}. ` +
      `The job may still finish on the server: check job ${job.id} in Tableau before trying again, or allow a longer job deadline.`,
    detail: job.id, // the id alone, for callers that report it apart (the CLI's JSON line)
  });
}
