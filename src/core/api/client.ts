import { TableauError } from '../errors';
import type { ContentKind, DataSource, FileUpload, Job, Page, Project, Site, User, View, Workbook } from '../models';
import type { TableauSession } from '../auth/session';
import { delay } from '../auth/abortable';
import type { ApiRequest } from './restApi';
import { toDataSource, toFileUpload, toJob, toPage, toProject, toSite, toTags, toUser, toView, toWorkbook, single } from './mappers';
import { findAfterWrite, type LookupRetryOptions } from './afterWrite';
import { DEFAULT_JOB_TIMEOUT_MS, endedJob, jobHasEnded, jobTimeout } from './jobs';
import { clampPageSize, fetchAllPages, nameFilter } from './pagination';
import { withRetry, type RetryOptions } from './retry';
import { items, requireElement, type Obj } from './shape';
import { tsRequest, xmlAttrs } from './xml';
import { DEFAULT_MAX_LIST_ITEMS, type LimitNames } from '../limits';

export interface ListOptions {
  /** Default 100, max 1000. */
  pageSize?: number;
  pageNumber?: number;
  /** Tableau filter expression, e.g. 'name:eq:Sales'. */
  filter?: string;
  sort?: string;
  fields?: string;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (bytes: number, total?: number) => void;
}

export interface WaitForJobOptions {
  signal?: AbortSignal;
  onProgress?: (job: Job) => void;
  /** First wait between polls (default 500 ms); grows ×1.4. */
  initialDelayMs?: number;
  /** Cap of the wait between polls (default 30 s). */
  maxDelayMs?: number;
  /** Overall deadline (default DEFAULT_JOB_TIMEOUT_MS, 3 h); past it: 'jobTimeout' (the job may still finish). */
  timeoutMs?: number;
}

export interface ClientOptions {
  /** Pages fetched at once by all*() (default 4). */
  pageConcurrency?: number;
  /** Retry policy for reads (429 / 503). */
  retry?: Omit<RetryOptions, 'signal'>;
  /** Answer format for listings (default 'json': several times faster to decode than XML on big pages). */
  listFormat?: 'xml' | 'json';
  /** Most items one all*() listing collects (default 200,000); more ends it with 'responseTooLarge'. */
  maxListItems?: number;
  /** How the user raises the limits, named in messages. */
  limitNames?: LimitNames;
  /** Lookups right after a write (the search index lags): how often and how long to retry. */
  lookupRetry?: LookupRetryOptions;
}

/** Who may create a project there (Tableau: "Manage Permissions with Projects", Hierarchy), added to a refusal. */
function withWhoMayCreate(e: TableauError, nested: boolean): TableauError {
  const who = nested
    ? 'Inside a project, its owner, its project leaders and site or server administrators can create projects.'
    : 'Only a site or server administrator can create a top-level project; project leaders can create projects inside the projects they lead.';
  const suffix = e.code ? ` (Tableau error ${e.code})` : '';
  const base = suffix && e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
  return new TableauError({ reason: e.reason, status: e.status, code: e.code, summary: e.summary, detail: e.detail, retryAfter: e.retryAfter, message: `${base} ${who}${suffix}`, cause: e });
}

/** The high-level Tableau API on top of a session. Every call takes an AbortSignal; every error is a TableauError. */
export class TableauClient {
  constructor(
    readonly session: TableauSession,
    private readonly opts: ClientOptions = {},
  ) {}

  /** Any REST call; `{siteId}` in the path becomes the session's site LUID. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request(req: ApiRequest & { replaySafe: boolean }): Promise<any> {
    const { replaySafe, ...apiReq } = req;
    return this.session.run(
      (auth) => this.session.api.send(auth.token, { ...apiReq, path: apiReq.path.split('{siteId}').join(auth.siteId) }),
      { replaySafe, signal: req.signal },
    );
  }

  /** A read: replay-safe, retried on 429 / 503. */
  private read(path: string, signal: AbortSignal | undefined, action: string, query?: ApiRequest['query'], format?: ApiRequest['format']): Promise<Obj> {
    return withRetry(() => this.request({ method: 'GET', path, query, signal, action, format, replaySafe: true }), { ...this.opts.retry, signal });
  }

