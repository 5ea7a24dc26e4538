import type { ClientOptions, TableauClient } from '../../core/api/client';
import type { TableauRestApi } from '../../core/api/restApi';
import type { Credential } from '../../core/auth/credentials';
import { type AccessPurpose, scopesFor } from '../../core/auth/jwt';
import type { TableauSession } from '../../core/auth/session';
import { createClient, createTransport, type TableauTransport } from '../../core/createClient';
import type { HttpClientOptions } from '../../core/http/httpClient';
import type { Logger } from '../../core/logger';
import type { SignInResult } from '../../core/models';
import type { ConnectionProfile } from './connectionManager';
import { sessionKey } from './profileLogic';

export interface ActingUser {
  id: string;
  name: string;
}

export interface SessionPoolDeps {
  logger: Logger;
  /** The credential to sign in with (loads the secret); throws when it is missing. */
  credential(profile: ConnectionProfile, actAs?: ActingUser): Promise<Credential>;
  /** HTTP options for a connection (proxy, CA file, timeouts); reads files, may throw. */
  httpOptions(profile: ConnectionProfile): Promise<HttpClientOptions>;
  /** Options of each client made (listing limits); read when a session is pooled. */
  clientOptions?(): ClientOptions;
  /** Called whenever a session signs in or out. */
  changed(): void;
}

export interface PooledSession {
  readonly connectionId: string;
  readonly siteContentUrl: string;
  readonly actAs?: ActingUser;
  /** Connected apps only: what this session's scopes allow. */
  readonly purpose?: AccessPurpose;
  readonly session: TableauSession;
  readonly client: TableauClient;
}

interface Transport extends TableauTransport {
  /** Profile fields the transport was built from; a change means a new transport. */
  fingerprint: string;
}

function fingerprintOf(profile: Pick<ConnectionProfile, 'serverUrl' | 'caFile'>): string {
  return JSON.stringify([profile.serverUrl, profile.caFile ?? '']);
}

/**
 * One core TableauSession per (connection, site, acting user), shared by every caller in
 * this window, and one HttpClient + TableauRestApi per connection. Sign-in itself is
 * single-flight in the core session. A PAT connection holds at most one session at a
 * time, because Tableau allows one live session per PAT.
 */
export class SessionPool {
  private readonly transports = new Map<string, Promise<Transport>>();
  private readonly sessions = new Map<string, PooledSession>();
  private readonly announced = new WeakMap<TableauSession, string>();

  constructor(private readonly deps: SessionPoolDeps) {}

  /** The pooled session, created (not signed in) when missing. */
  async acquire(profile: ConnectionProfile, siteContentUrl: string, actAs?: ActingUser, purpose: AccessPurpose = 'read'): Promise<PooledSession> {
    // Connected apps allow concurrent sessions, so each purpose gets its own JWT with only
    // the scopes it needs (browsing never holds publish or delete rights). PATs and
    // passwords sign in with the user's full rights whatever the purpose.
    const scoped = profile.authKind === 'connectedApp' ? purpose : undefined;
    const key = sessionKey(profile.id, siteContentUrl, actAs?.id, scoped);
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const transport = await this.transport(profile);
    const credential = await this.deps.credential(profile, actAs);
    // A racing acquire may have made one meanwhile: keep the first.
    const raced = this.sessions.get(key);
    if (raced) return raced;
    const { session, client } = createClient({
      transport,
      credential,
      siteContentUrl,
      // Connected apps impersonate through the JWT's subject instead (see credentialFor).
      impersonateUserId: actAs && profile.authKind !== 'connectedApp' ? actAs.id : undefined,
      scopes: scoped ? scopesFor(scoped) : undefined,
      logger: this.deps.logger,
      client: this.deps.clientOptions?.(),
    });
    const pooled: PooledSession = { connectionId: profile.id, siteContentUrl, actAs, purpose: scoped, session, client };
    this.sessions.set(key, pooled);
    if (profile.authKind === 'pat') {
      // A PAT has ONE live session on the server: a sign-in for another site or acting user
      // ends the previous one (401002). Two pooled sessions would keep killing each other,
      // so the older ones are signed out once the new one is in the pool.
      const others = [...this.sessions.entries()].filter(([k, s]) => s.connectionId === profile.id && k !== key).map(([k]) => k);
      await Promise.all(others.map((k) => this.end(k)));
    }
    return pooled;
  }

