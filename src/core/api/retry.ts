import { TableauError } from '../errors';
import { delay } from '../auth/abortable';

export interface RetryOptions {
  /** Total tries, the first included (default 3). */
  attempts?: number;
  /** Longest single wait; a Retry-After above it is not waited for (default 30 s). */
  maxWaitMs?: number;
  /** Wait when the server gives no Retry-After: base × 2^(try-1) (default 1 s). */
  baseDelayMs?: number;
  signal?: AbortSignal;
  /** Which failures to retry (default `isRetryable`). */
  retryOn?: (e: unknown) => boolean;
  onRetry?: (e: TableauError, attempt: number, waitMs: number) => void;
}

/** 429, and 503 "service unavailable": the server asks to come back later. */
export function isRetryable(e: unknown): boolean {
  return TableauError.is(e, 'rateLimited') || (TableauError.is(e, 'serverError') && e.status === 503);
}

/** Runs fn, retrying throttled / unavailable answers a bounded number of times, honouring Retry-After. Abortable. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const base = opts.baseDelayMs ?? 1000;
  const retryOn = opts.retryOn ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= attempts || !retryOn(e) || !(e instanceof TableauError)) throw e;
      const wait = e.retryAfter !== undefined ? e.retryAfter * 1000 : base * 2 ** (attempt - 1);
      if (wait > maxWaitMs) throw e;
      opts.onRetry?.(e, attempt, wait);
      await delay(wait, opts.signal);
    }
  }
}
