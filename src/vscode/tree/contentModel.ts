/**
 * The data behind the content tree, kept free of `vscode` so plain mocha can test it
 * against the simulator. The VS Code layer maps `ContentEntry` values to tree nodes.
 */
import { TableauError, isCancellation } from '../../core/errors';
import type { DataSource, Project, View, Workbook } from '../../core/models';
import {
  type ContentClient,
  type ContentStrategyKind,
  GroupedListingStrategy,
  type ProjectContentStrategy,
  createStrategy,
} from './contentStrategies';
import { isFilterSafe } from '../../core/api/pagination';
import { ProjectHierarchy, type ProjectEntry } from './projectHierarchy';
import type { Flow, FlowRun } from '../../core/api/flows';
import { FlowListing } from './flowContent';

export type ContentKind = 'connection' | 'site' | 'project' | 'workbook' | 'datasource' | 'view' | 'flow';

export type ContentEntry =
  | { kind: 'project'; project: Project; path: string[] }
  | { kind: 'workbook'; workbook: Workbook; projectPath: string[] }
  | { kind: 'datasource'; datasource: DataSource; projectPath: string[] }
  | { kind: 'view'; view: View; workbook: Workbook }
  /** A Prep flow with its last run (undefined: it never ran). */
  | { kind: 'flow'; flow: Flow; projectPath: string[]; lastRun?: FlowRun }
  /** More items exist under `parentKey`; `loadMore(parentKey)` shows the next page. */
  | { kind: 'loadMore'; parentKey: string; shown: number }
  /** Listing failed; `retry` forgets the cached failure so expanding again refetches. */
  | { kind: 'error'; parentKey: string; message: string; reason: string }
  | { kind: 'message'; text: string };

/** `workbook`, or `workbook.readonly` for read-only connections; menus match on these. */
export function contextValueFor(kind: ContentKind, readOnly: boolean): string {
  return readOnly ? `${kind}.readonly` : kind;
}

export interface SiteContentOptions {
  /** Items shown per folder before "Load more..." (setting tableau.pageSize). */
  pageSize: number;
  strategy?: ContentStrategyKind;
}

export interface SearchHit {
  kind: 'project' | 'workbook' | 'datasource';
  id: string;
  name: string;
  /** Project path holding the item (for a project: its own path). */
  path: string[];
  /** The project to expand to reveal it. */
  projectId: string;
}

export const ROOT_KEY = 'root';
const projectKey = (id: string): string => `project:${id}`;
const workbookKey = (id: string): string => `workbook:${id}`;

/** Escapes a user's text for Tableau's `name:has:` filter (no comma escaping exists). */
function nameFilterOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  return isFilterSafe(text) ? `name:has:${text}` : undefined;
}

/** Content of one site, as the tree shows it. One instance per (connection, site). */
export class SiteContentModel {
  private hierarchy?: Promise<ProjectHierarchy>;
  private strategy: ProjectContentStrategy;
  private readonly limits = new Map<string, number>();
  private readonly views = new Map<string, Promise<View[]>>();
  private filterText?: string;
  private filtered?: Promise<Set<string>>;
  private filterStrategy?: GroupedListingStrategy;
  private readonly flowListing: FlowListing;

  constructor(
    private readonly client: () => Promise<ContentClient>,
    private readonly opts: SiteContentOptions,
  ) {
    this.strategy = createStrategy(opts.strategy ?? 'groupClientSide', client, this.pageSize);
    this.flowListing = new FlowListing(client);
  }

  get pageSize(): number {
    return Math.max(1, Math.min(1000, Math.floor(this.opts.pageSize) || 100));
  }

  get filter(): string | undefined {
    return this.filterText;
  }

  /** Narrows the tree to items whose name contains `text` (case-insensitive); undefined clears. */
  setFilter(text: string | undefined): void {
    const t = text?.trim() || undefined;
    this.filterText = t;
    this.filtered = undefined;
    this.limits.clear();
    this.filterStrategy = t ? new GroupedListingStrategy(this.client, nameFilterOf(t)) : undefined;
  }