  /** Signs in (or reuses the sign-in) and reports a change when this made a new one. */
  async signIn(pooled: PooledSession, signal?: AbortSignal): Promise<SignInResult> {
    const result = await pooled.session.ensureSignedIn(signal);
    // Concurrent callers share one sign-in: announce each token once.
    if (this.announced.get(pooled.session) !== result.token) {
      this.announced.set(pooled.session, result.token);
      this.deps.changed();
    }
    return result;
  }

  /** Moves a session to another site with the core's switchSite, re-keying it in the pool. */
  async switchSite(pooled: PooledSession, toSite: string, signal?: AbortSignal): Promise<PooledSession> {
    const oldKey = sessionKey(pooled.connectionId, pooled.siteContentUrl, pooled.actAs?.id, pooled.purpose);
    const newKey = sessionKey(pooled.connectionId, toSite, pooled.actAs?.id, pooled.purpose);
    const there = this.sessions.get(newKey);
    if (there && there !== pooled) await this.end(newKey);
    await pooled.session.switchSite(toSite, signal);
    const moved: PooledSession = { ...pooled, siteContentUrl: toSite };
    this.sessions.delete(oldKey);
    this.sessions.set(newKey, moved);
    this.deps.changed();
    return moved;
  }

  entries(connectionId?: string): PooledSession[] {
    return [...this.sessions.values()].filter((s) => connectionId === undefined || s.connectionId === connectionId);
  }

  isSignedIn(connectionId: string): boolean {
    return this.entries(connectionId).some((s) => s.session.current() !== undefined);
  }

  /** Signs out every session of a connection and forgets them and its transport. */
  async signOutConnection(connectionId: string): Promise<void> {
    const keys = [...this.sessions.entries()].filter(([, s]) => s.connectionId === connectionId).map(([k]) => k);
    await Promise.all(keys.map((k) => this.end(k)));
    await this.closeTransport(connectionId);
    this.deps.changed();
  }

  /** Signs out everything (deactivate, proxy settings changed). */
  async signOutAll(): Promise<void> {
    const ids = new Set([...this.sessions.values()].map((s) => s.connectionId));
    await Promise.all([...this.sessions.keys()].map((k) => this.end(k)));
    await Promise.all([...this.transports.keys(), ...ids].map((id) => this.closeTransport(id)));
    this.deps.changed();
  }

  private async end(key: string): Promise<void> {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    try {
      await s.session.signOut();
    } catch (e) {
      // The server may have ended it already; the local state is gone either way.
      this.deps.logger.debug(`Sign-out of a session on connection ${s.connectionId} failed: ${String(e)}`);
    }
  }

  private async closeTransport(connectionId: string): Promise<void> {
    const t = this.transports.get(connectionId);
    this.transports.delete(connectionId);
    if (!t) return;
    try {
      await (await t).http.close();
    } catch {
      // A transport that never came up has nothing to close.
    }
  }

  private async transport(profile: ConnectionProfile): Promise<Transport> {
    const fingerprint = fingerprintOf(profile);
    const cached = this.transports.get(profile.id);
    if (cached) {
      try {
        const t = await cached;
        if (t.fingerprint === fingerprint) return t;
      } catch {
        // Build failed last time (e.g. unreadable CA file): try again below.
      }
      await this.signOutConnection(profile.id);
    }
    const made = (async (): Promise<Transport> => {
      const http = await this.deps.httpOptions(profile);
      return { ...createTransport({ server: profile.serverUrl, http, logger: this.deps.logger }), fingerprint };
    })();
    this.transports.set(profile.id, made);
    made.catch(() => {
      if (this.transports.get(profile.id) === made) this.transports.delete(profile.id);
    });
    return made;
  }

  /**
   * The connection's saved address becomes `serverUrl`, where its transport already signs in
   * (a redirected sign-in): the transport and its sessions stay instead of being rebuilt.
   */
  async retarget(profile: ConnectionProfile, serverUrl: string): Promise<void> {
    let t: Transport | undefined;
    try {
      t = await this.transports.get(profile.id);
    } catch {
      return; // never came up: the next use builds one for the new address
    }
    if (t?.api.server.serverUrl === serverUrl) t.fingerprint = fingerprintOf({ serverUrl, caFile: profile.caFile });
  }

  /** The REST API object of a connection (server info, API version). */
  async api(profile: ConnectionProfile): Promise<TableauRestApi> {
    return (await this.transport(profile)).api;
  }
}
