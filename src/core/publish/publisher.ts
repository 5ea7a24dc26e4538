/**
 * Publishes one workbook or data source file: inspect first (nothing goes on the wire for a
 * file Tableau would refuse), then one multipart POST up to the single-request limit, or a
 * `fileUploads` session of chunks plus a commit above it; `asJob` publishes are followed to
 * the end. Retries only what provably was not applied, or what can be redone from scratch:
 *
 * - A chunk PUT appends to the upload on the server, so it is not idempotent. After a 429 /
 *   503 / refused connection (never applied) the same chunk is sent again. After an
 *   ambiguous failure (connection dropped mid-chunk, 500/502/504) the server's cumulative
 *   `fileSize` is in whole MB and cannot tell whether the chunk landed, so the upload
 *   starts over in a fresh upload session (bounded by `maxRestarts`).
 * - A 401002 mid-upload is handled by TableauSession.run: it signs in again and replays the
 *   request, which is safe because a 401 answer means the request was not applied.
 * - The commit is sent again only when it provably did not reach the server; otherwise the
 *   error says that the outcome is unknown.
 */
import type { DataConnectionRule } from '../connections/rules';
import * as path from 'node:path';
import { findAfterWrite, type LookupRetryOptions } from '../api/afterWrite';
import type { WaitForJobOptions } from '../api/client';
import type { ApiRequest } from '../api/restApi';
import { withRetry, type RetryOptions } from '../api/retry';
import { TableauError, throwIfAborted } from '../errors';
import { nullLogger, type Logger } from '../logger';
import type { ContentKind, DataSource, FileUpload, Job, PublishMode, Workbook } from '../models';
import { credentialHosts, inspectPackage, type PackageInfo } from '../package/inspect';
import { findItemByName, readJob, readPublishedItem, type ItemLookupClient } from './items';
import { buildMultipart, DEFAULT_READ_SIZE, ReadBuffers, type FileFingerprint, type MultipartMessage, type MultipartPart } from './multipart';
import { dataSourcePayload, workbookPayload, type ConnectionCredentials } from './payload';
import { checkHiddenViews } from './settings';
import { classifyFailure, DEFAULT_RETRY_LIMITS, retryOptions, type RetryLimits } from './failurePolicy';
import { applyRestUpdates, prepareConnectionRules, type ConnectionChangeReport, type DataSourceLookupClient, type PreparedRules } from '../connections/publishRules';

export const DEFAULT_CHUNK_SIZE = 50 * 1024 * 1024;
/** Tableau's limit for one request: a bigger file goes through fileUploads. */
export const SINGLE_REQUEST_LIMIT = 64 * 1024 * 1024;
/** "A file is limited to 1000 blocks" (Append to File Upload; `maxFileChunkCount` in the schema). */
export const MAX_FILE_CHUNK_COUNT = 1000;
// Room for the multipart framing around a chunk's bytes.
const MAX_CHUNK_BYTES = SINGLE_REQUEST_LIMIT - 64 * 1024;

/**
 * Bytes per chunk: the size asked for, raised so the file fits in `maxChunks` chunks, and at
 * most what one request may carry. A file too big for that cannot be uploaded at all.
 */
export function chunkSizeFor(fileSize: number, requested: number = DEFAULT_CHUNK_SIZE, maxChunks: number = MAX_FILE_CHUNK_COUNT): number {
  const least = Math.ceil(fileSize / Math.max(1, maxChunks));
  if (least > MAX_CHUNK_BYTES) {
    throw new TableauError({
      reason: 'invalidFile',
      message: `The file is too big for Tableau: an upload may have at most ${maxChunks} chunks of up to ${Math.floor(MAX_CHUNK_BYTES / (1024 * 1024))} MB.`,
    });
  }
  return Math.max(1, least, Math.min(Math.floor(requested), MAX_CHUNK_BYTES));
}

