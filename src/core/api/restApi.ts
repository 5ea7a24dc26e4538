import { TableauError } from '../errors';
import { globalRedactor, nullLogger, type Logger } from '../logger';
import type { ServerInfo, SignInResult } from '../models';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/httpClient';
import { carriesSecret, isRedirect, mayFollowWithCredentials, mayFollowWithoutCredentials, redirectLocation, refusedRedirect } from '../http/redirects';
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
  /** Follow 301/302/303/307/308 (GET only; the session token is not sent to another origin, nor anything to plain http on another machine). */
  followRedirects?: boolean;
  /** For messages: what the call does ("list projects"). */
  action?: string;
  /**
   * The answer format to ask for, overriding the API's default. Listings ask for JSON: it
   * decodes several times faster than XML on big pages, and an answer in XML (a server
   * that ignores Accept) is still decoded.
   */
  format?: 'xml' | 'json';
  /** Which whole-time limit applies (see HttpRequest.timeouts). */
  timeouts?: HttpRequest['timeouts'];
  /** `path` is relative to the server, not to /api/{v}/ (the Metadata API: `api/metadata/graphql`). */
  fromServerRoot?: boolean;
  /** Extra request headers (e.g. Tableau's `RequestID` idempotency key); they never replace the auth, accept or content-type headers. */
  headers?: Record<string, string>;
}

