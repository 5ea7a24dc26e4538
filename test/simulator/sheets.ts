/**
 * The sheets of a published workbook file (.twb, or the top-level .twb inside a .twbx), so a
 * publish answers with the views the file really has, as Tableau does (TSC only ever sends
 * hidden views in the payload). Anything unreadable → undefined, and the caller falls back.
 */
import * as fs from 'node:fs';
import * as yauzl from 'yauzl';

const MAX_TWB_BYTES = 32 * 1024 * 1024;

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return String.fromCodePoint(Number(k.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[k];
  });
}

function attrOf(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}=(?:'([^']*)'|"([^"]*)")`).exec(tag);
  return m ? unescapeXml(m[1] ?? m[2] ?? '') : undefined;
}

/**
 * Worksheet and dashboard names in document order (a dashboard and a story are views too),
 * less the sheets the author hid in the workbook (`<window ... hidden='true'>`): those are not views.
 */
export function sheetNamesInTwb(xml: string): string[] {
  const names: string[] = [];
  const hidden = new Set<string>();
  const re = /<(worksheet|dashboard|window)\s[^>]*>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const name = attrOf(m[0], 'name');
    if (!name) continue;
    if (m[1] === 'window') {
      if (attrOf(m[0], 'hidden') === 'true') hidden.add(name);
    } else if (!names.includes(name)) names.push(name);
  }
  return names.filter((n) => !hidden.has(n));
}

/**
 * The top-level .twb (or .tds: `ext`) of a zip, read with yauzl: a reader of its own, so that the
 * simulator does not share the client's zip code (a bug there would pass unnoticed) and reads what
 * Tableau would (ZIP64, data descriptors). Entries are walked one at a time; the document is read up to MAX_TWB_BYTES.
 */
async function documentFromZip(filePath: string, ext: 'twb' | 'tds'): Promise<string | undefined> {
  const zip = await yauzl.openPromise(filePath, { lazyEntries: true, autoClose: false });
  const top = new RegExp(`^[^/\\\\]+\\.${ext}$`, 'i');
  try {
    const found = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => (top.test(e.fileName) ? resolve(e) : zip.readEntry()));
      zip.on('end', () => resolve(undefined));
      zip.on('error', reject);
      zip.readEntry();
    });
    if (!found || found.uncompressedSize > MAX_TWB_BYTES) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(found)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    zip.close();
  }
}

/** The .twb / .tds document of a published file (read directly, or from the top level of a .twbx / .tdsx); undefined for other types. */
export async function documentOfFile(filePath: string, type: string): Promise<string | undefined> {
  if (type === 'twb' || type === 'tds') {
    if (fs.statSync(filePath).size > MAX_TWB_BYTES) return undefined;
    return fs.readFileSync(filePath, 'utf8');
  }
  if (type === 'twbx' || type === 'tdsx') return documentFromZip(filePath, type === 'twbx' ? 'twb' : 'tds');
  return undefined;
}

export async function sheetNamesOfFile(filePath: string, type: string): Promise<string[] | undefined> {
  try {
    const xml = type === 'twb' || type === 'twbx' ? await documentOfFile(filePath, type) : undefined;
    const names = xml === undefined ? [] : sheetNamesInTwb(xml);
    return names.length ? names : undefined;
  } catch {
    return undefined; // not a workbook we can read: the caller keeps its fallback
  }
}
