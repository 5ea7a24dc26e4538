/**
 * Data connection rules on the way to the server: everything is checked and the upload prepared
 * before the first byte is sent (a rule matching nothing, a missing password, a published data
 * source missing on the target site, a damaged document: nothing is published); `via: 'rest'`
 * changes are made after the publish with Tableau's Update Connection call.
 */
import { readFile, stat } from 'node:fs/promises';
import { findAfterWrite, type LookupRetryOptions } from '../api/afterWrite';
import { versionAtLeast } from '../api/apiVersion';
import { nameFilter } from '../api/pagination';
import { BULK_UPDATE_CONNECTIONS_MIN_API_VERSION, queryConnections, updateConnection, updateConnections, type ConnectionCredentialsUpdate, type ConnectionsClient, type PublishedConnection } from '../api/connections';
import { TableauError } from '../errors';
import { globalRedactor } from '../logger';
import type { ContentKind, DataSource } from '../models';
import type { PackageInfo } from '../package/inspect';
import type { ByteSource } from '../publish/multipart';
import type { ConnectionCredentials } from '../publish/payload';
import { documentSource, rewritePackage } from './packageRewrite';
import { rewriteDocument, type AppliedConnectionChange, type PublishedDataSourceRef } from './rewrite';
import { describeMatch, matchConnectionRules, REST_CHANGEABLE, type ConnectionChange, type DataConnectionRule } from './rules';

/** Documents read into memory for a rewrite; the same bound the inspection parses up to. */
export const MAX_REWRITE_DOCUMENT_BYTES = 32 * 1024 * 1024;

/** What the publisher needs to find a published data source by name on the target site. */
export interface DataSourceLookupClient {
  allDataSources(opts?: { filter?: string; signal?: AbortSignal }): Promise<DataSource[]>;
}

/** A change applied to a data connection, with the way it went: in the uploaded file, or by Update Connection after publish. */
export interface ConnectionChangeReport extends AppliedConnectionChange {
  /** The login embedded for this connection (never the password). */
  embeddedUsername?: string;
  /** For `route: 'rest'`: the ids of the published item's connections that were updated. */
  updatedConnectionIds?: string[];
}

export interface PreparedRules {
  /** What to upload instead of the file, when a rule changed it. */
  source?: ByteSource;
  /** Credentials for the publish payload. */
  credentials: ConnectionCredentials[];
  changes: ConnectionChangeReport[];
  /** The updates to make after publish (`via: 'rest'`). */
  restUpdates: RestUpdate[];
}

interface RestUpdate {
  report: ConnectionChangeReport;
  set: ConnectionChange;
  username?: string;
  password?: string;
  embed?: boolean;
}

function ruleError(message: string, reason: 'invalidArgument' | 'notFound' = 'invalidArgument'): TableauError {
  return new TableauError({ reason, message });
}

/**
 * The published data sources the rules point at, found by name on the target site. "Not there" is
 * concluded only after a bounded retry: one published moments ago (a promotion publishes data
 * sources first) may not be in Tableau's search index yet.
 */
async function resolvePublishedDataSources(client: DataSourceLookupClient, rules: readonly DataConnectionRule[], lookupRetry: LookupRetryOptions | undefined, signal?: AbortSignal): Promise<Map<string, PublishedDataSourceRef>> {
  const out = new Map<string, PublishedDataSourceRef>();
  for (const [i, r] of rules.entries()) {
    const name = r.set?.publishedDataSource;
    if (name === undefined || out.has(name)) continue;
    const found = await findAfterWrite(async () => {
      // Tableau's filter syntax has no escape: a name it cannot filter on is matched in the whole listing.
      const listed = await client.allDataSources({ filter: nameFilter(name), signal });
      return listed.find((d) => d.name === name && d.contentUrl);
    }, { ...lookupRetry, signal });
    if (!found?.contentUrl) {
      throw ruleError(`Data connection rule ${i + 1} points at the published data source "${name}", which does not exist on the target site; nothing was published.`, 'notFound');
    }
    out.set(name, { name, contentUrl: found.contentUrl });
  }
  return out;
}

/**
 * Checks the rules against the file and prepares the upload. `passwords` maps a rule's index to
 * the password its credentials refer to, resolved by the caller.
 */