  /** Forgets everything cached; the next expand refetches. */
  refresh(): void {
    this.hierarchy = undefined;
    this.strategy.invalidate();
    this.filterStrategy?.invalidate();
    this.flowListing.invalidate();
    this.filtered = undefined;
    this.views.clear();
  }

  projects(signal?: AbortSignal): Promise<ProjectHierarchy> {
    const p = (this.hierarchy ??= this.client()
      .then((c) => c.allProjects({ pageSize: 1000, signal }))
      .then((list) => new ProjectHierarchy(list)));
    p.catch(() => this.hierarchy === p && (this.hierarchy = undefined));
    return p;
  }

  /** Top-level projects (with a filter: only those holding a match). */
  topLevel(signal?: AbortSignal): Promise<ContentEntry[]> {
    return this.guard(ROOT_KEY, async () => {
      const h = await this.projects(signal);
      const visible = await this.visibleProjects(h, signal);
      const entries = h.roots.filter((e) => !visible || visible.has(e.project.id)).map(projectEntry);
      if (entries.length === 0) {
        return [{ kind: 'message', text: this.filterText ? `No matches for "${this.filterText}".` : 'No projects on this site.' }];
      }
      return entries;
    });
  }

  /** Child projects, then workbooks, then data sources, then flows; "Load more..." past the page size. */
  projectChildren(projectId: string, signal?: AbortSignal): Promise<ContentEntry[]> {
    const key = projectKey(projectId);
    return this.guard(key, async () => {
      const h = await this.projects(signal);
      const entry = h.get(projectId);
      if (!entry) throw new TableauError({ reason: 'notFound', message: 'This project no longer exists on the server. Refresh the view.' });
      const visible = await this.visibleProjects(h, signal);
      const out: ContentEntry[] = entry.children.filter((c) => !visible || visible.has(c.project.id)).map(projectEntry);
      const limit = this.limits.get(key) ?? this.pageSize;
      const strategy = this.filterStrategy ?? this.strategy;
      const wb = await strategy.workbooks(entry.project, limit, signal);
      const left = limit - wb.items.length;
      const ds = left > 0 || !wb.hasMore ? await strategy.datasources(entry.project, Math.max(left, 0), signal) : { items: [], hasMore: true };
      const matches = (name: string): boolean => !this.filterText || name.toLowerCase().includes(this.filterText.toLowerCase());
      // Flows fill what the page has left, as data sources do after workbooks.
      const leftForFlows = left - ds.items.length;
      const fl = !wb.hasMore && !ds.hasMore ? await this.flowListing.flows(projectId, Math.max(leftForFlows, 0), signal) : { items: [], hasMore: false };
      const flows = fl.items.filter((f) => matches(f.name));
      const runs = await this.flowListing.lastRuns(flows, signal);
      for (const w of wb.items) if (matches(w.name)) out.push({ kind: 'workbook', workbook: w, projectPath: entry.path });
      for (const d of ds.items) if (matches(d.name)) out.push({ kind: 'datasource', datasource: d, projectPath: entry.path });
      for (const f of flows) out.push({ kind: 'flow', flow: f, projectPath: entry.path, lastRun: runs.get(f.id) });
      if (wb.hasMore || ds.hasMore || fl.hasMore) out.push({ kind: 'loadMore', parentKey: key, shown: wb.items.length + ds.items.length + fl.items.length });
      if (out.length === 0) out.push({ kind: 'message', text: 'This project is empty.' });
      return out;
    });
  }

  workbookViews(workbook: Workbook, signal?: AbortSignal): Promise<ContentEntry[]> {
    const key = workbookKey(workbook.id);
    return this.guard(key, async () => {
      let p = this.views.get(workbook.id);
      if (!p) {
        p = this.client().then((c) => c.listWorkbookViews(workbook.id, signal));
        this.views.set(workbook.id, p);
        p.catch(() => this.views.get(workbook.id) === p && this.views.delete(workbook.id));
      }
      const views = await p;
      if (views.length === 0) return [{ kind: 'message', text: 'No views.' }];
      return views.map((view): ContentEntry => ({ kind: 'view', view, workbook }));
    });
  }

