/**
 * View and workbook preview images (Query View Image, Query Workbook Preview Image). The answer
 * is a PNG, read into memory under a small bound: a preview is a thumbnail, never a download.
 */
import { Writable } from 'node:stream';
import { TableauError } from '../errors';
import type { TableauClient } from './client';

/** Most bytes one image may have (default 8 MiB): Tableau renders a view 784 px wide (1568 px with resolution=high). */
export const DEFAULT_MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ImageOptions {
  signal?: AbortSignal;
  /** Most bytes accepted (default DEFAULT_MAX_IMAGE_BYTES); more → 'responseTooLarge'. */
  maxBytes?: number;
}

export interface ViewImageOptions extends ImageOptions {
  /** 'high': 1568 px wide instead of 784 (Query View Image, `resolution`). */
  resolution?: 'high';
  /** Minutes a cached image may be old before Tableau renders it again (Query View Image, `maxAge`, at least 1). */
  maxAgeMinutes?: number;
}

/** A Writable that keeps what it is given in memory and fails once it has been given more than `max` bytes. */
class BoundedBuffer extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number, private readonly what: string) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.size += chunk.byteLength;
    if (this.size > this.max) {
      cb(new TableauError({ reason: 'responseTooLarge', message: `The image of ${this.what} is larger than ${this.max} bytes; it was not read further.` }));
      return;
    }
    this.chunks.push(chunk);
    cb();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

async function fetchImage(client: TableauClient, path: string, query: Record<string, string | number | undefined>, what: string, action: string, opts: ImageOptions): Promise<Buffer> {
  const sink = new BoundedBuffer(opts.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES, what);
  // An error answer is not streamed to the sink: it comes back as Tableau's error (400074 for a view that cannot render).
  await client.request({ method: 'GET', path, query, responseSink: sink, signal: opts.signal, action, replaySafe: true });
  const png = sink.bytes();
  if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    throw new TableauError({ reason: 'malformedResponse', message: `The image of ${what} is not a PNG image.` });
  }
  return png;
}

/** The PNG of a view (`GET .../views/{id}/image`). A view that cannot render answers 400074 ('badRequest'). */
export function viewImage(client: TableauClient, viewId: string, opts: ViewImageOptions = {}): Promise<Buffer> {
  if (opts.maxAgeMinutes !== undefined && !(Number.isInteger(opts.maxAgeMinutes) && opts.maxAgeMinutes >= 1)) {
    throw new TableauError({ reason: 'invalidArgument', message: 'maxAge of a view image is a whole number of minutes, at least 1.' });
  }
  return fetchImage(
    client,
    `sites/{siteId}/views/${encodeURIComponent(viewId)}/image`,
    { resolution: opts.resolution, maxAge: opts.maxAgeMinutes },
    `view ${viewId}`,
    'read the image of a view',
    opts,
  );
}

/** The preview PNG of a workbook (`GET .../workbooks/{id}/previewImage`). */
export function workbookPreviewImage(client: TableauClient, workbookId: string, opts: ImageOptions = {}): Promise<Buffer> {
  return fetchImage(client, `sites/{siteId}/workbooks/${encodeURIComponent(workbookId)}/previewImage`, {}, `workbook ${workbookId}`, 'read the preview image of a workbook', opts);
}

/** A PNG as a data: URI (webviews and Markdown tooltips show it without any remote load). */
export function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
