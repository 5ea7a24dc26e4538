/**
 * The simulator's content: sites, users, projects, workbooks, data sources, jobs and
 * upload sessions, with the indexes listing needs (by project, by parent, by name) so a
 * page of a big generated site costs about O(pageSize).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SimConfig, SiteRole } from './config';
import { ListingCache } from './listing';

export interface StoredBlob {
  size: number;
  sha256: string;
  fileName: string;
  /** Bytes on disk (published) ... */
  filePath?: string;
  /** ... or in memory (small seeded items). */
  inline?: Buffer;
}

export interface SiteRec { id: string; name: string; contentUrl: string }
export interface UserRec {
  id: string;
  name: string;
  password?: string;
  isServerAdmin: boolean;
  /** By site id. */
  siteRoles: Map<string, SiteRole>;
  fullName?: string;
  email?: string;
}
export interface ProjectRec {
  id: string; siteId: string; name: string; description: string; parentId?: string; ownerId: string;
  createdAt: string; updatedAt: string;
  /** Project leaders (user ids); they may create projects inside this one. */
  leaderIds?: string[];
}
export interface ViewRec { id: string; name: string; contentUrl: string }
/** A data connection of a published item, read from its uploaded document (password as SHA-256 only). */
export interface SimConnection {
  id: string; type: string; serverAddress?: string; serverPort?: string; userName?: string; dbname?: string;
  /** For a sqlproxy connection: the published data source it names. */
  publishedDataSource?: string;
  embedPassword: boolean; passwordSha256?: string;
}
interface ItemBase {
  id: string; siteId: string; projectId: string; ownerId: string; name: string; contentUrl: string;
  description: string; blob: StoredBlob; createdAt: string; updatedAt: string;
  tags?: string[];
  /** Embedded connection credentials of the last publish (password as SHA-256 only). */
  credentials?: { serverAddress?: string; serverPort?: string; username: string; embed: boolean; passwordSha256: string }[];
  /** The data connections of the uploaded document (absent when it could not be read as one). */
  connections?: SimConnection[];
}
export interface WorkbookRec extends ItemBase {
  kind: 'workbook'; showTabs: boolean; views: ViewRec[]; hiddenViews?: string[];
  /** The user or group whose access renders the thumbnails (Publish Workbook payload). */
  thumbnailsUserId?: string; thumbnailsGroupId?: string;
}
export interface GroupRec { id: string; siteId: string; name: string }
/** Permission rules of one thing: grantee (`group:{id}` / `user:{id}`) → capability → mode. */
export type CapabilityRules = Map<string, Map<string, 'Allow' | 'Deny'>>;
export interface DataSourceRec extends ItemBase { kind: 'datasource'; type: string; hasExtracts: boolean }
export type ItemRec = WorkbookRec | DataSourceRec;
export interface JobRec {
  id: string; siteId: string; type: string; mode: string; createdAt: number; durationMs: number;
  finishCode: number; workbookId?: string; datasourceId?: string; notes?: string;
  /** The item's name (a publish job's failure names it, without an id). */
  itemName?: string;
  /** Work to do when the job completes (publishing commits then). */
  pending?: () => void;
  /** UpdateUploadedFile: the connection updated, and the notes of a successful run. */
  connectionId?: string;
  doneNotes?: string;
  /** RunFlow: the flow and its run. */
  flowId?: string;
  flowRunId?: string;
}
export interface UploadRec {
  id: string; siteId: string; filePath: string; size: number; chunks: number; consumed: boolean;
  /** Running hash over every chunk, in order. */
  hash: ReturnType<typeof createHash>; busy: boolean;
}

