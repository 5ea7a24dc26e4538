/**
 * Sites, users, projects, workbooks, views, data sources, content downloads, delete,
 * refresh and jobs. Visibility rule (documented for tests): every member of a site sees
 * all of the site's content; only the owner or a site/server administrator may delete,
 * refresh or overwrite an item; Viewer, Explorer and Unlicensed can never publish,
 * delete or create.
 */
import * as fs from 'node:fs';
import { requireScope } from './auth';
import { type Filter, indexable, type ListQuery, pageFrom, pageOf, paginationEl, parseListQuery, selectRows } from './listing';
import { datasourceEl, jobEl, projectEl, siteEl, tagsEl, userEl, viewEl, workbookEl } from './render';
import type { Ctx, Route } from './server';
import { canPublish, isoNow, type ItemRec, isSiteAdmin, type JobRec, luid, type ProjectRec, type SiteContent, type WorkbookRec } from './store';
import { attr, child, children, type El, errors, list, parseTsRequest, readSmallBody, send } from './wire';
import { packageWithoutExtracts, wantsNoExtract } from './withoutExtracts';

const READ = 'tableau:content:read';

export function siteCtx(ctx: Ctx): { c: SiteContent; siteId: string } {
  return { c: ctx.sim.store.siteContent(ctx.session.siteId), siteId: ctx.session.siteId };
}

export function actingRole(ctx: Ctx) {
  const st = ctx.sim.store;
  return st.roleOn(st.users.get(ctx.session.userId)!, ctx.session.siteId);
}

/** Owner or administrator, and a role that may change content at all. */
export function requireModify(ctx: Ctx, item: { ownerId: string; name: string }, what: string): void {
  const role = actingRole(ctx);
  if (!canPublish(role)) throw errors.forbidden('403000', `A user with site role ${role} cannot ${what}.`);
  if (!isSiteAdmin(role) && item.ownerId !== ctx.session.userId) throw errors.forbidden('403000', `Only the owner or an administrator can ${what} '${item.name}'.`);
}

function ownerName(ctx: Ctx, id: string): string | undefined {
  return ctx.sim.store.users.get(id)?.name;
}

function listAnswer(ctx: Ctx, q: ListQuery, total: number, collection: El): void {
  send(ctx.req, ctx.res, 200, [paginationEl(q, total), collection]);
}

const PROJECT_FIELDS = new Set(['name', 'parentProjectId', 'topLevelProject', 'ownerName', 'createdAt', 'updatedAt', 'description']);
const ITEM_FIELDS = new Set(['name', 'projectName', 'ownerName', 'createdAt', 'updatedAt', 'contentUrl', 'type', 'hasExtracts', 'tags']);
const VIEW_FIELDS = new Set(['name', 'projectName', 'ownerName', 'workbookName', 'viewUrlName', 'createdAt', 'updatedAt']);

/**
 * The rows of a listing: the whole list sliced when nothing is filtered or sorted (O(page)),
 * otherwise filtered and sorted once and kept in the site's ListingCache for the next pages.
 */
function listingRows<T extends { id: string }>(c: SiteContent, name: string, q: ListQuery, all: readonly T[], compute: () => readonly T[]): readonly T[] {
  if (!q.filters.length && !q.sort.length) return all;
  // Filtered and sorted listings come from the search index, which lags behind creates (SimConfig.indexLagMs).
  return c.indexed(c.listings.rows(`${name} ${q.shape}`, compute));
}

function listProjects(ctx: Ctx): void {
  requireScope(ctx.session, [READ, 'tableau:projects:read']);
  const { c } = siteCtx(ctx);
  const q = parseListQuery(ctx.url.searchParams, PROJECT_FIELDS);
  const rows = listingRows(c, 'projects', q, c.projectList, () => {
    const used = new Set<Filter>();
    let candidates: readonly ProjectRec[] = c.projectList;
    const byParent = indexable(q, 'parentProjectId');
    const top = q.filters.find((f) => f.field === 'topLevelProject' && f.op === 'eq' && f.values[0] === 'true');
    const byName = indexable(q, 'name');
    if (byParent) {
      candidates = byParent.values.flatMap((id) => c.projectsByParent.get(id) ?? []);
      used.add(byParent);
    } else if (top) {
      candidates = c.projectsByParent.get('') ?? [];
      used.add(top);
    } else if (byName) {
      candidates = byName.values.flatMap((n) => c.projectsByName.get(n) ?? []);
      used.add(byName);
    }
    return selectRows(candidates, q, (p, f) => {
      switch (f) {
        case 'parentProjectId': return p.parentId;
        case 'topLevelProject': return String(p.parentId === undefined);
        case 'ownerName': return ownerName(ctx, p.ownerId);
        default: return (p as unknown as Record<string, string | undefined>)[f];
      }
    }, used);
  });
  const page = pageFrom(rows, q);
  listAnswer(ctx, q, page.total, list('projects', 'project', page.items.map((p) => projectEl(ctx.sim.store, p))));
}

