/**
 * Settings and permissions of published content: groups listing, Update Workbook / Update Data
 * Source (owner, showTabs, description), Delete Tag, and the permissions methods of workbooks, data
 * sources, projects and a project's default permissions for workbooks and data sources.
 * Shapes: TSC's recorded answers (workbook_update.xml, datasource_update.xml, group_get.xml,
 * workbook_populate_permissions.xml, project_populate_workbook_default_permissions.xml) and schema
 * `permissionsType`. Rules are kept as given (explicit rules); `/_sim/state` lists them.
 */
import { requireScope } from './auth';
import { pageOf, paginationEl, parseListQuery } from './listing';
import { datasourceEl, workbookEl } from './render';
import { actingRole, findItem, requireModify, siteCtx } from './routesContent';
import type { Ctx, Route } from './server';
import { type CapabilityRules, type ItemRec, type Store } from './store';
import { attr, child, children, el, type El, errors, list, parseTsRequest, readSmallBody, send } from './wire';

type Content = 'workbook' | 'datasource' | 'project';

/**
 * Which content types have each capability (schema `capabilityType` lists the names; which type has
 * which: Tableau's "Permission Capabilities and Templates" page). Projects: Read, Write (Save) and ProjectLeader.
 */
const HAS: Record<string, readonly Content[]> = {
  Read: ['workbook', 'datasource', 'project'],
  Write: ['workbook', 'datasource', 'project'],
  ProjectLeader: ['project'],
  Filter: ['workbook'], ViewComments: ['workbook'], AddComment: ['workbook'], ExportImage: ['workbook'], ExportData: ['workbook'],
  ShareView: ['workbook'], ViewUnderlyingData: ['workbook'], WebAuthoring: ['workbook'], RunExplainData: ['workbook'],
  ExportXml: ['workbook', 'datasource'], ChangeHierarchy: ['workbook', 'datasource'], Delete: ['workbook', 'datasource'],
  ChangePermissions: ['workbook', 'datasource'], ExtractRefresh: ['workbook', 'datasource'],
  Connect: ['datasource'], SaveAs: ['datasource'], VizqlDataApiAccess: ['datasource'],
};

function rulesOf(store: Store, key: string): CapabilityRules {
  let r = store.permissions.get(key);
  if (!r) store.permissions.set(key, (r = new Map()));
  return r;
}

/** Every explicit rule, for `/_sim/state`. */
export function permissionsState(store: Store): { on: string; grantee: string; capabilities: Record<string, 'Allow' | 'Deny'> }[] {
  const out: { on: string; grantee: string; capabilities: Record<string, 'Allow' | 'Deny'> }[] = [];
  for (const [on, rules] of store.permissions) for (const [grantee, caps] of rules) if (caps.size) out.push({ on, grantee, capabilities: Object.fromEntries(caps) });
  return out;
}

function granteeEls(rules: CapabilityRules): El[] {
  return [...rules].filter(([, caps]) => caps.size).map(([key, caps]) => {
    const [type, id] = key.split(':');
    return el('granteeCapabilities', {}, [el(type, { id }), list('capabilities', 'capability', [...caps].map(([name, mode]) => el('capability', { name, mode })))]);
  });
}

/** What the permissions path is on: an item, a project, or a project's default rules for one content type. */
interface On { key: string; content: Content; head: El; ownerId: string; name: string }

function onItem(ctx: Ctx, kind: ItemRec['kind']): On {
  const it = findItem(ctx, kind, ctx.params.id);
  return { key: it.id, content: kind, head: el(kind, { id: it.id, name: it.name }, [el('owner', { id: it.ownerId })]), ownerId: it.ownerId, name: it.name };
}

function onProject(ctx: Ctx, defaults?: 'workbooks' | 'datasources'): On {
  const p = siteCtx(ctx).c.projects.get(ctx.params.id);
  if (!p) throw errors.notFound('404005', `Project '${ctx.params.id}' could not be found.`);
  const head = el('project', { id: p.id, name: p.name }, [el('owner', { id: p.ownerId })]);
  return { key: defaults ? `${p.id}/${defaults}` : p.id, content: defaults === 'workbooks' ? 'workbook' : defaults === 'datasources' ? 'datasource' : 'project', head, ownerId: p.ownerId, name: p.name };
}

