/**
 * The one place the client stack is put together: HttpClient → TableauRestApi →
 * TableauSession → TableauClient. The CLI, the extension's session pool and the tests
 * all build theirs here, so a new layer option is wired once.
 */
import { TableauClient, type ClientOptions } from './api/client';
import { TableauRestApi } from './api/restApi';
import { TableauSession, type SessionOptions } from './auth/session';
import { HttpClient, type HttpClientOptions } from './http/httpClient';
import { parseServerAddress, type ServerAddress } from './http/serverAddress';
import type { LimitNames } from './limits';
import type { Logger } from './logger';

/** The part of a stack one server connection shares between its sessions. */
export interface TableauTransport {
  readonly http: HttpClient;
  readonly api: TableauRestApi;
}

export interface TransportOptions {
  /** The server: an address already parsed, or what the user typed. */
  server: ServerAddress | string;
  /** Timeouts, size limits, proxy, CA, User-Agent (the logger is `logger` below). */
  http?: Omit<HttpClientOptions, 'logger'>;
  /** Skips the serverInfo call that finds the API version. */
  apiVersion?: string;
  /** Answer format of single items and sign-in (default xml). */
  format?: 'xml' | 'json';
  logger?: Logger;
  /** How the user raises each limit (a CLI flag, a setting), named in messages; for every layer whose own options name none. */
  limitNames?: LimitNames;
}

/** What one session signs in as, and its client's options. */
export type SessionFields = Omit<SessionOptions, 'api' | 'logger'> & {
  /** Listing limits, retry policy, list format. */
  client?: ClientOptions;
};

/** A stack on a new transport, or on one shared with other sessions of the same connection. */
export type CreateClientOptions = SessionFields &
  (TransportOptions | { transport: TableauTransport; logger?: Logger; limitNames?: LimitNames });

export interface TableauStack extends TableauTransport {
  readonly session: TableauSession;
  readonly client: TableauClient;
  /**
   * Signs out, then closes the transport; each wait is bounded by `waitMs` (default 5 s),
   * after which what is pending is destroyed, so a hung server never keeps the caller.
   * Only for a stack that owns its transport.
   */
  close(opts?: { waitMs?: number }): Promise<void>;
}

const CLOSE_WAIT_MS = 5000;

export function createTransport(opts: TransportOptions): TableauTransport {
  const server = typeof opts.server === 'string' ? parseServerAddress(opts.server) : opts.server;
  const http = new HttpClient({ ...opts.http, logger: opts.logger, limitNames: opts.http?.limitNames ?? opts.limitNames });
  const api = new TableauRestApi({ server, http, apiVersion: opts.apiVersion, format: opts.format, logger: opts.logger });
  return { http, api };
}

export function createClient(opts: CreateClientOptions): TableauStack {
  const { http, api } = 'transport' in opts ? opts.transport : createTransport(opts);
  const { logger } = opts;
  const session = new TableauSession({
    api,
    credential: opts.credential,
    siteContentUrl: opts.siteContentUrl,
    impersonateUserId: opts.impersonateUserId,
    scopes: opts.scopes,
    logger,
  });
  const client = new TableauClient(session, { ...opts.client, limitNames: opts.client?.limitNames ?? opts.limitNames });
  return {
    http,
    api,
    session,
    client,
    async close({ waitMs = CLOSE_WAIT_MS } = {}) {
      // signOut also waits for a sign-in still under way, so no session is left open.
      const signedOut = session.signOut().catch((err: unknown) => logger?.debug(`Sign-out failed: ${(err as Error).message}`));
      const done = await within(signedOut, waitMs);
      if (!done) logger?.debug('Sign-out did not finish in time; not waiting for it.');
      if (!done || !(await within(http.close(), waitMs))) await http.destroy();
    },
  };
}

/** true when p settled within ms. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  return Promise.race([p.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
}
