/**
 * Publishing workbooks and data sources (single multipart request or an upload-session
 * commit; sync or asJob) and the fileUploads endpoints. Bytes go straight to disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireScope } from './auth';
import { type FilePart, parseMultipart } from './multipart';
import { datasourceEl, jobEl, sizeMb, workbookEl } from './render';
import { sheetNamesOfFile } from './sheets';
import { hasExtractConnection } from './itemDocuments';
import { connectionsOfUpload } from './routesConnections';
import { actingRole, newJob, requireModify, siteCtx } from './routesContent';
import type { Ctx, Route } from './server';
import { canPublish, type DataSourceRec, isoNow, type ItemRec, luid, type ProjectRec, type StoredBlob, type UploadRec, type WorkbookRec } from './store';
import { attr, child, children, el, errors, parseTsRequest, readSmallBody, send } from './wire';

const DEFAULT_MAX = 64 * 1024 * 1024;
const DEFAULT_MAX_CHUNKS = 1000;
const WORKBOOK_TYPES = ['twb', 'twbx'];
const DATASOURCE_TYPES = ['tds', 'tdsx', 'tde', 'hyper', 'parquet'];
type DsMode = 'createnew' | 'overwrite' | 'append' | 'replace';

function maxBytes(ctx: Ctx): number {
  return ctx.sim.store.config.maxRequestBytes ?? DEFAULT_MAX;
}

function requirePublisher(ctx: Ctx): void {
  const role = actingRole(ctx);
  if (!canPublish(role)) throw errors.forbidden('403000', `A user with site role ${role} cannot publish.`);
}

function flag(ctx: Ctx, name: string): boolean {
  const v = ctx.url.searchParams.get(name);
  if (v === null || v === '') return false;
  if (v !== 'true' && v !== 'false') throw errors.badRequest(`The value of '${name}' must be true or false.`);
  return v === 'true';
}

function dsMode(ctx: Ctx): DsMode {
  const set = (['overwrite', 'append', 'replace', 'createnew'] as const).filter((m) => flag(ctx, m));
  if (set.length > 1) throw errors.badRequest(`Only one of overwrite, append, replace, createnew may be true (got ${set.join(', ')}).`);
  return set[0] ?? 'createnew';
}

function takeUpload(ctx: Ctx, id: string): UploadRec {
  const u = ctx.sim.store.uploads.get(id);
  if (!u || u.siteId !== ctx.session.siteId || u.consumed || u.busy || u.size === 0) {
    throw errors.badRequest(`There was a problem publishing the file '${id}'.`, '400011');
  }
  return u;
}

type Credential = NonNullable<ItemRec['credentials']>[number];
interface Target {
  project: ProjectRec; name: string; description: string; showTabs: boolean; thumbnailsUserId?: string; thumbnailsGroupId?: string; views: string[]; hiddenViews: string[]; connections: string[]; credentials: Credential[];
  /** Sheets read from the published workbook file, when it could be read. */
  fileSheets?: string[];
  /** Data connections read from the published file, when it could be read. */
  dataConnections?: ItemRec['connections'];
}

function credentialOf(c: unknown, conn?: unknown): Credential | undefined {
  if (!c) return undefined;
  const username = attr(c, 'name');
  if (username === undefined) throw errors.badRequest('Payload is either malformed or incomplete: <connectionCredentials> needs a name.');
  return {
    serverAddress: attr(conn, 'serverAddress'), serverPort: attr(conn, 'serverPort'), username, embed: attr(c, 'embed') === 'true',
    passwordSha256: createHash('sha256').update(attr(c, 'password') ?? '').digest('hex'),
  };
}