function answer(ctx: Ctx, on: On, status = 200): void {
  send(ctx.req, ctx.res, status, [el('permissions', {}, [on.head, ...granteeEls(rulesOf(ctx.sim.store, on.key))])]);
}

/** Setting permissions: the owner, a project leader's project content, or an administrator (here: owner or administrator). */
function requirePermissionAdmin(ctx: Ctx, on: On): void {
  requireModify(ctx, { ownerId: on.ownerId, name: on.name }, 'change the permissions of');
}

function granteeKey(ctx: Ctx, type: string, id: string): string {
  const st = ctx.sim.store;
  if (type === 'group') {
    const g = st.groups.get(id);
    if (!g || g.siteId !== ctx.session.siteId) throw errors.notFound('404012', `Group '${id}' could not be found.`);
  } else {
    const u = st.users.get(id);
    if (!u || !u.siteRoles.has(ctx.session.siteId)) throw errors.notFound('404002', `User '${id}' could not be found.`);
  }
  return `${type}:${id}`;
}

/** Add Permissions: every rule checked before any is applied; a rule already there (either mode) is left as it is, as Tableau documents. */
async function addPermissions(ctx: Ctx, on: On): Promise<void> {
  const body = parseTsRequest(await readSmallBody(ctx.req), ctx.req.headers['content-type']);
  requirePermissionAdmin(ctx, on);
  const gcs = children(child(body, 'permissions'), 'granteeCapabilities');
  if (!gcs.length) throw errors.badRequest('Payload is either malformed or incomplete: <permissions><granteeCapabilities> is required.');
  const planned: [string, string, 'Allow' | 'Deny'][] = [];
  for (const gc of gcs) {
    const type = child(gc, 'group') ? 'group' : child(gc, 'user') ? 'user' : undefined;
    const id = type && attr(child(gc, type), 'id');
    if (!type || !id) throw errors.badRequest('Payload is either malformed or incomplete: a grantee (<group id> or <user id>) is required.');
    const key = granteeKey(ctx, type, id);
    for (const c of children(child(gc, 'capabilities'), 'capability')) {
      const name = attr(c, 'name') ?? '';
      const mode = attr(c, 'mode');
      if (!HAS[name]?.includes(on.content)) throw errors.badRequest(`The capability '${name}' is not valid for a ${on.content}.`, '400009');
      if (mode !== 'Allow' && mode !== 'Deny') throw errors.badRequest(`The capability mode '${mode ?? ''}' is not valid.`, '400009');
      planned.push([key, name, mode]);
    }
  }
  const rules = rulesOf(ctx.sim.store, on.key);
  for (const [key, name, mode] of planned) {
    const caps = rules.get(key) ?? new Map<string, 'Allow' | 'Deny'>();
    if (!caps.has(name)) caps.set(name, mode);
    rules.set(key, caps);
  }
  answer(ctx, on);
}

function deletePermission(ctx: Ctx, on: On): void {
  requirePermissionAdmin(ctx, on);
  const type = ctx.params.granteeType === 'groups' ? 'group' : ctx.params.granteeType === 'users' ? 'user' : undefined;
  if (!type) throw errors.notFound('404003', `Unknown resource '${ctx.url.pathname}' specified in URI.`);
  const key = granteeKey(ctx, type, ctx.params.granteeId);
  const caps = rulesOf(ctx.sim.store, on.key).get(key);
  if (caps?.get(ctx.params.capability) !== ctx.params.mode) {
    // Unverified code: Tableau documents a 404 when the grantee has no such rule.
    throw errors.notFound('404013', `The ${type} has no '${ctx.params.capability}' '${ctx.params.mode}' permission on '${on.name}'.`);
  }
  caps.delete(ctx.params.capability);
  ctx.res.writeHead(204).end();
}

