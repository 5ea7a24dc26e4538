/**
 * Section "rewrite": publishing a big .twbx with its data connections rewritten on the way
 * (document rewritten, extract copied raw) against publishing the same file unchanged, side by
 * side in one run, through the same publisher in a child process: time ratio, peak RSS, and the
 * extract on the server checked byte for byte (sha256) against the source's.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { POSTGRES, workbookXml } from '../fixtures/samples';
import { writeZipWithBigEntry } from '../fixtures/zipWriter';
import { BENCH_PROJECT, BENCH_SITE, cliEnv, type BenchSeed } from './lib/benchConfig';
import { repoRoot, requireBuilt } from './lib/paths';
import { run } from './lib/procs';
import type { SimProcess } from './lib/simProcess';
import { median, MiB, round } from './lib/stats';

const EXTRACT = 'Data/Extracts/Bench.hyper';

export interface RewriteRun {
  rewrite: boolean;
  wallMs: number;
  maxRssBytes?: number;
  rssSource: string;
  extractSha256Matches: boolean;
}

export interface RewriteResult {
  fileBytes: number;
  runs: RewriteRun[];
  medianPlainMs: number;
  medianRewriteMs: number;
  /** Rewrite time over plain time (medians). */
  ratio: number;
  maxRewriteRssBytes?: number;
  goal: string;
  pass: boolean;
}

async function sha256OfEntry(zipPath: string, entryName: string): Promise<string> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => (e.fileName === entryName ? resolve(e) : zip.readEntry()));
      zip.on('end', () => reject(new Error(`${entryName} is not in ${zipPath}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
    const h = createHash('sha256');
    for await (const c of await zip.openReadStreamPromise(entry)) h.update(c as Buffer);
    return h.digest('hex');
  } finally {
    zip.close();
  }
}

export async function benchRewrite(sim: SimProcess, seed: BenchSeed, extractBytes: number, pairs: number, log: (l: string) => void): Promise<RewriteResult> {
  const worker = path.join(repoRoot(), 'out', 'test', 'bench', 'rewriteWorker', 'main.js');
  requireBuilt(worker);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-bench-rewrite-'));
  try {
    const file = path.join(dir, 'Bench Rewrite.twbx');
    log(`making a .twbx with a ${extractBytes / MiB} MiB extract ...`);
    const size = writeZipWithBigEntry(file, [{ name: 'Bench.twb', data: workbookXml([POSTGRES], { extract: true }) }], EXTRACT, extractBytes);
    const sourceSha = await sha256OfEntry(file, EXTRACT);
    const runs: RewriteRun[] = [];
    for (let i = 0; i < pairs * 2; i++) {
      // Alternate who goes first in each pair, so drift (page cache, writeback) favours neither.
      const rewrite = (i % 2 === 0) === (Math.floor(i / 2) % 2 === 0);
      const args = { url: sim.url, site: BENCH_SITE, patName: seed.pat.name, file, name: rewrite ? 'Bench Rewritten' : 'Bench Plain', project: BENCH_PROJECT, rewrite };
      const r = await run(process.execPath, [worker, JSON.stringify(args)], { env: { ...cliEnv(sim.url, seed.pat), BENCH_PAT_SECRET: seed.pat.secret }, measureRss: true, timeoutMs: 20 * 60_000 });
      if (r.code !== 0) throw new Error(`the publish worker exited with ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().slice(-1500)}`);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { id: string };
      const item = (await sim.state()).workbooks.find((w) => w.id === out.id);
      if (!item?.filePath) throw new Error('the published workbook is not on the simulator');
      const conn = item.connections?.find((c) => c.type === 'postgres');
      if (conn?.serverAddress !== (rewrite ? 'db.prod.example.com' : 'db.example.com')) throw new Error(`the server holds the connection to ${conn?.serverAddress}`);
      const matches = (await sha256OfEntry(item.filePath, EXTRACT)) === sourceSha;
      runs.push({ rewrite, wallMs: r.wallMs, maxRssBytes: r.maxRssBytes, rssSource: r.rssSource, extractSha256Matches: matches });
      log(`  ${rewrite ? 'rewrite' : 'plain  '} ${round(r.wallMs)} ms, peak RSS ${r.maxRssBytes === undefined ? '?' : round(r.maxRssBytes / MiB)} MB, extract ${matches ? 'identical' : 'DIFFERENT'}`);
    }
    const plain = median(runs.filter((x) => !x.rewrite).map((x) => x.wallMs));
    const rewritten = median(runs.filter((x) => x.rewrite).map((x) => x.wallMs));
    const rss = runs.filter((x) => x.rewrite).map((x) => x.maxRssBytes);
    const maxRss = rss.every((x) => x !== undefined) ? Math.max(...(rss as number[])) : undefined;
    const ratio = rewritten / plain;
    return {
      fileBytes: size,
      runs,
      medianPlainMs: plain,
      medianRewriteMs: rewritten,
      ratio,
      maxRewriteRssBytes: maxRss,
      goal: 'time <= 1.2x the unmodified publish, peak RSS < 150 MB, extract identical',
      pass: ratio <= 1.2 && maxRss !== undefined && maxRss < 150 * MiB && runs.every((x) => x.extractSha256Matches),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
