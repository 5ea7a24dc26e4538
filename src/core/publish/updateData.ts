/**
 * Incremental update of a published live-to-Hyper data source ("Update Data in Hyper Data
 * Source" / "Update Data in Hyper Connection", REST API 3.12+): the `.hyper` of changed rows
 * goes up through the publisher's `fileUploads` path, then one
 * `PATCH .../datasources/{id}[/connections/{cid}]/data?uploadSessionId=...` carries the
 * actions as JSON, with a `RequestID` header. Tableau runs a request with a given RequestID
 * once, however often it arrives, so the PATCH is sent again after any failure that may be
 * transient (a dropped connection included) with the same id: the update is applied once.
 * Everything that can be checked is checked before a byte is sent.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { WaitForJobOptions } from '../api/client';
import { versionAtLeast } from '../api/apiVersion';
import { nameFilter } from '../api/pagination';
import { withRetry } from '../api/retry';
import { TableauError, throwIfAborted } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { isLuid, type DataSource, type Job } from '../models';
import { inspectPackage } from '../package/inspect';
import { classifyFailure, DEFAULT_RETRY_LIMITS, retryOptions, type RetryLimits } from './failurePolicy';
import { readJob } from './items';
import { formatProjectPath, resolveProjectPath, splitProjectPath, type ProjectPathClient } from './projectPath';
import { chooseUpdateConnection } from './updateConnection';
import { uploadFile, type PublishClient, type PublishOptions } from './publisher';
import { checkUpdateActions, type UpdateActions } from './updateActions';

/** "Update Data in Hyper Data Source" is in REST API 3.12 and later (TSC gates its call at 3.13). */
export const UPDATE_DATA_MIN_API_VERSION = '3.12';

/** Data source types Tableau updates incrementally: live-to-Hyper, whose data is a Hyper (or converted Parquet) file. */
const UPDATABLE_TYPES = ['hyper', 'parquet'];

export interface UpdateDataClient extends PublishClient {
  /** The REST API version the client speaks to this server. */
  apiVersion(signal?: AbortSignal): Promise<string>;
}

export interface UpdateDataRequest {
  /** The `.hyper` holding the rows the actions read (the payload). */
  filePath: string;
  datasourceId: string;
  /** For a data source with several connections: the one to update ("Update Data in Hyper Connection"). */
  connectionId?: string;
  actions: UpdateActions;
  /** The idempotency key; default a fresh UUID, made once for this update and kept on every retry. */
  requestId?: string;
}

export type UpdateDataPhase = 'check' | 'upload' | 'update' | 'job';

export interface UpdateDataOptions {
  signal?: AbortSignal;
  onProgress?: (p: { phase: UpdateDataPhase; bytesSent: number; totalBytes: number; jobProgress?: number }) => void;
  chunkSize?: number;
  readSize?: number;
  logger?: Logger;
  retry?: RetryLimits;
  job?: Pick<WaitForJobOptions, 'timeoutMs' | 'initialDelayMs' | 'maxDelayMs'>;
}

export interface UpdateDataResult {
  datasource: DataSource;
  connectionId?: string;
  requestId: string;
  jobId: string;
  job: Job;
  /** What Tableau reported about the work, as it reported it (the job's notes). */
  report: string[];
  actions: UpdateActions['actions'];
  bytes: number;
  chunks: number;
  requests: number;
  retries: number;
  durationMs: number;
}

/** A data source Tableau's incremental update takes, or the reason it does not. */
export function updatableProblem(ds: DataSource): string | undefined {
  const type = ds.type?.toLowerCase();
  if (type === undefined || type === '') return undefined; // not said: Tableau decides
  if (UPDATABLE_TYPES.includes(type)) return undefined;
  const extract = ds.hasExtracts ? ` (an extract of a "${ds.type}" connection)` : ` (a live "${ds.type}" connection)`;
  return (
    `The data source "${ds.name}" is not a live-to-Hyper data source${extract}: Tableau updates incrementally only data sources whose ` +
    'data is a published Hyper or Parquet file, not other extracts or live connections. Publish a .hyper as the data source first, or publish with --mode replace.'
  );
}