/** What the publisher needs of TableauClient (it satisfies this structurally). */
export interface PublishClient extends ItemLookupClient, DataSourceLookupClient {
  request(req: ApiRequest & { replaySafe: boolean }): Promise<unknown>;
  initiateFileUpload(signal?: AbortSignal): Promise<FileUpload>;
  waitForJob(id: string, opts?: WaitForJobOptions): Promise<Job>;
  addTags(kind: ContentKind, id: string, tags: readonly string[], signal?: AbortSignal): Promise<string[]>;
}

export interface PublishRequest {
  filePath: string;
  /** Name on the server; default the file name without its extension. */
  name?: string;
  projectId: string;
  mode: PublishMode;
  asJob?: boolean;
  /** Workbooks only: Tableau has no such parameter for data sources, so it is not sent for them. */
  skipConnectionCheck?: boolean;
  showTabs?: boolean;
  description?: string;
  hiddenViews?: string[];
  /** Workbooks: LUID of the user or group that renders the thumbnails (see resolveTargetSettings). */
  thumbnailsUserId?: string;
  thumbnailsGroupId?: string;
  /** Workbooks: one per connection; data sources: the first is used. */
  connectionCredentials?: ConnectionCredentials[];
  /** Added to the item once it is published (tags it already has stay). */
  tags?: string[];
  /** Changes to the file's data connections on the way to the server (checked before anything is uploaded). */
  dataConnectionRules?: readonly DataConnectionRule[];
  /** The passwords the rules' credentials refer to, by rule index, resolved by the caller. Never logged or returned. */
  dataConnectionPasswords?: ReadonlyMap<number, string>;
}

export type PublishPhase = 'inspect' | 'upload' | 'commit' | 'job';

export interface PublishProgress {
  phase: PublishPhase;
  /** File bytes read into the current upload (starts again from 0 if the upload restarts). */
  bytesSent: number;
  totalBytes: number;
  /** 0..100 while an asJob publish runs. */
  jobProgress?: number;
}

export interface PublishOptions {
  signal?: AbortSignal;
  onProgress?: (p: PublishProgress) => void;
  /** Bytes per upload chunk (default 50 MiB, at most 64 MiB). */
  chunkSize?: number;
  /** Largest single publish request body (default 64 MiB); above it the file is chunked. */
  singleRequestLimit?: number;
  /** Bytes per disk read (default 1 MiB). */
  readSize?: number;
  logger?: Logger;
  retry?: RetryLimits;
  /** An inspection already made of this file (it is re-checked against the file's size and time). */
  inspection?: PackageInfo;
  /** asJob: overall wait for the job (default DEFAULT_JOB_TIMEOUT_MS) and its polling. */
  job?: Pick<WaitForJobOptions, 'timeoutMs' | 'initialDelayMs' | 'maxDelayMs'>;
  /** Finding the published item by name right after the write (the search index lags). */
  lookupRetry?: LookupRetryOptions;
}

export interface PublishResult {
  kind: ContentKind;
  item: Workbook | DataSource;
  /** File size in bytes. */
  bytes: number;
  /** Upload chunks sent (0 for a single-request publish). */
  chunks: number;
  /** HTTP requests the publisher made (job polling not included). */
  requests: number;
  retries: number;
  durationMs: number;
  jobId?: string;
  /** From the inspection, or tags that could not be added: worth showing, did not stop the publish. */
  warnings: string[];
  /** The item's tags after the requested ones were added (only when tags were requested and added). */
  tags?: string[];
  /** Every data connection change the rules made, with its route (only when rules were given). */
  connectionChanges?: ConnectionChangeReport[];
  /**
   * Set when Tableau's answer names another item than the one published (another name or
   * project): `item` is then what the answer said, unconfirmed, and was not tagged.
   */
  mismatch?: string;
}

/** The name an item gets when none is given: the file's name without its extension. */
export function defaultName(filePath: string): string {
  return path.basename(filePath, path.extname(filePath));
}

