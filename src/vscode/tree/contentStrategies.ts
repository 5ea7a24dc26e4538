import type { ListOptions } from '../../core/api/client';
import type { ApiRequest } from '../../core/api/restApi';
import type { DataSource, Page, Project, View, Workbook } from '../../core/models';
import { isFilterSafe, listingStopped } from '../../core/api/pagination';
import { DEFAULT_MAX_LIST_ITEMS } from '../../core/limits';
import { SETTING_LIMIT_NAMES } from '../connections/httpOptions';
import { compareNames } from './projectHierarchy';

/** The listing options the tree uses: the core's own. */
export type ContentListOptions = ListOptions;

/** What the tree needs from a signed-in TableauClient (the core's client satisfies it). */
export interface ContentClient {
  allProjects(opts?: ContentListOptions): Promise<Project[]>;
  listWorkbooks(opts?: ContentListOptions): Promise<Page<Workbook>>;
  allWorkbooks(opts?: ContentListOptions): Promise<Workbook[]>;
  listDataSources(opts?: ContentListOptions): Promise<Page<DataSource>>;
  allDataSources(opts?: ContentListOptions): Promise<DataSource[]>;
  listWorkbookViews(workbookId: string, signal?: AbortSignal): Promise<View[]>;
  /** Authenticated REST calls (flows are listed through it); a client without it shows no flows. */
  request?(req: ApiRequest & { replaySafe: boolean }): Promise<unknown>;
  /** The listing cap the client applies to all*() (tableau.maxListItems) and how the user raises it. */
  readonly listLimits?: { maxItems: number; limitName?: string };
}

/** The first `limit` items of a project's content and whether the server holds more. */
export interface Slice<T> {
  items: T[];
  hasMore: boolean;
}

/**
 * How the workbooks and data sources of one project are fetched. Tableau has no
 * projectId filter for them, so there are two ways:
 * - `groupClientSide`: list the whole site once (pages fetched concurrently), cache it,
 *   group by project id. Every later project expands with no request.
 * - `projectNameFilter`: ask per project with `filter=projectName:eq:X`, page by page as
 *   the user loads more; project names repeat across nesting, so results are narrowed
 *   by project id.
 */
export type ContentStrategyKind = 'groupClientSide' | 'projectNameFilter';

export interface ProjectContentStrategy {
  readonly kind: ContentStrategyKind;
  workbooks(project: Project, limit: number, signal?: AbortSignal): Promise<Slice<Workbook>>;
  datasources(project: Project, limit: number, signal?: AbortSignal): Promise<Slice<DataSource>>;
  /** Forget cached listings (after publish/delete or an explicit refresh). */
  invalidate(): void;
}

type Item = Workbook | DataSource;
type Lister<T> = (client: ContentClient, opts: ContentListOptions) => Promise<Page<T>>;
type AllLister<T> = (opts: ContentListOptions) => Promise<T[]>;

const byName = (a: Item, b: Item): number => compareNames(a.name, b.name);

/** `name:has:X` for a name filter; combined with further expressions by comma. */
export function filterExpression(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => !!p);
  return kept.length ? kept.join(',') : undefined;
}


export class GroupedListingStrategy implements ProjectContentStrategy {
  readonly kind = 'groupClientSide' as const;
  private wbCache?: Promise<Map<string, Workbook[]>>;
  private dsCache?: Promise<Map<string, DataSource[]>>;

  constructor(
    private readonly client: () => Promise<ContentClient>,
    /** Server-side name filter, already in Tableau syntax (e.g. `name:has:sales`). */
    private readonly filter?: string,
  ) {}

  async workbooks(project: Project, limit: number, signal?: AbortSignal): Promise<Slice<Workbook>> {
    return slice((await this.workbookGroups(signal)).get(project.id) ?? [], limit);
  }

  async datasources(project: Project, limit: number, signal?: AbortSignal): Promise<Slice<DataSource>> {
    return slice((await this.datasourceGroups(signal)).get(project.id) ?? [], limit);
  }

  /** Every item of the (filtered) listing; used to find the projects that hold matches. */
  async allItems(signal?: AbortSignal): Promise<{ workbooks: Workbook[]; datasources: DataSource[] }> {
    const [wb, ds] = await Promise.all([this.workbookGroups(signal), this.datasourceGroups(signal)]);
    return { workbooks: [...wb.values()].flat(), datasources: [...ds.values()].flat() };
  }

  invalidate(): void {
    this.wbCache = undefined;
    this.dsCache = undefined;
  }

