/**
 * The Tableau document (.twb / .tds XML) of a local file or of a download: read directly, or
 * for a package (.twbx / .tdsx) the one top-level document inside it, never the extracts. Every
 * read is bounded: a document over the limit is refused with its size, before it is read.
 */
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import * as path from 'node:path';
import { TableauError } from '../errors';
import type { ContentKind } from '../models';
import { readHead } from '../package/inspect';
import { decodeXmlBytes, sniffRootElement } from '../package/tableauXml';
import { readZipDirectory, readZipEntry } from '../package/zip';

/** Largest document compared or shown (its XML, unpacked). A 40 MB workbook is big; 200 MB is refused. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

export interface TableauDocument {
  kind: ContentKind;
  /** The document's XML text. */
  text: string;
  /** The document's own name: the file's, or the entry's inside a package. */
  name: string;
  packaged: boolean;
  /** Bytes of the XML. */
  bytes: number;
}

const ZIP_MAGIC = 0x04034b50;

function invalid(message: string): TableauError {
  return new TableauError({ reason: 'invalidFile', message });
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

function tooLarge(label: string, size: number, max: number): TableauError {
  return invalid(`${label} is ${mb(size)} of XML, more than the ${mb(max)} this extension compares or opens.`);
}

/** The root element must be the kind's: `<workbook>` or `<datasource>`. */
function checkDocument(text: string, kind: ContentKind | undefined, label: string): ContentKind {
  const root = sniffRootElement(text);
  if (root === undefined) throw invalid(`${label} is not an XML document.`);
  if (root !== 'workbook' && root !== 'datasource') throw invalid(`${label} is not a Tableau workbook or data source (its root element is <${root.slice(0, 40)}>).`);
  if (kind && root !== kind) throw invalid(`${label} is a ${root === 'workbook' ? 'workbook' : 'data source'}, not a ${kind === 'workbook' ? 'workbook' : 'data source'}.`);
  return root;
}

/**
 * Reads the Tableau document of `file` (plain or packaged; told apart by content, so a download
 * of either form works). `kind` checks the root element when known.
 */
export async function readTableauDocument(file: string, opts: { kind?: ContentKind; label?: string; maxBytes?: number } = {}): Promise<TableauDocument> {
  const label = opts.label ?? `"${path.basename(file)}"`;
  const max = opts.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw invalid(`${label} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'unknown error'}).`);
  }
  if (size === 0) throw invalid(`${label} is empty.`);
  const head = await readHead(file, 4);
  if (head.length === 4 && head.readUInt32LE(0) === ZIP_MAGIC) {
    const dir = await readZipDirectory(file, label);
    const docs = dir.entries.filter((e) => !e.isDirectory && !e.name.includes('/') && /\.(twb|tds)$/i.test(e.name));
    const wanted = opts.kind ? docs.filter((e) => e.name.toLowerCase().endsWith(opts.kind === 'workbook' ? '.twb' : '.tds')) : docs;
    if (wanted.length === 0) {
      throw invalid(`${label} holds no ${opts.kind === 'datasource' ? '.tds' : opts.kind === 'workbook' ? '.twb' : '.twb or .tds'} at its top level, so there is no document to show.`);
    }
    const entry = wanted[0];
    const inner = `"${entry.name}" in ${label}`;
    if (entry.uncompressedSize > max) throw tooLarge(inner, entry.uncompressedSize, max);
    const text = decodeXmlBytes(await readZipEntry(file, entry, max, label));
    const kind = checkDocument(text, opts.kind, inner);
    return { kind, text, name: entry.name, packaged: true, bytes: entry.uncompressedSize };
  }
  if (size > max) throw tooLarge(label, size, max);
  const buf = await readHead(file, size);
  const text = decodeXmlBytes(buf);
  const kind = checkDocument(text, opts.kind, label);
  return { kind, text, name: path.basename(file), packaged: false, bytes: buf.length };
}

/**
 * Runs a download into a new file: the file is whole and closed when this resolves; on failure
 * it is removed and the download's error passed on.
 */
export async function downloadToFile(file: string, run: (sink: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const sink = createWriteStream(file, { flags: 'wx' });
  try {
    await run(sink);
    if (!sink.writableEnded) sink.end();
    await finished(sink);
  } catch (e) {
    sink.destroy();
    await finished(sink).catch(() => undefined);
    await rm(file, { force: true }).catch(() => undefined);
    throw e;
  }
}