  private list<T>(path: string, collection: string, item: string, map: (o: Obj) => T, action: string, opts: ListOptions = {}): Promise<Page<T>> {
    const query = {
      pageSize: clampPageSize(opts.pageSize),
      pageNumber: opts.pageNumber !== undefined ? Math.max(1, Math.floor(opts.pageNumber)) : undefined,
      filter: opts.filter || undefined,
      sort: opts.sort || undefined,
      fields: opts.fields || undefined,
    };
    // Pages of up to 1000 items: JSON decodes several times faster than XML (see npm run bench).
    return this.read(path, opts.signal, action, query, this.opts.listFormat ?? 'json').then((ts) => toPage(ts, collection, item, map));
  }

  /** The cap on all*() listings and how the user raises it (the tree's page-by-page listing applies it too). */
  get listLimits(): { maxItems: number; limitName?: string } {
    return { maxItems: this.opts.maxListItems ?? DEFAULT_MAX_LIST_ITEMS, limitName: this.opts.limitNames?.maxListItems };
  }

  private all<T>(what: string, page: (o: ListOptions) => Promise<Page<T>>, opts: ListOptions = {}): Promise<T[]> {
    return fetchAllPages((pageNumber, pageSize) => page({ ...opts, pageNumber, pageSize }), {
      pageSize: opts.pageSize ?? 1000,
      concurrency: this.opts.pageConcurrency,
      signal: opts.signal,
      maxItems: this.opts.maxListItems,
      limitName: this.opts.limitNames?.maxListItems,
      what,
    });
  }

  listSites(opts: ListOptions = {}): Promise<Site[]> {
    return this.all('sites', (o) => this.list('sites', 'sites', 'site', toSite, 'list sites', o), opts);
  }

  listUsers(opts?: ListOptions): Promise<Page<User>> {
    return this.list('sites/{siteId}/users', 'users', 'user', toUser, 'list users', opts);
  }
  allUsers(opts?: ListOptions): Promise<User[]> {
    return this.all('users', (o) => this.listUsers(o), opts);
  }

  listProjects(opts?: ListOptions): Promise<Page<Project>> {
    return this.list('sites/{siteId}/projects', 'projects', 'project', toProject, 'list projects', opts);
  }
  allProjects(opts?: ListOptions): Promise<Project[]> {
    return this.all('projects', (o) => this.listProjects(o), opts);
  }

  listWorkbooks(opts?: ListOptions): Promise<Page<Workbook>> {
    return this.list('sites/{siteId}/workbooks', 'workbooks', 'workbook', toWorkbook, 'list workbooks', opts);
  }
  allWorkbooks(opts?: ListOptions): Promise<Workbook[]> {
    return this.all('workbooks', (o) => this.listWorkbooks(o), opts);
  }

  async listWorkbookViews(workbookId: string, signal?: AbortSignal): Promise<View[]> {
    const ts = await this.read(`sites/{siteId}/workbooks/${encodeURIComponent(workbookId)}/views`, signal, 'list the views of a workbook');
    requireElement(ts, 'views');
    return items(ts, 'views', 'view').map((v) => toView(v, workbookId));
  }

  /** The views of the whole site, each naming its workbook and project: one listing instead of one request per workbook. */
  listViews(opts?: ListOptions): Promise<Page<View>> {
    return this.list('sites/{siteId}/views', 'views', 'view', (o) => toView(o), 'list views', opts);
  }
  allViews(opts?: ListOptions): Promise<View[]> {
    return this.all('views', (o) => this.listViews(o), opts);
  }

  listDataSources(opts?: ListOptions): Promise<Page<DataSource>> {
    return this.list('sites/{siteId}/datasources', 'datasources', 'datasource', toDataSource, 'list data sources', opts);
  }
  allDataSources(opts?: ListOptions): Promise<DataSource[]> {
    return this.all('data sources', (o) => this.listDataSources(o), opts);
  }

  async getWorkbook(id: string, signal?: AbortSignal): Promise<Workbook> {
    return toWorkbook(single(await this.read(`sites/{siteId}/workbooks/${encodeURIComponent(id)}`, signal, 'read the workbook'), 'workbook', 'workbook'));
  }

