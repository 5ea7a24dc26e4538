import { TableauError } from '../errors';
import { nullLogger, type Logger } from '../logger';
import type { SignInResult } from '../models';
import type { TableauRestApi } from '../api/restApi';
import { describeCredential, type Credential } from './credentials';
import { abortable } from './abortable';

export interface SessionOptions {
  api: TableauRestApi;
  credential: Credential;
  siteContentUrl: string;
  impersonateUserId?: string;
  /** Connected app: scopes to mint (default: read + download + publish). */
  scopes?: string[];
  logger?: Logger;
}

/**
 * One signed-in Tableau session per (connection, site, acting user).
 * Sign-in is single-flight: concurrent callers share one sign-in, so a PAT (one live
 * session per token on the server) never has two sign-ins racing from here.
 */
export class TableauSession {
  readonly api: TableauRestApi;
  private readonly opts: SessionOptions;
  private readonly logger: Logger;
  private siteContentUrl: string;
  private auth?: SignInResult;
  private inflight?: Promise<SignInResult>;
  private count = 0;

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.api = opts.api;
    this.logger = opts.logger ?? nullLogger;
    this.siteContentUrl = opts.siteContentUrl;
  }

  /** How many sign-ins this session has made. */
  get signInCount(): number {
    return this.count;
  }

  get credential(): Credential {
    return this.opts.credential;
  }

  get site(): string {
    return this.siteContentUrl;
  }

  current(): SignInResult | undefined {
    return this.auth;
  }

  ensureSignedIn(signal?: AbortSignal): Promise<SignInResult> {
    if (this.auth) return Promise.resolve(this.auth);
    if (!this.inflight) {
      // The shared sign-in does not take one caller's signal: one caller cancelling must not fail the others.
      const p = this.signIn();
      this.inflight = p;
      const clear = (): void => {
        if (this.inflight === p) this.inflight = undefined;
      };
      p.then(clear, clear);
    }
    return abortable(this.inflight, signal);
  }

  private async signIn(): Promise<SignInResult> {
    this.count++;
    const site = this.siteContentUrl;
    const result = await this.api.signIn(this.opts.credential, site, {
      impersonateUserId: this.opts.impersonateUserId,
      scopes: this.opts.scopes,
    });
    // A switchSite during the sign-in wins; otherwise this is the session.
    if (this.siteContentUrl === site) this.auth = result;
    return result;
  }

  /** Drops `failedToken` (if still current) and returns a valid session, signing in at most once for everyone. */
  private renew(failedToken: string, signal?: AbortSignal): Promise<SignInResult> {
    if (this.auth && this.auth.token !== failedToken) return Promise.resolve(this.auth); // someone already renewed
    if (this.auth?.token === failedToken) this.auth = undefined;
    return this.ensureSignedIn(signal);
  }

  /**
   * Runs fn with a valid session. When Tableau says the session is gone (401002 / 401000),
   * signs in again once and replays fn if it is replay-safe; otherwise reports the error.
   */
  async run<T>(fn: (auth: SignInResult) => Promise<T>, opts: { replaySafe: boolean; signal?: AbortSignal }): Promise<T> {
    const auth = await this.ensureSignedIn(opts.signal);
    try {
      return await fn(auth);
    } catch (e) {
      if (!TableauError.is(e, 'sessionExpired')) throw e;
      if (!opts.replaySafe) {
        // Do not repeat a call that may already have taken effect; the next call signs in again.
        if (this.auth?.token === auth.token) this.auth = undefined;
        throw new TableauError({
          reason: 'sessionExpired',
          status: e.status,
          code: e.code,
          message: 'The Tableau session ended during this request, so it was not completed (it is not repeated automatically because it may have partly taken effect). Try again.',
          cause: e,
        });
      }
      this.logger.info(`Tableau session ended (${e.code ?? e.status}); signing in again with ${describeCredential(this.opts.credential)}`);
      const renewed = await this.renew(auth.token, opts.signal);
      try {
        return await fn(renewed);
      } catch (e2) {
        if (!TableauError.is(e2, 'sessionExpired')) throw e2;
        if (this.auth?.token === renewed.token) this.auth = undefined;
        const pat = this.opts.credential.kind === 'pat';
        throw new TableauError({
          reason: 'sessionExpired',
          status: e2.status,
          code: e2.code,
          message: pat
            ? 'The Tableau session ended again right after signing in. Another program or window is probably signing in with the same personal access token (Tableau allows one session per token). Use a separate token for each tool.'
            : 'The Tableau session ended again right after signing in. Try again later.',
          cause: e2,
        });
      }
    }
  }

  /** Moves the session to another site: auth/switchSite, or a new sign-in when that is refused. */
  async switchSite(siteContentUrl: string, signal?: AbortSignal): Promise<SignInResult> {
    if (siteContentUrl === this.siteContentUrl && (this.auth || this.inflight)) return this.ensureSignedIn(signal);
    const current = this.auth ?? (this.inflight ? await abortable(this.inflight, signal).catch(() => undefined) : undefined);
    this.siteContentUrl = siteContentUrl;
    if (!current) return this.ensureSignedIn(signal);
    if (current.siteContentUrl === siteContentUrl) return current;
    try {
      const switched = await this.api.switchSite(current.token, siteContentUrl, signal);
      if (this.siteContentUrl === siteContentUrl) this.auth = switched;
      return switched;
    } catch (e) {
      if (TableauError.is(e, 'forbidden') && e.code === '403070') {
        // Already on that site: keep the session, record the site name.
        const same = { ...current, siteContentUrl };
        if (this.auth?.token === current.token) this.auth = same;
        return same;
      }
      if (!TableauError.is(e, ['sessionExpired', 'forbidden', 'badRequest', 'notFound', 'signInFailed'])) throw e;
      this.logger.info(`switchSite was refused (${e.code ?? e.status}); signing in to site "${siteContentUrl}" instead`);
      if (this.auth?.token === current.token) this.auth = undefined;
      const old = current.token;
      const result = await this.ensureSignedIn(signal);
      // A password or connected-app session would otherwise stay open on the server.
      if (this.opts.credential.kind !== 'pat') await this.api.signOut(old).catch(() => undefined);
      return result;
    }
  }

  /** Ends the server session. A session that already ended (401) is fine. */
  async signOut(): Promise<void> {
    if (this.inflight) await this.inflight.catch(() => undefined);
    const auth = this.auth;
    this.auth = undefined;
    if (!auth) return;
    try {
      await this.api.signOut(auth.token);
    } catch (e) {
      if (!TableauError.is(e, ['sessionExpired', 'signInFailed'])) throw e;
    }
  }
}