  private workbookGroups(signal?: AbortSignal): Promise<Map<string, Workbook[]>> {
    const p = (this.wbCache ??= this.load((o) => this.client().then((c) => c.allWorkbooks(o)), signal));
    // A failed or cancelled listing must not stay cached: the next expand retries.
    p.catch(() => this.wbCache === p && (this.wbCache = undefined));
    return p;
  }

  private datasourceGroups(signal?: AbortSignal): Promise<Map<string, DataSource[]>> {
    const p = (this.dsCache ??= this.load((o) => this.client().then((c) => c.allDataSources(o)), signal));
    p.catch(() => this.dsCache === p && (this.dsCache = undefined));
    return p;
  }

  private async load<T extends Item>(all: AllLister<T>, signal: AbortSignal | undefined): Promise<Map<string, T[]>> {
    const items = await all({ pageSize: 1000, filter: this.filter, signal });
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const key = item.project?.id ?? '';
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(item);
    }
    for (const list of groups.values()) list.sort(byName);
    return groups;
  }
}

interface PagedState<T> {
  items: T[];
  nextPage: number;
  done: boolean;
  pending?: Promise<void>;
}

export class ProjectNameFilterStrategy implements ProjectContentStrategy {
  readonly kind = 'projectNameFilter' as const;
  private readonly wb = new Map<string, PagedState<Workbook>>();
  private readonly ds = new Map<string, PagedState<DataSource>>();

  constructor(
    private readonly client: () => Promise<ContentClient>,
    private readonly pageSize: number,
    private readonly filter?: string,
    /** Used when a project name cannot be expressed in a filter. */
    private readonly fallback: GroupedListingStrategy = new GroupedListingStrategy(client, filter),
  ) {}

  workbooks(project: Project, limit: number, signal?: AbortSignal): Promise<Slice<Workbook>> {
    if (!isFilterSafe(project.name)) return this.fallback.workbooks(project, limit, signal);
    return this.fetch(this.wb, project, limit, (c, o) => c.listWorkbooks(o), signal);
  }

  datasources(project: Project, limit: number, signal?: AbortSignal): Promise<Slice<DataSource>> {
    if (!isFilterSafe(project.name)) return this.fallback.datasources(project, limit, signal);
    return this.fetch(this.ds, project, limit, (c, o) => c.listDataSources(o), signal);
  }

  invalidate(): void {
    this.wb.clear();
    this.ds.clear();
    this.fallback.invalidate();
  }

  private async fetch<T extends Item>(
    cache: Map<string, PagedState<T>>,
    project: Project,
    limit: number,
    list: Lister<T>,
    signal?: AbortSignal,
  ): Promise<Slice<T>> {
    let state = cache.get(project.id);
    if (!state) cache.set(project.id, (state = { items: [], nextPage: 1, done: false }));
    while (state.items.length < limit && !state.done) {
      // One page at a time per project, even when two expands race.
      state.pending ??= this.nextPage(state, project, list, signal).finally(() => (state!.pending = undefined));
      await state.pending;
    }
    return { items: state.items.slice(0, limit), hasMore: state.items.length > limit || !state.done };
  }

  private async nextPage<T extends Item>(state: PagedState<T>, project: Project, list: Lister<T>, signal?: AbortSignal): Promise<void> {
    const client = await this.client();
    const page = await list(client, {
      pageSize: this.pageSize,
      pageNumber: state.nextPage,
      filter: filterExpression(`projectName:eq:${project.name}`, this.filter),
      sort: 'name:asc',
      signal,
    });
    state.items.push(...page.items.filter((i) => i.project?.id === project.id));
    // Counted with the page asked for, not the number the answer claims, and capped, so a
    // server whose pages never match the project cannot keep this loop asking.
    const asked = state.nextPage;
    const { pageSize, totalAvailable } = page.pagination;
    state.nextPage = asked + 1;
    state.done = page.items.length === 0 || asked * pageSize >= totalAvailable;
    const maxItems = client.listLimits?.maxItems ?? DEFAULT_MAX_LIST_ITEMS;
    if (!state.done && asked >= Math.ceil(maxItems / this.pageSize)) {
      state.done = true;
      throw listingStopped(`the content of "${project.name}"`, `after ${asked} pages (${maxItems} items at most)`, client.listLimits?.limitName ?? SETTING_LIMIT_NAMES.maxListItems);
    }
  }
}

function slice<T>(items: T[], limit: number): Slice<T> {
  return { items: items.slice(0, limit), hasMore: items.length > limit };
}

export function createStrategy(
  kind: ContentStrategyKind,
  client: () => Promise<ContentClient>,
  pageSize: number,
  filter?: string,
): ProjectContentStrategy {
  return kind === 'projectNameFilter'
    ? new ProjectNameFilterStrategy(client, pageSize, filter)
    : new GroupedListingStrategy(client, filter);
}
