/**
 * The document of a workbook or data source on the server (current or revision N), as the
 * `tableau:` file system and Compare with Server show it: downloaded without extracts,
 * streamed to a file (never held in memory whole), then only the inner .twb / .tds is read.
 * Downloads are kept in `cacheDir` per item and revision (the caller owns its lifetime).
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { TableauClient } from '../api/client';
import { downloadRevision, type ItemRef } from '../api/revisions';
import type { ContentKind } from '../models';
import { downloadToFile, readTableauDocument, type TableauDocument } from './document';

export interface ServerDocumentRequest {
  kind: ContentKind;
  id: string;
  /** Undefined: the current content. */
  revision?: number;
  /** For messages. */
  name?: string;
}

export interface ServerDocumentOptions {
  /** Where downloads are kept (per item and revision; the current content per its updatedAt). */
  cacheDir: string;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total?: number) => void;
  maxBytes?: number;
  /** The revision `revision` is the current one: downloaded as the item itself (Tableau serves only older ones as revisions). */
  isCurrent?: boolean;
}

export interface ServerDocument extends TableauDocument {
  /** Bytes downloaded (0 when it came from the cache). */
  downloadedBytes: number;
  /** The item's last update, for the current content. */
  updatedAt?: string;
}

function safeKey(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}

export async function openServerDocument(client: TableauClient, req: ServerDocumentRequest, opts: ServerDocumentOptions): Promise<ServerDocument> {
  let updatedAt: string | undefined;
  let name = req.name;
  if (req.revision === undefined) {
    const item = req.kind === 'workbook' ? await client.getWorkbook(req.id, opts.signal) : await client.getDataSource(req.id, opts.signal);
    updatedAt = item.updatedAt;
    name ??= item.name;
  }
  const dir = path.join(opts.cacheDir, req.kind, safeKey(req.id));
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, req.revision !== undefined ? `revision-${req.revision}` : `current-${safeKey(updatedAt ?? String(Date.now()))}`);
  const label = `${req.kind === 'workbook' ? 'The workbook' : 'The data source'}${name ? ` "${name}"` : ''}${req.revision !== undefined ? ` (revision ${req.revision})` : ''}`;
  let downloadedBytes = 0;
  const cached = await stat(file).then((s) => s.isFile(), () => false);
  if (!cached) {
    const ref: ItemRef = { kind: req.kind, id: req.id, name };
    const part = `${file}.${process.pid}.${Date.now()}.part`;
    const onProgress = (bytes: number, total?: number): void => {
      downloadedBytes = bytes;
      opts.onProgress?.(bytes, total);
    };
    await downloadToFile(part, (sink) =>
      downloadRevision(client, ref, req.revision ?? 0, sink, { current: req.revision === undefined || opts.isCurrent, includeExtract: false, signal: opts.signal, onProgress }),
    );
    await rename(part, file).catch(async (e: unknown) => {
      await rm(part, { force: true });
      throw e;
    });
  }
  const doc = await readTableauDocument(file, { kind: req.kind, label, maxBytes: opts.maxBytes });
  return { ...doc, downloadedBytes, updatedAt };
}