  async getDataSource(id: string, signal?: AbortSignal): Promise<DataSource> {
    return toDataSource(single(await this.read(`sites/{siteId}/datasources/${encodeURIComponent(id)}`, signal, 'read the data source'), 'datasource', 'data source'));
  }

  /**
   * Creates a project. If the session ends mid-call it is repeated once; when that repeat
   * finds the name taken (409006: the first call did create it) the project is looked up.
   */
  async createProject(p: { name: string; parentProjectId?: string; description?: string }, signal?: AbortSignal): Promise<Project> {
    const body = tsRequest(`<project${xmlAttrs({ name: p.name, description: p.description, parentProjectId: p.parentProjectId })}/>`);
    let tries = 0;
    const ts: Obj = await this.session
      .run(async (auth) => {
        tries++;
        try {
          return await this.session.api.send(auth.token, { method: 'POST', path: `sites/${auth.siteId}/projects`, body, contentType: 'text/xml', signal, action: `create project "${p.name}"` });
        } catch (e) {
          if (tries > 1 && TableauError.is(e, 'alreadyExists')) {
            // The replayed create found the first one's project: it is new, so the index may not list it yet.
            const found = await findAfterWrite(() => this.findProject(p.name, p.parentProjectId, signal), { ...this.opts.lookupRetry, signal });
            if (found) return { project: { id: found.id, name: found.name, parentProjectId: found.parentProjectId, description: found.description } };
          }
          throw e;
        }
      }, { replaySafe: true, signal })
      .catch((e: unknown) => {
        throw TableauError.is(e, 'forbidden') ? withWhoMayCreate(e, Boolean(p.parentProjectId)) : e;
      });
    return toProject(single(ts, 'project', 'project'));
  }

  private async findProject(name: string, parentProjectId: string | undefined, signal?: AbortSignal): Promise<Project | undefined> {
    // Tableau's filter syntax has no escaping for ',' or ':': such names are matched among the parent's projects.
    const filter = nameFilter(name) ?? (parentProjectId ? `parentProjectId:eq:${parentProjectId}` : 'topLevelProject:eq:true');
    const all = await this.allProjects({ filter, signal });
    return all.find((x) => x.name === name && (x.parentProjectId ?? undefined) === (parentProjectId || undefined));
  }

  deleteWorkbook(id: string, signal?: AbortSignal): Promise<void> {
    return this.deleteItem(`workbooks/${encodeURIComponent(id)}`, 'delete the workbook', signal);
  }

  deleteDataSource(id: string, signal?: AbortSignal): Promise<void> {
    return this.deleteItem(`datasources/${encodeURIComponent(id)}`, 'delete the data source', signal);
  }

  private async deleteItem(path: string, action: string, signal?: AbortSignal): Promise<void> {
    let tries = 0;
    await this.session.run(async (auth) => {
      tries++;
      try {
        await this.session.api.send(auth.token, { method: 'DELETE', path: `sites/${auth.siteId}/${path}`, signal, action });
      } catch (e) {
        // A repeat that finds it gone: the first call deleted it.
        if (!(tries > 1 && TableauError.is(e, 'notFound'))) throw e;
      }
    }, { replaySafe: true, signal });
  }

  /** `includeExtract: false` leaves the extracts out of the package (Tableau's ?includeExtract=false). */
  downloadWorkbook(id: string, sink: NodeJS.WritableStream, opts: DownloadOptions & { includeExtract?: boolean } = {}): Promise<void> {
    const query = opts.includeExtract === false ? { includeExtract: false } : undefined;
    return this.download(`sites/{siteId}/workbooks/${encodeURIComponent(id)}/content`, query, sink, opts, 'download the workbook');
  }

  downloadDataSource(id: string, sink: NodeJS.WritableStream, opts: DownloadOptions & { includeExtract?: boolean } = {}): Promise<void> {
    const query = opts.includeExtract === false ? { includeExtract: false } : undefined;
    return this.download(`sites/{siteId}/datasources/${encodeURIComponent(id)}/content`, query, sink, opts, 'download the data source');
  }

