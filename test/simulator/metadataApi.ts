/**
 * The Metadata API (`POST /api/metadata/graphql`, X-Tableau-Auth of a REST session), built on the
 * `graphql` package: a subset of Tableau's schema with its type and field names (see README,
 * "After publish and impact"), executed by graphql-js itself, never by matching query text.
 * Lineage: a workbook is downstream of a published data source when its last published file has a
 * `sqlproxy` connection naming that data source (by name, else by content URL).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import type { Auth } from './auth';
import { requireScope } from './auth';
import { connectionsOf } from './itemDocuments';
import { luid, type DataSourceRec, type SiteContent, type Store, type WorkbookRec } from './store';
import { errors, readSmallBody, SimError } from './wire';

/** Types and fields as Tableau's Metadata API reference names them; only what clients here ask for. */
export const METADATA_SDL = `
type Query {
  publishedDatasources(filter: PublishedDatasource_Filter): [PublishedDatasource!]!
  workbooks(filter: Workbook_Filter): [Workbook!]!
}
input PublishedDatasource_Filter { id: ID, luid: String, luidWithin: [String], name: String, projectName: String }
input Workbook_Filter { id: ID, luid: String, luidWithin: [String], name: String, projectName: String }
type TableauUser { id: ID!, luid: String!, name: String, username: String, email: String }
type PublishedDatasource {
  id: ID!
  luid: String!
  name: String
  projectName: String
  projectLuid: String
  hasExtracts: Boolean
  owner: TableauUser!
  downstreamWorkbooks: [Workbook!]!
}
type Workbook {
  id: ID!
  luid: String!
  name: String
  projectName: String
  projectLuid: String
  owner: TableauUser!
  upstreamDatasources: [PublishedDatasource!]!
}
`;

let schema: GraphQLSchema | undefined;
function metadataSchema(): GraphQLSchema {
  return (schema ??= buildSchema(METADATA_SDL));
}

const MAX_QUERY_BYTES = 256 * 1024;

interface Filter { id?: string; luid?: string; luidWithin?: string[]; name?: string; projectName?: string }

/** The site's objects as the graph resolves them (graphql-js's default resolver calls the functions). */
class SiteGraph {
  constructor(private readonly store: Store, private readonly c: SiteContent) {}

  private user(id: string) {
    const u = this.store.users.get(id);
    return { id: luid(`meta:user:${id}`), luid: id, name: u?.fullName ?? u?.name, username: u?.name, email: u?.email };
  }

  private project(id: string): string | undefined {
    return this.c.projects.get(id)?.name;
  }

  private matches(f: Filter | undefined, o: { id: string; luid: string; name?: string; projectName?: string }): boolean {
    if (!f) return true;
    return (f.id == null || f.id === o.id) && (f.luid == null || f.luid === o.luid) && (f.luidWithin == null || f.luidWithin.includes(o.luid))
      && (f.name == null || f.name === o.name) && (f.projectName == null || f.projectName === o.projectName);
  }

  /** Workbooks whose file connects to this data source (sqlproxy naming it). */
  private async usersOf(d: DataSourceRec): Promise<WorkbookRec[]> {
    const out: WorkbookRec[] = [];
    for (const w of this.c.itemList.workbook) {
      const conns = await connectionsOf(w);
      if (conns.some((x) => x.type === 'sqlproxy' && (x.publishedDataSource === d.name || x.dbname === d.contentUrl))) out.push(w);
    }
    return out;
  }

  private async usedBy(w: WorkbookRec): Promise<DataSourceRec[]> {
    const conns = (await connectionsOf(w)).filter((x) => x.type === 'sqlproxy');
    return this.c.itemList.datasource.filter((d) => conns.some((x) => x.publishedDataSource === d.name || x.dbname === d.contentUrl));
  }

  datasource(d: DataSourceRec) {
    return {
      id: luid(`meta:ds:${d.id}`), luid: d.id, name: d.name, projectName: this.project(d.projectId), projectLuid: d.projectId, hasExtracts: d.hasExtracts,
      owner: () => this.user(d.ownerId),
      downstreamWorkbooks: async () => (await this.usersOf(d)).map((w) => this.workbook(w)),
    };
  }

  workbook(w: WorkbookRec) {
    return {
      id: luid(`meta:wb:${w.id}`), luid: w.id, name: w.name, projectName: this.project(w.projectId), projectLuid: w.projectId,
      owner: () => this.user(w.ownerId),
      upstreamDatasources: async () => (await this.usedBy(w)).map((d) => this.datasource(d)),
    };
  }

  root() {
    return {
      publishedDatasources: ({ filter }: { filter?: Filter }) => this.c.itemList.datasource.map((d) => this.datasource(d)).filter((o) => this.matches(filter, o)),
      workbooks: ({ filter }: { filter?: Filter }) => this.c.itemList.workbook.map((w) => this.workbook(w)).filter((o) => this.matches(filter, o)),
    };
  }
}

function sendJson(res: ServerResponse, status: number, o: unknown): void {
  const body = JSON.stringify(o);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Serves one Metadata API request (the caller has applied faults; auth is checked here). */
export async function handleMetadata(store: Store, auth: Auth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if ((req.method ?? 'GET').toUpperCase() !== 'POST') throw new SimError(405, '405000', 'Method Not Allowed', 'The Metadata API takes POST.');
  const session = auth.authenticate(req);
  requireScope(session, ['tableau:content:read']);
  const text = await readSmallBody(req, MAX_QUERY_BYTES);
  const site = store.sites.get(session.siteId);
  if (site && (store.config.metadataApiOff ?? []).includes(site.contentUrl)) {
    // Tableau's Metadata API "Common Errors": FEATURE_DISABLED. Unverified: the HTTP status and where the name sits (here extensions.code).
    sendJson(res, 200, { data: null, errors: [{ message: "Can't run the query because the Metadata API has not been enabled yet. Run the 'tsm maintenance metadata-services enable' command to enable the Metadata API or contact your Tableau administrator.", extensions: { code: 'FEATURE_DISABLED' } }] });
    return;
  }
  let body: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw errors.badRequest('The Metadata API request is not JSON.');
  }
  if (typeof body.query !== 'string') {
    sendJson(res, 400, { errors: [{ message: 'Must provide query string.' }] });
    return;
  }
  const graph = new SiteGraph(store, store.siteContent(session.siteId));
  const result = await graphql({
    schema: metadataSchema(),
    source: body.query,
    rootValue: graph.root(),
    variableValues: body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : undefined,
    operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
  });
  sendJson(res, 200, result);
}

/** `POST /_sim/metadata-api {"site": "", "enabled": false}`: the per-site switch. */
export function setMetadataApi(store: Store, body: Record<string, unknown>): void {
  const site = typeof body.site === 'string' ? body.site : '';
  const off = new Set(store.config.metadataApiOff ?? []);
  if (body.enabled === false) off.add(site);
  else off.delete(site);
  store.config.metadataApiOff = [...off];
}
