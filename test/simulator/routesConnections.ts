/**
 * The data connections of published workbooks and data sources. Each publish parses the uploaded
 * document (the top-level .twb / .tds of a package) and records its effective connections, as a
 * server would; Query / Update Workbook and Data Source Connection serve and change them (schema
 * connectionType; TSC workbook_populate_connections.xml, datasource_connection_update.xml).
 * Read with saxes and yauzl, never with the client's own code, so a client bug cannot hide here.
 */
import { createHash } from 'node:crypto';
import { SaxesParser } from 'saxes';
import { requireScope } from './auth';
import { findItem, requireModify, siteCtx } from './routesContent';
import { documentOfFile } from './sheets';
import type { Ctx, Route } from './server';
import { luid, type ItemRec, type SimConnection } from './store';
import { attr, child, el, errors, list, parseTsRequest, readSmallBody, send } from './wire';

const READ = 'tableau:content:read';
/** Classes whose data travels with the file or lives on the server: no login to embed. */
const NO_LOGIN = new Set(['hyper', 'dataengine', 'textscan', 'excel-direct', 'ogrdirect', 'sqlproxy']);

/** The distinct `<connection>` elements of a document (federated wrappers left out), or undefined if it is not XML. */
export function connectionsInDocument(xml: string): SimConnection[] | undefined {
  const out: SimConnection[] = [];
  const seen = new Set<string>();
  const parser = new SaxesParser();
  let bad = false;
  parser.on('error', () => (bad = true));
  parser.on('opentag', (tag) => {
    if (tag.name !== 'connection') return;
    const a = tag.attributes as Record<string, string>;
    if (!a.class || a.class === 'federated') return;
    const c: SimConnection = { id: luid(), type: a.class, serverAddress: a.server || undefined, serverPort: a.port || undefined, userName: a.username || undefined, dbname: a.dbname || undefined, embedPassword: false };
    if (a.class === 'sqlproxy') c.publishedDataSource = a['server-ds-friendly-name'] || a.dbname;
    const key = [c.type, c.serverAddress, c.serverPort, c.dbname, c.userName].join('\u0000');
    if (seen.has(key)) return;
    seen.add(key);
    out.push(c);
  });
  try {
    parser.write(xml).close();
  } catch {
    bad = true;
  }
  return bad ? undefined : out;
}

type Credential = NonNullable<ItemRec['credentials']>[number];

/**
 * What the server makes of the uploaded file's connections: a published data source must exist on
 * the site, a host the test marks unreachable fails the connection check (workbooks: unless
 * skipConnectionCheck), and embedded credentials attach to the connections they name.
 */
export async function connectionsOfUpload(ctx: Ctx, kind: ItemRec['kind'], filePath: string, type: string, credentials: readonly Credential[], skipCheck: boolean): Promise<SimConnection[] | undefined> {
  const xml = await documentOfFile(filePath, type).catch(() => undefined);
  const conns = xml === undefined ? undefined : connectionsInDocument(xml);
  if (!conns) return undefined;
  const { c } = siteCtx(ctx);
  for (const conn of conns.filter((x) => x.type === 'sqlproxy')) {
    // The published data source a sqlproxy connection names by content URL (its dbname).
    if (!conn.dbname || !c.contentUrls.has(`datasource:${conn.dbname}`)) {
      throw errors.badRequest(`There was a problem publishing the file: the published data source '${conn.publishedDataSource ?? conn.dbname ?? ''}' it uses could not be found on this site.`, '400011');
    }
  }
  const unreachable = (ctx.sim.store.config.unreachableHosts ?? []).map((h) => h.toLowerCase());
  if (!(kind === 'workbook' && skipCheck) && conns.some((x) => x.serverAddress && unreachable.includes(x.serverAddress.toLowerCase()))) {
    throw errors.forbidden('403132', 'Failed connection check: one or more data sources used by the content could not be reached.');
  }
  for (const cred of credentials) {
    const targets = conns.filter((x) => !NO_LOGIN.has(x.type) && (cred.serverAddress === undefined || (x.serverAddress ?? '').toLowerCase() === cred.serverAddress.toLowerCase()) && (cred.serverPort === undefined || x.serverPort === cred.serverPort));
    for (const t of targets) {
      t.userName = cred.username;
      t.embedPassword = cred.embed;
      t.passwordSha256 = cred.passwordSha256;
    }
  }
  return conns;
}

function connectionEl(c: SimConnection) {
  return el('connection', { id: c.id, type: c.type, serverAddress: c.serverAddress ?? '', serverPort: c.serverPort, userName: c.userName ?? '', embedPassword: c.embedPassword });
}

function query(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [READ, kind === 'workbook' ? 'tableau:workbooks:read' : 'tableau:datasources:read']);
  const it = findItem(ctx, kind, ctx.params.id);
  send(ctx.req, ctx.res, 200, [list('connections', 'connection', (it.connections ?? []).map(connectionEl))]);
}

