/**
 * Tableau Prep flows on the server: Query Flows for Site, Query Flow, Run Flow Now (a job) and
 * Get Flow Runs (the last run's status). Shapes: schema `flowType`, `flowRunType` (the items
 * of a `<flowRuns>` listing are themselves `<flowRuns>`, as TSC's recorded flow_runs_get.xml
 * shows), `runFlowJobType`.
 */
import { TableauError } from '../errors';
import type { Job, Page, ProjectRef, UserRef } from '../models';
import type { ListOptions } from './client';
import { single, toJob, toPage } from './mappers';
import { fetchAllPages } from './pagination';
import type { ApiRequest } from './restApi';
import { attr, child, numAttr, type Obj } from './shape';
import { tsRequest } from './xml';

export interface Flow {
  id: string;
  name: string;
  description?: string;
  /** "tfl" or "tflx". */
  fileType?: string;
  webpageUrl?: string;
  createdAt?: string;
  updatedAt?: string;
  project?: ProjectRef;
  owner?: UserRef;
}

export type FlowRunStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'Cancelled';

export interface FlowRun {
  id: string;
  flowId?: string;
  status?: string;
  startedAt?: string;
  completedAt?: string;
  progress?: number;
  backgroundJobId?: string;
}

/** What these calls need of TableauClient (it satisfies this structurally). */
export interface FlowClient {
  request(req: ApiRequest & { replaySafe: boolean }): Promise<unknown>;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function toFlow(o: Obj): Flow {
  const id = attr(o, 'id');
  if (!id) throw new TableauError({ reason: 'malformedResponse', message: "The server's answer has a flow without id." });
  const project = child(o, 'project');
  const owner = child(o, 'owner');
  return defined({
    id, name: attr(o, 'name') ?? '', description: attr(o, 'description'), fileType: attr(o, 'fileType'), webpageUrl: attr(o, 'webpageUrl'),
    createdAt: attr(o, 'createdAt'), updatedAt: attr(o, 'updatedAt'),
    project: project && attr(project, 'id') ? defined({ id: attr(project, 'id')!, name: attr(project, 'name') }) : undefined,
    owner: owner && attr(owner, 'id') ? defined({ id: attr(owner, 'id')!, name: attr(owner, 'name') }) : undefined,
  });
}

export function toFlowRun(o: Obj): FlowRun {
  return defined({
    id: attr(o, 'id') ?? '', flowId: attr(o, 'flowId'), status: attr(o, 'status'), startedAt: attr(o, 'startedAt'), completedAt: attr(o, 'completedAt'),
    progress: numAttr(o, 'progress'), backgroundJobId: attr(o, 'backgroundJobId'),
  });
}

function read(client: FlowClient, path: string, action: string, query?: ApiRequest['query'], signal?: AbortSignal): Promise<Obj> {
  return client.request({ method: 'GET', path, query, signal, action, replaySafe: true }) as Promise<Obj>;
}

export async function listFlows(client: FlowClient, opts: ListOptions = {}): Promise<Page<Flow>> {
  const query = { pageSize: opts.pageSize ?? 100, pageNumber: opts.pageNumber, filter: opts.filter || undefined, sort: opts.sort || undefined };
  return toPage(await read(client, 'sites/{siteId}/flows', 'list flows', query, opts.signal), 'flows', 'flow', toFlow);
}

/** Every flow of the site (bounded like every listing), or those of one project. */
export function allFlows(client: FlowClient, opts: ListOptions & { projectId?: string; maxItems?: number } = {}): Promise<Flow[]> {
  return fetchAllPages((pageNumber, pageSize) => listFlows(client, { ...opts, pageNumber, pageSize }), {
    pageSize: opts.pageSize ?? 1000, signal: opts.signal, maxItems: opts.maxItems, what: 'flows',
  }).then((all) => (opts.projectId ? all.filter((f) => f.project?.id === opts.projectId) : all));
}

export async function getFlow(client: FlowClient, id: string, signal?: AbortSignal): Promise<Flow> {
  return toFlow(single(await read(client, `sites/{siteId}/flows/${encodeURIComponent(id)}`, 'read the flow', undefined, signal), 'flow', 'flow'));
}

/** Run Flow Now: answers the job that runs it (its `runFlowJobType` names the flow run). */
export async function runFlowNow(client: FlowClient, id: string, signal?: AbortSignal): Promise<Job & { flowRunId?: string }> {
  const ts = (await client.request({
    method: 'POST', path: `sites/{siteId}/flows/${encodeURIComponent(id)}/run`, body: tsRequest(''), contentType: 'text/xml', signal, action: 'run the flow',
    // A 401 means Tableau did not act on it; a replay cannot start two runs.
    replaySafe: true,
  })) as Obj;
  const jobEl = single(ts, 'job', 'job');
  const job: Job & { flowRunId?: string } = toJob(jobEl);
  const runId = attr(child(jobEl, 'runFlowJobType'), 'flowRunId');
  if (runId) job.flowRunId = runId;
  return job;
}

/** The flow's most recent run (Get Flow Runs filtered on the flow, newest start first), if it ever ran. */
export async function lastFlowRun(client: FlowClient, flowId: string, signal?: AbortSignal): Promise<FlowRun | undefined> {
  const ts = await read(client, 'sites/{siteId}/flows/runs', 'list the flow\'s runs', { filter: `flowId:eq:${flowId}`, sort: 'startedAt:desc', pageSize: 1 }, signal);
  return toPage(ts, 'flowRuns', 'flowRuns', toFlowRun).items[0];
}
