/**
 * Right after a create or publish, Tableau's queries may not find the new item yet: filtered
 * and sorted listings go through a search index that is updated later (Create Project
 * reference). So "not found" is never concluded from one lookup made right after a write:
 * the lookup is repeated with a bounded backoff first. Prefer an id from an answer to this.
 */
import { delay } from '../auth/abortable';

export interface LookupRetryOptions {
  /** Lookups in all (default 6). */
  attempts?: number;
  /** Wait before the second lookup (default 500 ms); doubles each time. */
  initialDelayMs?: number;
  /** Cap of one wait (default 8 s): 0.5 + 1 + 2 + 4 + 8 = 15.5 s at most with the defaults. */
  maxDelayMs?: number;
}

/** `find` until it answers something, at most `attempts` times; undefined when it never did. */
export async function findAfterWrite<T>(find: () => Promise<T | undefined>, opts: LookupRetryOptions & { signal?: AbortSignal } = {}): Promise<T | undefined> {
  const attempts = Math.max(1, opts.attempts ?? 6);
  let wait = opts.initialDelayMs ?? 500;
  const maxWait = opts.maxDelayMs ?? 8000;
  for (let i = 1; ; i++) {
    const found = await find();
    if (found !== undefined || i >= attempts) return found;
    await delay(wait, opts.signal);
    wait = Math.min(wait * 2, maxWait);
  }
}
