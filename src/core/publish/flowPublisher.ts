/**
 * Publishing Tableau Prep flows (`.tfl`, `.tflx`): Publish Flow is `POST .../flows?flowType=tfl|tflx
 * [&overwrite=true]`, multipart as for workbooks (parts `request_payload` and `tableau_flow`), or,
 * above 64 MB, the publisher's `fileUploads` path and a commit with `uploadSessionId` (TSC
 * flows_endpoint.py). Both are zip archives holding the flow document (an entry named `flow`);
 * anything else is refused before a byte is sent.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { withRetry } from '../api/retry';
import { toFlow, type Flow } from '../api/flows';
import { single } from '../api/mappers';
import type { Obj } from '../api/shape';
import { TableauError, throwIfAborted } from '../errors';
import { nullLogger, type Logger } from '../logger';
import type { DataConnection } from '../package/tableauXml';
import { readZipDirectory, readZipEntry } from '../package/zip';
import { flowDataConnections } from './flowConnections';
import { classifyFailure, DEFAULT_RETRY_LIMITS, retryOptions, type RetryLimits } from './failurePolicy';
import { buildMultipart, type MultipartPart } from './multipart';
import { connectionsElement, xmlAttr, type ConnectionCredentials } from './payload';
import { SINGLE_REQUEST_LIMIT, uploadFile, type PublishClient } from './publisher';

export const FLOW_EXTENSIONS = ['.tfl', '.tflx'] as const;
/** The flow document is JSON; one far larger than this is not a flow. */
const MAX_FLOW_DOCUMENT_BYTES = 64 * 1024 * 1024;

export interface FlowInfo {
  path: string;
  fileType: 'tfl' | 'tflx';
  size: number;
  mtimeMs: number;
  /** Steps in the flow document (for messages). */
  nodeCount: number;
  /** The flow's data connections (those needing credentials say so). */
  dataConnections: DataConnection[];
}

function invalid(message: string): TableauError {
  return new TableauError({ reason: 'invalidFile', message });
}

export function isFlowFile(filePath: string): boolean {
  return (FLOW_EXTENSIONS as readonly string[]).includes(path.extname(filePath).toLowerCase());
}

