/** Small readers for decoded tsResponse objects (XML or JSON: same shape, attributes as properties). */
import { TableauError } from '../errors';

export type Obj = Record<string, unknown>;

/** A string attribute (numbers and booleans from JSON are turned into strings). */
export function attr(o: unknown, key: string): string | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const v = (o as Obj)[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function numAttr(o: unknown, key: string): number | undefined {
  const s = attr(o, key);
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function boolAttr(o: unknown, key: string): boolean | undefined {
  const s = attr(o, key);
  return s === undefined ? undefined : s.toLowerCase() === 'true';
}

/** A single child element (the first when several). */
export function child(o: unknown, key: string): Obj | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const v = (o as Obj)[key];
  if (Array.isArray(v)) return v[0] && typeof v[0] === 'object' ? (v[0] as Obj) : undefined;
  if (v === '') return {};
  return v && typeof v === 'object' ? (v as Obj) : undefined;
}

/** `<projects><project/>...</projects>` → the project objects; `{}` / '' / absent → []. */
export function items(o: unknown, collection: string, item: string): Obj[] {
  const c = child(o, collection);
  if (!c) return [];
  const v = c[item];
  if (v === undefined || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (x && typeof x === 'object' ? (x as Obj) : {}));
}

/** Element text: `<notes>x</notes>` (XML) or `"notes":"x"` / `{value}` (JSON). */
export function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object') {
    const o = v as Obj;
    if (typeof o['#text'] === 'string') return o['#text'];
    if (typeof o.value === 'string') return o.value;
  }
  return undefined;
}

/**
 * An answer without the element the call always gets from Tableau (`<projects>` for a
 * listing, `<credentials>` for a sign-in) is someone else's: refused, never read as empty.
 * An empty element (`<projects/>`, JSON `"projects": {}`) is a valid empty answer.
 */
export function notTableauAnswer(element: string): TableauError {
  return new TableauError({
    reason: 'notTableauResponse',
    message: `The server's answer is not Tableau's REST API: it has no <${element}> element. A proxy or another service may be in the way; check the server address.`,
  });
}

/** Throws notTableauAnswer unless `ts` has the element `key` (empty counts). */
export function requireElement(ts: unknown, key: string): void {
  if (!ts || typeof ts !== 'object' || (ts as Obj)[key] === undefined || (ts as Obj)[key] === null) throw notTableauAnswer(key);
}
