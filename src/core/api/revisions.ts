/**
 * Revisions of workbooks and data sources (Tableau's "Revisions Methods"): list them (paged),
 * download one (streamed, like a download), remove one, and the site settings that govern them.
 * Tableau has no restore call: restoring is downloading revision N and publishing it with
 * overwrite (core/revisions/restore.ts).
 */
import { TableauError } from '../errors';
import type { ContentKind, UserRef } from '../models';
import type { DownloadOptions, TableauClient } from './client';
import { toPage } from './mappers';
import { fetchAllPages } from './pagination';
import { withRetry } from './retry';
import { attr, boolAttr, child, numAttr, type Obj } from './shape';

export interface Revision {
  number: number;
  /** ISO date of the publish that made it. */
  publishedAt?: string;
  publisher?: UserRef;
  sizeBytes?: number;
  /** The item's content now. */
  current: boolean;
  /** Removed: listed, but its content is gone. */
  deleted: boolean;
}

export interface SiteRevisionSettings {
  revisionHistoryEnabled?: boolean;
  /** -1: unlimited. */
  revisionLimit?: number;
}

export interface ItemRef {
  kind: ContentKind;
  id: string;
  /** For messages. */
  name?: string;
}

function collection(kind: ContentKind): string {
  return kind === 'workbook' ? 'workbooks' : 'datasources';
}

function label(item: ItemRef): string {
  const what = item.kind === 'workbook' ? 'workbook' : 'data source';
  return item.name ? `${what} "${item.name}"` : `the ${what}`;
}

function toRevision(o: Obj): Revision {
  const n = numAttr(o, 'revisionNumber');
  if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
    throw new TableauError({ reason: 'malformedResponse', message: "The server's answer has a revision without a revision number." });
  }
  const p = child(o, 'publisher');
  const pid = attr(p, 'id');
  const r: Revision = { number: n, current: boolAttr(o, 'current') === true, deleted: boolAttr(o, 'deleted') === true };
  // Tableau's data source revisions were recorded with createdAt (TSC datasource_revision.xml), workbooks' with publishedAt.
  const at = attr(o, 'publishedAt') ?? attr(o, 'createdAt');
  if (at) r.publishedAt = at;
  if (pid) r.publisher = attr(p, 'name') ? { id: pid, name: attr(p, 'name') } : { id: pid };
  const size = numAttr(o, 'sizeInBytes');
  if (size !== undefined) r.sizeBytes = size;
  return r;
}

/** The site's revision settings (Query Site). */
export async function siteRevisionSettings(client: TableauClient, signal?: AbortSignal): Promise<SiteRevisionSettings> {
  const ts: Obj = await withRetry(() => client.request({ method: 'GET', path: 'sites/{siteId}', signal, action: 'read the site settings', replaySafe: true }), { signal });
  const site = child(ts, 'site');
  return { revisionHistoryEnabled: boolAttr(site, 'revisionHistoryEnabled'), revisionLimit: numAttr(site, 'revisionLimit') };
}

/**
 * A refusal of a revision call explained: the site keeps no history ('revisionHistoryOff'), or
 * the revision is gone ('revisionNotFound'); anything else is passed on as it came.
 */
async function explain(e: unknown, client: TableauClient, item: ItemRef, revision: number | undefined, signal?: AbortSignal): Promise<unknown> {
  if (!TableauError.is(e, ['forbidden', 'notFound', 'badRequest'])) return e;
  // 404006 / 404011: the workbook / data source itself is gone.
  if (e.code === '404006' || e.code === '404011') return e;
  let settings: SiteRevisionSettings | undefined;
  try {
    settings = await siteRevisionSettings(client, signal);
  } catch {
    settings = undefined; // the settings could not be read: the original error stands
  }
  if (settings?.revisionHistoryEnabled === false) {
    return new TableauError({
      reason: 'revisionHistoryOff', status: e.status, code: e.code, cause: e,
      message: `This site keeps no revision history, so ${label(item)} has no older revisions to list, download or restore. A site administrator can turn on "Save revision history" in the site settings.`,
    });
  }
  if (revision !== undefined && TableauError.is(e, 'notFound')) {
    return new TableauError({
      reason: 'revisionNotFound', status: e.status, code: e.code, cause: e,
      message: `Revision ${revision} of ${label(item)} no longer exists (it was removed, or dropped past the site's revision limit). Refresh the revisions to see the ones that remain.`,
    });
  }
  return e;
}

/** Every revision of the item, oldest first (paged, bounded like every listing). */
export async function listRevisions(client: TableauClient, item: ItemRef, signal?: AbortSignal): Promise<Revision[]> {
  const path = `sites/{siteId}/${collection(item.kind)}/${encodeURIComponent(item.id)}/revisions`;
  const limits = client.listLimits;
  try {
    const all = await fetchAllPages(
      (pageNumber, pageSize) =>
        withRetry(() => client.request({ method: 'GET', path, query: { pageSize, pageNumber }, format: 'json', signal, action: 'list revisions', replaySafe: true }), { signal })
          .then((ts: Obj) => toPage(ts, 'revisions', 'revision', toRevision)),
      { pageSize: 100, signal, maxItems: limits.maxItems, limitName: limits.limitName, what: 'revisions' },
    );
    all.sort((a, b) => a.number - b.number);
    // Tableau marks the current revision; when an answer does not, the newest one that is not deleted is it.
    if (!all.some((r) => r.current)) {
      const newest = [...all].reverse().find((r) => !r.deleted);
      if (newest) newest.current = true;
    }
    return all;
  } catch (e) {
    throw await explain(e, client, item, undefined, signal);
  }
}

/**
 * Streams revision `n` into the sink. Tableau serves only revisions before the current one here
 * ("prior to the current one"): pass `current: true` for the current one, which is then the
 * item's own download. `includeExtract: false` leaves extracts out of a package (a smaller download).
 */
export async function downloadRevision(
  client: TableauClient,
  item: ItemRef,
  n: number,
  sink: NodeJS.WritableStream,
  opts: DownloadOptions & { current?: boolean; includeExtract?: boolean } = {},
): Promise<void> {
  const query = opts.includeExtract === false ? { includeExtract: false } : undefined;
  const path = opts.current
    ? `sites/{siteId}/${collection(item.kind)}/${encodeURIComponent(item.id)}/content`
    : `sites/{siteId}/${collection(item.kind)}/${encodeURIComponent(item.id)}/revisions/${n}/content`;
  try {
    await withRetry(
      () => client.request({ method: 'GET', path, query, responseSink: sink, onResponseProgress: opts.onProgress, followRedirects: true, signal: opts.signal, action: `download revision ${n}`, replaySafe: true }),
      { signal: opts.signal },
    );
  } catch (e) {
    throw await explain(e, client, item, n, opts.signal);
  }
}

/** Removes revision `n` (never the current one): Tableau keeps it listed as deleted. */
export async function removeRevision(client: TableauClient, item: ItemRef, n: number, signal?: AbortSignal): Promise<void> {
  try {
    await client.request({
      method: 'DELETE', path: `sites/{siteId}/${collection(item.kind)}/${encodeURIComponent(item.id)}/revisions/${n}`, signal, action: `remove revision ${n}`,
      replaySafe: true,
    });
  } catch (e) {
    throw await explain(e, client, item, n, signal);
  }
}
