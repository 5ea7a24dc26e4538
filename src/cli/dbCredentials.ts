/**
 * Database credentials the CLI embeds in published content, for connections that need them
 * (live database connections). They come from the environment or from a JSON file, never
 * from a flag: flags end up in shell history and process lists. Every password is registered
 * with the redactor the moment it is read, and no message quotes the file's content.
 *
 * The file names its hosts. The environment's one login does not, and the workbook being
 * published chooses its own hosts: so that login goes only to the hosts TABLEAU_DB_HOSTS
 * allows, or, without that variable, to a file whose connections name exactly one host.
 */
import { readFileSync, statSync } from 'node:fs';
import { TableauError } from '../core/errors';
import { globalRedactor, type Logger } from '../core/logger';
import { credentialHosts, type DataConnection } from '../core/package/inspect';
import type { ConnectionCredentials } from '../core/publish/payload';

interface DbLogin {
  username: string;
  password: string;
  embed: boolean;
}

/** Logins by connection: `host:port` or `host` (lower case) from the file, then one from the environment for the hosts it may go to. */
export interface DbCredentialSource {
  byServer: Map<string, DbLogin>;
  fallback?: DbLogin;
  /** TABLEAU_DB_HOSTS: `host`, `*.domain`, either with `:port`. Unset: only a file with one host gets the fallback. */
  fallbackHosts?: HostPattern[];
}

interface HostPattern {
  /** Lower case; a leading `*.` matches any subdomain (not the domain itself). */
  host: string;
  port?: string;
}

/** Which connections got a login (`host:port`, no secret) and which were left without one because of the host rule. */
export interface DbCredentialChoice {
  credentials: ConnectionCredentials[];
  /** `host:port` (or `host`) of each login chosen, with where it came from. */
  sentTo: { host: string; from: 'file' | 'environment' }[];
  /** Hosts that need credentials and would have had the environment's login without the host rule. */
  withheld: string[];
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

const HOST_PATTERN = /^(\*\.)?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/;

function hostPatterns(v: string | undefined): HostPattern[] | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  return v.split(',').map((raw) => raw.trim().toLowerCase()).filter(Boolean).map((p) => {
    if (!HOST_PATTERN.test(p)) throw bad(`TABLEAU_DB_HOSTS: "${p}" is not a host name, *.domain or host:port.`);
    const m = /^(.*?)(?::(\d+))?$/.exec(p)!;
    return { host: m[1], port: m[2] };
  });
}

function hostAllowed(patterns: readonly HostPattern[], host: string, port: string | undefined): boolean {
  return patterns.some((p) => {
    if (p.port && p.port !== (port ?? '')) return false;
    return p.host.startsWith('*.') ? host.endsWith(p.host.slice(1)) && host.length > p.host.length - 1 : host === p.host;
  });
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
  const fallbackHosts = hostPatterns(env.TABLEAU_DB_HOSTS);
  const byServer = file ? fromFile(file, log) : new Map<string, DbLogin>();
  return fallback || byServer.size ? { byServer, fallback, fallbackHosts } : undefined;
}

/** Credentials for every connection of a file that needs them and has a login it may get; one per server and port. */
export function credentialsFor(source: DbCredentialSource, connections: readonly DataConnection[]): DbCredentialChoice {
  const out: DbCredentialChoice = { credentials: [], sentTo: [], withheld: [] };
  const needing = connections.filter((c) => c.needsCredentials);
  const hosts = credentialHosts(connections);
  const seen = new Set<string>();
  for (const c of needing) {
    const host = (c.server ?? '').toLowerCase();
    const key = `${host}:${c.port ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where = c.port ? `${host}:${c.port}` : host || '(no server)';
    let login = (c.port ? source.byServer.get(`${host}:${c.port}`) : undefined) ?? source.byServer.get(host);
    let from: 'file' | 'environment' = 'file';
    if (!login && source.fallback) {
      const allowed = source.fallbackHosts ? hostAllowed(source.fallbackHosts, host, c.port) : hosts.size === 1;
      if (allowed) {
        login = source.fallback;
        from = 'environment';
      } else out.withheld.push(where);
    }
    if (!login) continue;
    out.credentials.push({ serverAddress: c.server, serverPort: c.port, username: login.username, password: login.password, embed: login.embed, oAuth: c.isOAuth || undefined });
    out.sentTo.push({ host: where, from });
  }
  return out;
}
