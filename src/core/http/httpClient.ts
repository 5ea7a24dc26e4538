import * as tls from 'node:tls';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Agent, Dispatcher, ProxyAgent } from 'undici';
import { TableauError, throwIfAborted } from '../errors';
import { globalRedactor, nullLogger, type Logger } from '../logger';
import { isNoProxy } from './proxy';
import { mapTransportError } from './transportErrors';
import { undici } from './undici';
import { defaultUserAgent } from './version';

export { proxyFromEnv } from './proxy';

export interface HttpClientOptions {
  /** Default `tableau-publisher/<version> (node <v>)`. */
  userAgent?: string;
  connectTimeoutMs?: number;
  /** Time to the first byte of the answer (after the request is sent). */
  headersTimeoutMs?: number;
  /** Idle time between body bytes. */
  bodyTimeoutMs?: number;
  /** Extra CA certificate(s), added to Node's defaults. */
  caPem?: string;
  /** http(s) proxy URL; see `proxyFromEnv`. */
  proxyUrl?: string;
  /** Hosts that bypass `proxyUrl` (NO_PROXY syntax). Added to the contract. */
  noProxy?: string;
  /** Default true; false only when the user says so explicitly. */
  rejectUnauthorized?: boolean;
  logger?: Logger;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  /** Required with an AsyncIterable body: sent as an exact Content-Length (never chunked). */
  contentLength?: number;
  signal?: AbortSignal;
  /** Default 16 MiB; more → 'responseTooLarge'. Not applied to a 2xx answer streamed to `responseSink`. */
  maxResponseBytes?: number;
  /** A 2xx body is streamed here (with backpressure) instead of buffered; the sink is ended when done, destroyed on failure. */
  responseSink?: NodeJS.WritableStream;
  onResponseProgress?: (bytes: number, total?: number) => void;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Empty when responseSink was used. */
  body: Buffer;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function mib(n: number): string {
  return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
}

// Destroying an answer we give up on emits 'error' on it; nobody else listens, so swallow that one.
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

export class HttpClient {
  /** Made on the first request, so that constructing a client does not load undici. */
  private agents?: { agent: Agent; proxyAgent?: ProxyAgent };
  private readonly logger: Logger;
  private readonly userAgent: string;
  private readonly connectTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;

  constructor(private readonly opts: HttpClientOptions = {}) {
    this.logger = opts.logger ?? nullLogger;
    this.userAgent = opts.userAgent ?? defaultUserAgent();
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 30_000;
    this.headersTimeoutMs = opts.headersTimeoutMs ?? 120_000;
    this.bodyTimeoutMs = opts.bodyTimeoutMs ?? 120_000;
    if (opts.proxyUrl) {
      // Parsed now so a bad proxy URL fails here. It may carry a password: keep it out of logs and messages.
      const proxy = new URL(opts.proxyUrl);
      globalRedactor.addSecret(decodeURIComponent(proxy.password));
    }
  }

  private dispatcherFor(url: URL): Dispatcher {
    const { agent, proxyAgent } = (this.agents ??= this.makeAgents());
    if (proxyAgent && !isNoProxy(url, this.opts.noProxy)) return proxyAgent;
    return agent;
  }

