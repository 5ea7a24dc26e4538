/**
 * Where the unit suite's schema referee listens: the simulator hands it every XML document
 * it answers and every XML request body the client sends. Off (one global lookup) unless a
 * recorder is installed. The recorder lives on globalThis because each test file bundles its
 * own copy of the simulator; every copy must reach the one recorder.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SchemaDocument {
  kind: 'request' | 'answer';
  /** The document as sent on the wire. */
  text: string;
  /** `METHOD /path` of the request, for the failure message. */
  where: string;
}

export interface SchemaRecorder {
  record(doc: SchemaDocument): void;
  /** A JSON answer: not XML, counted only. */
  json(): void;
}

const KEY = Symbol.for('tableau-publisher.simulator.schemaRecorder');
type WithRecorder = typeof globalThis & { [KEY]?: SchemaRecorder };

export function installSchemaRecorder(r: SchemaRecorder | undefined): void {
  (globalThis as WithRecorder)[KEY] = r;
}

export function currentSchemaRecorder(): SchemaRecorder | undefined {
  return recorder();
}

function recorder(): SchemaRecorder | undefined {
  return (globalThis as WithRecorder)[KEY];
}

/*
 * What is not the client's or the simulator's own document is left out, by rule:
 * - answers a fault wrote (`status`, `echoRequest`, `html`, `body*`): the test chose them;
 * - request bodies that did not come from the client: only requests carrying the client's
 *   User-Agent (`tableau-publisher/...`, set by src/core/http/httpClient.ts) are checked, so
 *   bodies a test writes by hand (fetch, raw sockets, TSC replays) are not.
 */
const faulted = new WeakSet<ServerResponse>();

/** The answer to this request is the fault's, not the simulator's. */
export function markFaulted(res: ServerResponse): void {
  faulted.add(res);
}

function where(req: IncomingMessage): string {
  return `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
}

export function tapAnswer(req: IncomingMessage, res: ServerResponse, text: string, isJson: boolean): void {
  const r = recorder();
  if (!r || faulted.has(res)) return;
  if (isJson) r.json();
  else r.record({ kind: 'answer', text, where: where(req) });
}

const CLIENT_AGENT = /^tableau-publisher\//;

/** A request body (or the `request_payload` part) the simulator read. */
export function tapRequest(req: IncomingMessage, text: string, contentType: string | undefined): void {
  const r = recorder();
  if (!r || !CLIENT_AGENT.test(String(req.headers['user-agent'] ?? ''))) return;
  if (!/xml/i.test(contentType ?? '') || text.trim() === '') return;
  r.record({ kind: 'request', text, where: where(req) });
}