/** A deterministic LUID from a seed string, so generated sites look the same every run. */
export function luid(seed?: string): string {
  if (seed === undefined) return randomUUID();
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function isoNow(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Tableau's contentUrl style: letters and digits only, deduplicated with a suffix. */
export function toContentUrl(name: string, taken: (c: string) => boolean): string {
  const base = name.replace(/[^A-Za-z0-9]/g, '') || 'item';
  let c = base;
  for (let i = 1; taken(c); i++) c = `${base}_${i}`;
  return c;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
function pull<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (!list) return;
  const i = list.indexOf(v);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) m.delete(k);
}

/** Everything that belongs to one site, indexed. */
export class SiteContent {
  readonly projects = new Map<string, ProjectRec>();
  readonly projectList: ProjectRec[] = [];
  readonly projectsByParent = new Map<string, ProjectRec[]>(); // '' = top level
  readonly projectsByName = new Map<string, ProjectRec[]>();
  readonly items = { workbook: new Map<string, WorkbookRec>(), datasource: new Map<string, DataSourceRec>() };
  readonly itemList = { workbook: [] as WorkbookRec[], datasource: [] as DataSourceRec[] };
  readonly itemsByProject = { workbook: new Map<string, ItemRec[]>(), datasource: new Map<string, ItemRec[]>() };
  readonly itemsByName = { workbook: new Map<string, ItemRec[]>(), datasource: new Map<string, ItemRec[]>() };
  readonly contentUrls = new Set<string>();
  /**
   * Filtered/sorted listings (see ListingCache), valid while the content is unchanged:
   * every change goes through addProject / addItem / removeItem / changed(), which clear it.
   */
  readonly listings = new ListingCache();

  /** Search index lag (SimConfig.indexLagMs): id → time from which filtered/sorted listings show it. */
  private readonly notIndexedUntil = new Map<string, number>();
  indexLagMs = 0;

  /** A record just created through the REST API: filtered/sorted listings miss it for indexLagMs. */
  markCreated(id: string, now = Date.now()): void {
    if (this.indexLagMs > 0) this.notIndexedUntil.set(id, now + this.indexLagMs);
  }

  /** Rows of a filtered or sorted listing as the (lagging) search index has them. */
  indexed<T extends { id: string }>(rows: readonly T[], now = Date.now()): readonly T[] {
    if (this.notIndexedUntil.size === 0) return rows;
    for (const [id, until] of this.notIndexedUntil) if (until <= now) this.notIndexedUntil.delete(id);
    return this.notIndexedUntil.size === 0 ? rows : rows.filter((r) => !this.notIndexedUntil.has(r.id));
  }

  /** Call after changing a record in place (tags): cached listings may no longer hold. */
  changed(): void {
    this.listings.clear();
  }

  addProject(p: ProjectRec): void {
    this.changed();
    this.projects.set(p.id, p);
    this.projectList.push(p);
    push(this.projectsByParent, p.parentId ?? '', p);
    push(this.projectsByName, p.name, p);
  }

  findProjectByPath(path: string): ProjectRec | undefined {
    let parent = '';
    let found: ProjectRec | undefined;
    for (const seg of path.split('/').map((s) => s.trim()).filter(Boolean)) {
      found = (this.projectsByParent.get(parent) ?? []).find((p) => p.name === seg);
      if (!found) return undefined;
      parent = found.id;
    }
    return found;
  }

  addItem(it: ItemRec): void {
    this.changed();
    if (it.kind === 'workbook') {
      this.items.workbook.set(it.id, it);
      this.itemList.workbook.push(it);
    } else {
      this.items.datasource.set(it.id, it);
      this.itemList.datasource.push(it);
    }
    push(this.itemsByProject[it.kind], it.projectId, it);
    push(this.itemsByName[it.kind], it.name, it);
    this.contentUrls.add(`${it.kind}:${it.contentUrl}`);
  }

  removeItem(it: ItemRec): void {
    this.changed();
    const list = this.itemList[it.kind] as ItemRec[];
    const i = list.indexOf(it);
    if (i >= 0) list.splice(i, 1);
    this.items[it.kind].delete(it.id);
    pull(this.itemsByProject[it.kind], it.projectId, it);
    pull(this.itemsByName[it.kind], it.name, it);
    this.contentUrls.delete(`${it.kind}:${it.contentUrl}`);
  }

  findItem(kind: ItemRec['kind'], projectId: string, name: string): ItemRec | undefined {
    return (this.itemsByName[kind].get(name) ?? []).find((i) => i.projectId === projectId);
  }

  uniqueContentUrl(kind: ItemRec['kind'], name: string): string {
    return toContentUrl(name, (c) => this.contentUrls.has(`${kind}:${c}`));
  }
}

export class Store {
  readonly sites = new Map<string, SiteRec>();
  readonly siteByContentUrl = new Map<string, SiteRec>();
  readonly content = new Map<string, SiteContent>();
  readonly users = new Map<string, UserRec>();
  readonly userByName = new Map<string, UserRec>();
  readonly groups = new Map<string, GroupRec>();
  /** Explicit permission rules by what they are on: an item id, or `{projectId}/{workbooks|datasources}` for a project's defaults. */
  readonly permissions = new Map<string, CapabilityRules>();
  readonly jobs = new Map<string, JobRec>();
  /** Each item's repository number, the id the web UI addresses it by (see render.ts webUrl); given on first use. */
  private readonly repositoryNumbers = new Map<string, number>();

  repositoryNumber(itemId: string): number {
    let n = this.repositoryNumbers.get(itemId);
    if (n === undefined) this.repositoryNumbers.set(itemId, (n = 1000 + this.repositoryNumbers.size));
    return n;
  }
  readonly uploads = new Map<string, UploadRec>();
  readonly pendingJobs = new Set<JobRec>();
  readonly restApiVersion: string;
  readonly productVersion: string;
  readonly build: string;

  constructor(readonly config: SimConfig) {
    this.restApiVersion = config.restApiVersion ?? '3.23';
    this.productVersion = config.productVersion ?? '2024.2.0';
    this.build = config.build ?? '20242.24.0711.1636';
  }

  addSite(name: string, contentUrl: string, id?: string): SiteRec {
    const existing = this.siteByContentUrl.get(contentUrl);
    if (existing) return existing;
    const site: SiteRec = { id: id ?? luid(`site:${contentUrl}`), name, contentUrl };
    this.sites.set(site.id, site);
    this.siteByContentUrl.set(contentUrl, site);
    const c = new SiteContent();
    c.indexLagMs = this.config.indexLagMs ?? 0;
    this.content.set(site.id, c);
    return site;
  }

  /** Deletes a site and everything on it; undefined when there is none. */
  removeSite(contentUrl: string): SiteRec | undefined {
    const site = this.siteByContentUrl.get(contentUrl);
    if (!site) return undefined;
    this.sites.delete(site.id);
    this.siteByContentUrl.delete(contentUrl);
    this.content.delete(site.id);
    for (const [id, u] of this.uploads) if (u.siteId === site.id) this.uploads.delete(id);
    return site;
  }

  siteContent(siteId: string): SiteContent {
    const c = this.content.get(siteId);
    if (!c) throw new Error(`no site ${siteId}`);
    return c;
  }

  addUser(u: Omit<UserRec, 'siteRoles'> & { siteRoles?: Map<string, SiteRole> }): UserRec {
    const rec: UserRec = { ...u, siteRoles: u.siteRoles ?? new Map() };
    this.users.set(rec.id, rec);
    this.userByName.set(rec.name.toLowerCase(), rec);
    return rec;
  }

  roleOn(user: UserRec, siteId: string): SiteRole | undefined {
    return user.siteRoles.get(siteId) ?? (user.isServerAdmin ? 'ServerAdministrator' : undefined);
  }

  /** Path of a project, "A/B/C", for messages and state. */
  projectPath(c: SiteContent, p: ProjectRec): string {
    const names: string[] = [];
    for (let cur: ProjectRec | undefined = p; cur; cur = cur.parentId ? c.projects.get(cur.parentId) : undefined) names.unshift(cur.name);
    return names.join('/');
  }

  /** Runs the completion work of every job that is done by now. */
  settleJobs(now = Date.now()): void {
    for (const j of this.pendingJobs) {
      if (!this.jobProgress(j, now).done) continue;
      this.pendingJobs.delete(j);
      const work = j.pending;
      j.pending = undefined;
      try {
        work?.();
      } catch (e) {
        j.finishCode = 1;
        j.notes = e instanceof Error ? e.message : String(e);
      }
    }
  }

  /** Job state at time `now`: progress runs 0..100 over durationMs. */
  jobProgress(j: JobRec, now = Date.now()): { progress: number; done: boolean; startedAt: number } {
    const elapsed = now - j.createdAt;
    const startedAt = j.createdAt + Math.min(50, j.durationMs / 4);
    if (elapsed >= j.durationMs) return { progress: 100, done: true, startedAt };
    return { progress: Math.max(0, Math.min(99, Math.floor((elapsed / Math.max(1, j.durationMs)) * 100))), done: false, startedAt };
  }
}

/** Roles that may publish, create projects and delete their own content. */
export function canPublish(role: SiteRole | undefined): boolean {
  return role === 'ServerAdministrator' || role === 'SiteAdministratorCreator' || role === 'SiteAdministratorExplorer'
    || role === 'Creator' || role === 'ExplorerCanPublish';
}

export function isSiteAdmin(role: SiteRole | undefined): boolean {
  return role === 'ServerAdministrator' || role === 'SiteAdministratorCreator' || role === 'SiteAdministratorExplorer';
}
