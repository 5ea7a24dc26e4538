/**
 * Tableau Prep flows: Publish Flow (single multipart request with `tableau_flow`, or an upload
 * session commit; `flowType`, `overwrite`), Query Flows for Site, Query Flow, Run Flow Now (a
 * RunFlow job) and Get Flow Runs. Answer shapes: TSC's recorded flow_publish.xml, flow_get.xml,
 * flow_refresh.xml, flow_runs_get.xml; schema flowType, flowRunType, runFlowJobType.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireScope } from './auth';
import type { SimFlowState } from './config';
import { paginationEl, parseListQuery, pageOf } from './listing';
import { parseMultipart, type FilePart } from './multipart';
import { jobEl, webUrl } from './render';
import { actingRole, newJob, requireModify, siteCtx } from './routesContent';
import type { Ctx, Route } from './server';
import { canPublish, isoNow, luid, type Store } from './store';
import { attr, child, children, el, errors, list, parseTsRequest, readSmallBody, send, type El } from './wire';

interface FlowRun { id: string; jobId: string; flowId: string }
interface FlowRec extends Omit<SimFlowState, 'runs' | 'sha256'> { description: string; createdAt: string; updatedAt: string; filePath: string; sha256: string; runs: FlowRun[] }

const flowStores = new WeakMap<Store, Map<string, FlowRec>>();
function flowsOf(store: Store): Map<string, FlowRec> {
  let m = flowStores.get(store);
  if (!m) flowStores.set(store, (m = new Map()));
  return m;
}

function runStatus(store: Store, run: FlowRun): { status: string; progress: number; startedAt?: string; completedAt?: string } {
  const job = store.jobs.get(run.jobId)!;
  const p = store.jobProgress(job);
  const status = !p.done ? (Date.now() >= p.startedAt ? 'InProgress' : 'Pending') : job.finishCode === 0 ? 'Success' : job.finishCode === 2 ? 'Cancelled' : 'Failed';
  return { status, progress: p.progress, startedAt: Date.now() >= p.startedAt ? isoNow(p.startedAt) : undefined, completedAt: p.done ? isoNow(job.createdAt + job.durationMs) : undefined };
}

/** `/_sim/remove-content`: the flows with these ids go, with their files; returns how many. */
export function removeFlows(store: Store, ids: ReadonlySet<string>): number {
  let n = 0;
  for (const [id, f] of flowsOf(store)) {
    if (!ids.has(id)) continue;
    flowsOf(store).delete(id);
    fs.rm(f.filePath, { force: true }, () => undefined);
    n++;
  }
  return n;
}

/** For `/_sim/state`. */
export function flowsState(store: Store): SimFlowState[] {
  return [...flowsOf(store).values()].map((f) => ({
    id: f.id, name: f.name, siteId: f.siteId, projectId: f.projectId, ownerId: f.ownerId, fileType: f.fileType, size: f.size, sha256: f.sha256,
    credentials: f.credentials.map((c) => ({ ...c })), runs: f.runs.map((r) => ({ id: r.id, jobId: r.jobId, status: runStatus(store, r).status })),
  }));
}

function flowEl(ctx: Ctx, f: FlowRec): El {
  const { c } = siteCtx(ctx);
  return el('flow', { id: f.id, name: f.name, description: f.description, webpageUrl: webUrl(ctx.sim.store, ctx.base, ctx.sim.store.sites.get(f.siteId) ?? { contentUrl: '' }, 'flows', f.id), fileType: f.fileType, createdAt: f.createdAt, updatedAt: f.updatedAt }, [
    el('project', { id: f.projectId, name: c.projects.get(f.projectId)?.name }),
    el('owner', { id: f.ownerId }),
    list('tags', 'tag', []),
  ]);
}

function flag(ctx: Ctx, name: string): boolean {
  const v = ctx.url.searchParams.get(name);
  if (v === null || v === '') return false;
  if (v !== 'true' && v !== 'false') throw errors.badRequest(`The value of '${name}' must be true or false.`);
  return v === 'true';
}

