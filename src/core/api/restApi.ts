import { TableauError } from '../errors';
import { globalRedactor, nullLogger, type Logger } from '../logger';
import type { ServerInfo, SignInResult } from '../models';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/httpClient';
import { parseServerAddress, type ServerAddress } from '../http/serverAddress';
import { describeCredential, registerCredentialSecrets, type Credential } from '../auth/credentials';
import { DEFAULT_SCOPES, mintConnectedAppJwt } from '../auth/jwt';
import { decodeResponse } from './decode';
import { signInFailureMessage } from './signInMessages';
import { attr, child, requireElement, textOf } from './shape';
import { tsRequest, xmlAttrs } from './xml';

export interface ApiRequest {
  method: HttpRequest['method'];
  /** Relative to /api/{v}/, e.g. `sites/${siteId}/projects`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: HttpRequest['body'];
  /** e.g. 'text/xml', 'multipart/mixed; boundary=...' */
  contentType?: string;
  contentLength?: number;
  signal?: AbortSignal;
  responseSink?: NodeJS.WritableStream;
  onResponseProgress?: (bytes: number, total?: number) => void;
  maxResponseBytes?: number;
  /** Extra request headers (e.g. RequestID for idempotent hyper updates). Added to the contract. */
  headers?: Record<string, string>;
  /** Follow 301/302/303/307/308 (GET only; the session token is not sent to another origin). Added to the contract. */
  followRedirects?: boolean;
  /** For messages: what the call does ("list projects"). Added to the contract. */
  action?: string;
  /**
   * The answer format to ask for, overriding the API's default. Listings ask for JSON: it
   * decodes several times faster than XML on big pages, and an answer in XML (a server
   * that ignores Accept) is still decoded.
   */
  format?: 'xml' | 'json';
}

/** Used when the server does not answer serverInfo (very old servers, or a path a proxy blocks). */
export const FALLBACK_API_VERSION = '3.4';
const PROBE_VERSIONS = ['3.4', '2.4'];
const MAX_SIGN_IN_REDIRECTS = 2;
const MAX_REDIRECTS = 3;

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

