/**
 * Database credentials the CLI embeds in published content, for connections that need them
 * (live database connections). They come from the environment or from a JSON file, never
 * from a flag: flags end up in shell history and process lists. Every password is registered
 * with the redactor the moment it is read, and no message quotes the file's content.
 */
import { readFileSync, statSync } from 'node:fs';
import { TableauError } from '../core/errors';
import { globalRedactor, type Logger } from '../core/logger';
import type { PackageConnection } from '../core/package/inspect';
import type { ConnectionCredentials } from '../core/publish/payload';

interface DbLogin {
  username: string;
  password: string;
  embed: boolean;
}

/** Logins by connection: `host:port` or `host` (lower case) from the file, then one for every other connection from the environment. */
export interface DbCredentialSource {
  byServer: Map<string, DbLogin>;
  fallback?: DbLogin;
}

function bad(message: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message });
}

function embedFlag(v: string | undefined, where: string): boolean {
  if (v === undefined || v === '') return true;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw bad(`${where} must be true or false.`);
}

function fromEnv(env: NodeJS.ProcessEnv): DbLogin | undefined {
  const username = env.TABLEAU_DB_USERNAME || undefined;
  const password = env.TABLEAU_DB_PASSWORD;
  if (password) globalRedactor.addSecret(password);
  if (!username && !password) return undefined;
  if (!username || password === undefined) throw bad('Set both TABLEAU_DB_USERNAME and TABLEAU_DB_PASSWORD, or neither.');
  return { username, password, embed: embedFlag(env.TABLEAU_DB_EMBED, 'TABLEAU_DB_EMBED') };
}

function fromFile(file: string, log: Logger): Map<string, DbLogin> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    // Like ssh with a private key: a secrets file others can read deserves a warning.
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) log.warn(`${file} can be read by other users; consider chmod 600.`);
  } catch (e) {
    throw new TableauError({ reason: 'invalidFile', message: `The database credentials file "${file}" cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).` });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text, which holds passwords: never pass it on.
    throw new TableauError({ reason: 'invalidFile', message: `The database credentials file "${file}" is not valid JSON.` });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new TableauError({ reason: 'invalidFile', message: `The database credentials file "${file}" must hold one JSON object: { "host[:port]": { "username", "password", "embed" } }.` });
  const out = new Map<string, DbLogin>();
  for (const [key, v] of Object.entries(doc as Record<string, unknown>)) {
    const e = (v ?? {}) as Record<string, unknown>;
    if (typeof e.password === 'string') globalRedactor.addSecret(e.password);
    if (typeof e.username !== 'string' || !e.username || typeof e.password !== 'string') {
      throw new TableauError({ reason: 'invalidFile', message: `The database credentials file "${file}": "${key}" needs a "username" and a "password" string.` });
    }
    if (e.embed !== undefined && typeof e.embed !== 'boolean') throw new TableauError({ reason: 'invalidFile', message: `The database credentials file "${file}": "${key}".embed must be true or false.` });
    out.set(key.trim().toLowerCase(), { username: e.username, password: e.password, embed: e.embed !== false });
  }
  return out;
}

/** Undefined when neither the environment nor a file gives credentials. */
export function loadDbCredentials(env: NodeJS.ProcessEnv, file: string | undefined, log: Logger): DbCredentialSource | undefined {
  const fallback = fromEnv(env);
  const byServer = file ? fromFile(file, log) : new Map<string, DbLogin>();
  return fallback || byServer.size ? { byServer, fallback } : undefined;
}

/** Credentials for every connection of a file that needs them and has a login; one per server and port. */
export function credentialsFor(source: DbCredentialSource, connections: readonly PackageConnection[]): ConnectionCredentials[] {
  const out: ConnectionCredentials[] = [];
  const seen = new Set<string>();
  for (const c of connections) {
    if (!c.needsCredentials) continue;
    const host = (c.server ?? '').toLowerCase();
    const key = `${host}:${c.port ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const login = (c.port ? source.byServer.get(`${host}:${c.port}`) : undefined) ?? source.byServer.get(host) ?? source.fallback;
    if (!login) continue;
    out.push({ serverAddress: c.server, serverPort: c.port, username: login.username, password: login.password, embed: login.embed, oAuth: c.isOAuth || undefined });
  }
  return out;
}
