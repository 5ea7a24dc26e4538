/**
 * Sign-in and sessions: password, PAT (one live session per PAT), Connected App JWT
 * (jose, HS256), impersonation, idle timeout, token checks and connected-app scopes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { SimConnectedAppConfig, SimPatConfig } from './config';
import type { SiteRec, Store, UserRec } from './store';
import { attr, child, errors } from './wire';

export interface Session {
  token: string;
  siteId: string;
  /** The acting user (the impersonated one when impersonating). */
  userId: string;
  /** Who signed in. */
  authUserId: string;
  credentialName: string;
  patName?: string;
  /** Connected-app scopes; undefined = not restricted. */
  scopes?: string[];
  lastUsed: number;
}

const MAX_JWT_AHEAD_MS = 10 * 60_000;
const CLOCK_SKEW_MS = 30_000;

function secretEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Auth {
  readonly sessions = new Map<string, Session>();
  private readonly patLive = new Map<string, string>();
  private readonly pats = new Map<string, SimPatConfig>();
  private readonly apps: SimConnectedAppConfig[];
  private readonly usedJti = new Set<string>();
  signIns: Record<string, number> = {};
  /** Every session token handed out, in order (tests scan output for them). */
  readonly issuedTokens: string[] = [];
  readonly idleTimeoutMs: number;

  constructor(private readonly store: Store) {
    for (const p of store.config.pats ?? []) this.pats.set(p.name, { ...p });
    this.apps = (store.config.connectedApps ?? []).map((a) => ({ ...a }));
    this.idleTimeoutMs = store.config.sessionIdleTimeoutMs ?? 240 * 60_000;
  }

  revokePat(name: string): void {
    const p = this.pats.get(name);
    if (!p) throw errors.notFound('404000', `No personal access token named '${name}'.`);
    p.revoked = true;
    const live = this.patLive.get(name);
    if (live) this.sessions.delete(live);
    this.patLive.delete(name);
  }

  /** Ends every session on the site (its tokens then get 401002). */
  endSiteSessions(siteId: string): void {
    for (const s of [...this.sessions.values()]) if (s.siteId === siteId) this.endSession(s.token);
  }

  expireAll(): void {
    this.sessions.clear();
    this.patLive.clear();
  }

  endSession(token: string): void {
    const s = this.sessions.get(token);
    if (!s) return;
    this.sessions.delete(token);
    if (s.patName && this.patLive.get(s.patName) === token) this.patLive.delete(s.patName);
  }

  liveSessions(): number {
    this.sweep();
    return this.sessions.size;
  }

  private sweep(now = Date.now()): void {
    for (const s of this.sessions.values()) if (now - s.lastUsed > this.idleTimeoutMs) this.endSession(s.token);
  }

  private site(contentUrl: string): SiteRec {
    const site = this.store.siteByContentUrl.get(contentUrl);
    if (!site) throw errors.unauthorized('401001', `Error signing in to Tableau Server: no site with contentUrl '${contentUrl}'.`);
    return site;
  }

  /** Verifies `credentials` (parsed tsRequest.credentials) and opens a session. */
  async signIn(credentials: Record<string, unknown> | undefined): Promise<Session> {
    if (!credentials) throw errors.badRequest('Payload is either malformed or incomplete: missing credentials element.');
    const siteEl = child(credentials, 'site');
    const site = this.site(attr(siteEl, 'contentUrl') ?? '');
    let user: UserRec;
    let credentialName: string;
    let patName: string | undefined;
    let scopes: string[] | undefined;
    const patNameAttr = attr(credentials, 'personalAccessTokenName');
    const jwt = attr(credentials, 'jwt');
    if (patNameAttr !== undefined) {
      const pat = this.pats.get(patNameAttr);
      const secret = attr(credentials, 'personalAccessTokenSecret') ?? '';
      if (!pat || !secretEquals(pat.secret, secret)) throw errors.unauthorized('401001', 'Error signing in to Tableau Server: invalid personal access token.');
      if (pat.revoked) throw errors.unauthorized('401001', 'Error signing in to Tableau Server: the personal access token has been revoked.');
      if (pat.expiresAt && Date.parse(pat.expiresAt) <= Date.now()) throw errors.unauthorized('401001', 'Error signing in to Tableau Server: the personal access token has expired.');
      if (pat.site !== undefined && pat.site !== site.contentUrl) throw errors.unauthorized('401001', 'Error signing in to Tableau Server: the personal access token is not valid for this site.');
      user = this.userOrFail(pat.user);
      credentialName = patName = pat.name;
    } else if (jwt !== undefined) {
      const r = await this.verifyJwt(jwt);
      user = r.user;
      scopes = r.scopes;
      credentialName = r.clientId;
    } else {
      const name = attr(credentials, 'name');
      const password = attr(credentials, 'password');
      if (name === undefined || password === undefined) throw errors.badRequest('Payload is either malformed or incomplete: credentials need name and password, a personal access token, or a jwt.');
      const u = this.store.userByName.get(name.toLowerCase());
      if (!u || u.password === undefined || !secretEquals(u.password, password)) throw errors.unauthorized('401001', 'Error signing in to Tableau Server: invalid username or password.');
      user = u;
      credentialName = u.name;
    }
    this.signIns[credentialName] = (this.signIns[credentialName] ?? 0) + 1;
    if (!this.store.roleOn(user, site.id)) throw errors.unauthorized('401001', `Error signing in to Tableau Server: the user is not a member of site '${site.contentUrl}'.`);

    let acting = user;
    const imp = child(credentials, 'user');
    const impId = attr(imp, 'id');
    if (impId !== undefined) {
      if (!user.isServerAdmin) throw errors.forbidden('403000', 'Only server administrators can impersonate users.');
      const target = this.store.users.get(impId);
      if (!target || !this.store.roleOn(target, site.id)) throw errors.notFound('404002', `User '${impId}' could not be found on this site.`);
      acting = target;
    }

    if (patName) {
      // One live session per PAT: the newer sign-in ends the older one.
      const previous = this.patLive.get(patName);
      if (previous) this.sessions.delete(previous);
    }
    return this.open({ siteId: site.id, userId: acting.id, authUserId: user.id, credentialName, patName, scopes });
  }

  private open(s: Omit<Session, 'token' | 'lastUsed'>): Session {
    const token = `${randomBytes(16).toString('base64url')}|${randomBytes(16).toString('hex')}|${s.siteId}`;
    const session: Session = { ...s, token, lastUsed: Date.now() };
    this.sessions.set(token, session);
    this.issuedTokens.push(token);
    if (s.patName) this.patLive.set(s.patName, token);
    return session;
  }

  /** switchSite: a new session on another site for the same user; the old token ends. */
  switchSite(current: Session, contentUrl: string): Session {
    const site = this.store.siteByContentUrl.get(contentUrl);
    if (!site) throw errors.unauthorized('401001', `Error switching sites: no site with contentUrl '${contentUrl}'.`);
    if (site.id === current.siteId) throw errors.forbidden('403070', `The session is already signed in to site '${contentUrl}'.`);
    const user = this.store.users.get(current.userId)!;
    if (!this.store.roleOn(user, site.id)) throw errors.unauthorized('401001', `The user is not a member of site '${contentUrl}'.`);
    this.endSession(current.token);
    const { token: _t, lastUsed: _l, ...rest } = current;
    return this.open({ ...rest, siteId: site.id });
  }

  private userOrFail(name: string): UserRec {
    const u = this.store.userByName.get(name.toLowerCase());
    if (!u) throw errors.unauthorized('401001', 'Error signing in to Tableau Server: the credential owner no longer exists.');
    return u;
  }

  private async verifyJwt(jwt: string): Promise<{ user: UserRec; scopes: string[]; clientId: string }> {
    const fail = (errorCode: string, why: string) => errors.unauthorized('401001', `Error signing in to Tableau Server (errorCode=${errorCode}): ${why}`);
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(jwt);
    } catch {
      throw fail('10084', 'JWT_PARSE_ERROR: the token is not a JWT.');
    }
    if (header.alg !== 'HS256') throw fail('10084', 'JWT_PARSE_ERROR: the algorithm must be HS256.');
    const byKid = this.apps.find((a) => a.secretId === header.kid);
    const iss = typeof header.iss === 'string' ? header.iss : undefined;
    if (!byKid) {
      if (iss && !this.apps.some((a) => a.clientId === iss)) throw fail('126', 'CONNECTED_APP_NOT_FOUND.');
      throw fail('127', 'CONNECTED_APP_SECRET_NOT_FOUND.');
    }
    if (byKid.enabled === false) throw fail('126', 'CONNECTED_APP_NOT_FOUND: the connected app is disabled.');
    let payload: Record<string, unknown>;
    try {
      const r = await jwtVerify(jwt, new TextEncoder().encode(byKid.secretValue), {
        algorithms: ['HS256'], audience: 'tableau', issuer: byKid.clientId, requiredClaims: ['exp', 'sub', 'jti'], clockTolerance: CLOCK_SKEW_MS / 1000,
      });
      payload = r.payload as Record<string, unknown>;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw fail('10085', 'the token has expired.');
      if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw fail('16', 'LOGIN_FAILED: bad signature.');
      throw fail('10084', `JWT_PARSE_ERROR: ${e instanceof Error ? e.message.replace(/eyJ[\w.-]+/g, '…') : 'invalid claims'}.`);
    }
    const exp = Number(payload.exp) * 1000;
    if (exp - Date.now() > MAX_JWT_AHEAD_MS + CLOCK_SKEW_MS) throw fail('10087', 'the token expires more than 10 minutes ahead.');
    if (!Array.isArray(payload.scp) || !payload.scp.every((s) => typeof s === 'string')) throw fail('10084', 'JWT_PARSE_ERROR: scp must be a JSON array of strings.');
    const jti = String(payload.jti);
    if (this.usedJti.has(jti)) throw fail('10083', 'the token (jti) has already been used.');
    this.usedJti.add(jti);
    const user = this.store.userByName.get(String(payload.sub).toLowerCase());
    if (!user) throw fail('16', 'LOGIN_FAILED: unknown user in sub.');
    return { user, scopes: payload.scp as string[], clientId: byKid.clientId };
  }

  /** The session of a request: 401000 without a token, 401002 for an unknown or idle one. */
  authenticate(req: IncomingMessage): Session {
    const raw = req.headers['x-tableau-auth'];
    const token = Array.isArray(raw) ? raw[0] : raw;
    if (!token) throw errors.unauthorized('401000', 'Authentication credentials were missing or incomplete.');
    const s = this.sessions.get(token);
    const now = Date.now();
    if (!s) throw errors.unauthorized('401002', 'Invalid authentication credentials were provided.');
    if (now - s.lastUsed > this.idleTimeoutMs) {
      this.endSession(token);
      throw errors.unauthorized('401002', 'Invalid authentication credentials were provided.');
    }
    s.lastUsed = now;
    return s;
  }
}

/** Connected-app sessions must hold one of these scopes ("x:y:*" wildcards allowed). */
export function requireScope(s: Session, anyOf: string[]): void {
  if (!s.scopes) return;
  const ok = s.scopes.some((have) => anyOf.some((want) => have === want || (have.endsWith(':*') && want.startsWith(have.slice(0, -1)))));
  if (!ok) throw errors.forbidden('403000', `The access scopes of this session do not allow this call (needs one of: ${anyOf.join(', ')}).`);
}
