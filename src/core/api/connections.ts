/**
 * The data connections of a published workbook or data source (Query Workbook / Data Source
 * Connections) and Tableau's one way to change one after publish (Update Workbook / Data Source
 * Connection: `PUT .../connections/{connection-id}`), which sets only the server address, port,
 * login, password, whether it is embedded, and query tagging (schema connectionType; TSC
 * request_factory.py Connection.update_req; recorded answers workbook_populate_connections.xml,
 * datasource_connection_update.xml).
 */
import { globalRedactor } from '../logger';
import type { ContentKind } from '../models';
import type { ApiRequest } from './restApi';
import { attr, boolAttr, child, items, type Obj } from './shape';
import { tsRequest, xmlAttrs, xmlEscape } from './xml';

/** One data connection of a published item, as Tableau reports it. */
export interface PublishedConnection {
  id: string;
  /** Tableau's connection class ("postgres", "sqlproxy", ...). */
  type?: string;
  serverAddress?: string;
  serverPort?: string;
  userName?: string;
  embedPassword?: boolean;
  queryTaggingEnabled?: boolean;
  /** For a workbook's connection: the data source it belongs to. */
  datasource?: { id?: string; name?: string };
}

/** What Update Connection can set; an absent field is left as it is. The password is a secret. */
export interface ConnectionUpdate {
  serverAddress?: string;
  serverPort?: string;
  userName?: string;
  password?: string;
  embedPassword?: boolean;
  queryTaggingEnabled?: boolean;
}

/** What these calls need of TableauClient (it satisfies this structurally). */
export interface ConnectionsClient {
  request(req: ApiRequest & { replaySafe: boolean }): Promise<unknown>;
  /** The server's REST API version; without it, only the one-connection call is used. */
  apiVersion?(signal?: AbortSignal): Promise<string>;
}

function itemPath(kind: ContentKind, id: string): string {
  return `sites/{siteId}/${kind === 'workbook' ? 'workbooks' : 'datasources'}/${encodeURIComponent(id)}/connections`;
}

function toConnection(o: Obj): PublishedConnection {
  const c: PublishedConnection = { id: attr(o, 'id') ?? '' };
  const set = <K extends keyof PublishedConnection>(k: K, v: PublishedConnection[K] | undefined): void => {
    if (v !== undefined && v !== '') c[k] = v;
  };
  set('type', attr(o, 'type'));
  set('serverAddress', attr(o, 'serverAddress'));
  set('serverPort', attr(o, 'serverPort'));
  set('userName', attr(o, 'userName'));
  set('embedPassword', boolAttr(o, 'embedPassword'));
  set('queryTaggingEnabled', boolAttr(o, 'queryTaggingEnabled'));
  const ds = child(o, 'datasource');
  if (ds) c.datasource = { id: attr(ds, 'id'), name: attr(ds, 'name') };
  return c;
}

/** Query Workbook Connections / Query Data Source Connections. */
export async function queryConnections(client: ConnectionsClient, kind: ContentKind, id: string, signal?: AbortSignal): Promise<PublishedConnection[]> {
  const ts = await client.request({ method: 'GET', path: itemPath(kind, id), signal, action: `list the data connections of the ${kind === 'workbook' ? 'workbook' : 'data source'}`, replaySafe: true, format: 'xml' });
  return items(ts, 'connections', 'connection').map(toConnection);
}

/** The request body of Update Connection (`serverAddress` in lower case, as TSC sends it). */
export function connectionUpdateBody(u: ConnectionUpdate): string {
  if (u.password !== undefined) globalRedactor.addSecret(u.password);
  return tsRequest(
    `<connection${xmlAttrs({
      serverAddress: u.serverAddress?.toLowerCase(),
      serverPort: u.serverPort,
      userName: u.userName,
      password: u.password,
      embedPassword: u.embedPassword,
      queryTaggingEnabled: u.queryTaggingEnabled,
    })}/>`,
  );
}

/** Update Workbook Connection / Update Data Source Connection; answers the connection as Tableau now has it. */
export async function updateConnection(client: ConnectionsClient, kind: ContentKind, id: string, connectionId: string, update: ConnectionUpdate, signal?: AbortSignal): Promise<PublishedConnection> {
  const ts = await client.request({
    method: 'PUT',
    path: `${itemPath(kind, id)}/${encodeURIComponent(connectionId)}`,
    body: connectionUpdateBody(update),
    contentType: 'text/xml',
    signal,
    action: `update a data connection of the ${kind === 'workbook' ? 'workbook' : 'data source'}`,
    // Setting the same values again ends in the same state.
    replaySafe: true,
    format: 'xml',
  });
  return toConnection(child(ts, 'connection') ?? {});
}

/** Update Workbook / Data Source Connections (several connections at once) is in REST API 3.26 and later (TSC gates it at 3.26). */
export const BULK_UPDATE_CONNECTIONS_MIN_API_VERSION = '3.26';

/** What the bulk Update Connections call sets: the login only, never the server address or port. */
export type ConnectionCredentialsUpdate = Pick<ConnectionUpdate, 'userName' | 'password' | 'embedPassword'>;

/**
 * The request body of the bulk call, in the shape TSC sends (request_factory.py
 * update_connections_req): `<connectionLUIDs>` with one `<connectionLUID>` per connection, then
 * the `<connection>` with the login. The schema (tsRequest's `connectionLuids` choice) would allow
 * only the list, with no login: see test/simulator/README.md "Bulk Update Connections".
 * No authenticationType: we change only the login, and Tableau keeps the one a connection has.
 */
export function connectionsUpdateBody(connectionIds: readonly string[], u: ConnectionCredentialsUpdate): string {
  if (u.password !== undefined) globalRedactor.addSecret(u.password);
  const ids = connectionIds.map((c) => `<connectionLUID>${xmlEscape(c)}</connectionLUID>`).join('');
  return tsRequest(`<connectionLUIDs>${ids}</connectionLUIDs><connection${xmlAttrs({ userName: u.userName, password: u.password, embedPassword: u.embedPassword })}/>`);
}

/** Update Workbook Connections / Update Data Source Connections: one request for several connections; answers them as Tableau now has them. */
export async function updateConnections(client: ConnectionsClient, kind: ContentKind, id: string, connectionIds: readonly string[], update: ConnectionCredentialsUpdate, signal?: AbortSignal): Promise<PublishedConnection[]> {
  const ts = await client.request({
    method: 'PUT',
    path: itemPath(kind, id),
    body: connectionsUpdateBody(connectionIds, update),
    contentType: 'text/xml',
    signal,
    action: `update the data connections of the ${kind === 'workbook' ? 'workbook' : 'data source'}`,
    // Setting the same login again ends in the same state.
    replaySafe: true,
    format: 'xml',
  });
  return items(ts, 'connections', 'connection').map(toConnection);
}