function readPayload(ctx: Ctx, kind: ItemRec['kind'], text: string, contentType: string | undefined): Target {
  // Tableau's publish parser is reported to reject &apos; (clients must write &#39;).
  if (/&apos;/.test(text)) throw errors.badRequest('Payload is either malformed or incomplete: unsupported entity &apos;.');
  const body = parseTsRequest(text, /json/i.test(contentType ?? '') ? 'application/json' : 'text/xml');
  const item = child(body, kind);
  const name = attr(item, 'name')?.trim();
  if (!item || !name) throw errors.badRequest(`Payload is either malformed or incomplete: <${kind} name="..."> is required.`);
  const { c } = siteCtx(ctx);
  const projectId = attr(child(item, 'project'), 'id');
  let project: ProjectRec | undefined;
  if (projectId) {
    project = c.projects.get(projectId);
    if (!project) throw errors.notFound('404005', `Project '${projectId}' could not be found.`);
  } else {
    // Without a project Tableau publishes to the site's Default project.
    project = (c.projectsByParent.get('') ?? []).find((p) => p.name === 'Default');
    if (!project) throw errors.badRequest('Payload is either malformed or incomplete: no project given and the site has no Default project.');
  }
  const connEls = [...children(child(item, 'connections'), 'connection'), ...children(item, 'connection')];
  const viewEls = children(child(item, 'views'), 'view');
  return {
    project, name, description: attr(item, 'description') ?? '', showTabs: attr(item, 'showTabs') !== 'false',
    thumbnailsUserId: attr(item, 'thumbnailsUserId'), thumbnailsGroupId: attr(item, 'thumbnailsGroupId'),
    views: viewEls.filter((v) => attr(v, 'hidden') !== 'true').map((v) => attr(v, 'name') ?? '').filter(Boolean),
    hiddenViews: viewEls.filter((v) => attr(v, 'hidden') === 'true').map((v) => attr(v, 'name') ?? '').filter(Boolean),
    connections: connEls.map((x) => attr(x, 'serverAddress') ?? '').filter(Boolean),
    credentials: [
      ...connEls.map((x) => credentialOf(child(x, 'connectionCredentials'), x)),
      credentialOf(child(item, 'connectionCredentials')),
    ].filter((x): x is Credential => x !== undefined),
  };
}

function connectionCheck(ctx: Ctx, kind: ItemRec['kind'], t: Target): void {
  // skipConnectionCheck is a Publish Workbook parameter only (TSC sends it for workbooks only).
  if (kind === 'workbook' && flag(ctx, 'skipConnectionCheck')) return;
  const cfg = ctx.sim.store.config.failConnectionCheck;
  const failing = ctx.fault?.failConnectionCheck || cfg === true || (Array.isArray(cfg) && t.connections.some((a) => cfg.includes(a)));
  if (!failing) return;
  // Some servers answer 403007 with this detail (TSC issues #337, #641) instead of 403132.
  if (ctx.sim.store.config.connectionCheckError === '403007') throw errors.forbidden('403007', `${t.name} failed to establish a connection to your datasource.`);
  throw errors.forbidden('403132', 'Failed connection check: one or more data sources used by the content could not be reached.');
}