  private makeAgents(): { agent: Agent; proxyAgent?: ProxyAgent } {
    const { Agent, ProxyAgent } = undici();
    const tlsOptions = {
      ...(this.opts.caPem ? { ca: [...tls.rootCertificates, this.opts.caPem] } : {}),
      rejectUnauthorized: this.opts.rejectUnauthorized ?? true,
      timeout: this.connectTimeoutMs,
    };
    const common = {
      headersTimeout: this.headersTimeoutMs,
      bodyTimeout: this.bodyTimeoutMs,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    };
    const agent = new Agent({ ...common, connect: tlsOptions });
    const proxyUrl = this.opts.proxyUrl;
    return { agent, proxyAgent: proxyUrl ? new ProxyAgent({ ...common, uri: proxyUrl, requestTls: tlsOptions, proxyTls: tlsOptions }) : undefined };
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    throwIfAborted(req.signal);
    const url = new URL(req.url);
    const dispatcher = this.dispatcherFor(url);
    const ctx = {
      host: url.host,
      // A connection failure through a proxy is the proxy's, not the Tableau host's.
      proxyHost: dispatcher === this.agents?.proxyAgent && this.opts.proxyUrl ? new URL(this.opts.proxyUrl).host : undefined,
      signal: req.signal,
      connectTimeoutMs: this.connectTimeoutMs,
      headersTimeoutMs: this.headersTimeoutMs,
      bodyTimeoutMs: this.bodyTimeoutMs,
    };
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;

    let body: Buffer | Uint8Array | AsyncIterable<Uint8Array> | undefined;
    if (typeof req.body === 'string') body = Buffer.from(req.body, 'utf8');
    else body = req.body;
    if (body instanceof Uint8Array) {
      headers['content-length'] = String(body.byteLength);
    } else if (body !== undefined) {
      if (req.contentLength === undefined || !Number.isSafeInteger(req.contentLength) || req.contentLength < 0) {
        throw new TableauError({ reason: 'invalidArgument', message: 'A streamed request body needs its exact length (contentLength).' });
      }
      headers['content-length'] = String(req.contentLength);
    } else if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
      headers['content-length'] = '0';
    }

    const started = Date.now();
    let res: Dispatcher.ResponseData;
    try {
      res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
        body: body as Dispatcher.DispatchOptions['body'],
        signal: req.signal,
      });
    } catch (e) {
      const err = mapTransportError(e, ctx);
      this.logger.debug(`${req.method} ${url.origin}${url.pathname} failed: ${err.reason}`);
      throw err;
    }

    const resHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) resHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    const declared = resHeaders['content-length'] !== undefined ? Number(resHeaders['content-length']) : undefined;
    const total = declared !== undefined && Number.isFinite(declared) ? declared : undefined;
    const ok = res.statusCode >= 200 && res.statusCode < 300;

    try {
      if (req.responseSink && ok) {
        await this.streamToSink(res, req, total);
        this.logger.debug(`${req.method} ${url.origin}${url.pathname} → ${res.statusCode} streamed (${Date.now() - started} ms)`);
        return { status: res.statusCode, headers: resHeaders, body: Buffer.alloc(0) };
      }
      const max = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const tooLarge = (): TableauError =>
        new TableauError({
          reason: 'responseTooLarge',
          status: res.statusCode,
          message: `The answer from ${url.host} is larger than ${mib(max)}, more than this client accepts for a REST response (${req.method} ${url.pathname}).`,
        });
      if (total !== undefined && total > max) {
        discard(res.body);
        throw tooLarge();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.byteLength;
        if (size > max) {
          discard(res.body);
          throw tooLarge();
        }
        chunks.push(buf);
        req.onResponseProgress?.(size, total);
      }
      this.logger.debug(`${req.method} ${url.origin}${url.pathname} → ${res.statusCode} (${Date.now() - started} ms)`);
      return { status: res.statusCode, headers: resHeaders, body: Buffer.concat(chunks, size) };
    } catch (e) {
      if (!res.body.destroyed) discard(res.body);
      throw mapTransportError(e, ctx);
    }
  }

  private async streamToSink(res: Dispatcher.ResponseData, req: HttpRequest, total: number | undefined): Promise<void> {
    let size = 0;
    const progress = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.byteLength;
        req.onResponseProgress?.(size, total);
        cb(null, chunk);
      },
    });
    // pipeline gives backpressure end to end and tears everything down on failure or abort.
    await pipeline(res.body, progress, req.responseSink as NodeJS.WritableStream, req.signal ? { signal: req.signal } : {});
    if (total !== undefined && size !== total) {
      throw new TableauError({ reason: 'network', message: `The download from ${new URL(req.url).host} ended early (${size} of ${total} bytes).` });
    }
  }

  async close(): Promise<void> {
    const a = this.agents;
    if (a) await Promise.all([a.agent.close(), a.proxyAgent?.close()]);
  }

  /** Like close, but requests still under way are aborted rather than waited for (a cancelled CLI run facing a hung server). */
  async destroy(): Promise<void> {
    const a = this.agents;
    if (a) await Promise.all([a.agent.destroy(), a.proxyAgent?.destroy()]);
  }
}