function checkMode(info: PackageInfo, mode: PublishMode): void {
  const allowed = info.kind === 'workbook' ? ['createnew', 'overwrite'] : ['createnew', 'overwrite', 'append', 'replace'];
  if (!allowed.includes(mode)) {
    throw new TableauError({ reason: 'invalidArgument', message: `A ${info.kind === 'workbook' ? 'workbook' : 'data source'} cannot be published with mode "${mode}" (use ${allowed.join(' or ')}).` });
  }
  if (mode === 'append' && !info.isExtract) {
    throw new TableauError({ reason: 'appendNotSupported', message: `Only a .hyper or .tde extract can be appended to a data source; "${path.basename(info.path)}" is a .${info.fileType}.` });
  }
}

function publishQuery(info: PackageInfo, req: PublishRequest, uploadSessionId?: string): ApiRequest['query'] {
  const q: NonNullable<ApiRequest['query']> = {};
  if (info.kind === 'workbook') q.workbookType = info.fileType;
  else q.datasourceType = info.fileType;
  if (req.mode === 'createnew') q.overwrite = false;
  else q[req.mode] = true;
  if (uploadSessionId) q.uploadSessionId = uploadSessionId;
  if (req.asJob) q.asJob = true;
  // A Publish Workbook parameter only (TSC sends it for workbooks only).
  if (req.skipConnectionCheck && info.kind === 'workbook') q.skipConnectionCheck = true;
  return q;
}

function unknownOutcome(e: TableauError, name: string): TableauError {
  return new TableauError({
    reason: e.reason,
    status: e.status,
    code: e.code,
    retryAfter: e.retryAfter,
    message: `${e.message} It is unknown whether Tableau completed the publish of "${name}"; check the project before publishing again.`,
    cause: e,
  });
}

export async function publish(client: PublishClient, request: PublishRequest, opts: PublishOptions = {}): Promise<PublishResult> {
  return new PublishRun(client, request, opts).run();
}

export interface UploadOutcome {
  uploadSessionId: string;
  chunks: number;
  requests: number;
  retries: number;
}

/**
 * A file into a `fileUploads` session only, through the same chunked, restartable path as a
 * publish (an incremental data update or a flow publish then commits it with its own call).
 */
export async function uploadFile(client: PublishClient, filePath: string, opts: PublishOptions & { file?: FileFingerprint } = {}): Promise<UploadOutcome> {
  return new PublishRun(client, { filePath, projectId: '', mode: 'createnew' }, opts).uploadOnly(opts.file);
}

class PublishRun {
  private readonly started = Date.now();
  private readonly log: Logger;
  private readonly limits: Required<RetryLimits>;
  private readonly signal?: AbortSignal;
  private requests = 0;
  private retries = 0;
  private chunks = 0;
  private info!: PackageInfo;
  private fingerprint!: FileFingerprint;
  private name = '';
  private payload = '';
  private rules?: PreparedRules;
  /** One set of read buffers, and the open file, for every message of this run: they are sent one after another. */
  private readBuffers?: ReadBuffers;
  /** Bytes uploaded: the file's size, or the rewritten file's. */
  private uploadSize = 0;

  constructor(
    private readonly client: PublishClient,
    private readonly req: PublishRequest,
    private readonly opts: PublishOptions,
  ) {
    this.log = opts.logger ?? nullLogger;
    this.limits = { ...DEFAULT_RETRY_LIMITS, ...opts.retry };
    this.signal = opts.signal;
  }

  private progress(phase: PublishPhase, bytesSent: number, jobProgress?: number): void {
    this.opts.onProgress?.({ phase, bytesSent, totalBytes: this.uploadSize, jobProgress });
  }

