import { TableauError, type TableauErrorReason } from '../errors';
import { globalRedactor } from '../logger';
import type { HttpResponse } from '../http/httpClient';
import { parseXml } from './xml';
import { describeTarget } from '../http/redirects';

export interface DecodeContext {
  /** What the call was doing, for messages: e.g. "list projects". */
  action?: string;
  /** The format asked for (Accept). Default 'xml'. */
  expect?: 'xml' | 'json';
}

export interface TableauErrorBody {
  code?: string;
  summary?: string;
  detail?: string;
}

// 403007 stands for two failures (TSC issues #337, #641): an item of that name exists
// ("The datasource 'X' already exists and may not be overwritten without the 'overwrite'
// flag set to 'true'.") or "X failed to establish a connection to your datasource.".
const EXISTS_TEXT = /already exists/i;
const CONNECTION_TEXT = /establish a connection|connection check|could not be reached/i;

/** Reason for a Tableau error code (falls back on the HTTP status); `body` tells apart codes that mean several things. */
export function reasonForCode(code: string | undefined, status: number, body: TableauErrorBody = {}): TableauErrorReason {
  const text = `${body.summary ?? ''}\n${body.detail ?? ''}`;
  switch (code) {
    case '401001':
      return 'signInFailed';
    case '401000':
    case '401002':
      return 'sessionExpired';
    case '403007':
      if (EXISTS_TEXT.test(text)) return 'alreadyExists';
      if (CONNECTION_TEXT.test(text)) return 'connectionCheckFailed';
      return 'forbidden';
    case '403131':
    case '409093':
      return 'busy';
    case '403132':
      return 'connectionCheckFailed';
    case '400054':
      return 'appendNotSupported';
    case '400011':
      return 'publishFailed';
  }
  const family = code && /^\d{6}$/.test(code) ? code.slice(0, 3) : String(status);
  if (family === '409') return 'alreadyExists';
  if (family === '404') return 'notFound';
  if (family === '400') return 'badRequest';
  if (family === '403') return 'forbidden';
  if (family === '401') return 'sessionExpired';
  if (status === 429 || family === '429') return 'rateLimited';
  if (status >= 500) return 'serverError';
  return status >= 400 && status < 500 ? 'badRequest' : 'serverError';
}

const HINTS: Partial<Record<TableauErrorReason, string>> = {
  signInFailed: 'Check the credentials and the site.',
  sessionExpired: 'The Tableau session has ended; sign in again.',
  forbidden: 'Your site role or permissions do not allow this.',
  alreadyExists: 'An item with that name already exists; choose to overwrite it or use another name.',
  busy: 'Tableau is still working on the same item; wait a moment and try again.',
  connectionCheckFailed:
    'Tableau could not connect to the data with the credentials given: check the database address and credentials to embed (a workbook can also be published with the connection check skipped).',
  appendNotSupported: 'Only a .hyper or .tde extract can be appended to a data source.',
  publishFailed: 'Tableau could not process the uploaded file; publishing it again usually helps.',
  rateLimited: 'Tableau is limiting requests; wait and try again.',
  serverError: 'Tableau had an internal problem; try again later.',
};

const HINT_403007 =
  'Tableau refused it: an item with that name may already exist (publish with overwrite), or Tableau could not connect to its data (check the database credentials).';

/** Builds the TableauError for a Tableau `<error>` answer. Messages never hold request bodies or tokens. */
export function tableauError(status: number, body: TableauErrorBody, retryAfter?: number, action?: string): TableauError {
  const reason = status === 429 ? 'rateLimited' : reasonForCode(body.code, status, body);
  const what = body.detail || body.summary || `HTTP ${status}`;
  // A 403007 whose text says neither: name both of its meanings rather than guess.
  const hint = body.code === '403007' && reason === 'forbidden' ? HINT_403007 : HINTS[reason];
  const prefix = action ? `Could not ${action}: ` : '';
  const message = globalRedactor.redact(`${prefix}${what}${/[.!?]$/.test(what) ? '' : '.'}${hint ? ` ${hint}` : ''}${body.code ? ` (Tableau error ${body.code})` : ''}`);
  return new TableauError({
    reason,
    message,
    status,
    code: body.code,
    summary: body.summary,
    detail: body.detail !== undefined ? globalRedactor.redact(body.detail) : undefined,
    retryAfter,
  });
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, Math.ceil((t - now) / 1000)) : undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return text((v as Record<string, unknown>)['#text']);
  if (v && typeof v === 'object' && 'value' in v) return text((v as Record<string, unknown>).value);
  return undefined;
}