/** Owner or project leader of `p` or of a project above it (leadership is inherited down the hierarchy). */
function leadsProject(c: SiteContent, p: ProjectRec, userId: string): boolean {
  for (let cur: ProjectRec | undefined = p, depth = 0; cur && depth < 100; cur = cur.parentId ? c.projects.get(cur.parentId) : undefined, depth++) {
    if (cur.ownerId === userId || cur.leaderIds?.includes(userId)) return true;
  }
  return false;
}

async function createProject(ctx: Ctx): Promise<void> {
  requireScope(ctx.session, ['tableau:projects:create']);
  const { c, siteId } = siteCtx(ctx);
  const body = parseTsRequest(await readSmallBody(ctx.req), ctx.req.headers['content-type']);
  const role = actingRole(ctx);
  if (!canPublish(role)) throw errors.forbidden('403000', `A user with site role ${role} cannot create projects.`);
  const p = child(body, 'project');
  const name = attr(p, 'name')?.trim();
  if (!name) throw errors.badRequest('Payload is either malformed or incomplete: the project needs a name.');
  const parentId = attr(p, 'parentProjectId') || undefined;
  const parent = parentId ? c.projects.get(parentId) : undefined;
  if (parentId && !parent) throw errors.notFound('404005', `Project '${parentId}' could not be found.`);
  // Only administrators create top-level projects; owners and project leaders create nested ones in theirs.
  if (!isSiteAdmin(role)) {
    if (!parent) throw errors.forbidden('403000', 'Only a site or server administrator can create a top-level project.');
    if (!leadsProject(c, parent, ctx.session.userId)) throw errors.forbidden('403000', `Only an administrator, the owner or a project leader of '${parent.name}' can create a project in it.`);
  }
  if ((c.projectsByParent.get(parentId ?? '') ?? []).some((x) => x.name.toLowerCase() === name.toLowerCase())) {
    throw errors.conflict('409006', `A project already exists with the name '${name}'.`);
  }
  const now = isoNow();
  const rec: ProjectRec = { id: luid(), siteId, name, description: attr(p, 'description') ?? '', parentId, ownerId: ctx.session.userId, createdAt: now, updatedAt: now };
  c.addProject(rec);
  c.markCreated(rec.id);
  send(ctx.req, ctx.res, 201, [projectEl(ctx.sim.store, rec)]);
}

/** Workbooks and data sources share their listing: indexes by project name and by name. */
function listItems(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [READ, kind === 'workbook' ? 'tableau:workbooks:read' : 'tableau:datasources:read']);
  const { c } = siteCtx(ctx);
  const st = ctx.sim.store;
  const site = st.sites.get(ctx.session.siteId)!;
  const q = parseListQuery(ctx.url.searchParams, ITEM_FIELDS);
  const rows = listingRows(c, kind, q, c.itemList[kind], () => {
    const used = new Set<Filter>();
    let candidates: readonly ItemRec[] = c.itemList[kind];
    const byProject = indexable(q, 'projectName');
    const byName = indexable(q, 'name');
    if (byProject) {
      candidates = byProject.values.flatMap((n) => (c.projectsByName.get(n) ?? []).flatMap((p) => c.itemsByProject[kind].get(p.id) ?? []));
      used.add(byProject);
    } else if (byName) {
      candidates = byName.values.flatMap((n) => c.itemsByName[kind].get(n) ?? []);
      used.add(byName);
    }
    return selectRows(candidates, q, (it, f) => {
      switch (f) {
        case 'projectName': return c.projects.get(it.projectId)?.name;
        case 'ownerName': return ownerName(ctx, it.ownerId);
        case 'type': return it.kind === 'datasource' ? it.type : undefined;
        case 'hasExtracts': return it.kind === 'datasource' ? String(it.hasExtracts) : undefined;
        case 'tags': return undefined;
        default: return (it as unknown as Record<string, string | undefined>)[f];
      }
    }, used);
  });
  const page = pageFrom(rows, q);
  const els = page.items.map((it) => (it.kind === 'workbook' ? workbookEl(st, c, site, ctx.base, it, false) : datasourceEl(st, c, site, ctx.base, it)));
  listAnswer(ctx, q, page.total, kind === 'workbook' ? list('workbooks', 'workbook', els) : list('datasources', 'datasource', els));
}

export function findItem<K extends ItemRec['kind']>(ctx: Ctx, kind: K, id: string): Extract<ItemRec, { kind: K }> {
  const { c } = siteCtx(ctx);
  const it = c.items[kind].get(id) as Extract<ItemRec, { kind: K }> | undefined;
  if (!it) throw kind === 'workbook' ? errors.notFound('404006', `Workbook '${id}' could not be found.`) : errors.notFound('404011', `Datasource '${id}' could not be found.`);
  return it;
}