export async function updateData(client: UpdateDataClient, req: UpdateDataRequest, opts: UpdateDataOptions = {}): Promise<UpdateDataResult> {
  const started = Date.now();
  const log = opts.logger ?? nullLogger;
  const limits = { ...DEFAULT_RETRY_LIMITS, ...opts.retry };
  const signal = opts.signal;
  const actions = checkUpdateActions(req.actions);
  const requestId = req.requestId ?? randomUUID();
  throwIfAborted(signal);
  opts.onProgress?.({ phase: 'check', bytesSent: 0, totalBytes: 0 });

  const info = await inspectPackage(req.filePath);
  if (info.fileType !== 'hyper') {
    throw new TableauError({ reason: 'invalidFile', message: `An incremental update reads its rows from a .hyper file; "${path.basename(req.filePath)}" is a .${info.fileType}.` });
  }
  const version = await client.apiVersion(signal);
  if (!versionAtLeast(version, UPDATE_DATA_MIN_API_VERSION)) {
    throw new TableauError({
      reason: 'apiVersionTooLow',
      message: `This server speaks REST API ${version}; updating a published data source's data needs API ${UPDATE_DATA_MIN_API_VERSION} or later (Tableau Server 2021.4 or later, or Tableau Cloud).`,
    });
  }
  const datasource = await client.getDataSource(req.datasourceId, signal);
  const problem = updatableProblem(datasource);
  if (problem) throw new TableauError({ reason: 'notUpdatable', message: problem });
  // A data source with several connections is updated through one of them: the only Hyper one, unless the user named it.
  const connectionId = req.connectionId ?? (await chooseUpdateConnection(client, datasource, signal));

  const progress = (phase: UpdateDataPhase, bytesSent: number, jobProgress?: number): void => opts.onProgress?.({ phase, bytesSent, totalBytes: info.size, jobProgress });
  const uploadOpts: PublishOptions = {
    signal, chunkSize: opts.chunkSize, readSize: opts.readSize, logger: log, retry: opts.retry, inspection: info,
    onProgress: (p) => progress('upload', p.bytesSent),
  };
  log.info(`Updating "${datasource.name}" from "${path.basename(req.filePath)}" (${info.size} bytes): ${actions.actions.map((a) => a.action).join(', ')}; RequestID ${requestId}.`);
  // The payload always goes through fileUploads: the PATCH names it by its upload session.
  const upload = await uploadFile(client, req.filePath, uploadOpts);
  throwIfAborted(signal); // a cancelled update must never be sent
  progress('update', info.size);

  const where = `sites/{siteId}/datasources/${encodeURIComponent(req.datasourceId)}${connectionId ? `/connections/${encodeURIComponent(connectionId)}` : ''}/data`;
  const body = JSON.stringify(actions);
  let requests = upload.requests;
  let retries = upload.retries;
  const answer = await withRetry(
    async () => {
      requests++;
      try {
        return await client.request({
          method: 'PATCH', path: where, query: { uploadSessionId: upload.uploadSessionId }, body, contentType: 'application/json',
          headers: { RequestID: requestId }, signal, action: 'update the data source\'s data', replaySafe: true,
        });
      } catch (e) {
        throw refusal(e, requestId);
      }
    },
    {
      ...retryOptions(limits, limits.maxRetries),
      signal,
      // The same RequestID makes every resend safe: Tableau runs it once.
      retryOn: (e) => classifyFailure(e) !== 'fatal',
      onRetry: (e, _attempt, wait) => {
        retries++;
        log.warn(`The update request failed (${e.message}); sending it again with the same RequestID in ${Math.round(wait / 100) / 10} s.`);
      },
    },
  );
  const first = readJob(answer);
  progress('job', info.size, 0);
  const job = await client.waitForJob(first.id, { ...opts.job, signal, onProgress: (j) => progress('job', info.size, j.progress) });
  progress('job', info.size, 100);
  const report = [...(job.notes ?? []), ...(job.statusNotes ?? [])];
  const result: UpdateDataResult = {
    datasource, requestId, jobId: job.id, job, report, actions: actions.actions,
    bytes: info.size, chunks: upload.chunks, requests, retries, durationMs: Date.now() - started,
  };
  if (connectionId) result.connectionId = connectionId;
  log.info(`Updated "${datasource.name}" (job ${job.id}) in ${result.durationMs} ms${report.length ? `: ${report.join(' ')}` : ''}.`);
  return result;
}

/** Tableau's refusal of the PATCH, told in the update's terms. */
function refusal(e: unknown, requestId: string): unknown {
  if (!TableauError.is(e) || e.status !== 409 || e.reason === 'busy') return e;
  return new TableauError({
    reason: 'requestIdReused', status: e.status, code: e.code, summary: e.summary, detail: e.detail, cause: e,
    message: `Tableau already ran an update with RequestID ${requestId}, with other content; nothing was applied again. Use a new RequestID for a different update.`,
  });
}

/**
 * The data source a user names: its LUID, "Project / Sub / Name", or a bare name that only one
 * data source on the site has.
 */
export async function resolveDataSource(
  client: ProjectPathClient & { allDataSources(opts?: { filter?: string; signal?: AbortSignal }): Promise<DataSource[]>; getDataSource(id: string, signal?: AbortSignal): Promise<DataSource> },
  ref: string,
  signal?: AbortSignal,
): Promise<DataSource> {
  const trimmed = ref.trim();
  if (isLuid(trimmed)) return client.getDataSource(trimmed, signal);
  const parts = splitProjectPath(trimmed);
  const name = parts[parts.length - 1];
  const project = parts.length > 1 ? await resolveProjectPath(client, formatProjectPath(parts.slice(0, -1)), { signal }) : undefined;
  const filter = nameFilter(name);
  const found = (await client.allDataSources({ filter, signal })).filter((d) => d.name === name && (!project || d.project?.id === project.id));
  if (found.length === 1) return found[0];
  if (!found.length) {
    throw new TableauError({ reason: 'notFound', message: `No data source "${name}"${project ? ` in project "${formatProjectPath(parts.slice(0, -1))}"` : ''} on this site.` });
  }
  throw new TableauError({ reason: 'invalidArgument', message: `${found.length} data sources are named "${name}" on this site; name its project too ("Project / ${name}").` });
}