async function publishFlow(ctx: Ctx): Promise<void> {
  requireScope(ctx.session, ['tableau:flows:create']);
  const role = actingRole(ctx);
  if (!canPublish(role)) throw errors.forbidden('403000', `A user with site role ${role} cannot publish.`);
  const type = ctx.url.searchParams.get('flowType')?.toLowerCase();
  if (!type) throw errors.badRequest("The 'flowType' query parameter is required.");
  if (type !== 'tfl' && type !== 'tflx') throw errors.badRequest(`Unsupported flowType '${type}'.`);
  const overwrite = flag(ctx, 'overwrite');
  const uploadId = ctx.url.searchParams.get('uploadSessionId') ?? undefined;
  const upload = uploadId !== undefined ? ctx.sim.store.uploads.get(uploadId) : undefined;
  if (uploadId !== undefined && (!upload || upload.siteId !== ctx.session.siteId || upload.consumed || upload.size === 0)) {
    throw errors.badRequest(`There was a problem publishing the file '${uploadId}'.`, '400011');
  }
  let file: FilePart | undefined;
  try {
    const parsed = await parseMultipart(ctx.req, { dir: path.join(ctx.sim.dataDir, 'uploads'), fileParts: ['tableau_flow'], maxFileBytes: ctx.sim.store.config.maxRequestBytes ?? 64 * 1024 * 1024 });
    file = parsed.file;
    if (!parsed.payload) throw errors.badRequest('Payload is either malformed or incomplete: the request_payload part is missing.');
    if (upload && file) throw errors.badRequest('A publish with uploadSessionId carries only request_payload, not a tableau_flow part.');
    if (!upload && !file) throw errors.badRequest('Payload is either malformed or incomplete: the tableau_flow part is missing.');
    if (file && path.extname(file.fileName).slice(1).toLowerCase() !== type) throw errors.badRequest(`The file name '${file.fileName}' does not match flowType=${type}.`);
    const body = parseTsRequest(parsed.payload.text, 'text/xml');
    const item = child(body, 'flow');
    const name = attr(item, 'name')?.trim();
    if (!item || !name) throw errors.badRequest('Payload is either malformed or incomplete: <flow name="..."> is required.');
    const { c } = siteCtx(ctx);
    const projectId = attr(child(item, 'project'), 'id');
    const project = projectId ? c.projects.get(projectId) : (c.projectsByParent.get('') ?? []).find((p) => p.name === 'Default');
    if (!project) throw errors.notFound('404005', `Project '${projectId}' could not be found.`);
    const flows = flowsOf(ctx.sim.store);
    const existing = [...flows.values()].find((f) => f.siteId === ctx.session.siteId && f.projectId === project.id && f.name.toLowerCase() === name.toLowerCase());
    // Tableau's code for this conflict is not documented; 409004 is Publish Workbook's.
    if (existing && !overwrite) throw errors.conflict('409004', `A flow named '${name}' already exists in project '${project.name}' and overwrite is not set.`);
    if (existing) requireModify(ctx, existing, 'overwrite');
    const filePath = path.join(ctx.sim.dataDir, 'items', `${randomBytes(12).toString('hex')}.${type}`);
    await fs.promises.rename(upload ? upload.filePath : file!.path, filePath);
    const size = upload ? upload.size : file!.size;
    const sha256 = (upload ? upload.hash : file!.hash).digest('hex');
    file = undefined;
    if (upload) upload.consumed = true;
    if (existing) fs.rm(existing.filePath, { force: true }, () => undefined);
    const now = isoNow();
    const credentials = children(child(item, 'connections'), 'connection').map((x) => {
      const cc = child(x, 'connectionCredentials');
      return { serverAddress: attr(x, 'serverAddress'), serverPort: attr(x, 'serverPort'), username: attr(cc, 'name') ?? '', embed: attr(cc, 'embed') === 'true', passwordSha256: createHash('sha256').update(attr(cc, 'password') ?? '').digest('hex') };
    });
    const rec: FlowRec = {
      id: existing?.id ?? luid(), name, siteId: ctx.session.siteId, projectId: project.id, ownerId: existing?.ownerId ?? ctx.session.userId, fileType: type,
      size, sha256, filePath, credentials, description: attr(item, 'description') ?? existing?.description ?? '', createdAt: existing?.createdAt ?? now, updatedAt: now,
      runs: existing?.runs ?? [],
    };
    flows.set(rec.id, rec);
    send(ctx.req, ctx.res, 201, [el('flowOutputSteps'), flowEl(ctx, rec)]);
  } finally {
    if (file) fs.rm(file.path, { force: true }, () => undefined);
  }
}

