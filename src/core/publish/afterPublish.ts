/**
 * Steps around a publish: before it, which workbooks an overwrite of a data source touches (the
 * Metadata API); after it, refresh the extract now and wait, and render each published view (a
 * view that renders is the smoke test). Each after-publish step reports on its own: the publish
 * has already succeeded when one fails.
 */
import * as path from 'node:path';
import type { TableauClient } from '../api/client';
import { viewImage, type ViewImageOptions } from '../api/images';
import { downstreamWorkbooks, type DownstreamImpact } from '../api/metadata';
import { isCancellation, TableauError } from '../errors';
import type { ContentKind, Job, View } from '../models';
import type { PackageInfo } from '../package/inspect';
import { findItemByName } from './items';

/** Connection classes of an extract inside a workbook or data source document. */
const EXTRACT_CLASSES = new Set(['hyper', 'dataengine']);

/**
 * Whether the file carries an extract: true for a .hyper / .tde, or a document with an extract
 * connection; false when its connections were read and none is one; undefined when they could not be read.
 */
export function fileShowsExtract(info: PackageInfo): boolean | undefined {
  if (info.isExtract) return true;
  if (info.dataConnections.some((c) => EXTRACT_CLASSES.has(c.class))) return true;
  return info.dataConnectionsParsed ? false : undefined;
}

/** Why a refresh of this file is refused (the plan says it too). */
export function noExtractMessage(file: string): string {
  return `"${path.basename(file)}" has no extract, so there is nothing to refresh after publishing it. Leave out the refresh option for this file.`;
}

/** Refusal before anything is sent: a refresh was asked of a file with no extract to refresh. */
export function assertRefreshable(info: PackageInfo): void {
  if (fileShowsExtract(info) === false) throw new TableauError({ reason: 'invalidArgument', message: noExtractMessage(info.path) });
}

export interface RefreshOptions {
  signal?: AbortSignal;
  /** Overall wait for the job (default: the core's job deadline). */
  timeoutMs?: number;
  initialDelayMs?: number;
  onProgress?: (job: Job) => void;
}

/** Refreshes the published item's extracts now and waits for the job: ends only at completedAt; a failure carries the job's notes. */
export async function refreshAndWait(client: TableauClient, kind: ContentKind, id: string, opts: RefreshOptions = {}): Promise<Job> {
  const started = kind === 'workbook' ? await client.refreshWorkbook(id, opts.signal) : await client.refreshDataSource(id, opts.signal);
  opts.onProgress?.(started);
  return client.waitForJob(started.id, { signal: opts.signal, timeoutMs: opts.timeoutMs, initialDelayMs: opts.initialDelayMs, onProgress: opts.onProgress });
}

export interface RenderedView {
  view: View;
  /** The PNG, when the view rendered. */
  png?: Buffer;
  /** Why it did not render (Tableau's error, e.g. 400074). */
  error?: TableauError;
}

/** The images of a workbook's views, a few at a time; a view that cannot render is reported, not thrown. */
export async function renderViews(client: TableauClient, workbookId: string, opts: ViewImageOptions & { concurrency?: number; /** Render only the first this many views. */ maxViews?: number } = {}): Promise<RenderedView[]> {
  const views = (await client.listWorkbookViews(workbookId, opts.signal)).slice(0, opts.maxViews);
  const out: RenderedView[] = new Array<RenderedView>(views.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < views.length) {
      const i = next++;
      try {
        out[i] = { view: views[i], png: await viewImage(client, views[i].id, opts) };
      } catch (e) {
        if (isCancellation(e) || !TableauError.is(e)) throw e;
        // A session or network failure is not the view's: only Tableau's answer about this view counts as "cannot render".
        if (!TableauError.is(e, ['badRequest', 'serverError', 'notFound', 'malformedResponse', 'responseTooLarge'])) throw e;
        out[i] = { view: views[i], error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 3, views.length) }, worker));
  return out;
}

/**
 * Before an overwrite of a data source: the workbooks that use the one now published under that
 * name in that project. Undefined when there is none yet (nothing to overwrite).
 */
export async function overwriteImpact(client: TableauClient, name: string, projectId: string, signal?: AbortSignal): Promise<{ datasourceId: string; impact: DownstreamImpact } | undefined> {
  const existing = await findItemByName(client, 'datasource', name, projectId, signal);
  if (!existing) return undefined;
  return { datasourceId: existing.id, impact: await downstreamWorkbooks(client, existing.id, { signal }) };
}
