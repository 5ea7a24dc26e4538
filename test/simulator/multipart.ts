/**
 * Streams a multipart/mixed publish body: the `request_payload` part is kept as text,
 * the file part is written to disk and hashed on the way (never held in memory).
 */
import { createHash, type Hash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { tapRequest } from './schemaTap';
import { errors, SimError } from './wire';

interface PartStream extends Readable { on(event: string, listener: (...args: never[]) => void): this }
type DicerCtor = new (cfg: { boundary: string; maxHeaderPairs?: number }) => Writable & {
  on(event: 'part', l: (p: PartStream) => void): unknown;
  on(event: string, l: (...a: never[]) => void): unknown;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Dicer = require('@fastify/busboy/deps/dicer/lib/Dicer') as DicerCtor;

/** `hash` has seen the part's bytes and is not digested yet. */
export interface FilePart { fieldName: string; fileName: string; size: number; hash: Hash; path: string }
export interface ParsedMultipart { payload?: { text: string; contentType?: string }; file?: FilePart; extraParts: string[] }

// Measured (npm run bench's pairs, and 10 x 50 MB chunk PUTs against the same bytes to the
// raw sink): with 4 MiB the multipart path took ~1.7x the sink's time, with 16 MiB ~1.2x.
const WRITE_HWM = 16 * 1024 * 1024;

export function boundaryOf(contentType: string | undefined): string {
  const ct = contentType ?? '';
  if (!/^multipart\/mixed\b/i.test(ct.trim())) throw errors.badRequest(`The request Content-Type must be multipart/mixed (got '${ct || 'none'}').`);
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(ct);
  if (!m) throw errors.badRequest('The multipart/mixed Content-Type has no boundary.');
  return m[1] ?? m[2];
}

/** name= and filename= from either `name="x"; filename="y"` or `form-data; name="x"; filename=""`. */
function disposition(header: Record<string, string[]>): { name?: string; fileName?: string } {
  const cd = (header['content-disposition'] ?? [])[0] ?? '';
  const name = /(?:^|;)\s*name="?([^";]*)"?/i.exec(cd)?.[1];
  const fileName = /(?:^|;)\s*filename="?([^";]*)"?/i.exec(cd)?.[1];
  return { name, fileName };
}

/**
 * Parses the body. `fileParts` are the accepted file part names; `maxFileBytes` bounds the
 * file part (the rest of the body is still drained so the client reads our answer).
 */
export interface MultipartOptions {
  /** Where a new temp file for the file part goes (ignored with appendTo). */
  dir: string;
  fileParts: string[];
  maxFileBytes: number;
  /** Append the file part to this file and feed this hash instead (upload chunks). The caller undoes a failed append. */
  appendTo?: { path: string; hash: Hash };
}

export function parseMultipart(req: IncomingMessage, opts: MultipartOptions): Promise<ParsedMultipart> {
  const boundary = boundaryOf(req.headers['content-type']);
  return new Promise<ParsedMultipart>((resolve, reject) => {
    const result: ParsedMultipart = { extraParts: [] };
    let failure: SimError | undefined;
    let pendingFile: Promise<void> | undefined;
    let written: string | undefined;
    const fail = (e: SimError): void => {
      failure ??= e;
    };
    const dicer = new Dicer({ boundary });
    dicer.on('part', (part: PartStream) => {
      part.on('header', (header: Record<string, string[]>) => {
        const { name, fileName } = disposition(header);
        const ctype = (header['content-type'] ?? [])[0];
        if (name === 'request_payload' && !result.payload) {
          const bufs: Buffer[] = [];
          let n = 0;
          part.on('data', (c: Buffer) => {
            n += c.length;
            if (n <= 4 * 1024 * 1024) bufs.push(c);
            else fail(errors.badRequest('The request_payload part is too large.'));
          });
          part.on('end', () => {
            result.payload = { text: Buffer.concat(bufs).toString('utf8'), contentType: ctype };
            tapRequest(req, result.payload.text, ctype);
          });
        } else if (name !== undefined && opts.fileParts.includes(name) && !result.file && !failure) {
          const file = opts.appendTo?.path ?? path.join(opts.dir, `${randomUUID()}.part`);
          if (!opts.appendTo) written = file;
          const ws = fs.createWriteStream(file, { highWaterMark: WRITE_HWM, flags: opts.appendTo ? 'a' : 'w' });
          const hash = opts.appendTo?.hash ?? createHash('sha256');
          let size = 0;
          let over = false;
          pendingFile = new Promise<void>((done, bad) => {
            ws.on('error', bad);
            ws.on('finish', () => done());
          });
          part.on('data', (c: Buffer) => {
            if (over) return;
            size += c.length;
            if (size > opts.maxFileBytes) {
              over = true;
              fail(new SimError(413, '413000', 'Payload Too Large', `The file part is larger than ${opts.maxFileBytes} bytes; upload it in chunks with fileUploads.`));
              return;
            }
            hash.update(c);
            if (!ws.write(c)) {
              part.pause();
              ws.once('drain', () => part.resume());
            }
          });
          part.on('end', () => {
            ws.end();
            result.file = { fieldName: name, fileName: fileName ?? '', size, hash, path: file };
          });
        } else {
          result.extraParts.push(name ?? '(unnamed)');
          part.resume();
        }
      });
      part.on('error', (e: Error) => fail(errors.badRequest(`Malformed multipart body: ${e.message}`)));
    });
    const cleanupAndReject = (e: SimError): void => {
      if (written) fs.rm(written, { force: true }, () => undefined);
      reject(e);
    };
    dicer.on('error', (e: Error) => fail(errors.badRequest(`Malformed multipart body: ${e.message}`)));
    dicer.on('finish', () => {
      void (pendingFile ?? Promise.resolve()).then(
        () => (failure ? cleanupAndReject(failure) : resolve(result)),
        (e: Error) => cleanupAndReject(new SimError(500, '500000', 'Internal Server Error', `Could not store the upload: ${e.message}`)),
      );
    });
    // The client may have gone away already (e.g. while a delay fault held the request).
    const gone = (): void => cleanupAndReject(errors.badRequest('The client went away.'));
    if (req.destroyed && !req.complete) return gone();
    req.on('close', () => {
      if (!req.complete) gone();
    });
    req.pipe(dicer);
  });
}