async function update(ctx: Ctx, kind: ItemRec['kind']): Promise<void> {
  requireScope(ctx.session, [kind === 'workbook' ? 'tableau:workbooks:update' : 'tableau:datasources:update']);
  const it = findItem(ctx, kind, ctx.params.id);
  requireModify(ctx, it, 'update its connections');
  const body = parseTsRequest(await readSmallBody(ctx.req), ctx.req.headers['content-type']);
  const req = child(body, 'connection');
  if (!req) throw errors.badRequest('Payload is either malformed or incomplete: <connection> is required.');
  const conn = (it.connections ?? []).find((c) => c.id === ctx.params.cid);
  // The code Tableau uses for an unknown connection id is not documented where we looked: chosen, see the README.
  if (!conn) throw errors.notFound('404020', `Connection '${ctx.params.cid}' could not be found.`);
  const port = attr(req, 'serverPort');
  if (port !== undefined && !/^\d+$/.test(port)) throw errors.badRequest(`The serverPort '${port}' is not a number.`);
  const address = attr(req, 'serverAddress');
  if (address !== undefined) conn.serverAddress = address;
  if (port !== undefined) conn.serverPort = port;
  const user = attr(req, 'userName');
  if (user !== undefined) conn.userName = user;
  const password = attr(req, 'password');
  if (password !== undefined) conn.passwordSha256 = createHash('sha256').update(password).digest('hex');
  const embed = attr(req, 'embedPassword');
  if (embed !== undefined) conn.embedPassword = embed === 'true';
  send(ctx.req, ctx.res, 200, [connectionEl(conn)]);
}

/** The connection ids of a bulk request: TSC's `connectionLUIDs/connectionLUID`, or the schema's `connectionLuids/connectionLuid`. */
function requestedIds(body: Record<string, unknown>): string[] | undefined {
  const listEl = child(body, 'connectionLUIDs') ?? child(body, 'connectionLuids');
  if (!listEl) return undefined;
  const raw = listEl.connectionLUID ?? listEl.connectionLuid;
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return all.map((x) => (typeof x === 'string' ? x.trim() : '')).filter((x) => x !== '');
}

/**
 * Update Workbook / Data Source Connections (API 3.26+): one login for several connections of
 * the item (TSC update_connections; its answers workbook_update_connections.xml,
 * datasource_connections_update.xml: `<connections>` with each updated connection). Every id is
 * checked before any is changed. authenticationType is accepted and not kept (the store has no such field).
 */
async function updateMany(ctx: Ctx, kind: ItemRec['kind']): Promise<void> {
  const [maj, min] = ctx.v.split('.').map((n) => Number.parseInt(n, 10));
  // An older version in the path does not know the method (as for Update Data in Hyper Data Source).
  if (maj < 3 || (maj === 3 && min < 26)) throw errors.notFound('404003', `Unknown resource '${ctx.url.pathname}' specified in URI (Update ${kind === 'workbook' ? 'Workbook' : 'Data Source'} Connections needs API 3.26 or later).`);
  requireScope(ctx.session, [kind === 'workbook' ? 'tableau:workbooks:update' : 'tableau:datasources:update']);
  const it = findItem(ctx, kind, ctx.params.id);
  requireModify(ctx, it, 'update its connections');
  const body = parseTsRequest(await readSmallBody(ctx.req), ctx.req.headers['content-type']);
  const ids = requestedIds(body);
  const req = child(body, 'connection');
  if (!ids || ids.length === 0 || !req) throw errors.badRequest('Payload is either malformed or incomplete: <connectionLUIDs> with at least one <connectionLUID> and <connection> are required.');
  // The bulk call changes the login only (TSC sends no address or port): refused rather than ignored, so a client sending them is caught.
  if (attr(req, 'serverAddress') !== undefined || attr(req, 'serverPort') !== undefined) throw errors.badRequest('Update Connections changes authentication only: serverAddress and serverPort are not accepted.');
  const conns = ids.map((id) => {
    const conn = (it.connections ?? []).find((c) => c.id === id);
    if (!conn) throw errors.notFound('404020', `Connection '${id}' could not be found.`);
    return conn;
  });
  const user = attr(req, 'userName');
  const password = attr(req, 'password');
  const embed = attr(req, 'embedPassword');
  for (const conn of new Set(conns)) {
    if (user !== undefined) conn.userName = user;
    if (password !== undefined) conn.passwordSha256 = createHash('sha256').update(password).digest('hex');
    if (embed !== undefined) conn.embedPassword = embed === 'true';
  }
  send(ctx.req, ctx.res, 200, [list('connections', 'connection', [...new Set(conns)].map(connectionEl))]);
}

export function connectionRoutes(): Route[] {
  return [
    { method: 'GET', pattern: '/api/{v}/sites/{site}/workbooks/{id}/connections', auth: true, handle: (ctx) => query(ctx, 'workbook') },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/datasources/{id}/connections', auth: true, handle: (ctx) => query(ctx, 'datasource') },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/workbooks/{id}/connections/{cid}', auth: true, handle: (ctx) => update(ctx, 'workbook') },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/datasources/{id}/connections/{cid}', auth: true, handle: (ctx) => update(ctx, 'datasource') },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/workbooks/{id}/connections', auth: true, handle: (ctx) => updateMany(ctx, 'workbook') },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/datasources/{id}/connections', auth: true, handle: (ctx) => updateMany(ctx, 'datasource') },
  ];
}
