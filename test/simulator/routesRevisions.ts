/**
 * Revisions (Tableau "Revisions Methods"): Get Workbook / Data Source Revisions (paged),
 * Download Workbook / Data Source Revision, Remove Workbook / Data Source Revision, and
 * Query Site for the settings that govern them (revisionHistoryEnabled, revisionLimit).
 */
import * as fs from 'node:fs';
import { requireScope } from './auth';
import { pageFrom, paginationEl, parseListQuery } from './listing';
import type { RevisionRec } from './revisions';
import { actingRole, contentDisposition, findItem, requireModify } from './routesContent';
import type { Ctx, Route } from './server';
import { canPublish, type ItemRec } from './store';
import { el, errors, list, send } from './wire';

const READ = 'tableau:content:read';

function what(kind: ItemRec['kind']): string {
  return kind === 'workbook' ? 'workbook' : 'data source';
}

/** Revision methods need history on (documented: "available only if version history is enabled"). */
function requireHistory(ctx: Ctx): void {
  if (!ctx.sim.revisions.settingsOf(ctx.session.siteId).revisionHistoryEnabled) {
    // The code Tableau answers here is not documented; 403000 with this detail is our choice.
    throw errors.forbidden('403000', 'Revision history is not enabled on this site.');
  }
}

/** Site administrators, or a role that may publish (with the item's Read/Write/Download, which every member has here). */
function requireRevisionReader(ctx: Ctx): void {
  const role = actingRole(ctx);
  if (!canPublish(role)) throw errors.forbidden('403000', `A user with site role ${role} cannot see or download revisions.`);
}

function revisionNumber(ctx: Ctx): number {
  const raw = ctx.params.n;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw errors.badRequest(`'${raw}' is not a revision number.`);
  return n;
}

function findRevision(ctx: Ctx, item: ItemRec, n: number): RevisionRec {
  const r = ctx.sim.revisions.of(item).find((x) => x.number === n);
  // A removed revision is listed as deleted but its content is gone. The code is our choice (undocumented).
  if (!r || r.deleted) throw errors.notFound('404026', `Revision ${n} of ${what(item.kind)} '${item.name}' could not be found${r?.deleted ? ' (it was removed)' : ''}.`);
  return r;
}

function listRevisions(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [READ, kind === 'workbook' ? 'tableau:workbooks:read' : 'tableau:datasources:read']);
  const item = findItem(ctx, kind, ctx.params.id);
  requireHistory(ctx);
  requireRevisionReader(ctx);
  const q = parseListQuery(ctx.url.searchParams, new Set());
  const all = ctx.sim.revisions.of(item);
  const current = all[all.length - 1];
  const page = pageFrom(all, q);
  const st = ctx.sim.store;
  // TSC's recorded answers (workbook_revision.xml) use publishedAt; its datasource_revision.xml has createdAt, which
  // the schema's revisionType does not allow: both kinds answer publishedAt here.
  const els = page.items.map((r) => el('revision', {
    revisionNumber: r.number, publishedAt: r.publishedAt, deleted: r.deleted, current: r === current,
    sizeInBytes: r.blob?.size,
  }, [el('publisher', { id: r.publisherId, name: st.users.get(r.publisherId)?.name })]));
  send(ctx.req, ctx.res, 200, [paginationEl(q, page.total), list('revisions', 'revision', els)]);
}

function downloadRevision(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [READ, kind === 'workbook' ? 'tableau:workbooks:download' : 'tableau:datasources:download']);
  const item = findItem(ctx, kind, ctx.params.id);
  requireHistory(ctx);
  requireRevisionReader(ctx);
  const n = revisionNumber(ctx);
  const r = findRevision(ctx, item, n);
  // "Downloads a specific version ... prior to the current one": the current one is Download Workbook / Data Source
  // (tableau/tableau-postman#59: an error without a documented code). 400000 is our choice.
  if (r === ctx.sim.revisions.current(item)) throw errors.badRequest(`Revision ${n} is the current revision of '${item.name}'; download the ${what(kind)} itself.`);
  const b = r.blob!;
  const ext = b.fileName.includes('.') ? b.fileName.slice(b.fileName.lastIndexOf('.')) : '';
  ctx.res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(b.size),
    'Content-Disposition': contentDisposition(`${item.name}${ext}`),
  });
  if (b.inline) ctx.res.end(b.inline);
  else fs.createReadStream(b.filePath!, { highWaterMark: 1024 * 1024 }).on('error', () => ctx.res.destroy()).pipe(ctx.res);
}

function removeRevision(ctx: Ctx, kind: ItemRec['kind']): void {
  requireScope(ctx.session, [kind === 'workbook' ? 'tableau:workbooks:update' : 'tableau:datasources:update']);
  const item = findItem(ctx, kind, ctx.params.id);
  requireHistory(ctx);
  requireModify(ctx, item, 'remove a revision of');
  const n = revisionNumber(ctx);
  const r = findRevision(ctx, item, n);
  if (r === ctx.sim.revisions.current(item)) throw errors.badRequest(`Revision ${n} is the current revision of '${item.name}' and cannot be removed.`);
  ctx.sim.revisions.remove(item, n);
  send(ctx.req, ctx.res, 204, []);
}

export function revisionRoutes(): Route[] {
  const routes: Route[] = [
    {
      // Query Site: the settings the revision methods depend on.
      method: 'GET', pattern: '/api/{v}/sites/{site}', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, [READ, 'tableau:sites:read']);
        const site = ctx.sim.store.sites.get(ctx.session.siteId)!;
        const s = ctx.sim.revisions.settingsOf(site.id);
        send(ctx.req, ctx.res, 200, [el('site', {
          id: site.id, name: site.name, contentUrl: site.contentUrl, state: 'Active',
          revisionHistoryEnabled: s.revisionHistoryEnabled, revisionLimit: s.revisionHistoryEnabled ? s.revisionLimit : undefined,
        })]);
      },
    },
  ];
  for (const kind of ['workbook', 'datasource'] as const) {
    const base = `/api/{v}/sites/{site}/${kind}s/{id}/revisions`;
    routes.push(
      { method: 'GET', pattern: base, auth: true, handle: (ctx) => listRevisions(ctx, kind) },
      { method: 'GET', pattern: `${base}/{n}/content`, auth: true, handle: (ctx) => downloadRevision(ctx, kind) },
      { method: 'DELETE', pattern: `${base}/{n}`, auth: true, handle: (ctx) => removeRevision(ctx, kind) },
    );
  }
  return routes;
}
