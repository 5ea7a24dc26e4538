import * as tls from 'node:tls';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { TableauError, throwIfAborted } from '../errors';
import { globalRedactor, nullLogger, type Logger } from '../logger';
import {
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TRANSFER_TIMEOUT_MS,
  DEFAULT_WAIT_NOTICE_MS,
  GENERIC_LIMIT_NAMES,
  seconds,
  type LimitNames,
} from '../limits';
import { RequestClock } from './requestClock';
import type { ProxyOptions } from './proxy';
import { mapTransportError } from './transportErrors';
import { undici } from './undici';
import { defaultUserAgent } from './version';

export { proxyOptionsFromEnv, type ProxyOptions } from './proxy';

export interface HttpClientOptions extends ProxyOptions {
  /** Default `tableau-publisher/<version> (node <v>)`. */
  userAgent?: string;
  connectTimeoutMs?: number;
  /** Whole time of a control request (serverInfo, sign-in, a listing page, a small change). Default 30 s. */
  requestTimeoutMs?: number;
  /** Whole time of an upload part, a publish commit or a download. Default 4 h. */
  transferTimeoutMs?: number;
  /** Time to the first byte of the answer once the request is sent (idle). Default 120 s, never past the request's whole time. */
  headersTimeoutMs?: number;
  /** Idle time between body bytes. Default 120 s, never past the request's whole time. */
  bodyTimeoutMs?: number;
  /** Largest answer streamed to a `responseSink` (a download). Default 32 GiB; more → 'responseTooLarge'. */
  maxDownloadBytes?: number;
  /** Log (info) what is being waited for after this much silence from the server, then at doubling intervals. Default 5 s; 0 = never. */
  waitNoticeMs?: number;
  /** How the user raises each limit, named in the messages that report one. */
  limitNames?: LimitNames;
  /** Extra CA certificate(s), added to Node's defaults. */
  caPem?: string;
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
  /**
   * Which whole-time limit applies. 'control' (the default for a buffered request and answer):
   * `requestTimeoutMs`. 'transfer' (the default with a streamed body or a `responseSink`):
   * `transferTimeoutMs`. 'publish': a transfer whose answer waits for the server to process
   * the file, so the time to the answer is only bounded by `transferTimeoutMs`.
   */
  timeouts?: 'control' | 'transfer' | 'publish';
  /** What the request does, for messages ("list projects"). */
  action?: string;
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
  if (n >= 1024 ** 3) return `${Math.round((n / 1024 ** 3) * 10) / 10} GiB`;
  return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
}

// Destroying an answer we give up on emits 'error' on it; nobody else listens, so swallow that one.
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** The streamed body, marking the clock as it goes: an upload under way is not a silent server. */
async function* sending(body: AsyncIterable<Uint8Array>, clock: RequestClock): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    clock.activity();
    yield chunk;
  }
}

export class HttpClient {
  /** Made on the first request, so that constructing a client does not load undici. */
  private dispatcher?: Dispatcher;
  /** Failures to connect to the proxy itself (not to a host reached directly). */
  private readonly proxyFailures = new WeakSet<object>();
  private readonly logger: Logger;
  private readonly userAgent: string;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly transferTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;
  private readonly maxDownloadBytes: number;
  private readonly names: Required<LimitNames>;

  constructor(private readonly opts: HttpClientOptions = {}) {
    this.logger = opts.logger ?? nullLogger;
    this.userAgent = opts.userAgent ?? defaultUserAgent();
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 30_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.transferTimeoutMs = opts.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
    this.headersTimeoutMs = opts.headersTimeoutMs ?? 120_000;
    this.bodyTimeoutMs = opts.bodyTimeoutMs ?? 120_000;
    this.maxDownloadBytes = opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    this.names = { ...GENERIC_LIMIT_NAMES, ...opts.limitNames };
    for (const p of [opts.proxyUrl, opts.httpProxyUrl]) {
      // Parsed now so a bad proxy URL fails here. It may carry a password: keep it out of logs and messages.
      if (p) globalRedactor.addSecret(decodeURIComponent(new URL(p).password));
    }
  }

  /** host:port of the proxy for this protocol, when one is set. */
  private proxyHostFor(url: URL): string | undefined {
    const p = url.protocol === 'http:' && this.opts.httpProxyUrl !== undefined ? this.opts.httpProxyUrl : this.opts.proxyUrl;
    return p ? new URL(p).host : undefined;
  }