async function publish(ctx: Ctx, kind: ItemRec['kind']): Promise<void> {
  const isWb = kind === 'workbook';
  const type = ctx.url.searchParams.get(isWb ? 'workbookType' : 'datasourceType')?.toLowerCase();
  const mode: DsMode = isWb ? (flag(ctx, 'overwrite') ? 'overwrite' : 'createnew') : dsMode(ctx);
  requireScope(ctx.session, isWb ? ['tableau:workbooks:create'] : mode === 'createnew' ? ['tableau:datasources:create'] : ['tableau:datasources:update']);
  requirePublisher(ctx);
  if (!type) throw errors.badRequest(`The '${isWb ? 'workbookType' : 'datasourceType'}' query parameter is required.`);
  if (!(isWb ? WORKBOOK_TYPES : DATASOURCE_TYPES).includes(type)) throw errors.badRequest(`Unsupported ${isWb ? 'workbookType' : 'datasourceType'} '${type}'.`);
  if (mode === 'append' && type !== 'hyper' && type !== 'tde') throw errors.badRequest('Only a .hyper or .tde file can be appended to a data source.', '400054');
  const asJob = flag(ctx, 'asJob');
  const uploadId = ctx.url.searchParams.get('uploadSessionId') ?? undefined;
  const upload = uploadId !== undefined ? takeUpload(ctx, uploadId) : undefined;
  if (upload) upload.busy = true;
  const partName = isWb ? 'tableau_workbook' : 'tableau_datasource';
  let file: FilePart | undefined;
  try {
    const parsed = await parseMultipart(ctx.req, { dir: path.join(ctx.sim.dataDir, 'uploads'), fileParts: [partName], maxFileBytes: maxBytes(ctx) });
    file = parsed.file;
    if (!parsed.payload) throw errors.badRequest('Payload is either malformed or incomplete: the request_payload part is missing.');
    if (upload && file) throw errors.badRequest(`A publish with uploadSessionId carries only request_payload, not a ${partName} part.`);
    if (!upload && !file) throw errors.badRequest(`Payload is either malformed or incomplete: the ${partName} part is missing.`);
    if (file) {
      const ext = path.extname(file.fileName).slice(1).toLowerCase();
      if (ext !== type) throw errors.badRequest(`The file name '${file.fileName}' does not match ${isWb ? 'workbookType' : 'datasourceType'}=${type}.`);
    }
    const t = readPayload(ctx, kind, parsed.payload.text, parsed.payload.contentType);
    connectionCheck(ctx, kind, t);
    const { c } = siteCtx(ctx);
    const existing = c.findItem(kind, t.project.id, t.name);
    const lockKey = `${kind}:${t.project.id}:${t.name.toLowerCase()}`;
    if (ctx.sim.inflight.has(lockKey)) throw errors.forbidden('403131', `'${t.name}' is being published or modified right now; try again later.`);
    if (existing && mode === 'createnew') {
      throw isWb
        ? errors.conflict('409004', `A workbook named '${t.name}' already exists in project '${t.project.name}' and overwrite is not set.`)
        : errors.forbidden('403007', `The datasource '${t.name}' already exists and may not be overwritten without the 'overwrite' flag set to 'true'.`);
    }
    if (!existing && mode === 'append') throw errors.notFound('404011', `Cannot append: data source '${t.name}' does not exist in project '${t.project.name}'.`);
    if (existing) requireModify(ctx, existing, 'overwrite');

    // Move the bytes to their final place now; the record is written at commit.
    const source = upload ? upload.filePath : file!.path;
    t.dataConnections = await connectionsOfUpload(ctx, kind, source, type, t.credentials, isWb && flag(ctx, 'skipConnectionCheck'));
    const blob: StoredBlob = {
      size: upload ? upload.size : file!.size,
      sha256: (upload ? upload.hash : file!.hash).digest('hex'),
      fileName: file ? path.basename(file.fileName) : `${t.name}.${type}`,
      filePath: path.join(ctx.sim.dataDir, 'items', `${randomBytes(12).toString('hex')}.${type}`),
    };
    await fs.promises.rename(source, blob.filePath!);
    file = undefined;
    if (isWb) t.fileSheets = await sheetNamesOfFile(blob.filePath!, type);
    if (upload) upload.consumed = true;
    const id = existing?.id ?? luid();
    const commit = (): ItemRec => commitItem(ctx, kind, id, t, type, mode, blob, existing);
    if (asJob) {
      ctx.sim.inflight.add(lockKey);
      const job = newJob(ctx, isWb ? 'PublishWorkbook' : 'PublishDatasource', { ...(isWb ? { workbookId: id } : { datasourceId: id }), itemName: t.name }, (code) => {
        ctx.sim.inflight.delete(lockKey);
        if (code === 0 || code === 3) commit();
        else fs.rm(blob.filePath!, { force: true }, () => undefined);
      });
      send(ctx.req, ctx.res, 202, [jobEl(ctx.sim.store, job)]);
      return;
    }
    const rec = commit();
    const st = ctx.sim.store;
    const site = st.sites.get(ctx.session.siteId)!;
    send(ctx.req, ctx.res, 201, [rec.kind === 'workbook' ? workbookEl(st, c, site, ctx.base, rec, true) : datasourceEl(st, c, site, ctx.base, rec)]);
  } finally {
    if (upload) upload.busy = false;
    if (file) fs.rm(file.path, { force: true }, () => undefined);
  }
}

function commitItem(ctx: Ctx, kind: ItemRec['kind'], id: string, t: Target, type: string, mode: DsMode, blob: StoredBlob, existing: ItemRec | undefined): ItemRec {
  const { c } = siteCtx(ctx);
  const now = isoNow();
  const current = c.items[kind].get(id) ?? existing;
  if (current) c.removeItem(current);
  // The replaced content stays as a revision (or goes, with revision history off).
  if (current) ctx.sim.revisions.recordOverwrite(current, blob, ctx.session.userId);
  const base = {
    id, siteId: ctx.session.siteId, projectId: t.project.id, ownerId: current?.ownerId ?? ctx.session.userId, name: t.name,
    contentUrl: current?.contentUrl ?? c.uniqueContentUrl(kind, t.name), description: t.description || current?.description || '',
    blob, createdAt: current?.createdAt ?? now, updatedAt: now, tags: current?.tags, credentials: t.credentials,
    ...(t.dataConnections ? { connections: t.dataConnections } : {}),
  };
  let rec: ItemRec;
  if (kind === 'workbook') {
    // Tableau takes the views from the file, less the ones the payload hides; unreadable test bytes fall back.
    const names = t.fileSheets?.filter((n) => !t.hiddenViews.includes(n))
      ?? (t.views.length ? t.views : (current as WorkbookRec | undefined)?.views.map((v) => v.name) ?? ['Sheet 1']);
    rec = {
      ...base, kind, showTabs: t.showTabs, hiddenViews: t.hiddenViews,
      thumbnailsUserId: t.thumbnailsUserId ?? (t.thumbnailsGroupId ? undefined : (current as WorkbookRec | undefined)?.thumbnailsUserId),
      thumbnailsGroupId: t.thumbnailsGroupId ?? (t.thumbnailsUserId ? undefined : (current as WorkbookRec | undefined)?.thumbnailsGroupId),
      views: names.map((n) => ({ id: luid(`view:${id}:${n}`), name: n, contentUrl: `${base.contentUrl}/sheets/${n.replace(/[^A-Za-z0-9]/g, '')}` })),
    };
  } else {
    const extract = type === 'hyper' || type === 'tde';
    rec = { ...base, kind, type: extract ? 'hyper' : type === 'parquet' ? 'parquet' : ((current as DataSourceRec | undefined)?.type ?? 'federated'), hasExtracts: extract || ((t.dataConnections ? hasExtractConnection(t.dataConnections) : undefined) ?? (current as DataSourceRec | undefined)?.hasExtracts ?? false) };
    void mode; // append/replace/overwrite all keep the item and take the new file as its content
  }
  c.addItem(rec);
  if (!current) c.markCreated(rec.id); // an overwrite keeps its id, already in the index
  return rec;
}

