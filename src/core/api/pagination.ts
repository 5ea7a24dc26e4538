import type { Page } from '../models';
import { throwIfAborted } from '../errors';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

export function clampPageSize(n: number | undefined, fallback = DEFAULT_PAGE_SIZE): number {
  if (n === undefined || !Number.isFinite(n)) return fallback;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(n)));
}

/** Runs tasks with at most `limit` in flight; results in input order. Stops starting new ones after a failure. */
export async function mapBounded<T, R>(inputs: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(inputs.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < inputs.length) {
      const i = next++;
      try {
        out[i] = await fn(inputs[i]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, inputs.length)) }, worker));
  return out;
}

/**
 * Every item of a paged list: page 1 first (it tells the total), then the remaining
 * pages concurrently (bounded), concatenated in page order.
 */
export async function fetchAllPages<T>(
  fetchPage: (pageNumber: number, pageSize: number) => Promise<Page<T>>,
  opts: { pageSize?: number; concurrency?: number; signal?: AbortSignal } = {},
): Promise<T[]> {
  const requested = clampPageSize(opts.pageSize, MAX_PAGE_SIZE);
  const first = await fetchPage(1, requested);
  // The server may cap the page size below what was asked: count pages with what it used.
  const size = first.pagination.pageSize > 0 ? first.pagination.pageSize : requested;
  const total = first.pagination.totalAvailable;
  const pages = Math.ceil(total / size);
  if (pages <= 1 || first.items.length === 0) return first.items;
  throwIfAborted(opts.signal);
  const rest = Array.from({ length: pages - 1 }, (_, i) => i + 2);
  const results = await mapBounded(rest, opts.concurrency ?? 4, (n) => fetchPage(n, size));
  const ordered = [first, ...results].sort((a, b) => a.pagination.pageNumber - b.pagination.pageNumber);
  return ordered.flatMap((p) => p.items);
}
