/** pageSize / pageNumber / filter / sort / fields, as Tableau's list endpoints take them. */
import { el, errors, type El } from './wire';

export interface Filter { field: string; op: string; values: string[] }
export interface ListQuery {
  pageSize: number;
  pageNumber: number;
  filters: Filter[];
  sort: { field: string; desc: boolean }[];
  /** Filters and sort as one string, the same for every page of a listing (a ListingCache key). */
  shape: string;
}

const OPS = new Set(['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'has', 'cieq']);

/** Splits on commas that are not inside [...] (the `in` operator's list). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

export function parseListQuery(q: URLSearchParams, fields: ReadonlySet<string>): ListQuery {
  const ps = q.get('pageSize');
  const pn = q.get('pageNumber');
  const pageSize = ps === null ? 100 : Number(ps);
  const pageNumber = pn === null ? 1 : Number(pn);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw errors.badRequest(`Invalid page size '${ps}': it must be between 1 and 1000.`, '400006');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw errors.badRequest(`Invalid page number '${pn}'.`, '400006');
  const filters: Filter[] = [];
  for (const expr of splitTop(q.get('filter') ?? '')) {
    const m = /^([A-Za-z]+):([a-z]+):(.*)$/.exec(expr);
    if (!m || !OPS.has(m[2])) throw errors.badRequest(`Invalid filter expression '${expr}'.`, '400065');
    if (!fields.has(m[1])) throw errors.badRequest(`The filter field '${m[1]}' is not supported here.`, '400065');
    // The REST reference: "Filter expressions can't contain ampersand (&) or comma (,) characters".
    // A comma already splits the expression above; an ampersand (percent-encoded, or it would end
    // the parameter) is refused rather than guessed at.
    if (m[3].includes('&')) throw errors.badRequest(`Invalid filter expression '${expr}': a filter value cannot contain '&'.`, '400065');
    let values = [m[3]];
    if (m[2] === 'in') {
      if (!/^\[.*\]$/.test(m[3])) throw errors.badRequest(`The 'in' operator needs a list: ${m[1]}:in:[a,b].`, '400065');
      values = m[3].slice(1, -1).split(',');
    }
    filters.push({ field: m[1], op: m[2], values });
  }
  const sort: ListQuery['sort'] = [];
  for (const expr of (q.get('sort') ?? '').split(',').filter(Boolean)) {
    const m = /^([A-Za-z]+):(asc|desc)$/.exec(expr);
    if (!m || !fields.has(m[1])) throw errors.badRequest(`Invalid sort expression '${expr}'.`, '400066');
    sort.push({ field: m[1], desc: m[2] === 'desc' });
  }
  return { pageSize, pageNumber, filters, sort, shape: JSON.stringify([filters, sort]) };
}

function test(f: Filter, v: string | undefined): boolean {
  if (v === undefined) return false;
  switch (f.op) {
    case 'eq': return v === f.values[0];
    case 'cieq': return v.toLowerCase() === f.values[0].toLowerCase();
    case 'in': return f.values.includes(v);
    case 'has': return v.toLowerCase().includes(f.values[0].toLowerCase());
    case 'gt': return v > f.values[0];
    case 'gte': return v >= f.values[0];
    case 'lt': return v < f.values[0];
    case 'lte': return v <= f.values[0];
    default: return false;
  }
}

/** Applies the filters (less those an index already answered) and the sort; `candidates` itself is never changed. */
export function selectRows<T>(candidates: readonly T[], q: ListQuery, get: (t: T, field: string) => string | undefined, skipFilters: ReadonlySet<Filter> = new Set()): readonly T[] {
  const active = q.filters.filter((f) => !skipFilters.has(f));
  let rows: readonly T[] = candidates;
  if (active.length) rows = rows.filter((t) => active.every((f) => test(f, get(t, f.field))));
  if (q.sort.length) {
    rows = [...rows].sort((a, b) => {
      for (const s of q.sort) {
        const x = get(a, s.field) ?? '';
        const y = get(b, s.field) ?? '';
        if (x !== y) return (x < y ? -1 : 1) * (s.desc ? -1 : 1);
      }
      return 0;
    });
  }
  return rows;
}

/** One page of rows that are already filtered and sorted: a slice, O(pageSize). */
export function pageFrom<T>(rows: readonly T[], q: ListQuery): { items: T[]; total: number } {
  const start = (q.pageNumber - 1) * q.pageSize;
  return { items: rows.slice(start, start + q.pageSize), total: rows.length };
}

/**
 * Applies filters and sort to the candidates (already narrowed by an index when the
 * caller could) and returns one page. Without filters or sort a page is a plain slice.
 */
export function pageOf<T>(candidates: readonly T[], q: ListQuery, get: (t: T, field: string) => string | undefined, skipFilters: ReadonlySet<Filter> = new Set()): { items: T[]; total: number } {
  return pageFrom(selectRows(candidates, q, get, skipFilters), q);
}

/**
 * Filtered and sorted rows of recent listings, by a key naming the listing and its
 * filters/sort (never the page), so paging through a sorted or filtered listing of a big
 * site sorts once, not once per page. The owner clears it whenever its content changes.
 */
export class ListingCache {
  private readonly entries = new Map<string, readonly unknown[]>();

  constructor(private readonly max = 32) {}

  rows<T>(key: string, compute: () => readonly T[]): readonly T[] {
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last: the first key is the one to drop.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as readonly T[];
    }
    const rows = compute();
    this.entries.set(key, rows);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return rows;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

export function paginationEl(q: ListQuery, total: number): El {
  return el('pagination', { pageNumber: String(q.pageNumber), pageSize: String(q.pageSize), totalAvailable: String(total) });
}

/** The first filter an index can answer (eq/in on the given field), if any. */
export function indexable(q: ListQuery, field: string): Filter | undefined {
  return q.filters.find((f) => f.field === field && (f.op === 'eq' || f.op === 'in'));
}