function getItem(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [READ, kind === 'workbook' ? 'tableau:workbooks:read' : 'tableau:datasources:read']);
  const it = findItem(ctx, kind, ctx.params.id);
  const st = ctx.sim.store;
  const { c } = siteCtx(ctx);
  const site = st.sites.get(ctx.session.siteId)!;
  send(ctx.req, ctx.res, 200, [it.kind === 'workbook' ? workbookEl(st, c, site, ctx.base, it, true) : datasourceEl(st, c, site, ctx.base, it)]);
}

function deleteItem(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [kind === 'workbook' ? 'tableau:workbooks:delete' : 'tableau:datasources:delete']);
  const it = findItem(ctx, kind, ctx.params.id);
  requireModify(ctx, it, 'delete');
  ctx.sim.deleteItem(siteCtx(ctx).c, it);
  send(ctx.req, ctx.res, 204, []);
}

async function download(ctx: Ctx, kind: ItemRec['kind']): Promise<void> {
  requireScope(ctx.session, [READ, kind === 'workbook' ? 'tableau:workbooks:download' : 'tableau:datasources:download']);
  const it = findItem(ctx, kind, ctx.params.id);
  const b = it.blob;
  const slim = wantsNoExtract(ctx.url.searchParams) ? await packageWithoutExtracts(b) : undefined;
  if (slim) {
    ctx.res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(slim.length), 'Content-Disposition': contentDisposition(b.fileName) });
    ctx.res.end(slim);
    return;
  }
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(b.size),
    'Content-Disposition': contentDisposition(b.fileName),
  };
  ctx.res.writeHead(200, headers);
  if (b.inline) ctx.res.end(b.inline);
  else fs.createReadStream(b.filePath!, { highWaterMark: 1024 * 1024 }).on('error', () => ctx.res.destroy()).pipe(ctx.res);
}

/**
 * A header carries ASCII only: the plain name in `filename`, and any other name also in
 * RFC 6266 `filename*=UTF-8''` form, which TSC decodes (helpers/headers.py fix_filename).
 */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"${ascii === fileName ? '' : `; filename*=UTF-8''${encodeURIComponent(fileName)}`}`;
}

/** Add Tags (PUT .../{workbooks|datasources}/{id}/tags): adding a tag the item has is a no-op; answers the item's tags. */
async function addTags(ctx: Ctx, kind: ItemRec['kind']): Promise<void> {
  // Connected-app scopes for tags (as tableau/tableau-mcp uses them).
  requireScope(ctx.session, [kind === 'workbook' ? 'tableau:workbook_tags:update' : 'tableau:datasource_tags:update']);
  const body = parseTsRequest(await readSmallBody(ctx.req), ctx.req.headers['content-type']);
  const it = findItem(ctx, kind, ctx.params.id);
  const role = actingRole(ctx);
  if (!role || role === 'Viewer' || role === 'Unlicensed') throw errors.forbidden('403000', `A user with site role ${role} cannot add tags.`);
  const labels = children(child(body, 'tags'), 'tag').map((t) => attr(t, 'label')?.trim() ?? '');
  if (!labels.length || labels.some((l) => !l)) throw errors.badRequest('Payload is either malformed or incomplete: <tags><tag label="..."/></tags> is required.');
  const tags = new Set(it.tags ?? []);
  for (const l of labels) tags.add(l);
  it.tags = [...tags];
  siteCtx(ctx).c.changed();
  send(ctx.req, ctx.res, 200, [tagsEl(it.tags)]);
}

/**
 * Views of the given workbooks; `cacheAs` names a site-wide listing worth keeping for its next pages.
 * Query Views for Workbook is not paged: `<views>` alone (TSC workbook_populate_views.xml, schema tsResponse).
 */
function viewsOf(ctx: Ctx, workbooks: readonly WorkbookRec[], cacheAs?: string, paged = true): void {
  const { c } = siteCtx(ctx);
  const st = ctx.sim.store;
  const q = parseListQuery(ctx.url.searchParams, VIEW_FIELDS);
  const select = () => selectRows(workbooks.flatMap((w) => w.views.map((v) => ({ v, w }))), q, ({ v, w }, f) => {
    switch (f) {
      case 'name': return v.name;
      case 'projectName': return c.projects.get(w.projectId)?.name;
      case 'ownerName': return ownerName(ctx, w.ownerId);
      case 'workbookName': return w.name;
      case 'viewUrlName': return v.contentUrl.split('/').pop();
      default: return (w as unknown as Record<string, string | undefined>)[f];
    }
  });
  if (!paged) {
    send(ctx.req, ctx.res, 200, [list('views', 'view', select().map(({ v, w }) => viewEl(v, w, c, st)))]);
    return;
  }
  const page = pageFrom(cacheAs ? c.listings.rows(`${cacheAs} ${q.shape}`, select) : select(), q);
  listAnswer(ctx, q, page.total, list('views', 'view', page.items.map(({ v, w }) => viewEl(v, w, c, st))));
}

