/**
 * "Update Data in Hyper Data Source" / "Update Data in Hyper Connection" (REST API 3.12+):
 * `PATCH .../datasources/{id}[/connections/{cid}]/data?uploadSessionId=...` with a JSON body of
 * actions and a `RequestID` header. The simulator cannot read a .hyper, so it checks and
 * records the request (actions, payload size and hash), never rows.
 */
import Ajv from 'ajv';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import schema from '../../media/schemas/hyper-update-actions.schema.json';
import { requireScope } from './auth';
import type { SimDataUpdate } from './config';
import { jobEl } from './render';
import { newJob, requireModify, siteCtx } from './routesContent';
import type { Ctx, Route } from './server';
import type { DataSourceRec, Store, UploadRec } from './store';
import { luid } from './store';
import { errors, readSmallBody, send } from './wire';

type AppliedUpdate = SimDataUpdate;

interface Seen { jobId: string; fingerprint: string }
interface UpdateState {
  /** RequestID (per site) → the job it started and what it asked. */
  byRequestId: Map<string, Seen>;
  /** Each update, in order; `appliedAt` once its job succeeded. */
  applied: AppliedUpdate[];
}

const states = new WeakMap<Store, UpdateState>();
function stateOf(store: Store): UpdateState {
  let s = states.get(store);
  if (!s) states.set(store, (s = { byRequestId: new Map(), applied: [] }));
  return s;
}

/** For `/_sim/state`: the updates whose jobs succeeded, each once. */
export function dataUpdatesState(store: Store): AppliedUpdate[] {
  return stateOf(store).applied.filter((u) => u.appliedAt).map((u) => ({ ...u, actions: structuredClone(u.actions) }));
}

let validate: ReturnType<Ajv['compile']> | undefined;

/** The one connection a published .hyper data source has (its id is stable per data source). */
export function hyperConnectionId(datasourceId: string): string {
  return luid(`connection:${datasourceId}`);
}

/**
 * The connection a PATCH updates. A data source with several recorded connections is updated one
 * connection at a time (Update Data in Hyper Connection, `.../connections/{cid}/data`), and only a
 * Hyper or Parquet one; Tableau's error codes for these refusals are not documented (400000 chosen).
 * Without recorded connections (a published .hyper) it has the one, hyperConnectionId.
 */
function connectionToUpdate(ds: DataSourceRec, cid: string | undefined): string {
  const conns = ds.connections ?? [];
  if (conns.length === 0) {
    if (cid !== undefined && cid !== hyperConnectionId(ds.id)) throw errors.notFound('404000', `Connection '${cid}' of datasource '${ds.id}' could not be found.`);
    return cid ?? hyperConnectionId(ds.id);
  }
  if (cid === undefined) {
    if (conns.length > 1) throw errors.badRequest(`Datasource '${ds.name}' has ${conns.length} connections; update the data of one of them (.../connections/{connection-id}/data).`, '400000');
    return conns[0].id;
  }
  const conn = conns.find((c) => c.id === cid);
  if (!conn) throw errors.notFound('404000', `Connection '${cid}' of datasource '${ds.id}' could not be found.`);
  if (conn.type !== 'hyper' && conn.type !== 'parquet') throw errors.badRequest(`Connection '${cid}' of datasource '${ds.name}' is a '${conn.type}' connection, not a Hyper connection; its data cannot be updated.`, '400000');
  return cid;
}

function minorOf(v: string): [number, number] {
  const [a, b] = v.split('.').map(Number);
  return [a, b];
}

function takeUpload(ctx: Ctx, id: string | null): UploadRec {
  if (!id) throw errors.badRequest('The uploadSessionId query parameter is required to update data from a payload file.');
  const u = ctx.sim.store.uploads.get(id);
  if (!u || u.siteId !== ctx.session.siteId || u.consumed || u.busy || u.size === 0) {
    throw errors.badRequest(`There was a problem updating the data with the file '${id}'.`, '400011');
  }
  return u;
}

