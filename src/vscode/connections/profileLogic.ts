// Connection rules that need no VS Code: validation, PAT expiry, labels, web URLs,
// credentials. Unit-tested with plain mocha (test/unit/vscodeLogic/).
import type { AccessPurpose } from '../../core/auth/jwt';
import { randomUUID } from 'node:crypto';
import type { Credential } from '../../core/auth/credentials';
import { hostOf, isLoopbackHost } from '../../core/http/serverAddress';
import type { ConnectionProfile } from './connectionManager';
import { PROFILES_KEY } from './storageKeys';

export type AuthKind = ConnectionProfile['authKind'];
export const AUTH_KINDS: readonly AuthKind[] = ['pat', 'password', 'connectedApp'];

/** Warn this many days ahead of a PAT's expiry date. */
export const PAT_WARN_DAYS = 7;

export function newConnectionId(): string {
  return randomUUID();
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD as a local calendar day; undefined when not a real date. */
export function parseDay(text: string): Date | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  // Date rolls 2025-02-30 over to March: refuse it instead.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return undefined;
  return date;
}

/** The local calendar day of `now` as YYYY-MM-DD. */
export function dayKey(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Problem with an entered expiry date, or undefined when it is fine (empty means "not known"). */
export function expiryDateProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  return parseDay(text) ? undefined : 'Use the form YYYY-MM-DD, e.g. 2026-12-31, or leave it empty.';
}

export interface PatExpiry {
  /** Whole days from today to the expiry day; 0 = expires today, negative = past. */
  daysLeft: number;
  expired: boolean;
}

export function patExpiry(expiresOn: string | undefined, now: Date): PatExpiry | undefined {
  if (!expiresOn) return undefined;
  const end = parseDay(expiresOn);
  if (!end) return undefined;
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  // Round: a DST change makes a "day" 23 or 25 hours long.
  const daysLeft = Math.round((end.getTime() - today.getTime()) / 86_400_000);
  return { daysLeft, expired: daysLeft < 0 };
}

/**
 * Whether to warn now about a PAT's expiry: within PAT_WARN_DAYS (or past), and not
 * already warned today for this connection.
 */
export function patWarningDue(profile: ConnectionProfile, now: Date, lastWarnedDay: string | undefined): PatExpiry | undefined {
  if (profile.authKind !== 'pat') return undefined;
  const exp = patExpiry(profile.patExpiresOn, now);
  if (!exp || exp.daysLeft > PAT_WARN_DAYS) return undefined;
  if (lastWarnedDay === dayKey(now)) return undefined;
  return exp;
}

export function labelProblem(label: string, others: readonly ConnectionProfile[], selfId?: string): string | undefined {
  const l = label.trim();
  if (!l) return 'Give the connection a name.';
  if (l.length > 80) return 'Keep the name under 80 characters.';
  if (others.some((p) => p.id !== selfId && p.label.toLowerCase() === l.toLowerCase())) {
    return `A connection named "${l}" already exists.`;
  }
  return undefined;
}