  async run(): Promise<PublishResult> {
    throwIfAborted(this.signal);
    this.opts.onProgress?.({ phase: 'inspect', bytesSent: 0, totalBytes: 0 });
    const info = this.opts.inspection ?? (await inspectPackage(this.req.filePath));
    this.info = info;
    this.fingerprint = { size: info.size, mtimeMs: info.mtimeMs };
    checkMode(info, this.req.mode);
    checkHiddenViews(info, this.req.hiddenViews);
    this.name = this.req.name ?? defaultName(this.req.filePath);
    this.uploadSize = info.size;
    let connectionCredentials = this.req.connectionCredentials;
    if (this.req.dataConnectionRules?.length) {
      this.rules = await prepareConnectionRules(this.client, info, this.req.dataConnectionRules, this.req.dataConnectionPasswords, { signal: this.signal, lookupRetry: this.opts.lookupRetry });
      if (this.rules.source) this.uploadSize = this.rules.source.size;
      if (this.rules.credentials.length) connectionCredentials = [...(connectionCredentials ?? []), ...this.rules.credentials];
      for (const c of this.rules.changes) this.log.info(`Data connection rule ${c.ruleIndex + 1}: ${c.connection.class} ${c.connection.server ?? c.connection.publishedDataSource ?? ''} ${c.changes.map((x) => `${x.field} ${x.from ?? '(none)'} → ${x.to}`).join(', ') || 'unchanged'} (${c.route === 'rest' ? 'after publish, through Update Connection' : 'in the file'}).`);
    }
    const common = { name: this.name, projectId: this.req.projectId, description: this.req.description };
    this.payload =
      info.kind === 'workbook'
        ? workbookPayload({ ...common, showTabs: this.req.showTabs, hiddenViews: this.req.hiddenViews, thumbnailsUserId: this.req.thumbnailsUserId, thumbnailsGroupId: this.req.thumbnailsGroupId, connectionCredentials })
        : dataSourcePayload({ ...common, connectionCredentials, hostsInFile: credentialHosts(this.info.dataConnections).size });
    for (const w of info.warnings) this.log.warn(w);

    const whole = await this.message([
      this.payloadPart(),
      { name: info.kind === 'workbook' ? 'tableau_workbook' : 'tableau_datasource', filename: path.basename(this.req.filePath), contentType: 'application/octet-stream', body: this.fileBody() },
    ], 0);
    const limit = this.opts.singleRequestLimit ?? SINGLE_REQUEST_LIMIT;
    this.log.info(`Publishing "${this.name}" (${this.uploadSize} bytes, ${info.fileType}) as ${this.req.mode}${whole.contentLength > limit ? ', in chunks' : ''}.`);

    let answer: unknown;
    try {
      if (whole.contentLength <= limit) {
        const outcome = await this.sendSingle(whole);
        if ('item' in outcome) return this.finish(outcome.item);
        answer = outcome.answer;
      } else {
        const uploadSessionId = await this.uploadChunks();
        throwIfAborted(this.signal); // a cancelled publish must never be committed
        answer = await this.commit(uploadSessionId);
      }
    } finally {
      await this.readBuffers?.close(); // the file is not read again, whatever follows (a job may take hours)
    }
    if (!this.req.asJob) return this.finish(readPublishedItem(answer, info.kind));
    return this.followJob(readJob(answer));
  }

  /** The file's bytes to upload (a range of them for a chunk): the file itself, or its rewritten form. */
  private fileBody(start?: number, end?: number): MultipartPart['body'] {
    const source = this.rules?.source;
    return source ? { source, start, end } : { path: this.req.filePath, start, end };
  }

  /** `file`: a file the package inspection does not know (a flow), already checked by its caller; the upload reads only its size. */
  async uploadOnly(file?: FileFingerprint): Promise<UploadOutcome> {
    throwIfAborted(this.signal);
    this.info = file ? ({ path: this.req.filePath, size: file.size, mtimeMs: file.mtimeMs, warnings: [] } as unknown as PackageInfo) : (this.opts.inspection ?? (await inspectPackage(this.req.filePath)));
    this.fingerprint = { size: this.info.size, mtimeMs: this.info.mtimeMs };
    this.uploadSize = this.info.size;
    try {
      const uploadSessionId = await this.uploadChunks();
      return { uploadSessionId, chunks: this.chunks, requests: this.requests, retries: this.retries };
    } finally {
      await this.readBuffers?.close();
    }
  }

  private payloadPart(body = this.payload): MultipartPart {
    return { name: 'request_payload', contentType: 'text/xml', body };
  }

