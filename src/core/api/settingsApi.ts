/**
 * The REST calls the settings and permissions of a target need, on top of `TableauClient.request`:
 * users and groups by name, Update Workbook / Update Data Source (owner), Delete Tag, and the
 * permissions methods (Query / Add / Delete Permissions of a workbook, a data source, or a project's
 * default permissions for workbooks or data sources). Shapes: Tableau's REST reference
 * (rest_api_ref_permissions.htm, rest_api_ref_workbooks_and_views.htm, rest_api_ref_users_and_groups.htm)
 * and schema `permissionsType` / `granteeCapabilitiesType` / `capabilityType`.
 */
import { TableauError } from '../errors';
import type { ContentKind } from '../models';
import { clampPageSize, nameFilter } from './pagination';
import type { ApiRequest } from './restApi';
import { withRetry, type RetryOptions } from './retry';
import { attr, child, items, type Obj } from './shape';
import { tsRequest, xmlAttrs } from './xml';
import type { CapabilityMode, Grantee, GranteeCapabilities, GranteeType, PermissionChange, PermissionContent } from '../publish/permissionRules';

/** What these calls need of TableauClient (it satisfies this structurally). */
export interface SettingsClient {
  request(req: ApiRequest & { replaySafe: boolean }): Promise<unknown>;
}

/** Where permissions are read and written: an item, or a project's default rules for one content type. */
export type PermissionsTarget = { kind: ContentKind; id: string } | { kind: 'projectDefault'; projectId: string; content: PermissionContent };

const COLLECTION: Record<ContentKind, string> = { workbook: 'workbooks', datasource: 'datasources' };
/** Listing users or groups to find one by name stops here (a filter that Tableau cannot take falls back to a listing). */
const MAX_NAME_LOOKUP_PAGES = 20;

function enc(s: string): string {
  return encodeURIComponent(s);
}

export function permissionsPath(t: PermissionsTarget): string {
  return t.kind === 'projectDefault'
    ? `sites/{siteId}/projects/${enc(t.projectId)}/default-permissions/${COLLECTION[t.content]}`
    : `sites/{siteId}/${COLLECTION[t.kind]}/${enc(t.id)}/permissions`;
}

function describe(t: PermissionsTarget): string {
  return t.kind === 'projectDefault' ? `the project's default ${t.content === 'workbook' ? 'workbook' : 'data source'} permissions` : `the ${t.kind === 'workbook' ? 'workbook' : 'data source'}'s permissions`;
}

/** Reads are replay-safe and retried on 429 / 503. */
function read(client: SettingsClient, path: string, action: string, query: ApiRequest['query'], retry: RetryOptions | undefined, signal?: AbortSignal): Promise<Obj> {
  return withRetry(() => client.request({ method: 'GET', path, query, action, signal, replaySafe: true }) as Promise<Obj>, { ...retry, signal });
}

/**
 * A user or group of the site by name (as Tableau compares names: ignoring case), or undefined.
 * Tableau's filter syntax has no escape for `,` and `:`: such a name is found by listing, page by page (bounded).
 */
export async function findGrantee(client: SettingsClient, type: GranteeType, name: string, opts: { signal?: AbortSignal; retry?: RetryOptions } = {}): Promise<Grantee | undefined> {
  const collection = type === 'group' ? 'groups' : 'users';
  const want = name.trim().toLowerCase();
  const filter = nameFilter(name.trim());
  const filterable = filter !== undefined;
  for (let page = 1; page <= MAX_NAME_LOOKUP_PAGES; page++) {
    const query = { pageSize: filterable ? 100 : 1000, pageNumber: page, filter };
    const { grantees, rows, total } = await granteePage(client, type, query, `find the ${type} "${name}"`, opts);
    const hit = grantees.find((g) => g.name.toLowerCase() === want);
    if (hit) return hit;
    if (filterable || page * 1000 >= total || rows === 0) return undefined;
  }
  throw new TableauError({ reason: 'responseTooLarge', message: `The ${type} "${name}" was not found in the first ${MAX_NAME_LOOKUP_PAGES * 1000} ${collection} of the site.` });
}

/** One page of the site's users or groups: those with an id and a name, the rows read, and the total Tableau has. */
async function granteePage(client: SettingsClient, type: GranteeType, query: ApiRequest['query'], action: string, opts: { signal?: AbortSignal; retry?: RetryOptions }): Promise<{ grantees: Grantee[]; rows: number; total: number }> {
  const collection = type === 'group' ? 'groups' : 'users';
  const ts = await read(client, `sites/{siteId}/${collection}`, action, query, opts.retry, opts.signal);
  const rows = items(ts, collection, type);
  const grantees = rows.flatMap((r) => {
    const id = attr(r, 'id');
    const name = attr(r, 'name');
    return id && name ? [{ type, id, name }] : [];
  });
  return { grantees, rows: rows.length, total: Number(attr(child(ts, 'pagination'), 'totalAvailable') ?? rows.length) };
}