  /** Shows one more page under `parentKey` (the key of a loadMore entry). */
  loadMore(parentKey: string): void {
    this.limits.set(parentKey, (this.limits.get(parentKey) ?? this.pageSize) + this.pageSize);
  }

  /** Raises the page limit of a project until `itemId` is among its shown items (for reveal). */
  async ensureShown(projectId: string, itemId: string, signal?: AbortSignal): Promise<boolean> {
    const key = projectKey(projectId);
    for (let i = 0; i < 1000; i++) {
      const entries = await this.projectChildren(projectId, signal);
      if (entries.some((e) => (e.kind === 'workbook' && e.workbook.id === itemId) || (e.kind === 'datasource' && e.datasource.id === itemId) || (e.kind === 'flow' && e.flow.id === itemId))) return true;
      if (!entries.some((e) => e.kind === 'loadMore')) return false;
      this.loadMore(key);
    }
    return false;
  }

  /** Projects, workbooks and data sources whose name contains `text`, for a quick pick. */
  async search(text: string, signal?: AbortSignal, max = 200): Promise<SearchHit[]> {
    const needle = text.trim().toLowerCase();
    if (!needle) return [];
    const h = await this.projects(signal);
    const hits: SearchHit[] = h
      .all()
      .filter((e) => e.project.name.toLowerCase().includes(needle))
      .map((e) => ({ kind: 'project', id: e.project.id, name: e.project.name, path: e.path, projectId: e.project.id }));
    const { workbooks, datasources } = await new GroupedListingStrategy(this.client, nameFilterOf(text.trim())).allItems(signal);
    const add = (kind: 'workbook' | 'datasource', item: Workbook | DataSource): void => {
      const pid = item.project?.id ?? '';
      if (!item.name.toLowerCase().includes(needle)) return;
      hits.push({ kind, id: item.id, name: item.name, path: h.get(pid)?.path ?? [], projectId: pid });
    };
    workbooks.forEach((w) => add('workbook', w));
    datasources.forEach((d) => add('datasource', d));
    return hits.slice(0, max);
  }

  /**
   * With a filter: the ids of projects to show — matching projects, projects holding a
   * matching workbook or data source, and all their ancestors. Undefined without a filter.
   */
  private visibleProjects(h: ProjectHierarchy, signal?: AbortSignal): Promise<Set<string> | undefined> {
    const text = this.filterText?.toLowerCase();
    if (!text || !this.filterStrategy) return Promise.resolve(undefined);
    const fs = this.filterStrategy;
    const p = (this.filtered ??= fs.allItems(signal).then(({ workbooks, datasources }) => {
      const seeds = new Set<string>();
      for (const e of h.all()) if (e.project.name.toLowerCase().includes(text)) seeds.add(e.project.id);
      for (const i of [...workbooks, ...datasources]) if (i.project?.id && i.name.toLowerCase().includes(text)) seeds.add(i.project.id);
      const visible = new Set<string>();
      for (const id of seeds) for (const a of h.chain(id)) visible.add(a);
      return visible;
    }));
    p.catch(() => this.filtered === p && (this.filtered = undefined));
    return p;
  }

  /** Turns a failed listing into one error entry (cancellation propagates untouched). */
  private async guard(parentKey: string, fn: () => Promise<ContentEntry[]>): Promise<ContentEntry[]> {
    try {
      return await fn();
    } catch (e) {
      if (isCancellation(e)) throw e;
      return [errorEntry(parentKey, e)];
    }
  }
}

function projectEntry(e: ProjectEntry): ContentEntry {
  return { kind: 'project', project: e.project, path: e.path };
}

export function errorEntry(parentKey: string, e: unknown): ContentEntry {
  if (TableauError.is(e)) return { kind: 'error', parentKey, message: e.message, reason: e.reason };
  return { kind: 'error', parentKey, message: e instanceof Error ? e.message : String(e), reason: 'unknown' };
}