  private message(parts: MultipartPart[], offset: number): Promise<MultipartMessage> {
    return buildMultipart(parts, {
      signal: this.signal,
      readBuffers: (this.readBuffers ??= new ReadBuffers(Math.max(1, Math.min(this.opts.readSize ?? DEFAULT_READ_SIZE, this.uploadSize)))),
      expect: this.fingerprint,
      onFileBytes: (n) => this.progress('upload', offset + n),
    });
  }

  private publishPath(): string {
    return `sites/{siteId}/${this.info.kind === 'workbook' ? 'workbooks' : 'datasources'}`;
  }

  private send(method: 'POST' | 'PUT', path: string, msg: MultipartMessage, query?: ApiRequest['query']): Promise<unknown> {
    this.requests++;
    let sentWhole = false;
    const body: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        sentWhole = false;
        yield* msg.body;
        sentWhole = true; // the HTTP layer asked past the last byte: the whole request is on its way
      },
    };
    return this.client
      .request({ method, path, query, body, contentType: msg.contentType, contentLength: msg.contentLength, replaySafe: true, signal: this.signal, action: method === 'PUT' ? 'upload a chunk' : 'publish', timeouts: method === 'PUT' ? 'transfer' : 'publish' })
      .catch((e: unknown) => {
        // The body's own failure (file changed, cancelled) is the real cause of a broken request.
        const failure = msg.failure();
        if (failure || !this.signal?.aborted) throw failure ?? e;
        // A chunk alone publishes nothing; a whole publish POST may still be completed by the server.
        let message = 'Cancelled.';
        if (method === 'POST' && sentWhole) {
          message = `Cancelled after the whole publish request of "${this.name}" was sent: Tableau may still complete it; check the project before publishing again.`;
          this.log.warn(message);
        }
        throw new TableauError({ reason: 'cancelled', message, cause: e });
      });
  }

  /** The shared retry mechanism with this run's limits, counting and logging each retry. */
  private retrying(what: string, tries: number, retryOn: (e: unknown) => boolean, again = 'trying again'): RetryOptions {
    return {
      ...retryOptions(this.limits, tries),
      signal: this.signal,
      retryOn,
      onRetry: (e, _attempt, wait) => {
        this.retries++;
        this.log.warn(`${what} failed (${e.message}); ${again} in ${Math.round(wait / 100) / 10} s.`);
      },
    };
  }

  private sendSingle(msg: MultipartMessage): Promise<{ answer: unknown } | { item: Workbook | DataSource }> {
    // Overwrite and replace end in the same state however often they run; an append does not.
    const retryOn = (e: unknown): boolean => {
      const kind = classifyFailure(e);
      return kind === 'notApplied' || (kind === 'ambiguous' && this.req.mode !== 'append');
    };
    // createnew fails if the name exists, so an item there after an ambiguous attempt is the one it made.
    const recovers = this.req.mode === 'createnew' && !this.req.asJob;
    let ambiguousBefore = false;
    return withRetry(async () => {
      try {
        const answer = await this.send('POST', this.publishPath(), msg, publishQuery(this.info, this.req));
        this.progress('commit', this.uploadSize);
        return { answer };
      } catch (e) {
        if (recovers && ambiguousBefore && TableauError.is(e, 'alreadyExists')) {
          // Tableau's own check says an earlier attempt landed after all. The item is new, so the
          // search index may not list it yet: look again with a bounded backoff.
          const found = await this.findPublished().catch(() => undefined);
          if (found) return { item: found };
          throw e;
        }
        if (classifyFailure(e) !== 'ambiguous') throw e;
        ambiguousBefore = true;
        if (this.req.mode === 'append') throw unknownOutcome(e as TableauError, this.name);
        if (recovers) {
          // One quick look; a miss proves nothing (the index lags), so the publish is sent again
          // and Tableau's conflict check above settles it.
          const found = await findItemByName(this.client, this.info.kind, this.name, this.req.projectId, this.signal).catch(() => undefined);
          if (found) return { item: found };
        }
        throw e;
      }
    }, this.retrying('The publish request', this.limits.maxRetries, retryOn));
  }

  /**
   * Sends every chunk. A chunk that provably did not land is sent again; after an ambiguous
   * chunk failure the whole upload starts over in a fresh upload session (bounded by maxRestarts).
   */
  private uploadChunks(): Promise<string> {
    const size = this.uploadSize;
    const requested = this.opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    chunkSizeFor(size, requested); // a file no upload can hold fails before anything is sent
    const restartable = new WeakSet<object>();
    return withRetry(async () => {
      const upload = await this.initiate();
      const { uploadSessionId } = upload;
      const maxChunks = Math.min(MAX_FILE_CHUNK_COUNT, upload.maxFileChunkCount ?? MAX_FILE_CHUNK_COUNT);
      const chunkSize = chunkSizeFor(size, requested, maxChunks);
      if (chunkSize > requested) this.log.debug(`Chunks raised to ${chunkSize} bytes: an upload may have at most ${maxChunks} chunks.`);
      this.log.debug(`Upload session started; ${Math.ceil(size / chunkSize)} chunk(s) of up to ${chunkSize} bytes.`);
      try {
        await this.sendChunks(uploadSessionId, chunkSize);
      } catch (e) {
        if (classifyFailure(e) === 'ambiguous') restartable.add(e as object);
        throw e;
      }
      return uploadSessionId;
    }, this.retrying('A chunk', this.limits.maxRestarts, (e) => restartable.has(e as object), 'it may or may not have landed, so the upload starts again in a new session'));
  }

  private async sendChunks(uploadSessionId: string, chunkSize: number): Promise<void> {
    const size = this.uploadSize;
    for (let start = 0; start < size; start += chunkSize) {
      const end = Math.min(size, start + chunkSize);
      const msg = await this.message(
        [this.payloadPart(''), { name: 'tableau_file', filename: 'file', contentType: 'application/octet-stream', body: this.fileBody(start, end) }],
        start,
      );
      await withRetry(
        () => this.send('PUT', `sites/{siteId}/fileUploads/${encodeURIComponent(uploadSessionId)}`, msg),
        this.retrying(`Upload chunk ${Math.floor(start / chunkSize) + 1}`, this.limits.maxRetries, (e) => classifyFailure(e) === 'notApplied'),
      );
      this.chunks++;
    }
  }

  private initiate(): Promise<FileUpload> {
    // Starting an upload session has no effect until something is committed to it: always retryable.
    return withRetry(() => {
      this.requests++;
      return this.client.initiateFileUpload(this.signal);
    }, this.retrying('Starting the upload', this.limits.maxRetries, (e) => classifyFailure(e) !== 'fatal'));
  }

  private async commit(uploadSessionId: string): Promise<unknown> {
    this.progress('commit', this.uploadSize);
    const msg = await this.message([this.payloadPart()], 0);
    return withRetry(
      () =>
        this.send('POST', this.publishPath(), msg, publishQuery(this.info, this.req, uploadSessionId)).catch((e: unknown) => {
          throw classifyFailure(e) === 'ambiguous' ? unknownOutcome(e as TableauError, this.name) : e;
        }),
      this.retrying('Committing the upload', this.limits.maxRetries, (e) => classifyFailure(e) === 'notApplied'),
    );
  }

  private async followJob(job: Job): Promise<PublishResult> {
    this.progress('job', this.uploadSize, 0); // the first answer's finishCode/progress mean nothing yet
    const done = await this.client.waitForJob(job.id, {
      ...this.opts.job,
      signal: this.signal,
      onProgress: (j) => this.progress('job', this.uploadSize, j.progress),
    });
    const kind = this.info.kind;
    // A publish job names no item (schema jobType); use an id if the server gave one anyway.
    const id = kind === 'workbook' ? done.workbookId : done.datasourceId;
    let item: Workbook | DataSource | undefined;
    if (id) item = kind === 'workbook' ? await this.client.getWorkbook(id, this.signal) : await this.client.getDataSource(id, this.signal);
    item ??= await this.findPublished();
    if (!item) {
      throw new TableauError({
        reason: 'notFound',
        message: `Job ${job.id} finished, but "${this.name}" could not be found in the project, even after waiting for Tableau's search index; check the project.`,
      });
    }
    return this.finish(item, job.id);
  }

  /** The item this run published, looked up by name: retried, since the search index lags behind the write. */
  private findPublished(): Promise<Workbook | DataSource | undefined> {
    return findAfterWrite(() => findItemByName(this.client, this.info.kind, this.name, this.req.projectId, this.signal), { ...this.opts.lookupRetry, signal: this.signal });
  }

  /**
   * Tags go on after the publish, in their own request. The item is published by then, so a
   * failure here (even a cancel) is a warning on the result, never a failed publish.
   */
  private async finish(item: Workbook | DataSource, jobId?: string): Promise<PublishResult> {
    const wanted = [...new Set((this.req.tags ?? []).map((t) => t.trim()).filter(Boolean))];
    let tags: string[] | undefined;
    const warnings: string[] = [];
    const mismatch = this.notWhatWasPublished(item);
    if (this.rules?.restUpdates.length) {
      if (mismatch) throw new TableauError({ reason: 'malformedResponse', message: `${mismatch} Its data connections were not updated; check the project on Tableau.` });
      await applyRestUpdates(this.client, this.info.kind, item.id, item.name, this.rules.restUpdates, this.signal);
      this.requests += 1 + this.rules.restUpdates.reduce((n, u) => n + (u.report.updatedConnectionIds?.length ?? 0), 0);
    }
    if (mismatch) {
      const w = `${mismatch}${wanted.length ? ' Its tags were not added.' : ''} Check the project on Tableau.`;
      this.log.warn(w);
      warnings.push(w);
    } else if (wanted.length) {
      try {
        this.requests++;
        tags = await this.client.addTags(this.info.kind, item.id, wanted, this.signal);
      } catch (e) {
        const w = `"${item.name}" was published, but its tags (${wanted.join(', ')}) could not be added: ${(e as Error).message}`;
        this.log.warn(w);
        warnings.push(w);
      }
    }
    const r = this.result(item, jobId, warnings);
    if (tags) r.tags = tags;
    if (mismatch) r.mismatch = mismatch;
    if (this.rules) r.connectionChanges = this.rules.changes;
    return r;
  }

  /**
   * Why the item Tableau answered with is not the one published, if it is not: another name
   * (compared as Tableau compares names: trimmed, ignoring case) or another project.
   */
  private notWhatWasPublished(item: Workbook | DataSource): string | undefined {
    const norm = (s: string): string => s.normalize('NFC').trim().toLowerCase();
    const what = this.info.kind === 'workbook' ? 'workbook' : 'data source';
    if (norm(item.name) !== norm(this.name)) return `Tableau's answer names the ${what} "${item.name}", not "${this.name}" as published.`;
    if (item.project?.id?.toLowerCase() !== this.req.projectId.toLowerCase()) {
      return `Tableau's answer puts the ${what} "${item.name}" in ${item.project ? `project ${item.project.id}` : 'no project'}, not in the target project ${this.req.projectId}.`;
    }
    return undefined;
  }

  private result(item: Workbook | DataSource, jobId?: string, extraWarnings: string[] = []): PublishResult {
    this.progress(jobId ? 'job' : 'commit', this.uploadSize, jobId ? 100 : undefined);
    const r: PublishResult = {
      kind: this.info.kind,
      item,
      bytes: this.info.size,
      chunks: this.chunks,
      requests: this.requests,
      retries: this.retries,
      durationMs: Date.now() - this.started,
      warnings: [...this.info.warnings, ...extraWarnings],
    };
    if (jobId) r.jobId = jobId;
    this.log.info(`Published "${item.name}" (${item.id}) in ${r.durationMs} ms: ${r.requests} request(s), ${r.chunks} chunk(s), ${r.retries} retr${r.retries === 1 ? 'y' : 'ies'}.`);
    return r;
  }
}
