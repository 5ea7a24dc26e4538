/**
 * Download Workbook / Data Source with `?includeExtract=false`: "When the workbook specified for
 * download has an extract, if you add the parameter ?includeExtract=False, the extract is not
 * included" (REST reference, Download Workbook; the same for data sources; TSC sends
 * `includeExtract=False` for `include_extract=False`). The simulator serves the package without its
 * extract entries (.hyper, .tde), every other entry kept. A plain .twb / .tds has none to leave out.
 */
import * as fs from 'node:fs';
import * as yauzl from 'yauzl';
import { buildZip, type TestZipEntry } from '../fixtures/zipWriter';
import type { StoredBlob } from './store';

const EXTRACT = /\.(hyper|tde)$/i;
/** What is kept is documents and images: bounded, so a hostile package cannot fill memory. */
const MAX_KEPT_BYTES = 256 * 1024 * 1024;

/** The query says to leave the extract out (Tableau takes False / false). */
export function wantsNoExtract(query: URLSearchParams): boolean {
  return query.get('includeExtract')?.toLowerCase() === 'false';
}

function isZip(b: StoredBlob): boolean {
  let head = b.inline?.subarray(0, 2);
  if (!head) {
    const fd = fs.openSync(b.filePath!, 'r');
    try {
      head = Buffer.alloc(2);
      fs.readSync(fd, head, 0, 2, 0);
    } finally {
      fs.closeSync(fd);
    }
  }
  return head.toString('latin1') === 'PK';
}

/** The package without its extracts, or undefined when the blob is not a package or has no extract (served as it is). */
export async function packageWithoutExtracts(b: StoredBlob): Promise<Buffer | undefined> {
  if (!isZip(b)) return undefined;
  const zip = b.inline ? await yauzl.fromBufferPromise(b.inline, { lazyEntries: true }) : await yauzl.openPromise(b.filePath!, { lazyEntries: true, autoClose: false });
  const kept: TestZipEntry[] = [];
  try {
    const entries: yauzl.Entry[] = [];
    for (;;) {
      const e = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        zip.once('entry', resolve);
        zip.once('end', () => resolve(undefined));
        zip.once('error', reject);
        zip.readEntry();
      });
      zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      if (!e) break;
      entries.push(e);
    }
    // No extract to leave out: the package is served as it is (streamed, whatever its size).
    if (!entries.some((e) => EXTRACT.test(e.fileName))) return undefined;
    let total = 0;
    for (const e of entries) {
      if (EXTRACT.test(e.fileName) || e.fileName.endsWith('/')) continue;
      total += e.uncompressedSize;
      if (total > MAX_KEPT_BYTES) throw new Error(`the package's entries other than extracts exceed ${MAX_KEPT_BYTES} bytes`);
      const chunks: Buffer[] = [];
      for await (const c of await zip.openReadStreamPromise(e)) chunks.push(c as Buffer);
      kept.push({ name: e.fileName, data: Buffer.concat(chunks), method: 'deflate' });
    }
  } finally {
    zip.close();
  }
  return buildZip(kept);
}