export async function prepareConnectionRules(
  client: DataSourceLookupClient,
  info: PackageInfo,
  rules: readonly DataConnectionRule[],
  passwords: ReadonlyMap<number, string> = new Map(),
  opts: { signal?: AbortSignal; lookupRetry?: LookupRetryOptions } = {},
): Promise<PreparedRules> {
  const label = `"${info.path.split(/[\\/]/).pop()}"`;
  if (info.fileType === 'hyper' || info.fileType === 'tde') throw ruleError(`${label} is an extract: it has no data connections for rules to change.`);
  if (!info.dataConnectionsParsed) throw ruleError(`${label} is too large to read its data connections, so its data connection rules cannot be applied.`);
  const matches = matchConnectionRules(info.dataConnections, rules);
  for (const [i, r] of rules.entries()) {
    const via = r.via ?? 'file';
    if (via === 'rest') {
      const other = Object.keys(r.set ?? {}).filter((k) => !REST_CHANGEABLE.has(k as keyof ConnectionChange));
      if (other.length) throw ruleError(`Data connection rule ${i + 1} (${describeMatch(r.match)}) goes through Update Connection, which cannot change ${other.join(', ')}; let it change the file instead (via "file").`);
    }
    if (r.credentials) {
      const pw = passwords.get(i);
      if (pw === undefined) {
        const where = r.credentials.password.env ? `environment variable ${r.credentials.password.env}` : r.credentials.password.secret ? `secret "${r.credentials.password.secret}"` : 'its password reference';
        throw ruleError(`Data connection rule ${i + 1} (${describeMatch(r.match)}) embeds a login for "${r.credentials.username}", but no password was found (${where}); nothing was published.`);
      }
      globalRedactor.addSecret(pw);
    }
  }
  // The rewrite reads the file again: it must still be the file that was inspected.
  const now = await stat(info.path);
  if (now.size !== info.size || now.mtimeMs !== info.mtimeMs) {
    throw new TableauError({ reason: 'fileChanged', message: `${label} changed after it was inspected; nothing was published. Save it, then publish again.` });
  }
  const publishedDataSources = await resolvePublishedDataSources(client, rules, opts.lookupRetry, opts.signal);
  const rewriteOpts = { label, publishedDataSources };
  const packaged = info.fileType === 'twbx' || info.fileType === 'tdsx';
  let rewritten: { source: ByteSource; changes: AppliedConnectionChange[] };
  if (packaged) {
    const pkg = await rewritePackage(info.path, info.innerDocumentName!, rules, { ...rewriteOpts, maxDocumentBytes: MAX_REWRITE_DOCUMENT_BYTES });
    rewritten = { source: pkg, changes: pkg.changes };
  } else {
    const original = await readFile(info.path);
    const r = rewriteDocument(original, rules, rewriteOpts);
    rewritten = { source: documentSource(r.bytes), changes: r.changes };
  }
  const inFile = rewritten.changes.some((c) => c.route === 'file' && c.changes.length > 0);

  const credentials: ConnectionCredentials[] = [];
  const restUpdates: RestUpdate[] = [];
  const changes: ConnectionChangeReport[] = rewritten.changes.map((c) => ({ ...c }));
  for (const m of matches) {
    const r = m.rule;
    for (const report of changes.filter((c) => c.ruleIndex === m.ruleIndex)) {
      const cred = r.credentials;
      if (cred) report.embeddedUsername = cred.username;
      if (report.route === 'rest') {
        restUpdates.push({ report, set: r.set ?? {}, username: cred?.username, password: cred ? passwords.get(m.ruleIndex) : undefined, embed: cred ? (cred.embed ?? true) : undefined });
      } else if (cred) {
        // Tied to the connection as it will be on the server: after the rewrite.
        const at = (f: 'server' | 'port'): string | undefined => report.changes.find((x) => x.field === f)?.to ?? report.connection[f];
        credentials.push({ serverAddress: at('server'), serverPort: at('port'), username: cred.username, password: passwords.get(m.ruleIndex)!, embed: cred.embed ?? true });
      }
    }
  }
  return { source: inFile ? rewritten.source : undefined, credentials, changes, restUpdates };
}