// Query values are percent-encoded, but the separators of Tableau's filter/sort/fields syntax stay readable.
function encodeQueryValue(v: string): string {
  return encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

export function buildQuery(query: ApiRequest['query']): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeQueryValue(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export class TableauRestApi {
  private serverAddress: ServerAddress;
  private readonly http: HttpClient;
  private readonly logger: Logger;
  private readonly pinnedVersion?: string;
  private versionPromise?: Promise<string>;
  private readonly format: 'xml' | 'json';
  private readonly accept: string;

  /** `format` (added to the contract): the answer format to ask for; XML unless told otherwise. */
  constructor(opts: { server: ServerAddress; http: HttpClient; apiVersion?: string; logger?: Logger; format?: 'xml' | 'json' }) {
    this.format = opts.format ?? 'xml';
    this.accept = this.format === 'json' ? 'application/json' : 'application/xml';
    this.serverAddress = opts.server;
    this.http = opts.http;
    this.logger = opts.logger ?? nullLogger;
    this.pinnedVersion = opts.apiVersion;
  }

  /** The server; changes when a sign-in is redirected to another host (Tableau Cloud pods). */
  get server(): ServerAddress {
    return this.serverAddress;
  }

  get httpClient(): HttpClient {
    return this.http;
  }

  apiVersion(signal?: AbortSignal): Promise<string> {
    if (this.pinnedVersion) return Promise.resolve(this.pinnedVersion);
    if (!this.versionPromise) {
      const p = this.serverInfo(signal).then((i) => i.restApiVersion);
      this.versionPromise = p;
      // A failure (network, cancel) must not stick: the next call asks again.
      p.catch(() => {
        if (this.versionPromise === p) this.versionPromise = undefined;
      });
    }
    return this.versionPromise;
  }

  async serverInfo(signal?: AbortSignal): Promise<ServerInfo> {
    const probes = this.pinnedVersion ? [this.pinnedVersion, ...PROBE_VERSIONS] : PROBE_VERSIONS;
    for (const v of probes) {
      try {
        const res = await this.http.request({ method: 'GET', url: `${this.serverAddress.serverUrl}/api/${v}/serverInfo`, headers: { accept: this.accept }, signal });
        const ts = decodeResponse(res, { action: 'read the server information', expect: this.format });
        requireElement(ts, 'serverInfo');
        const info = child(ts, 'serverInfo');
        const pv = child(info, 'productVersion');
        const restApiVersion = attr(info, 'restApiVersion') ?? textOf(info?.restApiVersion);
        if (!restApiVersion) throw new TableauError({ reason: 'malformedResponse', message: 'The server information has no REST API version.' });
        return { productVersion: textOf(info?.productVersion) ?? '', build: attr(pv, 'build'), restApiVersion };
      } catch (e) {
        if (!TableauError.is(e, 'notFound')) throw e;
        this.logger.debug(`serverInfo not found under API ${v}`);
      }
    }
    return { productVersion: '', restApiVersion: this.pinnedVersion ?? FALLBACK_API_VERSION };
  }

  private async url(path: string, query: ApiRequest['query'], signal?: AbortSignal): Promise<string> {
    const v = await this.apiVersion(signal);
    return `${this.serverAddress.serverUrl}/api/${v}/${path.replace(/^\/+/, '')}${buildQuery(query)}`;
  }

  async signIn(
    credential: Credential,
    siteContentUrl: string,
    opts: { impersonateUserId?: string; scopes?: string[]; signal?: AbortSignal } = {},
  ): Promise<SignInResult> {
    registerCredentialSecrets(credential);
    for (let redirects = 0; ; redirects++) {
      const body = await signInBody(credential, siteContentUrl, opts);
      const url = await this.url('auth/signin', undefined, opts.signal);
      this.logger.info(`Signing in to ${this.serverAddress.serverUrl} (site "${siteContentUrl}") with ${describeCredential(credential)}`);
      const res = await this.http.request({ method: 'POST', url, headers: { 'content-type': 'text/xml', accept: this.accept }, body, signal: opts.signal });
      if (isRedirect(res.status) && res.headers.location && redirects < MAX_SIGN_IN_REDIRECTS) {
        this.followSignInRedirect(res, url);
        continue;
      }
      let ts: Record<string, unknown>;
      try {
        ts = decodeResponse(res, { action: 'sign in', expect: this.format });
      } catch (e) {
        if (TableauError.is(e, 'signInFailed')) throw withMessage(e, signInFailureMessage(credential, siteContentUrl, e.detail));
        throw e;
      }
      return readCredentials(ts, siteContentUrl);
    }
  }

  // Tableau Cloud answers a sign-in on the wrong pod with a redirect; re-POST there (TSC does the same).
  private followSignInRedirect(res: HttpResponse, fromUrl: string): void {
    const target = new URL(res.headers.location as string, fromUrl);
    const next = parseServerAddress(target.href);
    if (this.serverAddress.isHttps && !next.isHttps && !next.isLoopback) {
      throw new TableauError({ reason: 'tls', message: `The server redirected the sign-in from https to an insecure address (${target.host}). Sign-in was stopped to protect your credentials.` });
    }
    this.logger.info(`Sign-in redirected from ${this.serverAddress.serverUrl} to ${next.serverUrl}`);
    this.serverAddress = { ...next, siteContentUrl: this.serverAddress.siteContentUrl };
  }

  async signOut(token: string, signal?: AbortSignal): Promise<void> {
    const res = await this.http.request({ method: 'POST', url: await this.url('auth/signout', undefined, signal), headers: { 'x-tableau-auth': token, accept: this.accept }, signal });
    decodeResponse(res, { action: 'sign out', expect: this.format });
  }

  async switchSite(token: string, siteContentUrl: string, signal?: AbortSignal): Promise<SignInResult> {
    const body = tsRequest(`<site${xmlAttrs({ contentUrl: siteContentUrl })}/>`);
    const res = await this.http.request({
      method: 'POST',
      url: await this.url('auth/switchSite', undefined, signal),
      headers: { 'x-tableau-auth': token, 'content-type': 'text/xml', accept: this.accept },
      body,
      signal,
    });
    return readCredentials(decodeResponse(res, { action: `switch to site "${siteContentUrl}"`, expect: this.format }), siteContentUrl);
  }

  /** Authenticated call. Returns the decoded tsResponse object ({} for an empty or streamed answer). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async send(token: string, req: ApiRequest): Promise<any> {
    let url = await this.url(req.path, req.query, req.signal);
    const origin = new URL(url).origin;
    for (let hops = 0; ; hops++) {
      // A download answers with the file itself; only ask for a format when the answer is a tsResponse.
      const format = req.format ?? this.format;
      const accept = format === 'json' ? 'application/json' : 'application/xml';
      const headers: Record<string, string> = { ...(req.responseSink ? {} : { accept }), ...(req.headers ?? {}) };
      // Never hand the session token to another origin (a CDN or storage redirect).
      if (new URL(url).origin === origin) headers['x-tableau-auth'] = token;
      if (req.contentType) headers['content-type'] = req.contentType;
      const res = await this.http.request({
        method: req.method,
        url,
        headers,
        body: req.body,
        contentLength: req.contentLength,
        signal: req.signal,
        responseSink: req.responseSink,
        onResponseProgress: req.onResponseProgress,
        maxResponseBytes: req.maxResponseBytes,
      });
      if (req.followRedirects && req.method === 'GET' && isRedirect(res.status) && res.headers.location && hops < MAX_REDIRECTS) {
        url = new URL(res.headers.location, url).href;
        continue;
      }
      if (req.responseSink && res.status >= 200 && res.status < 300) return {};
      return decodeResponse(res, { action: req.action, expect: format });
    }
  }
}

function withMessage(e: TableauError, message: string): TableauError {
  return new TableauError({ reason: e.reason, message, status: e.status, code: e.code, summary: e.summary, detail: e.detail, retryAfter: e.retryAfter, cause: e });
}

async function signInBody(credential: Credential, site: string, opts: { impersonateUserId?: string; scopes?: string[] }): Promise<string> {
  let attrs: Record<string, string>;
  switch (credential.kind) {
    case 'pat':
      attrs = { personalAccessTokenName: credential.tokenName, personalAccessTokenSecret: credential.tokenSecret };
      break;
    case 'password':
      attrs = { name: credential.username, password: credential.password };
      break;
    case 'connectedApp': {
      // A fresh JWT for every attempt: each jti may be used once.
      const jwt = await mintConnectedAppJwt({ ...credential, scopes: opts.scopes ?? DEFAULT_SCOPES });
      attrs = { jwt };
      break;
    }
  }
  const user = opts.impersonateUserId ? `<user${xmlAttrs({ id: opts.impersonateUserId })}/>` : '';
  return tsRequest(`<credentials${xmlAttrs(attrs)}><site${xmlAttrs({ contentUrl: site })}/>${user}</credentials>`);
}

function readCredentials(ts: Record<string, unknown>, siteContentUrl: string): SignInResult {
  requireElement(ts, 'credentials');
  const cred = child(ts, 'credentials');
  const token = attr(cred, 'token');
  const site = child(cred, 'site');
  const siteId = attr(site, 'id');
  const userId = attr(child(cred, 'user'), 'id');
  if (!token || !siteId || !userId) {
    throw new TableauError({ reason: 'malformedResponse', message: 'The sign-in answer is missing the token, site or user.' });
  }
  globalRedactor.addSecret(token);
  const eta = attr(cred, 'estimatedTimeToExpiration');
  return { token, siteId, siteContentUrl: attr(site, 'contentUrl') ?? siteContentUrl, userId, ...(eta ? { estimatedTimeToExpiration: eta } : {}) };
}
