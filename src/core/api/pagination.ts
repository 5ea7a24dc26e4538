import type { Page } from '../models';
import { TableauError, throwIfAborted } from '../errors';
import { DEFAULT_MAX_LIST_ITEMS, GENERIC_LIMIT_NAMES } from '../limits';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Whether a value can go into a filter expression. Tableau's filter syntax has no escape: its REST
 * reference says an expression can't contain ',' or '&' (they separate expressions), and ':'
 * separates a term's field, operator and value. For any other value the caller lists without
 * that filter and matches the value itself.
 */
export function isFilterSafe(value: string): boolean {
  return !/[,:&]/.test(value);
}

/** A `name:eq:` filter for a listing, or undefined when the name is not filter-safe (see isFilterSafe). */
export function nameFilter(name: string): string | undefined {
  return isFilterSafe(name) ? `name:eq:${name}` : undefined;
}

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

export interface PageLimits {
  /** Most items one listing collects (default 200,000). */
  maxItems?: number;
  /** Most pages one listing asks for (default: enough for maxItems in pages of 100). */
  maxPages?: number;
  /** How the user raises maxItems, for the message ("--max-items"). */
  limitName?: string;
  /** What is listed, for the message ("projects"). */
  what?: string;
}

/** A listing stopped at a cap: what was listed, where it stopped, and the setting or flag that raises the cap. */
export function listingStopped(what: string, detail: string, limitName: string): TableauError {
  return new TableauError({ reason: 'responseTooLarge', message: `Listing ${what} stopped: ${detail}. If the site really has that many, raise ${limitName}.` });
}

/**
 * Every item of a paged list: page 1 first (it tells the total), then the remaining pages
 * concurrently (bounded), in page order. The server's numbers never size an allocation:
 * page numbers are handed out one at a time, the listing stops at an empty page, and the
 * total, the page count and the items collected are capped.
 */
export async function fetchAllPages<T>(
  fetchPage: (pageNumber: number, pageSize: number) => Promise<Page<T>>,
  opts: { pageSize?: number; concurrency?: number; signal?: AbortSignal } & PageLimits = {},
): Promise<T[]> {
  const requested = clampPageSize(opts.pageSize, MAX_PAGE_SIZE);
  const maxItems = opts.maxItems ?? DEFAULT_MAX_LIST_ITEMS;
  const maxPages = opts.maxPages ?? Math.max(10, Math.ceil(maxItems / DEFAULT_PAGE_SIZE));
  const what = opts.what ?? 'items';
  const limitName = opts.limitName ?? GENERIC_LIMIT_NAMES.maxListItems;
  const first = await fetchPage(1, requested);
  // The server may cap the page size below what was asked: count pages with what it used.
  const size = first.pagination.pageSize > 0 ? first.pagination.pageSize : requested;
  const total = first.pagination.totalAvailable;
  if (first.items.length === 0 || total <= first.items.length) return first.items;
  if (total > maxItems) throw listingStopped(what, `the server reports ${total} of them, more than the ${maxItems} this client collects`, limitName);
  const pages = Math.ceil(total / size);
  if (pages > maxPages) throw listingStopped(what, `the server sends them ${size} per page, ${pages} pages, more than the ${maxPages} this client asks for`, limitName);
  throwIfAborted(opts.signal);

  const results: { n: number; items: T[] }[] = [{ n: 1, items: first.items }];
  let count = first.items.length;
  let next = 2;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next <= pages) {
      const n = next++;
      let page: Page<T>;
      try {
        page = await fetchPage(n, size);
      } catch (e) {
        stop = true;
        throw e;
      }
      // An empty page: the total was wrong (or items were deleted meanwhile); nothing follows.
      if (page.items.length === 0) stop = true;
      count += page.items.length;
      if (count > maxItems) {
        stop = true;
        throw listingStopped(what, `the server sent more than ${maxItems}`, limitName);
      }
      results.push({ n, items: page.items });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, pages - 1)) }, worker));
  // In the order asked for, whatever page numbers the answers claim.
  return results.sort((a, b) => a.n - b.n).flatMap((p) => p.items);
}