function sameHost(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** The login a rule's REST change sets (what Update Connection sends besides server and port). */
function loginOf(u: RestUpdate): ConnectionCredentialsUpdate {
  return { userName: u.set.username ?? u.username, password: u.password, embedPassword: u.embed };
}

/** A login change that touches no server address or port: the bulk call (API 3.26+) can make it. */
function credentialsOnly(u: RestUpdate): ConnectionCredentialsUpdate | undefined {
  if (u.set.server !== undefined || u.set.port !== undefined) return undefined;
  const c = loginOf(u);
  return c.userName === undefined && c.password === undefined ? undefined : c;
}

function sameCredentials(a: ConnectionCredentialsUpdate, b: ConnectionCredentialsUpdate): boolean {
  return a.userName === b.userName && a.password === b.password && a.embedPassword === b.embedPassword;
}

async function bulkSupported(client: ConnectionsClient, signal?: AbortSignal): Promise<boolean> {
  if (!client.apiVersion) return false;
  return versionAtLeast(await client.apiVersion(signal), BULK_UPDATE_CONNECTIONS_MIN_API_VERSION);
}

/**
 * Makes the `via: 'rest'` changes on the published item: each file connection a rule matched is
 * found among the item's connections by its server address and port (and login, when the file
 * names one), then updated. A connection not found is an error: the item was published, but
 * does not point where the rule says. Two or more connections getting the same login (and no
 * server or port change) go in one bulk Update Connections request where the server has it
 * (API 3.26+); one it refuses (400/404: a server reporting a version it does not fully have)
 * is made one connection at a time instead.
 */
export async function applyRestUpdates(client: ConnectionsClient, kind: ContentKind, itemId: string, itemName: string, updates: readonly RestUpdate[], signal?: AbortSignal): Promise<void> {
  if (updates.length === 0) return;
  const published = await queryConnections(client, kind, itemId, signal);
  const planned: { u: RestUpdate; targets: PublishedConnection[] }[] = [];
  for (const u of updates) {
    const c = u.report.connection;
    const targets = published.filter((p: PublishedConnection) => sameHost(p.serverAddress, c.server) && (c.port === undefined || p.serverPort === undefined || p.serverPort === c.port));
    if (targets.length === 0) {
      throw new TableauError({
        reason: 'notFound',
        message: `"${itemName}" was published, but Tableau lists no data connection to ${c.server ?? '(no server)'}${c.port ? `:${c.port}` : ''}, so data connection rule ${u.report.ruleIndex + 1} could not update it; its connections still point where the file said.`,
      });
    }
    planned.push({ u, targets });
  }
  // Connections that get the same login, each connection once.
  const groups: { creds: ConnectionCredentialsUpdate; ids: Set<string> }[] = [];
  for (const { u, targets } of planned) {
    const creds = credentialsOnly(u);
    if (!creds) continue;
    let g = groups.find((x) => sameCredentials(x.creds, creds));
    if (!g) groups.push((g = { creds, ids: new Set() }));
    for (const t of targets) g.ids.add(t.id);
  }
  // Connection id -> the login the bulk call gave it.
  const done = new Map<string, ConnectionCredentialsUpdate>();
  const bulk = groups.filter((g) => g.ids.size >= 2);
  if (bulk.length > 0 && (await bulkSupported(client, signal))) {
    for (const g of bulk) {
      try {
        await updateConnections(client, kind, itemId, [...g.ids], g.creds, signal);
        for (const id of g.ids) done.set(id, g.creds);
      } catch (e) {
        if (!TableauError.is(e, 'notFound') && !TableauError.is(e, 'badRequest')) throw e;
        break; // not supported after all: every connection below goes one at a time
      }
    }
  }
  for (const { u, targets } of planned) {
    u.report.updatedConnectionIds = [];
    const creds = credentialsOnly(u);
    for (const t of targets) {
      const bulkDone = done.get(t.id);
      if (!(creds && bulkDone && sameCredentials(creds, bulkDone))) {
        await updateConnection(client, kind, itemId, t.id, { serverAddress: u.set.server, serverPort: u.set.port, ...loginOf(u) }, signal);
      }
      u.report.updatedConnectionIds.push(t.id);
    }
  }
}
