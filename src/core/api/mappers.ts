/** Decoded tsResponse elements → typed models. Numbers arrive as strings (XML and JSON alike). */
import type { DataSource, FileUpload, Job, Page, Pagination, Project, ProjectRef, PublishedContent, Site, User, UserRef, View, Workbook } from '../models';
import { TableauError } from '../errors';
import { attr, boolAttr, child, items, notTableauAnswer, numAttr, requireElement, textOf, type Obj } from './shape';

function required(o: Obj | undefined, key: string, what: string): string {
  const v = attr(o, key);
  if (v === undefined) throw new TableauError({ reason: 'malformedResponse', message: `The server's answer has a ${what} without ${key}.` });
  return v;
}

/**
 * `o` without its undefined properties, as a new object: deleting them instead would turn
 * every listed item into a slow dictionary-mode object (thousands per listing).
 */
function defined<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

// Tableau reports workbook / data source size in whole MB; the model holds bytes (an upper bound).
const MB = 1024 * 1024;
function sizeBytes(o: Obj): number | undefined {
  const mb = numAttr(o, 'size');
  return mb === undefined ? undefined : mb * MB;
}

function userRef(o: Obj | undefined): UserRef | undefined {
  const id = attr(o, 'id');
  return id ? defined({ id, name: attr(o, 'name') }) : undefined;
}

function projectRef(o: Obj | undefined): ProjectRef | undefined {
  const id = attr(o, 'id');
  return id ? defined({ id, name: attr(o, 'name') }) : undefined;
}

function tags(o: Obj): string[] | undefined {
  const t = items(o, 'tags', 'tag')
    .map((x) => attr(x, 'label'))
    .filter((x): x is string => x !== undefined);
  return t.length ? t : undefined;
}

/** The `<tags>` answer of Add Tags. */
export function toTags(ts: Obj): string[] {
  requireElement(ts, 'tags');
  return tags(ts) ?? [];
}

export function toSite(o: Obj): Site {
  return defined({ id: required(o, 'id', 'site'), name: attr(o, 'name') ?? '', contentUrl: attr(o, 'contentUrl') ?? '', state: attr(o, 'state') });
}

export function toUser(o: Obj): User {
  return defined({
    id: required(o, 'id', 'user'),
    name: attr(o, 'name') ?? '',
    fullName: attr(o, 'fullName'),
    siteRole: attr(o, 'siteRole'),
    email: attr(o, 'email'),
  });
}

export function toProject(o: Obj): Project {
  const parent = attr(o, 'parentProjectId');
  return defined({
    id: required(o, 'id', 'project'),
    name: attr(o, 'name') ?? '',
    description: attr(o, 'description'),
    parentProjectId: parent ? parent : undefined,
    contentPermissions: attr(o, 'contentPermissions'),
    owner: userRef(child(o, 'owner')),
    createdAt: attr(o, 'createdAt'),
    updatedAt: attr(o, 'updatedAt'),
  });
}

export function toView(o: Obj, workbookId?: string): View {
  return defined({
    id: required(o, 'id', 'view'),
    name: attr(o, 'name') ?? '',
    contentUrl: attr(o, 'contentUrl'),
    workbookId: attr(child(o, 'workbook'), 'id') ?? workbookId,
    owner: userRef(child(o, 'owner')),
    project: projectRef(child(o, 'project')),
    createdAt: attr(o, 'createdAt'),
    updatedAt: attr(o, 'updatedAt'),
  });
}

/** The attributes and elements a workbook and a data source share. */
function publishedContent(o: Obj, id: string): PublishedContent {
  return {
    id,
    name: attr(o, 'name') ?? '',
    contentUrl: attr(o, 'contentUrl'),
    webpageUrl: attr(o, 'webpageUrl'),
    description: attr(o, 'description'),
    size: sizeBytes(o),
    createdAt: attr(o, 'createdAt'),
    updatedAt: attr(o, 'updatedAt'),
    project: projectRef(child(o, 'project')),
    owner: userRef(child(o, 'owner')),
    tags: tags(o),
  };
}

export function toWorkbook(o: Obj): Workbook {
  const id = required(o, 'id', 'workbook');
  const views = items(o, 'views', 'view').map((v) => toView(v, id));
  return defined({ ...publishedContent(o, id), showTabs: boolAttr(o, 'showTabs'), views: child(o, 'views') ? views : undefined });
}

