/**
 * Looks at a file before anything is sent: is it something Tableau publishes, is it whole,
 * and which data connections does it carry. Refusals are 'invalidFile' errors written for the user.
 */
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../errors';
import { PUBLISHABLE_EXTENSIONS, type ContentKind, type PublishableExtension } from '../models';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip';
import { workbookSheetNames } from './sheets';
import { decodeXmlBytes, parseDataConnections, sniffRootElement, type DataConnection } from './tableauXml';

export type { DataConnection } from './tableauXml';
export { credentialHosts } from './tableauXml';

export type PackageFileType = 'twb' | 'twbx' | 'tds' | 'tdsx' | 'hyper' | 'tde';

export interface PackageInfo {
  path: string;
  kind: ContentKind;
  fileType: PackageFileType;
  size: number;
  mtimeMs: number;
  /** A bare extract (.hyper / .tde): the only kind a data source can be appended with. */
  isExtract: boolean;
  /** The workbook's or data source's connections to its data (databases, files, extracts). */
  dataConnections: DataConnection[];
  /** False when the document was too large to parse; `dataConnections` is then empty. */
  dataConnectionsParsed: boolean;
  /** The .twb / .tds inside a .twbx / .tdsx. */
  innerDocumentName?: string;
  /** Things worth telling the user that do not stop a publish. */
  warnings: string[];
  /** Workbooks: the sheets that become views (undefined when the document could not be read for them). */
  sheets?: string[];
}

// Keyed by the one list: a type missing here, or one that is not in it, does not compile.
const FILE_TYPES: Record<PublishableExtension, { kind: ContentKind; fileType: PackageFileType }> = {
  '.twb': { kind: 'workbook', fileType: 'twb' },
  '.twbx': { kind: 'workbook', fileType: 'twbx' },
  '.tds': { kind: 'datasource', fileType: 'tds' },
  '.tdsx': { kind: 'datasource', fileType: 'tdsx' },
  '.hyper': { kind: 'datasource', fileType: 'hyper' },
  '.tde': { kind: 'datasource', fileType: 'tde' },
};


/** Documents above this are not parsed for connections (a workbook can embed megabytes of images). */
const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;

function invalid(message: string, cause?: unknown): TableauError {
  return new TableauError({ reason: 'invalidFile', message, cause });
}

function isPublishableExtension(ext: string): ext is PublishableExtension {
  return (PUBLISHABLE_EXTENSIONS as readonly string[]).includes(ext);
}

/** Kind and type from the extension alone; throws 'invalidFile' listing the accepted ones. */
export function fileTypeOf(filePath: string): { kind: ContentKind; fileType: PackageFileType } {
  const ext = path.extname(filePath).toLowerCase();
  const t = isPublishableExtension(ext) ? FILE_TYPES[ext] : undefined;
  if (!t) {
    throw invalid(`"${path.basename(filePath)}" is not a file Tableau publishes. Accepted: ${PUBLISHABLE_EXTENSIONS.join(', ')}.`);
  }
  return t;
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function checkRoot(text: string, kind: ContentKind, label: string): void {
  const root = sniffRootElement(text);
  const want = kind === 'workbook' ? 'workbook' : 'datasource';
  if (root !== want) {
    const what = root ? `its root element is <${root}>` : 'it is not an XML document';
    throw invalid(`${label} is not a Tableau ${kind === 'workbook' ? 'workbook' : 'data source'}: ${what}, expected <${want}>.`);
  }
}

const EXTRACT_SNIFF_BYTES = 4096;
const ZIP_MAGIC = 0x04034b50;
/** Formats often renamed by mistake (or on purpose); none of them is an extract. */
const OTHER_FORMATS: [string, string][] = [
  ['\x7fELF', 'an executable'],
  ['%PDF', 'a PDF document'],
  ['\x1f\x8b', 'a gzip archive'],
  ['SQLite format 3\0', 'an SQLite database'],
];

/** A file with no NUL and no control bytes beyond tab, newline, form feed and carriage return reads as text. */
function looksLikeText(head: Buffer): boolean {
  for (const b of head) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f) return false;
  return true;
}

/**
 * An extract must be what its extension says before it is sent: a file linked or renamed to
 * `.hyper` / `.tde` would otherwise be uploaded as is. A Hyper file starts with the ASCII bytes
 * `Hyper`. The TDE header is not documented, so a .tde is only checked for being binary and not
 * one of the common other formats.
 */