/** Site content URLs are short URL-safe names; "" is the default site. */
export function siteProblem(site: string): string | undefined {
  if (site === '') return undefined;
  return /^[A-Za-z0-9_.-]+$/.test(site) ? undefined : 'A site content URL holds only letters, digits, "-", "_" and ".".';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The sign-in fields each auth kind uses. */
const AUTH_FIELDS: Record<AuthKind, readonly (keyof ConnectionProfile)[]> = {
  pat: ['patName', 'patExpiresOn'],
  password: ['username'],
  connectedApp: ['clientId', 'secretId', 'username'],
};
const ALL_AUTH_FIELDS = ['patName', 'patExpiresOn', 'username', 'clientId', 'secretId'] as const;

/** Deletes the fields of the other auth kinds, so a profile switched from PAT to password keeps no token name. */
export function dropOtherAuthFields(p: ConnectionProfile): void {
  for (const k of ALL_AUTH_FIELDS) if (!AUTH_FIELDS[p.authKind].includes(k)) delete p[k];
}

/**
 * Reads one stored profile defensively (globalState may hold data from an older version
 * or be edited by hand). Returns undefined for anything unusable.
 */
export function profileFromStored(v: unknown): ConnectionProfile | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const id = str(o.id);
  const label = str(o.label);
  const serverUrl = str(o.serverUrl);
  const authKind = o.authKind as AuthKind;
  if (!id || !label || !serverUrl || !AUTH_KINDS.includes(authKind)) return undefined;
  if (!/^https?:\/\//i.test(serverUrl)) return undefined;
  const p: ConnectionProfile = {
    id,
    label,
    serverUrl: serverUrl.replace(/\/+$/, ''),
    siteContentUrl: typeof o.siteContentUrl === 'string' ? o.siteContentUrl : '',
    authKind,
    readOnly: o.readOnly === true,
  };
  for (const k of [...ALL_AUTH_FIELDS, 'caFile'] as const) {
    const s = str(o[k]);
    if (s) p[k] = s;
  }
  return profileProblems(p).length ? undefined : p;
}

/** The profiles kept in globalState (`PROFILES_KEY`), dropping any that no longer parse. */
export function storedProfiles(state: { get<T>(key: string, defaultValue: T): T }): ConnectionProfile[] {
  const raw = state.get<unknown>(PROFILES_KEY, []);
  return (Array.isArray(raw) ? raw : []).map(profileFromStored).filter((p): p is ConnectionProfile => p !== undefined);
}

/** The active connection: the one stored as active while it exists, else the first. */
export function activeProfile(profiles: readonly ConnectionProfile[], activeId: string | undefined): ConnectionProfile | undefined {
  return profiles.find((p) => p.id === activeId) ?? profiles[0];
}

/** What a profile lacks for its auth kind (non-secret fields only). */
export function profileProblems(p: ConnectionProfile): string[] {
  const out: string[] = [];
  const site = siteProblem(p.siteContentUrl);
  if (site) out.push(site);
  if (p.authKind === 'pat' && !p.patName) out.push('A token name is needed.');
  if (p.authKind === 'password' && !p.username) out.push('A username is needed.');
  if (p.authKind === 'connectedApp') {
    if (!p.clientId) out.push('A client ID is needed.');
    if (!p.secretId) out.push('A secret ID is needed.');
    if (!p.username) out.push('A Tableau username is needed.');
  }
  if (p.patExpiresOn && !parseDay(p.patExpiresOn)) out.push('The token expiry date is not a YYYY-MM-DD date.');
  return out;
}

/** Builds the core credential from a profile and its one secret. */
export function credentialFor(p: ConnectionProfile, secret: string, actAsUserName?: string): Credential {
  switch (p.authKind) {
    case 'pat':
      return { kind: 'pat', tokenName: p.patName ?? '', tokenSecret: secret };
    case 'password':
      return { kind: 'password', username: p.username ?? '', password: secret };
    case 'connectedApp':
      // A connected app acts for whoever the JWT names: impersonation is a different `sub`.
      return {
        kind: 'connectedApp',
        clientId: p.clientId ?? '',
        secretId: p.secretId ?? '',
        secretValue: secret,
        username: actAsUserName ?? p.username ?? '',
      };
  }
}

/** "user @ host/site" for the Accounts menu; the PAT name stands in when the username is unknown. */
export function accountLabel(p: ConnectionProfile, siteContentUrl = p.siteContentUrl, userName?: string): string {
  const host = hostOf(p.serverUrl);
  const who = userName ?? p.username ?? (p.patName ? `token ${p.patName}` : p.label);
  return `${who} @ ${host}${siteContentUrl ? `/${siteContentUrl}` : ''}`;
}

export function sitePrefix(siteContentUrl: string): string {
  return siteContentUrl ? `/site/${encodeURIComponent(siteContentUrl)}` : '';
}

/** {server}/#/site/{site}, the root every web UI address of a site starts with; the default site drops /site/... */
function siteWebUrl(serverUrl: string, siteContentUrl: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/#${sitePrefix(siteContentUrl)}`;
}

/**
 * A view's page in the web UI: {server}/#/site/{site}/views/{workbook}/{sheet}, from the view's
 * contentUrl ("Workbook/sheets/Sheet"), which is what the web UI addresses views by; the
 * default site drops /site/...
 */
export function viewWebUrl(serverUrl: string, siteContentUrl: string, contentUrl: string): string {
  return `${siteWebUrl(serverUrl, siteContentUrl)}/views/${contentUrl.replace('/sheets/', '/')}`;
}

/** The site's list of projects, workbooks or data sources in the web UI. */
export function contentListWebUrl(serverUrl: string, siteContentUrl: string, kind: 'project' | 'workbook' | 'datasource' | 'flow'): string {
  const seg = kind === 'workbook' ? 'workbooks' : kind === 'datasource' ? 'datasources' : kind === 'flow' ? 'flows' : 'projects';
  return `${siteWebUrl(serverUrl, siteContentUrl)}/${seg}`;
}

/**
 * The page Tableau names for an item (its `webpageUrl`), when it is an http(s) address on the
 * connection's own server; otherwise undefined. The web UI addresses workbooks, data sources and
 * flows by a repository number that only this attribute carries (Tableau's recorded answers read
 * `#/site/example/workbooks/265605`), so the address cannot be built from the LUID; and a link a
 * server gives to another origin is not opened on its word.
 */
export function trustedWebpageUrl(serverUrl: string, webpageUrl: string | undefined): string | undefined {
  if (!webpageUrl) return undefined;
  try {
    const page = new URL(webpageUrl);
    if (page.protocol !== 'https:' && page.protocol !== 'http:') return undefined;
    return page.origin === new URL(serverUrl).origin ? page.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where to send someone to create a PAT. Tableau keeps PATs on the user's "My Account
 * Settings" page, whose address holds the user's domain and name (not known for a new
 * token), so this opens the site home, from which the profile menu leads there.
 */
export function tokenPageUrl(serverUrl: string, siteContentUrl: string): string {
  return siteHomeWebUrl(serverUrl, siteContentUrl);
}

/** The site's home page in the web UI. */
export function siteHomeWebUrl(serverUrl: string, siteContentUrl: string): string {
  return `${siteWebUrl(serverUrl, siteContentUrl)}/home`;
}

/** Pool key: one core session per (connection, site, acting user). */
export function sessionKey(connectionId: string, siteContentUrl: string, actAsUserId?: string, purpose?: AccessPurpose): string {
  return `${connectionId}\u0000${siteContentUrl}\u0000${actAsUserId ?? ''}\u0000${purpose ?? ''}`;
}

/** A secret over plain http to a host that is not this machine is readable on the wire. */
export function sendsSecretInClear(serverUrl: string): boolean {
  let u: URL;
  try {
    u = new URL(serverUrl);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
}