/** Used when the server does not answer serverInfo (very old servers, or a path a proxy blocks). */
export const FALLBACK_API_VERSION = '3.4';
const PROBE_VERSIONS = ['3.4', '2.4'];
const MAX_SIGN_IN_REDIRECTS = 2;
const MAX_REDIRECTS = 3;
/** Sessions remembered with the server that issued them; a long-lived extension signs in many times. */
const MAX_REMEMBERED_TOKENS = 64;

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
  /** The server each session token came from: a token only ever goes back there. */
  private readonly tokenServers = new Map<string, string>();

  /** `format`: the answer format to ask for; XML unless told otherwise. */
  constructor(opts: { server: ServerAddress; http: HttpClient; apiVersion?: string; logger?: Logger; format?: 'xml' | 'json' }) {
    this.format = opts.format ?? 'xml';
    this.accept = this.format === 'json' ? 'application/json' : 'application/xml';
    this.serverAddress = opts.server;
    this.http = opts.http;
    this.logger = opts.logger ?? nullLogger;
    this.pinnedVersion = opts.apiVersion;
  }

  /** The server new sign-ins go to; moves when a sign-in is redirected to another Tableau Cloud pod (or path on the same origin). */
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
        const res = await this.http.request({ method: 'GET', url: `${this.serverAddress.serverUrl}/api/${v}/serverInfo`, headers: { accept: this.accept }, signal, action: 'read the server information' });
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

  private async url(path: string, query: ApiRequest['query'], signal?: AbortSignal, serverUrl = this.serverAddress.serverUrl): Promise<string> {
    const v = await this.apiVersion(signal);
    return `${serverUrl}/api/${v}/${path.replace(/^\/+/, '')}${buildQuery(query)}`;
  }

  /** Where a token was issued; a session made before the server moved keeps talking to its own server. */
  private serverOf(token: string): string {
    return this.tokenServers.get(token) ?? this.serverAddress.serverUrl;
  }

  private remember(token: string, serverUrl: string): void {
    this.tokenServers.set(token, serverUrl);
    if (this.tokenServers.size > MAX_REMEMBERED_TOKENS) this.tokenServers.delete(this.tokenServers.keys().next().value as string);
  }

  async signIn(
    credential: Credential,
    siteContentUrl: string,
    opts: { impersonateUserId?: string; scopes?: string[]; signal?: AbortSignal } = {},
  ): Promise<SignInResult> {
    registerCredentialSecrets(credential);
    for (let moves = 0; ; moves++) {
      // Built afresh for every request (a connected app's JWT may be used once): a redirect
      // never replays a body; an allowed one gets a new sign-in at the new server.
      const body = await signInBody(credential, siteContentUrl, opts);
      const url = await this.url('auth/signin', undefined, opts.signal);
      this.logger.info(`Signing in to ${this.serverAddress.serverUrl} (site "${siteContentUrl}") with ${describeCredential(credential)}`);
      const res = await this.http.request({ method: 'POST', url, headers: { 'content-type': 'text/xml', accept: this.accept }, body, signal: opts.signal, action: 'sign in' });
      if (isRedirect(res.status) && this.moveForSignIn(res, url, moves)) continue;
      let ts: Record<string, unknown>;
      try {
        ts = decodeResponse(res, { action: 'sign in', expect: this.format });
      } catch (e) {
        if (TableauError.is(e, 'signInFailed')) throw withMessage(e, signInFailureMessage(credential, siteContentUrl, e.detail));
        throw e;
      }
      const result = readCredentials(ts, siteContentUrl);
      this.remember(result.token, this.serverAddress.serverUrl);
      return result;
    }
  }

  /**
   * A redirected sign-in: true when the server moved (sign in again there), false when the
   * answer is left to decodeResponse (no usable Location, or it names this same server);
   * throws when the target is not one credentials may go to.
   * Tableau Cloud answers a sign-in on the wrong pod with 301 (TSC re-POSTs there).
   */
  private moveForSignIn(res: HttpResponse, fromUrl: string, moves: number): boolean {
    const to = redirectLocation(res.headers.location, fromUrl);
    if (!to) return false;
    const from = this.serverAddress;
    if (!mayFollowWithCredentials(new URL(fromUrl), to)) throw refusedRedirect({ from: from.serverUrl, to, status: res.status, what: 'sign-in' });
    let next: ServerAddress;
    try {
      next = parseServerAddress(`${to.protocol}//${to.host}${to.pathname}`);
    } catch {
      return false;
    }
    if (next.serverUrl === from.serverUrl) return false;
    if (carriesSecret(next.serverUrl)) {
      // A server echoing the credentials into the address: never adopt (nor print) that address.
      throw refusedRedirect({ from: from.serverUrl, to, status: res.status, what: 'sign-in', echoesSecret: true });
    }
    if (moves >= MAX_SIGN_IN_REDIRECTS) {
      throw new TableauError({ reason: 'redirectRefused', status: res.status, message: `The sign-in was redirected more than ${MAX_SIGN_IN_REDIRECTS} times (last to ${next.serverUrl}). Check the server address.` });
    }
    this.logger.warn(`${from.serverUrl} redirected the sign-in to ${next.serverUrl}; signing in there. Use ${next.serverUrl} as the server address to skip this step.`);
    this.serverAddress = { ...next, siteContentUrl: from.siteContentUrl };
    return true;
  }

  async signOut(token: string, signal?: AbortSignal): Promise<void> {
    const url = await this.url('auth/signout', undefined, signal, this.serverOf(token));
    const res = await this.http.request({ method: 'POST', url, headers: { 'x-tableau-auth': token, accept: this.accept }, signal, action: 'sign out' });
    this.tokenServers.delete(token);
    decodeResponse(res, { action: 'sign out', expect: this.format });
  }

  async switchSite(token: string, siteContentUrl: string, signal?: AbortSignal): Promise<SignInResult> {
    const body = tsRequest(`<site${xmlAttrs({ contentUrl: siteContentUrl })}/>`);
    const serverUrl = this.serverOf(token);
    const res = await this.http.request({
      method: 'POST',
      url: await this.url('auth/switchSite', undefined, signal, serverUrl),
      headers: { 'x-tableau-auth': token, 'content-type': 'text/xml', accept: this.accept },
      body,
      signal,
      action: 'switch site',
    });
    const result = readCredentials(decodeResponse(res, { action: `switch to site "${siteContentUrl}"`, expect: this.format }), siteContentUrl);
    this.tokenServers.delete(token);
    this.remember(result.token, serverUrl);
    return result;
  }

  /** Authenticated call. Returns the decoded tsResponse object ({} for an empty or streamed answer). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async send(token: string, req: ApiRequest): Promise<any> {
    let url = req.fromServerRoot ? `${this.serverOf(token)}/${req.path.replace(/^\/+/, '')}${buildQuery(req.query)}` : await this.url(req.path, req.query, req.signal, this.serverOf(token));
    const origin = new URL(url).origin;
    for (let hops = 0; ; hops++) {
      // A download answers with the file itself; only ask for a format when the answer is a tsResponse.
      const format = req.format ?? this.format;
      const accept = format === 'json' ? 'application/json' : 'application/xml';
      const headers: Record<string, string> = { ...lowerCaseKeys(req.headers), ...(req.responseSink ? {} : { accept }) };
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
        timeouts: req.timeouts,
        action: req.action,
      });
      const to = req.followRedirects && req.method === 'GET' && isRedirect(res.status) && hops < MAX_REDIRECTS ? redirectLocation(res.headers.location, url) : undefined;
      if (to) {
        // The token goes to the first origin only (above); the target must still not be plain http elsewhere.
        if (!mayFollowWithoutCredentials(new URL(url), to)) throw refusedRedirect({ from: new URL(url).origin, to, status: res.status, what: 'request' });
        url = to.href;
        continue;
      }
      if (req.responseSink && res.status >= 200 && res.status < 300) return {};
      return decodeResponse(res, { action: req.action, expect: format });
    }
  }
}

function lowerCaseKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (k.toLowerCase() !== 'x-tableau-auth') out[k.toLowerCase()] = v;
  return out;
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