export function toDataSource(o: Obj): DataSource {
  return defined({ ...publishedContent(o, required(o, 'id', 'data source')), type: attr(o, 'type'), hasExtracts: boolAttr(o, 'hasExtracts') });
}

/**
 * A job's details sit in a child named for its kind (`extractRefreshJob`,
 * `updateUploadedFileJob`, ...: schema `jobType`), each with `<notes>` holding the failure
 * reason and naming the item it worked on; `statusNotes` come before them. A publish job
 * has no such child (it names no item). Direct children are read too (older answers).
 */
const JOB_DETAIL_ELEMENTS = ['extractRefreshJob', 'updateUploadedFileJob', 'extractCreationJob', 'thumbnailsRefreshJob', 'subscriptionJobType', 'runFlowJobType'];

function notesOf(o: Obj | undefined, into: string[]): void {
  const raw = o?.notes;
  for (const n of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
    const t = textOf(n)?.trim();
    if (t && !into.includes(t)) into.push(t);
  }
}

export function toJob(o: Obj): Job {
  const notes: string[] = [];
  const details = [o, ...JOB_DETAIL_ELEMENTS.map((k) => child(o, k)).filter((d): d is Obj => d !== undefined)];
  for (const d of details) notesOf(d, notes);
  const statusNotes: string[] = [];
  for (const n of items(o, 'statusNotes', 'statusNote')) {
    const t = (attr(n, 'text') ?? textOf(n))?.trim();
    if (t) statusNotes.push(t);
  }
  const idOf = (k: string): string | undefined => details.map((d) => attr(child(d, k), 'id')).find((id) => id !== undefined && id !== '');
  return defined({
    id: required(o, 'id', 'job'),
    mode: attr(o, 'mode'),
    type: attr(o, 'type'),
    progress: numAttr(o, 'progress'),
    createdAt: attr(o, 'createdAt'),
    startedAt: attr(o, 'startedAt'),
    completedAt: attr(o, 'completedAt'),
    finishCode: numAttr(o, 'finishCode'),
    notes: notes.length ? notes : undefined,
    statusNotes: statusNotes.length ? statusNotes : undefined,
    workbookId: idOf('workbook'),
    datasourceId: idOf('datasource'),
  });
}

export function toFileUpload(o: Obj): FileUpload {
  const max = numAttr(o, 'maxFileChunkCount');
  const upload: FileUpload = { uploadSessionId: required(o, 'uploadSessionId', 'file upload'), fileSize: numAttr(o, 'fileSize') ?? 0 };
  if (max !== undefined && Number.isInteger(max) && max > 0) upload.maxFileChunkCount = max;
  return upload;
}

/**
 * A pagination attribute: a whole number from `min` up (a server's 1e300, -1 or 2.5 is refused,
 * so no count or loop is ever sized by it), or undefined when absent.
 */
function pageCount(p: Obj | undefined, key: string, min: number): number | undefined {
  const s = attr(p, key);
  if (s === undefined) return undefined;
  const n = /^\s*\d{1,15}\s*$/.test(s) ? Number(s) : NaN;
  if (!(n >= min)) {
    throw new TableauError({ reason: 'malformedResponse', message: `The server's answer has an invalid page count: ${key}="${s.slice(0, 40)}" (a whole number of at least ${min} was expected).` });
  }
  return n;
}

export function toPagination(ts: Obj, fallbackCount: number): Pagination {
  const p = child(ts, 'pagination');
  return {
    pageNumber: pageCount(p, 'pageNumber', 1) ?? 1,
    pageSize: pageCount(p, 'pageSize', 1) ?? fallbackCount,
    totalAvailable: pageCount(p, 'totalAvailable', 0) ?? fallbackCount,
  };
}

/** A list answer → Page<T>. */
export function toPage<T>(ts: Obj, collection: string, item: string, map: (o: Obj) => T): Page<T> {
  requireElement(ts, collection);
  const list = items(ts, collection, item).map(map);
  return { items: list, pagination: toPagination(ts, list.length) };
}

/** The single element an answer carries (`<tsResponse><project .../></tsResponse>`). */
export function single(ts: Obj, key: string, what: string): Obj {
  const o = child(ts, key);
  if (!o) {
    if (ts[key] === undefined || ts[key] === null) throw notTableauAnswer(key);
    throw new TableauError({ reason: 'malformedResponse', message: `The server's answer does not contain the ${what}.` });
  }
  return o;
}
