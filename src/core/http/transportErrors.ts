import { cancelled, TableauError } from '../errors';

const TLS_UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** The first `code` found on an error or its causes (undici wraps Node's socket errors). */
function codesOf(e: unknown): string[] {
  const codes: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const errors = (cur as { errors?: unknown }).errors;
    // AggregateError from happy-eyeballs connects: take the first inner error's code.
    if (Array.isArray(errors) && errors[0] && typeof errors[0] === 'object') {
      const inner = (errors[0] as { code?: unknown }).code;
      if (typeof inner === 'string') codes.push(inner);
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return codes;
}

export interface TransportContext {
  host: string;
  /** host:port of the proxy the request went through, if any. */
  proxyHost?: string;
  signal?: AbortSignal;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** Maps a transport failure to a TableauError with a message a person can act on. Never includes headers or bodies. */
export function mapTransportError(e: unknown, ctx: TransportContext): TableauError {
  if (e instanceof TableauError) return e;
  const { host } = ctx;
  if (ctx.proxyHost && !ctx.signal?.aborted) {
    const viaProxy = proxyFailure(e, ctx.proxyHost, host);
    if (viaProxy) return viaProxy;
  }
  if (ctx.signal?.aborted || (e instanceof Error && e.name === 'AbortError')) {
    return cancelled(e);
  }
  const codes = codesOf(e);
  const has = (...c: string[]): boolean => codes.some((x) => c.includes(x));
  const secs = (ms: number): string => `${Math.round(ms / 1000)} s`;

  if (codes.some((c) => TLS_UNTRUSTED.has(c))) {
    return new TableauError({
      reason: 'tls',
      message: `The certificate of ${host} is not trusted: it is self-signed or issued by a private certificate authority. Add your organisation's CA certificate file (PEM) in the settings, then try again.`,
      cause: e,
    });
  }
  if (has('CERT_HAS_EXPIRED')) {
    return new TableauError({ reason: 'tls', message: `The certificate of ${host} has expired. Ask the server administrator to renew it.`, cause: e });
  }
  if (has('ERR_TLS_CERT_ALTNAME_INVALID')) {
    return new TableauError({
      reason: 'tls',
      message: `The certificate of ${host} is issued for a different host name. Use the exact host name on the certificate in the server address.`,
      cause: e,
    });
  }
  if (codes.some((c) => c.startsWith('ERR_TLS_') || c.startsWith('CERT_') || c === 'UND_ERR_PRX_TLS' || c.startsWith('ERR_SSL_'))) {
    return new TableauError({
      reason: 'tls',
      message: `A secure connection to ${host} could not be established (${codes[0]}). If your organisation uses its own certificate authority, add its CA certificate file (PEM) in the settings.`,
      cause: e,
    });
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) {
    return new TableauError({ reason: 'timeout', message: `Could not reach ${host}: no connection within ${secs(ctx.connectTimeoutMs)}. Check the server address, your network and any proxy settings.`, cause: e });
  }
  if (has('UND_ERR_HEADERS_TIMEOUT')) {
    return new TableauError({ reason: 'timeout', message: `${host} did not answer within ${secs(ctx.headersTimeoutMs)}.`, cause: e });
  }
  if (has('UND_ERR_BODY_TIMEOUT')) {
    return new TableauError({ reason: 'timeout', message: `${host} stopped sending its answer for ${secs(ctx.bodyTimeoutMs)}.`, cause: e });
  }
  if (has('ECONNREFUSED')) {
    return new TableauError({ reason: 'network', message: `Could not reach ${host}: connection refused. Check the server address and port, and that the server is running.`, cause: e });
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) {
    return new TableauError({ reason: 'network', message: `Could not reach ${host}: the host name was not found. Check the server address and your network connection.`, cause: e });
  }
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED', 'ECONNABORTED')) {
    return new TableauError({ reason: 'network', message: `Could not reach ${host}: the connection was closed unexpectedly. Try again; if it keeps happening, a proxy or firewall may be cutting it.`, cause: e });
  }
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN')) {
    return new TableauError({ reason: 'network', message: `Could not reach ${host}: the network is unreachable.`, cause: e });
  }
  if (has('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH')) {
    return new TableauError({ reason: 'invalidArgument', message: `The data sent to ${host} did not match its announced length. If a file is being uploaded, it may have changed while it was read.`, cause: e });
  }
  const detail = e instanceof Error ? e.message : String(e);
  return new TableauError({ reason: 'network', message: `Could not reach ${host}: ${detail}`, cause: e });
}

/**
 * Through a proxy the only connection made is to the proxy, so a refused or unresolvable
 * connection is the proxy's; a tunnel it would not open (undici reports it as an abort,
 * recognisable only by its message) names the proxy's status.
 */
function proxyFailure(e: unknown, proxy: string, host: string): TableauError | undefined {
  const codes = codesOf(e);
  const has = (...c: string[]): boolean => codes.some((x) => c.includes(x));
  const check = 'Check the proxy setting (http.proxy in VS Code, HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the CLI).';
  if (has('ECONNREFUSED')) {
    return new TableauError({ reason: 'network', message: `Could not reach the proxy ${proxy}: connection refused. ${check}`, cause: e });
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) {
    return new TableauError({ reason: 'network', message: `Could not reach the proxy ${proxy}: its host name was not found. ${check}`, cause: e });
  }
  const status = e instanceof Error ? /^Proxy response \((\d{3})\) !== 200/.exec(e.message)?.[1] : undefined;
  if (status === '407') {
    return new TableauError({ reason: 'network', message: `The proxy ${proxy} asks for credentials (407). Put them in the proxy URL (http://user:password@proxy:port). ${check}`, cause: e });
  }
  if (status) {
    return new TableauError({ reason: 'network', message: `The proxy ${proxy} would not connect to ${host} (it answered ${status}). Check the server address, or ask whoever runs the proxy whether it may reach ${host}.`, cause: e });
  }
  return undefined;
}
