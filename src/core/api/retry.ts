/**
 * The one retry mechanism of the core: bounded tries, Retry-After honoured (and refused when
 * too long), exponential backoff otherwise, abortable waits. What to retry is the caller's
 * policy (`retryOn`): reads retry "come back later" answers; the publisher layers its
 * "could the server have applied it?" rules on top (see publish/failurePolicy.ts).
 */
import { TableauError } from '../errors';
import { delay } from '../auth/abortable';

export interface RetryOptions {
  /** Total tries, the first included (default 3). */
  attempts?: number;
  /** A Retry-After longer than this is not waited for: the error is reported (default 30 s). */
  maxWaitMs?: number;
  /** Wait when the server gives no Retry-After: base × 2^(try-1) (default 1 s). */
  baseDelayMs?: number;
  /** Cap of one computed backoff (default maxWaitMs). */
  maxDelayMs?: number;
  /** Wait a random time between half and all of the computed backoff, so clients do not retry in step (default false). */
  jitter?: boolean;
  signal?: AbortSignal;
  /** Which failures to retry (default `isRetryable`). Only TableauErrors are ever retried. */
  retryOn?: (e: unknown) => boolean;
  onRetry?: (e: TableauError, attempt: number, waitMs: number) => void;
}

/** 429, and 503 "service unavailable": the server asks to come back later. */
export function isRetryable(e: unknown): boolean {
  return TableauError.is(e, 'rateLimited') || (TableauError.is(e, 'serverError') && e.status === 503);
}

/** The wait before try `attempt + 1` after `e` failed try `attempt` (1-based), or undefined when a Retry-After is too long to wait for. */
export function retryWaitMs(attempt: number, e: TableauError, opts: RetryOptions = {}): number | undefined {
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  if (e.retryAfter !== undefined) {
    const ms = e.retryAfter * 1000;
    return ms > maxWaitMs ? undefined : ms;
  }
  const exp = Math.min(opts.maxDelayMs ?? maxWaitMs, (opts.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
  return opts.jitter ? Math.round(exp / 2 + (Math.random() * exp) / 2) : exp;
}

/** Runs fn, retrying the failures `retryOn` accepts a bounded number of times. Abortable. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const retryOn = opts.retryOn ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= attempts || !(e instanceof TableauError) || !retryOn(e)) throw e;
      const wait = retryWaitMs(attempt, e, opts);
      if (wait === undefined) throw e;
      opts.onRetry?.(e, attempt, wait);
      await delay(wait, opts.signal);
    }
  }
}