function errorBody(e: unknown): TableauErrorBody | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const o = e as Record<string, unknown>;
  return { code: text(o.code), summary: text(o.summary), detail: text(o.detail) };
}

function notTableau(status: number, message: string): TableauError {
  // A gateway's own 429/5xx page still means "try later": keep that reason so retries work.
  if (status === 429 || status === 503 || status === 502 || status === 504) {
    const reason = status === 429 ? 'rateLimited' : 'serverError';
    return new TableauError({ reason, status, message: `The server answered HTTP ${status} without a Tableau error. ${HINTS[reason]}` });
  }
  return new TableauError({ reason: 'notTableauResponse', status, message });
}

function looksLikeHtml(t: string): boolean {
  return /^<!doctype\s+html/i.test(t) || /^<html[\s>]/i.test(t) || /^(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:html|head|body)[\s>]/i.test(t);
}

const HTML_MESSAGE =
  "The server answered with an HTML page, not Tableau's REST API. A proxy or single sign-on page may be in the way; check the server address.";

const DOCTYPE_MESSAGE =
  "The server answered with an XML document that declares a DOCTYPE, which Tableau's REST API never does. A proxy or another service may be in the way; check the server address.";

/**
 * Turns an HTTP answer into the decoded `tsResponse` object (XML) or the JSON object,
 * or throws the TableauError it stands for. 2xx with an empty body → {}.
 */
export function decodeResponse(res: HttpResponse, ctx: DecodeContext = {}): Record<string, unknown> {
  const { status } = res;
  const retryAfter = parseRetryAfter(res.headers['retry-after']);
  if (res.body.length === 0) {
    if (status >= 200 && status < 300) return {};
    if (status >= 300 && status < 400) return redirectError(res);
    throw tableauError(status, {}, retryAfter, ctx.action);
  }
  let body: string;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(res.body);
  } catch {
    throw new TableauError({ reason: 'malformedResponse', status, message: "The server's answer is not valid UTF-8 text, so it cannot be Tableau's REST API answer." });
  }
  const t = body.replace(/^\uFEFF/, '').trimStart();
  if (status >= 300 && status < 400) return redirectError(res);

  if (t.startsWith('<')) {
    if (looksLikeHtml(t)) throw notTableau(status, HTML_MESSAGE);
    // Tableau never sends a document type declaration; a document that has one is someone else's.
    if (/<!DOCTYPE/i.test(t)) throw notTableau(status, DOCTYPE_MESSAGE);
    const doc = parseXml(t);
    const root = doc.tsResponse;
    if (root === undefined) {
      throw notTableau(status, "The server answered with XML that is not Tableau's REST API (no tsResponse). Check the server address.");
    }
    const ts = root && typeof root === 'object' ? (root as Record<string, unknown>) : {};
    return finish(ts, status, retryAfter, ctx);
  }
  if (t.startsWith('{')) {
    let o: unknown;
    try {
      o = JSON.parse(t);
    } catch {
      throw new TableauError({ reason: 'malformedResponse', status, message: "The server's JSON answer is malformed." });
    }
    const obj = o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
    // A Tableau error is Tableau's whatever the format; a JSON success where XML was asked is not.
    if (obj.error !== undefined) return finish(obj, status, retryAfter, ctx);
    if ((ctx.expect ?? 'xml') === 'xml') {
      throw notTableau(status, "The server answered with JSON where Tableau's REST API answers XML. A proxy or another service may be in the way; check the server address.");
    }
    return finish(obj, status, retryAfter, ctx);
  }
  throw notTableau(status, "The server's answer is not Tableau's REST API (neither XML nor JSON). A proxy may be in the way; check the server address.");
}

function finish(ts: Record<string, unknown>, status: number, retryAfter: number | undefined, ctx: DecodeContext): Record<string, unknown> {
  if (ts.error !== undefined) throw tableauError(status, errorBody(ts.error) ?? {}, retryAfter, ctx.action);
  if (status < 200 || status >= 300) throw tableauError(status, {}, retryAfter, ctx.action);
  return ts;
}

function redirectError(res: HttpResponse): never {
  let where = '';
  try {
    const loc = res.headers.location;
    // A hostile server may build the address from a credential it was sent: such an address is never shown.
    if (loc) where = ` to ${describeTarget(new URL(loc))}`;
  } catch {
    // an unparsable Location: say nothing about it
  }
  throw new TableauError({
    reason: 'notTableauResponse',
    status: res.status,
    message: `The server redirected the request${where}. Use the address it redirects to (for example https:// instead of http://) as the server address.`,
  });
}