  /** True when `e` is the proxy's failure: connecting to it, or a tunnel it refused (undici says so only in the message). */
  private fromProxy(e: unknown): boolean {
    for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
      if (this.proxyFailures.has(cur)) return true;
    }
    return e instanceof Error && /^Proxy response \(\d{3}\) !== 200/.test(e.message);
  }

  private makeDispatcher(): Dispatcher {
    const { Agent, EnvHttpProxyAgent, Pool } = undici();
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
    const { proxyUrl, httpProxyUrl, noProxy } = this.opts;
    if (!proxyUrl && !httpProxyUrl) return new Agent({ ...common, connect: tlsOptions });
    // Every value is given, '' for none, so that undici never reads process.env itself.
    return new EnvHttpProxyAgent({
      ...common,
      connect: tlsOptions,
      requestTls: tlsOptions,
      proxyTls: tlsOptions,
      httpsProxy: proxyUrl ?? '',
      httpProxy: httpProxyUrl ?? proxyUrl ?? '',
      noProxy: noProxy ?? '',
      // The connection to the proxy: its failures are remembered so that messages name the proxy.
      clientFactory: (origin: URL, options: object) => {
        const pool = new Pool(origin, options);
        pool.on('connectionError', (_origin, _targets, err) => this.proxyFailures.add(err));
        return pool;
      },
    });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    throwIfAborted(req.signal);
    const url = new URL(req.url);
    const dispatcher = (this.dispatcher ??= this.makeDispatcher());
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

    const kind = req.timeouts ?? (req.responseSink || (body !== undefined && !(body instanceof Uint8Array)) ? 'transfer' : 'control');
    const deadlineMs = kind === 'control' ? this.requestTimeoutMs : this.transferTimeoutMs;
    // An idle timeout no shorter than the deadline is left to the deadline (0 turns undici's off), so the
    // message is always the one naming the setting. A publish answer waits for the server's processing.
    const idle = (ms: number): number => (ms < deadlineMs ? ms : 0);
    const headersTimeoutMs = kind === 'publish' ? 0 : idle(this.headersTimeoutMs);
    const bodyTimeoutMs = idle(this.bodyTimeoutMs);
    const ctx = {
      host: url.host,
      signal: req.signal,
      connectTimeoutMs: this.connectTimeoutMs,
      headersTimeoutMs,
      bodyTimeoutMs,
    };
    const what = req.action ?? `${req.method} ${url.pathname}`;
    const started = Date.now();
    const clock = new RequestClock({
      deadlineMs,
      outer: req.signal,
      noticeMs: this.opts.waitNoticeMs ?? DEFAULT_WAIT_NOTICE_MS,
      onNotice: () => this.logger.info(`Waiting for ${url.host} to answer (${what}): ${seconds(Date.now() - started)} so far, limit ${seconds(deadlineMs)}.`),
    });
    const expired = (cause: unknown): TableauError =>
      new TableauError({
        reason: 'timeout',
        message:
          `${url.host} did not finish answering within ${seconds(deadlineMs)} (${what}). ` +
          `If the server is just slow, raise ${kind === 'control' ? this.names.requestTimeout : this.names.transferTimeout}.`,
        cause,
      });
    // A connection failure at the proxy is the proxy's, not the Tableau host's.
    const fail = (e: unknown): TableauError =>
      clock.expired && !req.signal?.aborted ? expired(e) : mapTransportError(e, { ...ctx, proxyHost: this.fromProxy(e) ? this.proxyHostFor(url) : undefined });

    let res: Dispatcher.ResponseData;
    try {
      res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
        body: (body !== undefined && !(body instanceof Uint8Array) ? sending(body, clock) : body) as Dispatcher.DispatchOptions['body'],
        signal: clock.signal,
        headersTimeout: headersTimeoutMs,
        bodyTimeout: bodyTimeoutMs,
      });
    } catch (e) {
      clock.dispose();
      const err = fail(e);
      this.logger.debug(`${req.method} ${url.origin}${url.pathname} failed: ${err.reason}`);
      throw err;
    }
    clock.activity();

    const resHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) resHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    const declared = resHeaders['content-length'] !== undefined ? Number(resHeaders['content-length']) : undefined;
    const total = declared !== undefined && Number.isFinite(declared) ? declared : undefined;
    const ok = res.statusCode >= 200 && res.statusCode < 300;

    try {
      if (req.responseSink && ok) {
        await this.streamToSink(res, req, total, clock);
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
        clock.activity();
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
      throw fail(e);
    } finally {
      clock.dispose();
    }
  }

  private async streamToSink(res: Dispatcher.ResponseData, req: HttpRequest, total: number | undefined, clock: RequestClock): Promise<void> {
    const host = new URL(req.url).host;
    const max = this.maxDownloadBytes;
    const tooLarge = (): TableauError =>
      new TableauError({
        reason: 'responseTooLarge',
        status: res.statusCode,
        message: `The download from ${host} is larger than ${mib(max)}${req.action ? ` (${req.action})` : ''}. To allow it, raise ${this.names.maxDownload}.`,
      });
    const sink = req.responseSink as NodeJS.WritableStream & { destroy?: (e?: Error) => void };
    // Refused before a byte is written when the server says up front that it is too large.
    if (total !== undefined && total > max) {
      discard(res.body);
      sink.destroy?.();
      throw tooLarge();
    }
    let size = 0;
    const progress = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        clock.activity();
        size += chunk.byteLength;
        if (size > max) return cb(tooLarge());
        req.onResponseProgress?.(size, total);
        cb(null, chunk);
      },
    });
    // pipeline gives backpressure end to end and tears everything down (the sink too) on failure, abort or deadline.
    await pipeline(res.body, progress, sink, { signal: clock.signal });
    if (total !== undefined && size !== total) {
      throw new TableauError({ reason: 'network', message: `The download from ${host} ended early (${size} of ${total} bytes).` });
    }
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }

  /** Like close, but requests still under way are aborted rather than waited for (a cancelled CLI run facing a hung server). */
  async destroy(): Promise<void> {
    await this.dispatcher?.destroy();
  }
}