function checkExtract(head: Buffer, fileType: 'hyper' | 'tde', label: string): void {
  const what = fileType === 'hyper' ? 'a Hyper extract' : 'a Tableau Data Engine (.tde) extract';
  if (head.length >= 4 && head.readUInt32LE(0) === ZIP_MAGIC) throw invalid(`${label} is a zip archive, not ${what} (a renamed .tdsx or .twbx?).`);
  if (fileType === 'hyper' && head.subarray(0, 5).toString('latin1') === 'Hyper') return;
  const other = OTHER_FORMATS.find(([magic]) => head.subarray(0, magic.length).toString('latin1') === magic);
  if (other) throw invalid(`${label} is ${other[1]}, not ${what}.`);
  if (/^(\ufeff)?\s*</.test(head.toString('utf8'))) throw invalid(`${label} is a text/XML file, not ${what}.`);
  if (looksLikeText(head)) throw invalid(`${label} is a text file, not ${what}.`);
  if (fileType === 'hyper') throw invalid(`${label} does not start with the Hyper file header, so it is not ${what}.`);
}

function topLevelDocument(entries: ZipEntry[], ext: string): ZipEntry[] {
  return entries.filter((e) => !e.isDirectory && !e.name.includes('/') && e.name.toLowerCase().endsWith(ext));
}

export async function inspectPackage(filePath: string): Promise<PackageInfo> {
  const base = path.basename(filePath);
  const label = `"${base}"`;
  const { kind, fileType } = fileTypeOf(filePath);
  let st: Stats;
  try {
    st = await stat(filePath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw invalid(code === 'ENOENT' ? `${label} does not exist.` : `${label} cannot be read (${code ?? 'unknown error'}).`, e);
  }
  if (st.isDirectory()) throw invalid(`${label} is a directory, not a file.`);
  if (!st.isFile()) throw invalid(`${label} is not a regular file.`);
  if (st.size === 0) throw invalid(`${label} is empty.`);
  try {
    await (await open(filePath, 'r')).close();
  } catch (e) {
    throw invalid(`${label} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'unknown error'}).`, e);
  }

  const info: PackageInfo = {
    path: filePath,
    kind,
    fileType,
    size: st.size,
    mtimeMs: st.mtimeMs,
    isExtract: fileType === 'hyper' || fileType === 'tde',
    dataConnections: [],
    dataConnectionsParsed: false,
    warnings: [],
  };

  switch (fileType) {
    case 'twb':
    case 'tds': {
      if (st.size > MAX_DOCUMENT_BYTES) {
        checkRoot(decodeXmlBytes(await readHead(filePath, SNIFF_BYTES)), kind, label);
        info.warnings.push(`${label} is too large to inspect its connections; publishing it anyway.`);
        break;
      }
      const text = decodeXmlBytes(await readHead(filePath, st.size));
      checkRoot(text, kind, label);
      info.dataConnections = parseDataConnections(text, false);
      info.dataConnectionsParsed = true;
      if (kind === 'workbook') info.sheets = workbookSheetNames(text);
      break;
    }
    case 'twbx':
    case 'tdsx': {
      const inner = fileType === 'twbx' ? '.twb' : '.tds';
      const dir = await readZipDirectory(filePath, label);
      const docs = topLevelDocument(dir.entries, inner);
      if (docs.length === 0) throw invalid(`${label} holds no ${inner} at its top level, so it is not a packaged Tableau file.`);
      if (docs.length > 1) info.warnings.push(`${label} holds several ${inner} files; Tableau uses one of them.`);
      const doc = docs[0];
      info.innerDocumentName = doc.name;
      if (doc.uncompressedSize > MAX_DOCUMENT_BYTES) {
        info.warnings.push(`${label}: "${doc.name}" is too large to inspect its connections; publishing it anyway.`);
        break;
      }
      const text = decodeXmlBytes(await readZipEntry(filePath, doc, MAX_DOCUMENT_BYTES, label));
      checkRoot(text, kind, `"${doc.name}" in ${label}`);
      info.dataConnections = parseDataConnections(text, true);
      info.dataConnectionsParsed = true;
      if (kind === 'workbook') info.sheets = workbookSheetNames(text);
      break;
    }
    case 'hyper':
    case 'tde':
      checkExtract(await readHead(filePath, EXTRACT_SNIFF_BYTES), fileType, label);
      break;
  }
  return info;
}