export function contentRoutes(): Route[] {
  return [
    {
      method: 'GET', pattern: '/api/{v}/sites', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, [READ, 'tableau:sites:read']);
        const st = ctx.sim.store;
        const user = st.users.get(ctx.session.userId)!;
        const q = parseListQuery(ctx.url.searchParams, new Set(['name', 'contentUrl']));
        const reachable = [...st.sites.values()].filter((s) => user.isServerAdmin || user.siteRoles.has(s.id));
        const page = pageOf(reachable, q, (s, f) => (s as unknown as Record<string, string>)[f]);
        listAnswer(ctx, q, page.total, list('sites', 'site', page.items.map(siteEl)));
      },
    },
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/users', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, [READ, 'tableau:users:read']);
        const st = ctx.sim.store;
        const q = parseListQuery(ctx.url.searchParams, new Set(['name', 'siteRole']));
        const members = [...st.users.values()].filter((u) => u.siteRoles.has(ctx.session.siteId));
        const page = pageOf(members, q, (u, f) => (f === 'siteRole' ? st.roleOn(u, ctx.session.siteId) : u.name));
        listAnswer(ctx, q, page.total, list('users', 'user', page.items.map((u) => userEl(st, u, ctx.session.siteId))));
      },
    },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/projects', auth: true, handle: listProjects },
    { method: 'POST', pattern: '/api/{v}/sites/{site}/projects', auth: true, handle: createProject },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/workbooks', auth: true, handle: (ctx) => listItems(ctx, 'workbook') },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/workbooks/{id}', auth: true, handle: (ctx) => getItem(ctx, 'workbook') },
    { method: 'DELETE', pattern: '/api/{v}/sites/{site}/workbooks/{id}', auth: true, handle: (ctx) => deleteItem(ctx, 'workbook') },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/workbooks/{id}/content', auth: true, handle: (ctx) => download(ctx, 'workbook') },
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/workbooks/{id}/views', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, [READ, 'tableau:views:read', 'tableau:workbooks:read']);
        viewsOf(ctx, [findItem(ctx, 'workbook', ctx.params.id)], undefined, false);
      },
    },
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/views', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, [READ, 'tableau:views:read']);
        viewsOf(ctx, siteCtx(ctx).c.itemList.workbook, 'views');
      },
    },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/workbooks/{id}/tags', auth: true, handle: (ctx) => addTags(ctx, 'workbook') },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/datasources/{id}/tags', auth: true, handle: (ctx) => addTags(ctx, 'datasource') },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/datasources', auth: true, handle: (ctx) => listItems(ctx, 'datasource') },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/datasources/{id}', auth: true, handle: (ctx) => getItem(ctx, 'datasource') },
    { method: 'DELETE', pattern: '/api/{v}/sites/{site}/datasources/{id}', auth: true, handle: (ctx) => deleteItem(ctx, 'datasource') },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/datasources/{id}/content', auth: true, handle: (ctx) => download(ctx, 'datasource') },
    // Refresh (workbooks and data sources): routesAfterPublish.ts.
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/jobs/{id}', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, ['tableau:jobs:read']);
        const j = ctx.sim.store.jobs.get(ctx.params.id);
        if (!j || j.siteId !== ctx.session.siteId) throw errors.notFound('404031', `Job '${ctx.params.id}' could not be found.`);
        send(ctx.req, ctx.res, 200, [jobEl(ctx.sim.store, j)]);
      },
    },
  ];
}

/** A job that runs for `jobDurationMs`; a fault may make it finish with another code and notes. */
export function newJob(ctx: Ctx, type: string, refs: { workbookId?: string; datasourceId?: string; itemName?: string }, onDone?: (finishCode: number) => void) {
  const st = ctx.sim.store;
  const job = {
    id: luid(), siteId: ctx.session.siteId, type, mode: 'Asynchronous', createdAt: Date.now(), durationMs: st.config.jobDurationMs ?? 1000,
    finishCode: ctx.fault?.jobFinishCode ?? 0, notes: ctx.fault?.jobNotes, ...refs,
  };
  st.jobs.set(job.id, job);
  if (onDone) {
    // Settled by the timer or by the first request that sees the job done, whichever is first.
    const rec: JobRec = Object.assign(job, { pending: () => onDone(job.finishCode) });
    st.pendingJobs.add(rec);
    ctx.sim.later(job.durationMs, () => st.settleJobs());
  }
  return job;
}
