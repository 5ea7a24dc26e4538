/**
 * The publisher's failure policy, on top of the core's one mechanism (`withRetry` in
 * api/retry.ts). The question is never "is it transient?" alone but "could the server have
 * applied it?": a chunk PUT or an append that reached the server must not be sent twice.
 */
import { isRetryable, type RetryOptions } from '../api/retry';
import { TableauError, isCancellation } from '../errors';

export interface RetryLimits {
  /** Extra attempts of one request that provably was not applied (429, 503, connection refused). Default 4. */
  maxRetries?: number;
  /** Fresh upload sessions after an ambiguous chunk failure (the upload starts over). Default 2. */
  maxRestarts?: number;
  /** First backoff delay; doubles each time, with jitter. Default 1000 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for; the error is reported. Default 5 min. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY_LIMITS: Required<RetryLimits> = {
  maxRetries: 4,
  maxRestarts: 2,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

/** The shared mechanism's options for these limits: `tries` extra attempts at most, jittered backoff. */
export function retryOptions(limits: Required<RetryLimits>, tries: number): RetryOptions {
  return { attempts: tries + 1, baseDelayMs: limits.baseDelayMs, maxDelayMs: limits.maxDelayMs, maxWaitMs: limits.maxRetryAfterMs, jitter: true };
}

/**
 * - notApplied: the server provably did not act on the request (it said "later", or no
 *   connection was made): safe to send again.
 * - ambiguous: the request may or may not have been applied (connection dropped mid-way,
 *   500/502/504, a read timeout).
 * - fatal: retrying will not help (bad input, permissions, cancelled, file changed...).
 */
export type FailureKind = 'notApplied' | 'ambiguous' | 'fatal';

const NOT_CONNECTED = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH'];

function causeCodes(e: unknown): string[] {
  const codes: string[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && typeof cur === 'object' && i < 6; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const inner = (cur as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const x of inner) if (x && typeof (x as { code?: unknown }).code === 'string') codes.push((x as { code: string }).code);
    cur = (cur as { cause?: unknown }).cause;
  }
  return codes;
}

export function classifyFailure(e: unknown): FailureKind {
  if (isCancellation(e) || !TableauError.is(e)) return 'fatal';
  // 429 / 503: the server says it is not handling requests right now (the reads' rule too).
  if (isRetryable(e)) return 'notApplied';
  switch (e.reason) {
    case 'serverError':
      return 'ambiguous';
    case 'network':
    case 'timeout':
      return causeCodes(e).some((c) => NOT_CONNECTED.includes(c)) ? 'notApplied' : 'ambiguous';
    case 'notTableauResponse':
      // A proxy's 502/503/504 page; a 200 HTML page is a login wall, which retrying will not pass.
      if (e.status === 503 || e.status === 429) return 'notApplied';
      return e.status !== undefined && e.status >= 500 ? 'ambiguous' : 'fatal';
    default:
      return 'fatal';
  }
}
