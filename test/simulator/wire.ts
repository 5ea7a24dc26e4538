/**
 * Tableau's wire format: one element tree rendered as XML (default) or as Tableau's JSON
 * (attributes become properties, collections become `{ item: [...] }` or `{}` when empty,
 * pagination numbers are strings). Also the error shape and request-body parsing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { tapAnswer, tapRequest } from './schemaTap';

export type AttrValue = string | number | boolean | undefined;
export interface El {
  tag: string;
  attrs?: Record<string, AttrValue>;
  children?: El[];
  text?: string;
  /** A collection: JSON renders `{ <childTag>: [...] }` (or `{}` when empty). */
  list?: string;
}

export const NS = 'http://tableau.com/api';

export function el(tag: string, attrs?: Record<string, AttrValue>, children?: El[]): El {
  return { tag, attrs, children };
}
export function list(tag: string, childTag: string, children: El[]): El {
  return { tag, list: childTag, children };
}

const XML_SPECIAL = /[&<>"']/;
const XML_SPECIAL_ALL = /[&<>"']/g;
const XML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** One pass, and none at all for the usual value with nothing to escape. */
export function xmlEscape(s: string): string {
  return XML_SPECIAL.test(s) ? s.replace(XML_SPECIAL_ALL, (c) => XML_ENTITY[c]) : s;
}

/*
 * Rendering is the simulator's main cost on a big listing (a page of 1000 workbooks is a
 * few thousand elements), so both renderers work on the element tree directly: string
 * concatenation and for-in, no per-element arrays or Object.entries.
 */
function toXml(e: El): string {
  let s = `<${e.tag}`;
  const attrs = e.attrs;
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (v !== undefined) s += ` ${k}="${xmlEscape(typeof v === 'string' ? v : String(v))}"`;
    }
  }
  const kids = e.children;
  if (!kids?.length && e.text === undefined) return `${s}/>`;
  s += '>';
  if (e.text !== undefined) s += xmlEscape(e.text);
  if (kids) for (let i = 0; i < kids.length; i++) s += toXml(kids[i]);
  return `${s}</${e.tag}>`;
}

function toJson(e: El): unknown {
  const kids = e.children;
  if (e.list !== undefined) {
    if (!kids?.length) return {};
    const items = new Array<unknown>(kids.length);
    for (let i = 0; i < kids.length; i++) items[i] = toJson(kids[i]);
    return { [e.list]: items };
  }
  const o: Record<string, unknown> = {};
  let empty = true;
  const attrs = e.attrs;
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (v === undefined) continue;
      // Tableau's JSON keeps booleans but sends most numbers as strings (pagination always).
      o[k] = typeof v === 'number' ? String(v) : v;
      empty = false;
    }
  }
  if (e.text !== undefined) {
    if (empty && !kids?.length) return e.text;
    o.value = e.text;
  }
  if (kids) for (let i = 0; i < kids.length; i++) o[kids[i].tag] = toJson(kids[i]);
  return o;
}

export function wantsJson(req: IncomingMessage): boolean {
  return /application\/json/i.test(String(req.headers.accept ?? ''));
}

const XML_HEAD = `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${NS} ${NS}/ts-api-3.23.xsd">`;

/** Renders `<tsResponse>` with the given children in the format the request asked for. */
export function send(req: IncomingMessage, res: ServerResponse, status: number, children: El[], headers: Record<string, string> = {}): void {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  let text: string;
  let type: string;
  if (wantsJson(req)) {
    const o: Record<string, unknown> = {};
    for (const c of children) o[c.tag] = toJson(c);
    text = JSON.stringify(o);
    type = 'application/json;charset=UTF-8';
  } else {
    text = XML_HEAD;
    for (const c of children) text += toXml(c);
    text += '</tsResponse>';
    type = 'application/xml;charset=UTF-8';
  }
  tapAnswer(req, res, text, type.startsWith('application/json'));
  // Encoded once: the length and the bytes on the socket come from the same buffer.
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(body.length), ...headers });
  res.end(body);
}

/** A Tableau error the handlers throw; the server renders it. */
export class SimError extends Error {
  constructor(readonly status: number, readonly code: string, readonly summary: string, readonly detail: string) {
    super(`${code}: ${summary}`);
  }
}

export const errors = {
  badRequest: (detail: string, code = '400000') => new SimError(400, code, 'Bad Request', detail),
  unauthorized: (code: '401000' | '401001' | '401002' | '401003' | '401004', detail: string) =>
    new SimError(401, code, code === '401001' ? 'Signin Error' : 'Unauthorized Access', detail),
  forbidden: (code: string, detail: string) => new SimError(403, code, 'Forbidden', detail),
  notFound: (code: string, detail: string) => new SimError(404, code, 'Resource Not Found', detail),
  conflict: (code: string, detail: string) => new SimError(409, code, 'Resource Conflict', detail),
};

export function sendError(req: IncomingMessage, res: ServerResponse, e: SimError, headers: Record<string, string> = {}): void {
  send(req, res, e.status, [el('error', { code: e.code }, [{ tag: 'summary', text: e.summary }, { tag: 'detail', text: e.detail }])], headers);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ['connection', 'view', 'tag'].includes(name),
});

/**
 * Parses a tsRequest body, XML or JSON by Content-Type, to the same object shape
 * (`{ credentials: { name, site: { contentUrl } } }`). Malformed → 400000.
 */
export function parseTsRequest(body: string, contentType: string | undefined): Record<string, unknown> {
  if (/json/i.test(contentType ?? '')) {
    try {
      const o = JSON.parse(body) as unknown;
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        const rec = o as Record<string, unknown>;
        return (rec.tsRequest as Record<string, unknown>) ?? rec;
      }
    } catch {
      // fall through to the error below
    }
    throw errors.badRequest('The request body is not valid JSON.');
  }
  if (body.trim() === '') throw errors.badRequest('Payload is either malformed or incomplete: the request body is empty.');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw errors.badRequest('Payload is either malformed or incomplete: DTDs are not allowed.');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw errors.badRequest(`Payload is either malformed or incomplete (${valid.err.msg}, line ${valid.err.line}).`);
  const doc = parser.parse(body) as Record<string, unknown>;
  const root = doc.tsRequest;
  if (root === undefined) throw errors.badRequest('Payload is either malformed or incomplete: the root element must be tsRequest.');
  return root === '' ? {} : (root as Record<string, unknown>);
}

/** Reads a small body (sign-in, create project) with a hard cap. */
export async function readSmallBody(req: IncomingMessage, max = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) throw errors.badRequest('The request body is too large.');
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  tapRequest(req, text, req.headers['content-type']);
  return text;
}

/** A string attribute of a parsed element, or undefined. */
export function attr(o: unknown, key: string): string | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}
export function child(o: unknown, key: string): Record<string, unknown> | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const v = (o as Record<string, unknown>)[key];
  if (Array.isArray(v)) return v[0] as Record<string, unknown>;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : v === '' ? {} : undefined;
}
export function children(o: unknown, key: string): Record<string, unknown>[] {
  if (!o || typeof o !== 'object') return [];
  const v = (o as Record<string, unknown>)[key];
  if (v === undefined || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {}));
}