async function putChunk(ctx: Ctx): Promise<void> {
  requireScope(ctx.session, ['tableau:file_uploads:create']);
  const u = ctx.sim.store.uploads.get(ctx.params.id);
  if (!u || u.siteId !== ctx.session.siteId || u.consumed) throw errors.notFound('404003', `Upload session '${ctx.params.id}' could not be found.`);
  if (u.busy) throw errors.conflict('409000', `Upload session '${u.id}' is busy with another request.`);
  // "A file is limited to 1000 blocks" (Append to File Upload); the error code Tableau uses is not documented.
  const maxChunks = ctx.sim.store.config.maxFileChunkCount ?? DEFAULT_MAX_CHUNKS;
  if (u.chunks >= maxChunks) throw errors.badRequest(`A file upload is limited to ${maxChunks} blocks; upload session '${u.id}' has them all.`);
  u.busy = true;
  const hash = u.hash.copy();
  const before = u.size;
  try {
    const parsed = await parseMultipart(ctx.req, { dir: path.dirname(u.filePath), fileParts: ['tableau_file'], maxFileBytes: maxBytes(ctx), appendTo: { path: u.filePath, hash } });
    if (!parsed.file) throw errors.badRequest('Payload is either malformed or incomplete: the tableau_file part is missing.');
    if (!parsed.payload) throw errors.badRequest('Payload is either malformed or incomplete: the request_payload part is missing.');
    u.size = before + parsed.file.size;
    u.hash = hash;
    u.chunks++;
    send(ctx.req, ctx.res, 200, [el('fileUpload', { uploadSessionId: u.id, fileSize: sizeMb(u.size) })]);
  } catch (e) {
    // Undo a partial append so a retried chunk lands on a clean end.
    await fs.promises.truncate(u.filePath, before).catch(() => undefined);
    throw e;
  } finally {
    u.busy = false;
  }
}

export function publishRoutes(): Route[] {
  return [
    { method: 'POST', pattern: '/api/{v}/sites/{site}/workbooks', auth: true, handle: (ctx) => publish(ctx, 'workbook') },
    { method: 'POST', pattern: '/api/{v}/sites/{site}/datasources', auth: true, handle: (ctx) => publish(ctx, 'datasource') },
    {
      method: 'POST', pattern: '/api/{v}/sites/{site}/fileUploads', auth: true,
      handle: async (ctx) => {
        requireScope(ctx.session, ['tableau:file_uploads:create']);
        requirePublisher(ctx);
        await readSmallBody(ctx.req);
        const st = ctx.sim.store;
        const id = `${1000 + st.uploads.size}:${randomBytes(16).toString('hex')}-1:0`;
        const filePath = path.join(ctx.sim.dataDir, 'uploads', `${randomBytes(12).toString('hex')}.upload`);
        await fs.promises.writeFile(filePath, '');
        st.uploads.set(id, { id, siteId: ctx.session.siteId, filePath, size: 0, chunks: 0, consumed: false, hash: createHash('sha256'), busy: false });
        // maxFileChunkCount is in the 3.29 schema (fileUploadType); sent only when configured, as whether servers send it is unverified.
        const maxFileChunkCount = st.config.maxFileChunkCount;
        send(ctx.req, ctx.res, 201, [el('fileUpload', { uploadSessionId: id, fileSize: 0, ...(maxFileChunkCount !== undefined ? { maxFileChunkCount } : {}) })]);
      },
    },
    { method: 'PUT', pattern: '/api/{v}/sites/{site}/fileUploads/{id}', auth: true, handle: putChunk },
  ];
}