/** A `.tfl` / `.tflx` is a zip whose top-level `flow` entry is the flow document (a JSON object). */
export async function inspectFlow(filePath: string): Promise<FlowInfo> {
  const label = `"${path.basename(filePath)}"`;
  if (!isFlowFile(filePath)) throw invalid(`${label} is not a Tableau Prep flow (.tfl or .tflx).`);
  let st;
  try {
    st = await stat(filePath);
  } catch {
    throw invalid(`${label} does not exist or cannot be read.`);
  }
  if (!st.isFile()) throw invalid(`${label} is not a regular file.`);
  if (st.size === 0) throw invalid(`${label} is empty.`);
  const dir = await readZipDirectory(filePath, label);
  const doc = dir.entries.find((e) => !e.isDirectory && e.name === 'flow');
  if (!doc) throw invalid(`${label} holds no flow document (an entry named "flow"), so it is not a Tableau Prep flow.`);
  if (doc.uncompressedSize > MAX_FLOW_DOCUMENT_BYTES) throw invalid(`${label}: its flow document is larger than ${MAX_FLOW_DOCUMENT_BYTES / (1024 * 1024)} MB.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readZipEntry(filePath, doc, MAX_FLOW_DOCUMENT_BYTES, label)).toString('utf8'));
  } catch (e) {
    if (TableauError.is(e)) throw e;
    throw invalid(`${label}: its flow document is not JSON, so it is not a Tableau Prep flow.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(`${label}: its flow document is not a JSON object.`);
  const nodes = (parsed as { nodes?: unknown }).nodes;
  return {
    path: filePath, fileType: path.extname(filePath).toLowerCase() === '.tflx' ? 'tflx' : 'tfl', size: st.size, mtimeMs: st.mtimeMs,
    nodeCount: nodes && typeof nodes === 'object' ? Object.keys(nodes).length : 0,
    dataConnections: flowDataConnections(parsed),
  };
}

export interface FlowPublishRequest {
  filePath: string;
  /** Default: the file name without its extension. */
  name?: string;
  projectId: string;
  mode: 'createnew' | 'overwrite';
  description?: string;
  /** Credentials of the flow's input/output connections, each tied to its server. */
  connectionCredentials?: ConnectionCredentials[];
}

export interface FlowPublishResult {
  flow: Flow;
  bytes: number;
  chunks: number;
  requests: number;
  retries: number;
  durationMs: number;
}

export interface FlowPublishOptions {
  signal?: AbortSignal;
  onProgress?: (p: { phase: 'inspect' | 'upload' | 'commit'; bytesSent: number; totalBytes: number }) => void;
  chunkSize?: number;
  singleRequestLimit?: number;
  readSize?: number;
  logger?: Logger;
  retry?: RetryLimits;
}

/** The request_payload: `<flow name description><project/><connections/></flow>` (TSC request_factory.py, FlowRequest). */
export function flowPayload(p: { name: string; projectId: string; description?: string; connectionCredentials?: ConnectionCredentials[] }): string {
  if (!p.name.trim()) throw new TableauError({ reason: 'invalidArgument', message: 'The flow name is empty.' });
  const desc = p.description !== undefined ? ` description="${xmlAttr(p.description, 'The flow description')}"` : '';
  const conns = p.connectionCredentials?.length ? connectionsElement(p.connectionCredentials) : '';
  return `<tsRequest><flow name="${xmlAttr(p.name, 'The flow name')}"${desc}><project id="${xmlAttr(p.projectId, 'The project id')}"/>${conns}</flow></tsRequest>`;
}

export async function publishFlow(client: PublishClient, req: FlowPublishRequest, opts: FlowPublishOptions = {}): Promise<FlowPublishResult> {
  const started = Date.now();
  const log = opts.logger ?? nullLogger;
  const limits = { ...DEFAULT_RETRY_LIMITS, ...opts.retry };
  const signal = opts.signal;
  throwIfAborted(signal);
  opts.onProgress?.({ phase: 'inspect', bytesSent: 0, totalBytes: 0 });
  const info = await inspectFlow(req.filePath);
  const name = req.name ?? path.basename(req.filePath, path.extname(req.filePath));
  const payload = flowPayload({ name, projectId: req.projectId, description: req.description, connectionCredentials: req.connectionCredentials });
  const progress = (phase: 'upload' | 'commit', n: number): void => opts.onProgress?.({ phase, bytesSent: n, totalBytes: info.size });
  const query: Record<string, string | boolean> = { flowType: info.fileType };
  if (req.mode === 'overwrite') query.overwrite = true;
  let requests = 0;
  let retries = 0;
  let chunks = 0;
  const payloadPart: MultipartPart = { name: 'request_payload', contentType: 'text/xml', body: payload };
  const filePart: MultipartPart = { name: 'tableau_flow', filename: path.basename(req.filePath), contentType: 'application/octet-stream', body: { path: req.filePath } };
  const expect = { size: info.size, mtimeMs: info.mtimeMs };
  const whole = await buildMultipart([payloadPart, filePart], { signal, readSize: opts.readSize, expect, onFileBytes: (n) => progress('upload', n) });
  const chunked = whole.contentLength > (opts.singleRequestLimit ?? SINGLE_REQUEST_LIMIT);
  if (chunked) {
    const up = await uploadFile(client, req.filePath, { signal, chunkSize: opts.chunkSize, readSize: opts.readSize, logger: log, retry: opts.retry, file: expect, onProgress: (p) => progress('upload', p.bytesSent) });
    requests += up.requests;
    retries += up.retries;
    chunks = up.chunks;
    throwIfAborted(signal);
    query.uploadSessionId = up.uploadSessionId;
  }
  log.info(`Publishing flow "${name}" (${info.size} bytes, ${info.fileType}) as ${req.mode}${chunked ? ', in chunks' : ''}.`);
  // An overwrite ends in the same state however often it runs; a createnew that may have landed is not sent again.
  const retryOn = (e: unknown): boolean => {
    const kind = classifyFailure(e);
    return kind === 'notApplied' || (kind === 'ambiguous' && req.mode === 'overwrite');
  };
  const answer = await withRetry(
    async () => {
      requests++;
      const msg = chunked ? await buildMultipart([payloadPart], { signal }) : await buildMultipart([payloadPart, filePart], { signal, readSize: opts.readSize, expect, onFileBytes: (n) => progress('upload', n) });
      return client.request({
        method: 'POST', path: 'sites/{siteId}/flows', query, body: msg.body, contentType: msg.contentType, contentLength: msg.contentLength,
        signal, action: 'publish the flow', timeouts: 'publish', replaySafe: true,
      });
    },
    {
      ...retryOptions(limits, limits.maxRetries), signal, retryOn,
      onRetry: (e, _a, wait) => {
        retries++;
        log.warn(`Publishing the flow failed (${e.message}); trying again in ${Math.round(wait / 100) / 10} s.`);
      },
    },
  );
  progress('commit', info.size);
  const flow = toFlow(single((answer ?? {}) as Obj, 'flow', 'flow'));
  const result = { flow, bytes: info.size, chunks, requests, retries, durationMs: Date.now() - started };
  log.info(`Published flow "${flow.name}" (${flow.id}) in ${result.durationMs} ms.`);
  return result;
}
