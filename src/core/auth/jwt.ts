import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TableauError } from '../errors';
import { globalRedactor } from '../logger';

/** Scope sets for connected-app JWTs: mint only what the next action needs. */
export const READ_SCOPES: readonly string[] = Object.freeze([
  'tableau:content:read',
  'tableau:projects:read',
  'tableau:jobs:read',
  'tableau:users:read',
]);
export const PUBLISH_SCOPES: readonly string[] = Object.freeze([
  'tableau:workbooks:create',
  'tableau:datasources:create',
  'tableau:datasources:update',
  'tableau:file_uploads:create',
  'tableau:projects:create',
  'tableau:jobs:read',
  // Tags go on right after a publish, in the same session (scope names as tableau/tableau-mcp uses them).
  'tableau:workbook_tags:update',
  'tableau:datasource_tags:update',
]);
export const DOWNLOAD_SCOPES: readonly string[] = Object.freeze(['tableau:workbooks:download', 'tableau:datasources:download']);
export const DELETE_SCOPES: readonly string[] = Object.freeze(['tableau:workbooks:delete', 'tableau:datasources:delete']);
export const REFRESH_SCOPES: readonly string[] = Object.freeze(['tableau:tasks:run', 'tableau:jobs:read']);
/** What a session is for: a connected app's JWT carries only the scopes that purpose needs. */
export type AccessPurpose = 'read' | 'publish' | 'download' | 'delete' | 'refresh';

/** Least privilege: the read scopes (to find things) plus the purpose's own. */
export function scopesFor(purpose: AccessPurpose): string[] {
  const own: Record<AccessPurpose, readonly string[]> = {
    read: [],
    publish: PUBLISH_SCOPES,
    download: DOWNLOAD_SCOPES,
    delete: DELETE_SCOPES,
    refresh: REFRESH_SCOPES,
  };
  return [...new Set([...READ_SCOPES, ...own[purpose]])];
}

/** The default for a general-purpose session: browse, download and publish (not delete). */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze([...new Set([...READ_SCOPES, ...DOWNLOAD_SCOPES, ...PUBLISH_SCOPES])]);

export interface ConnectedAppJwtInput {
  clientId: string;
  secretId: string;
  secretValue: string;
  username: string;
  scopes: readonly string[];
  /** Seconds the token is valid; capped at 300 (Tableau accepts at most 10 minutes). */
  lifetimeSeconds?: number;
  /** For tests. */
  now?: Date;
}

const MAX_LIFETIME_SECONDS = 300;

/** Mints a fresh connected-app (direct trust) JWT. Call it for every sign-in: a jti may be used once. */
export async function mintConnectedAppJwt(input: ConnectedAppJwtInput): Promise<string> {
  if (!input.clientId || !input.secretId || !input.secretValue || !input.username) {
    throw new TableauError({ reason: 'invalidArgument', message: 'A connected app sign-in needs the client ID, secret ID, secret value and a user name.' });
  }
  if (input.scopes.length === 0) {
    throw new TableauError({ reason: 'invalidArgument', message: 'A connected app token needs at least one scope.' });
  }
  globalRedactor.addSecret(input.secretValue);
  const lifetime = Math.max(1, Math.min(input.lifetimeSeconds ?? MAX_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS));
  const nowSec = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const jwt = await new SignJWT({ scp: [...input.scopes] })
    .setProtectedHeader({ alg: 'HS256', kid: input.secretId, iss: input.clientId })
    .setIssuer(input.clientId)
    .setSubject(input.username)
    .setAudience('tableau')
    .setIssuedAt(nowSec)
    .setExpirationTime(nowSec + lifetime)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(input.secretValue));
  globalRedactor.addSecret(jwt);
  return jwt;
}
