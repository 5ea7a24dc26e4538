/**
 * Child process of the revisions benchmark (a fresh process, so its peak RSS is its own):
 *   main.js diff <MiB>     generated workbooks of about MiB of XML: time to parse both, time of the
 *                          semantic diff (parse, model, normalize, compare), memory.
 *   main.js open <url> <pat-name> <pat-secret> <site> <workbook-id>
 *                          the FS provider's code path for a packaged workbook: download (no extract),
 *                          read only the inner .twb; peak RSS growth.
 * Prints one JSON line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffDocuments } from '../../../src/core/diff/compare';
import { parseDocument } from '../../../src/core/diff/xmlTree';
import { bigWorkbookDocument } from '../../fixtures/tableauWorkbook';
import { openServerDocument } from '../../../src/core/revisions/serverDocument';
import { createClient } from '../../../src/core/createClient';

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function diff(mib: number): Promise<void> {
  const bytes = mib * 1024 * 1024;
  const left = bigWorkbookDocument(bytes, 0);
  const right = bigWorkbookDocument(bytes, 3);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let t = process.hrtime.bigint();
  parseDocument(left, 'left');
  parseDocument(right, 'right');
  const parseMs = Number(process.hrtime.bigint() - t) / 1e6;
  global.gc?.();
  t = process.hrtime.bigint();
  const r = diffDocuments(left, right, { left: 'left', right: 'right' });
  const diffMs = Number(process.hrtime.bigint() - t) / 1e6;
  const rssAfter = process.memoryUsage().rss;
  process.stdout.write(`${JSON.stringify({ mib, xmlBytes: left.length + right.length, parseMs, diffMs, changes: r.changes.length, peakRssMb: peakRssMb(), rssGrowthMb: (rssAfter - rssBefore) / 1024 / 1024 })}\n`);
}

async function open(url: string, name: string, secret: string, site: string, id: string): Promise<void> {
  const stack = createClient({ server: url, credential: { kind: 'pat', tokenName: name, tokenSecret: secret }, siteContentUrl: site });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-open-bench-'));
  try {
    await stack.client.allProjects();
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t = Date.now();
    const doc = await openServerDocument(stack.client, { kind: 'workbook', id }, { cacheDir: dir });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(`${JSON.stringify({ ms: Date.now() - t, documentBytes: doc.bytes, downloadedBytes: doc.downloadedBytes, rssGrowthMb: (peak - base) / 1024 / 1024, peakRssMb: peakRssMb() })}\n`);
  } finally {
    await stack.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
(mode === 'diff' ? diff(Number(rest[0])) : open(rest[0], rest[1], rest[2], rest[3], rest[4])).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