function flowOf(ctx: Ctx): FlowRec {
  const f = flowsOf(ctx.sim.store).get(ctx.params.id);
  if (!f || f.siteId !== ctx.session.siteId) throw errors.notFound('404004', `Flow '${ctx.params.id}' could not be found.`);
  return f;
}

const FLOW_FIELDS = new Set(['name', 'projectId', 'createdAt', 'updatedAt']);
const RUN_FIELDS = new Set(['flowId', 'startedAt', 'completedAt', 'status', 'progress', 'userId']);

export function flowRoutes(): Route[] {
  return [
    { method: 'POST', pattern: '/api/{v}/sites/{site}/flows', auth: true, handle: publishFlow },
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/flows', auth: true,
      handle: (ctx) => {
        const q = parseListQuery(ctx.url.searchParams, FLOW_FIELDS);
        const mine = [...flowsOf(ctx.sim.store).values()].filter((f) => f.siteId === ctx.session.siteId);
        const page = pageOf(mine, q, (f, field) => (field === 'projectId' ? f.projectId : (f as unknown as Record<string, string>)[field]));
        send(ctx.req, ctx.res, 200, [paginationEl(q, page.total), list('flows', 'flow', page.items.map((f) => flowEl(ctx, f)))]);
      },
    },
    {
      method: 'GET', pattern: '/api/{v}/sites/{site}/flows/runs', auth: true,
      handle: (ctx) => {
        const q = parseListQuery(ctx.url.searchParams, RUN_FIELDS);
        const st = ctx.sim.store;
        const runs = [...flowsOf(st).values()].filter((f) => f.siteId === ctx.session.siteId).flatMap((f) => f.runs.map((r) => ({ r, s: runStatus(st, r) })));
        const page = pageOf(runs, q, (x, field) => (field === 'flowId' ? x.r.flowId : field === 'status' ? x.s.status : field === 'startedAt' ? x.s.startedAt ?? isoNow(st.jobs.get(x.r.jobId)!.createdAt) : undefined));
        const items = page.items.map((x) => el('flowRuns', { id: x.r.id, flowId: x.r.flowId, status: x.s.status, startedAt: x.s.startedAt, completedAt: x.s.completedAt, progress: x.s.progress, backgroundJobId: x.r.jobId }));
        send(ctx.req, ctx.res, 200, [paginationEl(q, page.total), list('flowRuns', 'flowRuns', items)]);
      },
    },
    { method: 'GET', pattern: '/api/{v}/sites/{site}/flows/{id}', auth: true, handle: (ctx) => send(ctx.req, ctx.res, 200, [flowEl(ctx, flowOf(ctx))]) },
    {
      method: 'POST', pattern: '/api/{v}/sites/{site}/flows/{id}/run', auth: true,
      handle: async (ctx) => {
        requireScope(ctx.session, ['tableau:flows:run']);
        await readSmallBody(ctx.req);
        const f = flowOf(ctx);
        const role = actingRole(ctx);
        if (!canPublish(role)) throw errors.forbidden('403000', `A user with site role ${role} cannot run flows.`);
        const job = newJob(ctx, 'RunFlow', { itemName: f.name });
        const run: FlowRun = { id: luid(), jobId: job.id, flowId: f.id };
        Object.assign(job, { flowId: f.id, flowRunId: run.id });
        f.runs.push(run);
        send(ctx.req, ctx.res, 202, [jobEl(ctx.sim.store, job)]);
      },
    },
  ];
}
