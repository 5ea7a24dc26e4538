/**
 * Restore a revision: Tableau has no restore call, so revision N is downloaded (with its
 * extract) to a temporary file and published over the item with overwrite, through the same
 * streaming publish as any other. The item keeps its id; the restored content becomes a new,
 * current revision (N stays in the history).
 */
import { mkdtemp, rename, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TableauClient } from '../api/client';
import { downloadRevision, listRevisions, type ItemRef, type Revision } from '../api/revisions';
import { TableauError } from '../errors';
import { safeFileName } from '../fileNames';
import type { ContentKind, DataSource, Workbook } from '../models';
import { readHead } from '../package/inspect';
import { publish, type PublishOptions, type PublishResult } from '../publish/publisher';
import { downloadToFile } from './document';

export interface RestoreRequest {
  kind: ContentKind;
  id: string;
  revision: number;
}

export interface RestoreOptions extends Omit<PublishOptions, 'onProgress'> {
  /** Download progress, then the publish's. */
  onDownload?: (bytes: number, total?: number) => void;
  onProgress?: PublishOptions['onProgress'];
  /** Where the revision is downloaded to (a new temporary folder inside it; removed afterwards). Default the OS temp folder. */
  tempDir?: string;
}

export interface RestoreResult {
  item: Workbook | DataSource;
  restored: Revision;
  /** The revision that was current before. */
  previous: Revision;
  /** The new current revision, as the server lists it after the publish (undefined if it could not be listed). */
  current?: Revision;
  publish: PublishResult;
}

const ZIP_MAGIC = 0x04034b50;

/** Whether the downloaded revision is a package (zip) or a plain document. */
async function isZip(file: string): Promise<boolean> {
  const head = await readHead(file, 4);
  return head.length === 4 && head.readUInt32LE(0) === ZIP_MAGIC;
}

/** What restoring does to a data source's extract, in Tableau's terms, for the confirmation. */
export const EXTRACT_NOTE =
  "A data source revision is downloaded with its extract, as it was when that revision was published; restoring publishes that extract back, so the data is as old as the revision until the next extract refresh.";

/** Checks a restore can go ahead: the revision exists, is not deleted and is not already current. */
export function checkRestorable(revisions: readonly Revision[], n: number, what: string): { restored: Revision; previous: Revision } {
  const restored = revisions.find((r) => r.number === n);
  const previous = revisions.find((r) => r.current);
  if (!restored || restored.deleted) {
    throw new TableauError({ reason: 'revisionNotFound', message: `Revision ${n} of ${what} no longer exists${restored?.deleted ? ' (it was removed)' : ''}; the revisions are ${revisions.filter((r) => !r.deleted).map((r) => r.number).join(', ') || 'none'}.` });
  }
  if (!previous) throw new TableauError({ reason: 'malformedResponse', message: `The server lists no current revision of ${what}.` });
  if (restored.current) throw new TableauError({ reason: 'invalidArgument', message: `Revision ${n} is already the current revision of ${what}; nothing to restore.` });
  return { restored, previous };
}

export async function restoreRevision(client: TableauClient, req: RestoreRequest, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const item = req.kind === 'workbook' ? await client.getWorkbook(req.id, opts.signal) : await client.getDataSource(req.id, opts.signal);
  const what = `${req.kind === 'workbook' ? 'workbook' : 'data source'} "${item.name}"`;
  const projectId = item.project?.id;
  if (!projectId) throw new TableauError({ reason: 'malformedResponse', message: `The server's answer does not say which project ${what} is in.` });
  const ref: ItemRef = { kind: req.kind, id: req.id, name: item.name };
  const { restored, previous } = checkRestorable(await listRevisions(client, ref, opts.signal), req.revision, what);

  const dir = await mkdtemp(path.join(opts.tempDir ?? os.tmpdir(), 'tableau-restore-'));
  try {
    const raw = path.join(dir, 'revision.download');
    await downloadToFile(raw, (sink) => downloadRevision(client, ref, req.revision, sink, { signal: opts.signal, onProgress: opts.onDownload }));
    const packaged = await isZip(raw);
    const ext = req.kind === 'workbook' ? (packaged ? '.twbx' : '.twb') : packaged ? '.tdsx' : '.tds';
    const file = path.join(dir, safeFileName(item.name, ext, 255));
    await rename(raw, file);
    const result = await publish(client, { filePath: file, name: item.name, projectId, mode: 'overwrite' }, opts);
    let current: Revision | undefined;
    try {
      current = (await listRevisions(client, ref, opts.signal)).find((r) => r.current);
    } catch {
      current = undefined; // the restore is done; only the new number is unknown
    }
    return { item: result.item, restored, previous, current, publish: result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