/** Update Workbook / Update Data Source: the attributes given change; a new owner must be a member of the site. */
async function updateItem(ctx: Ctx, kind: ItemRec['kind']): Promise<void> {
  requireScope(ctx.session, [kind === 'workbook' ? 'tableau:workbooks:update' : 'tableau:datasources:update']);
  const body = parseTsRequest(await readSmallBody(ctx.req), ctx.req.headers['content-type']);
  const it = findItem(ctx, kind, ctx.params.id);
  requireModify(ctx, it, 'update');
  const e = child(body, kind);
  if (!e) throw errors.badRequest(`Payload is either malformed or incomplete: <${kind}> is required.`);
  const st = ctx.sim.store;
  const ownerId = attr(child(e, 'owner'), 'id');
  if (ownerId !== undefined) {
    const u = st.users.get(ownerId);
    if (!u || !u.siteRoles.has(ctx.session.siteId)) throw errors.notFound('404002', `User '${ownerId}' could not be found.`);
    it.ownerId = u.id;
  }
  const description = attr(e, 'description');
  if (description !== undefined) it.description = description;
  if (it.kind === 'workbook') {
    const showTabs = attr(e, 'showTabs');
    if (showTabs !== undefined) it.showTabs = showTabs === 'true';
  }
  it.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { c } = siteCtx(ctx);
  c.changed();
  const site = st.sites.get(ctx.session.siteId)!;
  send(ctx.req, ctx.res, 200, [it.kind === 'workbook' ? workbookEl(st, c, site, ctx.base, it, false) : datasourceEl(st, c, site, ctx.base, it)]);
}

/** Delete Tag: 204; a tag the item does not have is 404 (Tableau's "tag not found"). */
function deleteTag(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [kind === 'workbook' ? 'tableau:workbook_tags:delete' : 'tableau:datasource_tags:delete']);
  const it = findItem(ctx, kind, ctx.params.id);
  const role = actingRole(ctx);
  if (!role || role === 'Viewer' || role === 'Unlicensed') throw errors.forbidden('403000', `A user with site role ${role} cannot delete tags.`);
  const tag = ctx.params.tag;
  const i = (it.tags ?? []).findIndex((t) => t.toLowerCase() === tag.toLowerCase());
  if (i < 0) throw errors.notFound('404018', `Tag '${tag}' could not be found on '${it.name}'.`);
  it.tags!.splice(i, 1);
  siteCtx(ctx).c.changed();
  ctx.res.writeHead(204).end();
}

function permissionRoutes(base: string, on: (ctx: Ctx) => On): Route[] {
  return [
    { method: 'GET', pattern: base, auth: true, handle: (ctx) => answer(ctx, on(ctx)) },
    { method: 'PUT', pattern: base, auth: true, handle: (ctx) => addPermissions(ctx, on(ctx)) },
    { method: 'DELETE', pattern: `${base}/{granteeType}/{granteeId}/{capability}/{mode}`, auth: true, handle: (ctx) => deletePermission(ctx, on(ctx)) },
  ];
}

export function settingsRoutes(): Route[] {
  return [
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/groups', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, ['tableau:content:read', 'tableau:groups:read']);
        const q = parseListQuery(ctx.url.searchParams, new Set(['name']));
        const groups = [...ctx.sim.store.groups.values()].filter((g) => g.siteId === ctx.session.siteId);
        const page = pageOf(groups, q, (g) => g.name);
        send(ctx.req, ctx.res, 200, [
          paginationEl(q, page.total),
          list('groups', 'group', page.items.map((g) => el('group', { id: g.id, name: g.name }, [el('domain', { name: 'local' })]))),
        ]);
      },
    },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/workbooks/{id}', auth: true, handle: (ctx) => updateItem(ctx, 'workbook') },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/datasources/{id}', auth: true, handle: (ctx) => updateItem(ctx, 'datasource') },
    { method: 'DELETE', pattern: '/api/{v}/sites/{site}/workbooks/{id}/tags/{tag}', auth: true, handle: (ctx) => deleteTag(ctx, 'workbook') },
    { method: 'DELETE', pattern: '/api/{v}/sites/{site}/datasources/{id}/tags/{tag}', auth: true, handle: (ctx) => deleteTag(ctx, 'datasource') },
    ...permissionRoutes('/api/{v}/sites/{site}/workbooks/{id}/permissions', (ctx) => onItem(ctx, 'workbook')),
    ...permissionRoutes('/api/{v}/sites/{site}/datasources/{id}/permissions', (ctx) => onItem(ctx, 'datasource')),
    ...permissionRoutes('/api/{v}/sites/{site}/projects/{id}/permissions', (ctx) => onProject(ctx)),
    ...permissionRoutes('/api/{v}/sites/{site}/projects/{id}/default-permissions/workbooks', (ctx) => onProject(ctx, 'workbooks')),
    ...permissionRoutes('/api/{v}/sites/{site}/projects/{id}/default-permissions/datasources', (ctx) => onProject(ctx, 'datasources')),
  ];
}