  // The sink is only written once a 2xx answer arrives, so a 401/429 before that can be repeated safely.
  private async download(path: string, query: ApiRequest['query'], sink: NodeJS.WritableStream, opts: DownloadOptions, action: string): Promise<void> {
    await withRetry(
      () =>
        this.request({ method: 'GET', path, query, responseSink: sink, onResponseProgress: opts.onProgress, followRedirects: true, signal: opts.signal, action, replaySafe: true }),
      { ...this.opts.retry, signal: opts.signal },
    );
  }

  refreshDataSource(id: string, signal?: AbortSignal): Promise<Job> {
    return this.refresh('datasources', id, 'refresh the data source', signal);
  }

  /** Update Workbook Now: refreshes the workbook's extracts (`POST .../workbooks/{id}/refresh`). */
  refreshWorkbook(id: string, signal?: AbortSignal): Promise<Job> {
    return this.refresh('workbooks', id, 'refresh the workbook', signal);
  }

  private async refresh(collection: 'workbooks' | 'datasources', id: string, action: string, signal?: AbortSignal): Promise<Job> {
    const ts = await this.request({
      method: 'POST',
      path: `sites/{siteId}/${collection}/${encodeURIComponent(id)}/refresh`,
      body: tsRequest(''),
      contentType: 'text/xml',
      signal,
      action,
      // A 401 means Tableau did not act on it; repeating once cannot queue two refreshes.
      replaySafe: true,
    });
    return toJob(single(ts, 'job', 'job'));
  }

  async getJob(id: string, signal?: AbortSignal): Promise<Job> {
    return toJob(single(await this.read(`sites/{siteId}/jobs/${encodeURIComponent(id)}`, signal, 'read the job'), 'job', 'job'));
  }

  /**
   * Polls a job until it has ended (`completedAt` set), backing off ×1.4 up to maxDelayMs,
   * within an overall deadline. Throws 'jobFailed' / 'jobCancelled' with the job's notes,
   * 'jobTimeout' past the deadline, 'cancelled' when the signal aborts.
   */
  async waitForJob(id: string, opts: WaitForJobOptions = {}): Promise<Job> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let wait = opts.initialDelayMs ?? 500;
    const maxWait = opts.maxDelayMs ?? 30_000;
    for (;;) {
      const job = await this.getJob(id, opts.signal);
      opts.onProgress?.(job);
      if (jobHasEnded(job)) return endedJob(job);
      const left = deadline - Date.now();
      if (left <= 0) throw jobTimeout(job, timeoutMs);
      await delay(Math.min(wait, left), opts.signal);
      wait = Math.min(Math.round(wait * 1.4), maxWait);
    }
  }

  /**
   * Adds tags to a workbook or data source (tags it already has stay); returns the item's tags
   * as the server answers them. Adding a tag twice changes nothing, so a replay is safe.
   */
  async addTags(kind: ContentKind, id: string, tags: readonly string[], signal?: AbortSignal): Promise<string[]> {
    const labels = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
    if (!labels.length) throw new TableauError({ reason: 'invalidArgument', message: 'No tags to add.' });
    const body = tsRequest(`<tags>${labels.map((label) => `<tag${xmlAttrs({ label })}/>`).join('')}</tags>`);
    const ts: Obj = await withRetry(
      () =>
        this.request({
          method: 'PUT',
          path: `sites/{siteId}/${kind === 'workbook' ? 'workbooks' : 'datasources'}/${encodeURIComponent(id)}/tags`,
          body,
          contentType: 'text/xml',
          signal,
          action: `tag the ${kind === 'workbook' ? 'workbook' : 'data source'}`,
          replaySafe: true,
        }),
      { ...this.opts.retry, signal },
    );
    return toTags(ts);
  }

  /** The REST API version spoken to this server (calls newer than it are refused before they are sent). */
  apiVersion(signal?: AbortSignal): Promise<string> {
    return this.session.api.apiVersion(signal);
  }

  async initiateFileUpload(signal?: AbortSignal): Promise<FileUpload> {
    const ts = await this.request({ method: 'POST', path: 'sites/{siteId}/fileUploads', signal, action: 'start a file upload', replaySafe: true });
    return toFileUpload(single(ts, 'fileUpload', 'file upload'));
  }
}
