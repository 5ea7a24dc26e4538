/**
 * Revisions section of `npm run bench`: the semantic diff of generated workbooks of 1, 10 and
 * 40 MB of XML (time against the time to parse both documents, growth 1 → 40 MB, memory), and
 * opening the document of a 1 GiB .twbx from the server through the code the `tableau:` file
 * system runs (core/revisions/serverDocument.ts), in a child process: the extension host itself
 * cannot be measured here, so its peak RSS growth is that child's.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { publish } from '../../src/core/publish/publisher';
import { writeZipWithBigEntry } from '../fixtures/zipWriter';
import { workbookDocument } from '../fixtures/tableauWorkbook';
import { BENCH_PROJECT, BENCH_SITE, benchSeed } from './lib/benchConfig';
import { benchClient } from './lib/client';
import { repoRoot } from './lib/paths';
import { startSimProcess } from './lib/simProcess';
import { MiB } from './lib/stats';

const run = promisify(execFile);

export interface DiffRow {
  mib: number;
  xmlBytes: number;
  parseMs: number;
  diffMs: number;
  peakRssMb: number;
  rssGrowthMb: number;
}

export interface RevisionsResult {
  diff: DiffRow[];
  /** 40 MB diff time / 1 MB diff time (goal <= 50). */
  growth: number;
  /** Worst diff time / parse time of both documents (goal < 3). */
  worstParseRatio: number;
  open?: { packageBytes: number; documentBytes: number; ms: number; rssGrowthMb: number; peakRssMb: number };
  pass: { growth: boolean; parseRatio: boolean; openRss?: boolean };
}

/** 40 MB at most 50x the 1 MB time: 1.25x the size ratio, for whatever sizes were run. */
export function growthGoal(diff: readonly DiffRow[]): number {
  return 1.25 * (diff[diff.length - 1].mib / diff[0].mib);
}

function worker(): string {
  return path.join(repoRoot(), 'out', 'test', 'bench', 'revisions', 'main.js');
}

async function child(args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run(process.execPath, ['--expose-gc', worker(), ...args], { maxBuffer: 1024 * 1024, timeout: 30 * 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
}

export async function benchRevisions(opts: { sizesMb: number[]; openBytes: number }, log: (l: string) => void): Promise<RevisionsResult> {
  const diff: DiffRow[] = [];
  for (const mib of opts.sizesMb) {
    const r = (await child(['diff', String(mib)])) as unknown as DiffRow;
    diff.push(r);
    log(`  diff ${mib} MB x2: parse ${Math.round(r.parseMs)} ms, diff ${Math.round(r.diffMs)} ms, peak RSS ${Math.round(r.peakRssMb)} MB`);
  }
  const growth = diff[diff.length - 1].diffMs / diff[0].diffMs;
  const worstParseRatio = Math.max(...diff.map((d) => d.diffMs / d.parseMs));
  const result: RevisionsResult = { diff, growth, worstParseRatio, pass: { growth: growth <= growthGoal(diff), parseRatio: worstParseRatio < 3 } };

  if (opts.openBytes > 0) {
    const seed = benchSeed();
    const sim = await startSimProcess(seed.config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-bench-twbx-'));
    const c = benchClient(sim.url, seed.pat);
    try {
      const file = path.join(dir, 'Big.twbx');
      log(`  making a ${opts.openBytes / MiB} MiB .twbx ...`);
      // The bulk is a packaged data file, not an extract: the document is downloaded with
      // includeExtract=false, and an extract would not be sent at all (Tableau leaves it out,
      // and so does the simulator), so only a non-extract entry makes this a 1 GiB download.
      const packageBytes = writeZipWithBigEntry(file, [{ name: 'Big.twb', data: workbookDocument() }], 'Data/Datasources/big.csv', opts.openBytes);
      const project = (await c.client.allProjects()).find((p) => p.name === BENCH_PROJECT)!;
      const r = await publish(c.client, { filePath: file, projectId: project.id, mode: 'createnew' });
      fs.rmSync(file, { force: true });
      const o = await child(['open', sim.url, seed.altPat.name, seed.altPat.secret, BENCH_SITE, r.item.id]);
      result.open = { packageBytes, documentBytes: o.documentBytes, ms: o.ms, rssGrowthMb: o.rssGrowthMb, peakRssMb: o.peakRssMb };
      result.pass.openRss = o.rssGrowthMb < 100;
      log(`  open the .twb of a ${Math.round(packageBytes / MiB)} MiB .twbx: ${Math.round(o.ms)} ms, RSS growth ${Math.round(o.rssGrowthMb)} MB`);
    } finally {
      await c.close();
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return result;
}
