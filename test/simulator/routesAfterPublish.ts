/**
 * After a publish: Update Workbook Now (`POST .../workbooks/{id}/refresh`), Query View Image
 * (`GET .../views/{id}/image`, a real PNG per view made with pngjs, or Tableau's 400074 for a
 * view a test marks broken) and Query Workbook Preview Image (`GET .../workbooks/{id}/previewImage`).
 */
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import { requireScope } from './auth';
import { workbookHasExtract } from './itemDocuments';
import { jobEl } from './render';
import { findItem, newJob, requireModify, siteCtx } from './routesContent';
import type { Ctx, Route } from './server';
import type { ItemRec, Store, WorkbookRec } from './store';
import { errors, readSmallBody, send } from './wire';

const READ = 'tableau:content:read';
/** Query View Image: 784 px wide by default, 1568 with resolution=high; the height keeps the view's aspect (here 2:1). */
const WIDTH = { normal: 784, high: 1568 } as const;
const MAX_CACHED_IMAGES = 256;
const images = new Map<string, Buffer>();

/** A solid PNG whose colour comes from the name's hash, with a darker band so two views never look alike by accident. */
export function namePng(name: string, width: number, height: number): Buffer {
  const key = `${name}\u0000${width}x${height}`;
  const hit = images.get(key);
  if (hit) return hit;
  const [r, g, b] = createHash('sha256').update(name).digest();
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    const band = y < height / 8;
    for (let x = 0; x < width; x++) {
      const i = (width * y + x) << 2;
      png.data[i] = band ? r >> 1 : r;
      png.data[i + 1] = band ? g >> 1 : g;
      png.data[i + 2] = band ? b >> 1 : b;
      png.data[i + 3] = 255;
    }
  }
  const bytes = PNG.sync.write(png);
  if (images.size >= MAX_CACHED_IMAGES) images.delete(images.keys().next().value as string);
  images.set(key, bytes);
  return bytes;
}

function sendPng(ctx: Ctx, png: Buffer): void {
  ctx.res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(png.length) });
  ctx.res.end(png);
}

/** Views a test marked broken (by view name or id), on every site. */
export function isBroken(store: Store, view: { id: string; name: string }): boolean {
  const broken = store.config.brokenViews ?? [];
  return broken.includes(view.name) || broken.includes(view.id);
}

function findView(ctx: Ctx, id: string): { wb: WorkbookRec; view: WorkbookRec['views'][number] } {
  for (const wb of siteCtx(ctx).c.itemList.workbook) {
    const view = wb.views.find((v) => v.id === id);
    if (view) return { wb, view };
  }
  throw errors.notFound('404011', `View '${id}' could not be found.`);
}

/**
 * Update Workbook Now / Update Data Source Now: a RefreshExtract job naming the item. Choice (unverified):
 * Tableau's exact answer for an item without an extract is not documented; here 400000.
 */
function refreshRoute(kind: ItemRec['kind']): Route {
  const plural = kind === 'workbook' ? 'workbooks' : 'datasources';
  const what = kind === 'workbook' ? 'workbook' : 'data source';
  return {
    method: 'POST', pattern: `/api/{v}/sites/{site}/${plural}/{id}/refresh`, auth: true,
    handle: async (ctx) => {
      requireScope(ctx.session, ['tableau:tasks:run', `tableau:${plural}:refresh`]);
      await readSmallBody(ctx.req);
      const it = findItem(ctx, kind, ctx.params.id);
      requireModify(ctx, it, 'refresh');
      const hasExtract = it.kind === 'workbook' ? await workbookHasExtract(it) : it.hasExtracts;
      if (!hasExtract) throw errors.badRequest(`The ${what} '${it.name}' has no extract to refresh.`);
      const st = ctx.sim.store;
      const refs = it.kind === 'workbook' ? { workbookId: it.id } : { datasourceId: it.id };
      const busy = [...st.jobs.values()].find((j) => (j.workbookId ?? j.datasourceId) === it.id && j.type === 'RefreshExtract' && !st.jobProgress(j).done);
      if (busy) throw errors.conflict('409093', `A refresh job for ${what} '${it.name}' is already queued.`);
      const job = newJob(ctx, 'RefreshExtract', { ...refs, itemName: it.name });
      send(ctx.req, ctx.res, 202, [jobEl(st, job)]);
    },
  };
}

export function afterPublishRoutes(): Route[] {
  return [
    refreshRoute('workbook'),
    refreshRoute('datasource'),
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/views/{id}/image', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, [READ, 'tableau:views:download']);
        const resolution = ctx.url.searchParams.get('resolution');
        const maxAge = ctx.url.searchParams.get('maxAge');
        // maxAge is minutes, at least 1 (Query View Image).
        if (maxAge !== null && !/^[1-9]\d*$/.test(maxAge)) throw errors.badRequest(`maxAge '${maxAge}' is not a whole number of minutes of at least 1.`);
        const { view } = findView(ctx, ctx.params.id);
        // TSC issues #330 and #438: what Tableau answers for a view it cannot render.
        if (isBroken(ctx.sim.store, view)) throw errors.badRequest(`There was a problem querying the image for view '${view.id}'.`, '400074');
        const width = resolution === 'high' ? WIDTH.high : WIDTH.normal;
        sendPng(ctx, namePng(view.name, width, width / 2));
      },
    },
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/workbooks/{id}/previewImage', auth: true,
      handle: (ctx) => {
        requireScope(ctx.session, [READ, 'tableau:views:download', 'tableau:workbooks:read']);
        const wb = findItem(ctx, 'workbook', ctx.params.id);
        sendPng(ctx, namePng(`workbook:${wb.name}`, 320, 240));
      },
    },
  ];
}

/** `/_sim/` controls: `POST /_sim/broken-views {"names": [...]}` replaces the list of views that cannot render. */
export function setBrokenViews(store: Store, body: Record<string, unknown>): void {
  const names = body.names;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw errors.badRequest('names must be a list of view names or ids.');
  store.config.brokenViews = names as string[];
}
