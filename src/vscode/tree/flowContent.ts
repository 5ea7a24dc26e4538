/**
 * Flows in the content tree (no `vscode`: unit-tested against the simulator). Query Flows for
 * Site has no project filter either, so the site's flows are listed once (bounded like every
 * listing) and grouped by project; the last run of each flow shown is asked for separately
 * (Get Flow Runs filtered on the flow), a few at a time, and cached until the next refresh.
 */
import { PROJECT_PATH_SEPARATOR } from '../../core/display';
import { allFlows, lastFlowRun, type Flow, type FlowClient, type FlowRun } from '../../core/api/flows';
import { formatDate } from './format';
import { compareNames } from './projectHierarchy';
import type { ContentClient, Slice } from './contentStrategies';

/** Last-run lookups in flight at once for one project's flows. */
const RUN_LOOKUPS_AT_ONCE = 4;

function flowClientOf(c: ContentClient): FlowClient | undefined {
  const request = c.request;
  return request ? { request: (req) => request.call(c, req) } : undefined;
}

export class FlowListing {
  private groups?: Promise<Map<string, Flow[]>>;
  private readonly runs = new Map<string, Promise<FlowRun | undefined>>();

  constructor(private readonly client: () => Promise<ContentClient>) {}

  async flows(projectId: string, limit: number, signal?: AbortSignal): Promise<Slice<Flow>> {
    const all = (await this.load(signal)).get(projectId) ?? [];
    return { items: all.slice(0, limit), hasMore: all.length > limit };
  }

  /** The last run of each flow (undefined: it never ran), bounded concurrency. */
  async lastRuns(flows: readonly Flow[], signal?: AbortSignal): Promise<Map<string, FlowRun | undefined>> {
    const out = new Map<string, FlowRun | undefined>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < flows.length) {
        const f = flows[next++];
        out.set(f.id, await this.lastRun(f.id, signal));
      }
    };
    await Promise.all(Array.from({ length: Math.min(RUN_LOOKUPS_AT_ONCE, flows.length) }, worker));
    return out;
  }

  invalidate(): void {
    this.groups = undefined;
    this.runs.clear();
  }

  private lastRun(flowId: string, signal?: AbortSignal): Promise<FlowRun | undefined> {
    let p = this.runs.get(flowId);
    if (!p) {
      p = this.client().then((c) => {
        const fc = flowClientOf(c);
        return fc ? lastFlowRun(fc, flowId, signal) : undefined;
      });
      this.runs.set(flowId, p);
      p.catch(() => this.runs.get(flowId) === p && this.runs.delete(flowId));
    }
    return p;
  }

  private load(signal?: AbortSignal): Promise<Map<string, Flow[]>> {
    const p = (this.groups ??= this.client().then(async (c) => {
      const fc = flowClientOf(c);
      const groups = new Map<string, Flow[]>();
      if (!fc) return groups;
      for (const f of await allFlows(fc, { pageSize: 1000, signal, maxItems: c.listLimits?.maxItems })) {
        const key = f.project?.id ?? '';
        let list = groups.get(key);
        if (!list) groups.set(key, (list = []));
        list.push(f);
      }
      for (const list of groups.values()) list.sort((a, b) => compareNames(a.name, b.name));
      return groups;
    }));
    // A failed or cancelled listing must not stay cached: the next expand retries.
    p.catch(() => this.groups === p && (this.groups = undefined));
    return p;
  }
}

/** "last run: Success · 2026-01-02", or "never run". */
export function describeFlowRun(run: FlowRun | undefined): string {
  if (!run) return 'never run';
  const when = formatDate(run.completedAt ?? run.startedAt);
  return `last run: ${run.status ?? 'unknown'}${when ? ` · ${when}` : ''}`;
}

/** Tooltip rows of a flow. */
export function flowRows(flow: Flow, projectPath: readonly string[], run: FlowRun | undefined): [string, string][] {
  const rows: [string, string][] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value) rows.push([label, value]);
  };
  add('Project', projectPath.join(PROJECT_PATH_SEPARATOR));
  add('Owner', flow.owner?.name ?? flow.owner?.id);
  add('Type', flow.fileType);
  add('Last run', run ? `${run.status ?? 'unknown'}${run.completedAt ? ` (${run.completedAt})` : run.startedAt ? ` (started ${run.startedAt})` : ''}` : 'never');
  add('Created', formatDate(flow.createdAt));
  add('Updated', formatDate(flow.updatedAt));
  add('LUID', flow.id);
  add('Description', flow.description);
  return rows;
}