/** The `<granteeCapabilities>` of a permissions answer. Names come from the caller's lookups where it has them. */
function toGranteeCapabilities(ts: Obj, names: ReadonlyMap<string, string>): GranteeCapabilities[] {
  const perms = child(ts, 'permissions');
  if (!perms) throw new TableauError({ reason: 'malformedResponse', message: 'Tableau\'s permissions answer has no <permissions> element.' });
  const raw = perms.granteeCapabilities;
  const list = (Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw]) as Obj[];
  const out: GranteeCapabilities[] = [];
  for (const gc of list) {
    const type: GranteeType | undefined = child(gc, 'group') ? 'group' : child(gc, 'user') ? 'user' : undefined;
    const id = type && attr(child(gc, type), 'id');
    if (!type || !id) continue; // a group set or another grantee kind: not ours to manage
    const capabilities = new Map<string, CapabilityMode>();
    for (const c of items(gc, 'capabilities', 'capability')) {
      const name = attr(c, 'name');
      const mode = attr(c, 'mode');
      if (name && (mode === 'Allow' || mode === 'Deny')) capabilities.set(name, mode);
    }
    out.push({ grantee: { type, id, name: names.get(`${type}:${id.toLowerCase()}`) ?? attr(child(gc, type), 'name') ?? id }, capabilities });
  }
  return out;
}

export async function queryPermissions(client: SettingsClient, t: PermissionsTarget, opts: { signal?: AbortSignal; retry?: RetryOptions; names?: ReadonlyMap<string, string> } = {}): Promise<GranteeCapabilities[]> {
  const ts = await read(client, permissionsPath(t), `read ${describe(t)}`, undefined, opts.retry, opts.signal);
  return toGranteeCapabilities(ts, opts.names ?? new Map());
}

/** Add Permissions: one request for every addition, grouped by grantee. Adding what is there changes nothing, so a replay is safe. */
export async function addPermissions(client: SettingsClient, t: PermissionsTarget, adds: readonly PermissionChange[], opts: { signal?: AbortSignal; retry?: RetryOptions } = {}): Promise<void> {
  if (!adds.length) return;
  const byGrantee = new Map<string, { type: GranteeType; id: string; caps: string[] }>();
  for (const a of adds) {
    const k = `${a.grantee.type}:${a.grantee.id}`;
    const g = byGrantee.get(k) ?? { type: a.grantee.type, id: a.grantee.id, caps: [] };
    g.caps.push(`<capability${xmlAttrs({ name: a.capability, mode: a.mode })}/>`);
    byGrantee.set(k, g);
  }
  const inner = [...byGrantee.values()].map((g) => `<granteeCapabilities><${g.type}${xmlAttrs({ id: g.id })}/><capabilities>${g.caps.join('')}</capabilities></granteeCapabilities>`).join('');
  const body = tsRequest(`<permissions>${inner}</permissions>`);
  await withRetry(
    () => client.request({ method: 'PUT', path: permissionsPath(t), body, contentType: 'text/xml', action: `add to ${describe(t)}`, signal: opts.signal, replaySafe: true }),
    { ...opts.retry, signal: opts.signal },
  );
}

/** Delete Permission: one request per capability (Tableau's method takes one). Deleting twice answers 404 the second time. */
export async function deletePermission(client: SettingsClient, t: PermissionsTarget, d: PermissionChange, opts: { signal?: AbortSignal; retry?: RetryOptions } = {}): Promise<void> {
  const path = `${permissionsPath(t)}/${d.grantee.type === 'group' ? 'groups' : 'users'}/${enc(d.grantee.id)}/${enc(d.capability)}/${d.mode}`;
  await withRetry(
    () => client.request({ method: 'DELETE', path, action: `remove ${d.capability} from ${describe(t)}`, signal: opts.signal, replaySafe: true }),
    { ...opts.retry, signal: opts.signal },
  );
}

/** Update Workbook / Update Data Source with a new owner: `<workbook><owner id/></workbook>` (TSC update_req). */
export async function updateOwner(client: SettingsClient, kind: ContentKind, id: string, ownerId: string, opts: { signal?: AbortSignal; retry?: RetryOptions } = {}): Promise<void> {
  const body = tsRequest(`<${kind}><owner${xmlAttrs({ id: ownerId })}/></${kind}>`);
  await withRetry(
    () => client.request({ method: 'PUT', path: `sites/{siteId}/${COLLECTION[kind]}/${enc(id)}`, body, contentType: 'text/xml', action: `change the ${kind === 'workbook' ? 'workbook' : 'data source'}'s owner`, signal: opts.signal, replaySafe: true }),
    { ...opts.retry, signal: opts.signal },
  );
}

/** Delete Tag (`DELETE .../{workbooks|datasources}/{id}/tags/{tag}`). */
export async function deleteTag(client: SettingsClient, kind: ContentKind, id: string, tag: string, opts: { signal?: AbortSignal; retry?: RetryOptions } = {}): Promise<void> {
  await withRetry(
    () => client.request({ method: 'DELETE', path: `sites/{siteId}/${COLLECTION[kind]}/${enc(id)}/tags/${enc(tag)}`, action: `remove the tag "${tag}"`, signal: opts.signal, replaySafe: true }),
    { ...opts.retry, signal: opts.signal },
  );
}

/** One page of a site's users or groups by name (the publish flow's grantee picker), and whether there are more. */
export async function listGranteesPage(
  client: SettingsClient,
  type: GranteeType,
  opts: { pageSize?: number; signal?: AbortSignal; retry?: RetryOptions } = {},
): Promise<{ grantees: Grantee[]; total: number }> {
  const collection = type === 'group' ? 'groups' : 'users';
  const pageSize = clampPageSize(opts.pageSize);
  const { grantees, total } = await granteePage(client, type, { pageSize, pageNumber: 1, sort: 'name:asc' }, `list the ${collection} of the site`, opts);
  return { grantees, total };
}