async function updateData(ctx: Ctx): Promise<void> {
  const [maj, min] = minorOf(ctx.v);
  // The method exists from API 3.12 on; an older version in the path does not know the resource.
  if (maj < 3 || (maj === 3 && min < 12)) throw errors.notFound('404003', `Unknown resource '${ctx.url.pathname}' specified in URI (Update Data in Hyper Data Source needs API 3.12 or later).`);
  requireScope(ctx.session, ['tableau:datasources:update']);
  const requestId = ctx.req.headers.requestid;
  const text = await readSmallBody(ctx.req);
  if (typeof requestId !== 'string' || requestId.trim() === '') throw errors.badRequest('The RequestID header is required.');
  if (!/json/i.test(ctx.req.headers['content-type'] ?? '')) throw errors.badRequest('The request body must be application/json.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw errors.badRequest('Payload is either malformed or incomplete: the body is not JSON.');
  }
  validate ??= new Ajv({ allErrors: false, strict: false }).compile(schema);
  if (!validate(body)) {
    const e = validate.errors?.[0];
    throw errors.badRequest(`Payload is either malformed or incomplete: ${e?.instancePath || 'the body'} ${e?.message ?? 'is not valid'}.`);
  }
  const { c } = siteCtx(ctx);
  const ds = c.items.datasource.get(ctx.params.id) as DataSourceRec | undefined;
  if (!ds) throw errors.notFound('404011', `Datasource '${ctx.params.id}' could not be found.`);
  const connectionId = connectionToUpdate(ds, ctx.params.cid);

  const st = stateOf(ctx.sim.store);
  const key = `${ctx.session.siteId}:${requestId}`;
  const fingerprint = createHash('sha256').update(JSON.stringify([ds.id, connectionId, body])).digest('hex');
  const seen = st.byRequestId.get(key);
  if (seen) {
    // Documented: a request sent again with the same RequestID is not run again; its job is the answer.
    if (seen.fingerprint !== fingerprint) {
      throw errors.conflict('409000', `RequestID '${requestId}' was already used for another request; a RequestID identifies one request.`);
    }
    send(ctx.req, ctx.res, 202, [jobEl(ctx.sim.store, ctx.sim.store.jobs.get(seen.jobId)!)]);
    return;
  }
  requireModify(ctx, ds, 'update the data of');
  if (ds.type !== 'hyper' && ds.type !== 'parquet') {
    // Documented limit: only live-to-Hyper data sources (a published Hyper or Parquet file); Tableau's error code is not documented.
    throw errors.badRequest(`Datasource '${ds.name}' is not a live-to-Hyper data source; incremental update is not supported for other forms of extracts.`, '400000');
  }
  const upload = takeUpload(ctx, ctx.url.searchParams.get('uploadSessionId'));
  upload.consumed = true;
  fs.rm(upload.filePath, { force: true }, () => undefined);
  const actions = (body as { actions: unknown[] }).actions;
  const record: AppliedUpdate = {
    requestId, datasourceId: ds.id, connectionId, jobId: '', uploadSessionId: upload.id, payloadBytes: upload.size, payloadSha256: upload.hash.copy().digest('hex'), actions,
  };
  const job = newJob(ctx, 'UpdateUploadedFile', { datasourceId: ds.id, itemName: ds.name }, (code) => {
    if (code === 0) record.appliedAt = new Date().toISOString();
  });
  Object.assign(job, { connectionId, doneNotes: `Applied ${actions.length} action(s) (${actions.map((a) => (a as { action: string }).action).join(', ')}); rows are not counted by the simulator.` });
  record.jobId = job.id;
  st.byRequestId.set(key, { jobId: job.id, fingerprint });
  st.applied.push(record);
  send(ctx.req, ctx.res, 202, [jobEl(ctx.sim.store, job)]);
}

export function dataUpdateRoutes(): Route[] {
  return [
    { method: 'PATCH', pattern: '/api/{v}/sites/{site}/datasources/{id}/data', auth: true, handle: updateData },
    { method: 'PATCH', pattern: '/api/{v}/sites/{site}/datasources/{id}/connections/{cid}/data', auth: true, handle: updateData },
  ];
}
