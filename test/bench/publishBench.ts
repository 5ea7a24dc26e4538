/**
 * Sections 2-3: peak memory of the CLI, and chunk sizes (section 1, throughput against curl,
 * is replayBench.ts). All run against one simulator process; every publish is checked to have landed whole.
 */
import type { BenchSeed } from './lib/benchConfig';
import { makeHyperFile, type TempFile } from './lib/bigFile';
import type { SimProcess } from './lib/simProcess';
import { median, MiB, round } from './lib/stats';
import { cliPublish, type CliPublish, type CliPublishOptions } from './lib/transfers';
import { syncDisks } from './lib/procs';

export interface PublishEnv {
  sim: SimProcess;
  seed: BenchSeed;
  /** Where CPU profiles go when profiling is on. */
  cpuProfDir?: string;
  log(line: string): void;
}

/** Publishes through the CLI and checks the simulator holds a data source of exactly that size. */
async function publishChecked(env: PublishEnv, file: TempFile, opts: CliPublishOptions = {}): Promise<CliPublish> {
  await syncDisks();
  const r = await cliPublish(env.sim.url, env.seed.pat, file.path, file.size, { cpuProfDir: env.cpuProfDir, ...opts });
  const state = await env.sim.state();
  const item = state.datasources.find((d) => d.name === 'Bench Extract');
  if (!item || item.size !== file.size) throw new Error(`after publishing ${file.size} bytes the simulator holds ${item ? item.size : 'no'} data source bytes`);
  return r;
}

// ---- 2. memory -----------------------------------------------------------------------

export interface MemoryResult {
  runs: { fileBytes: number; maxRssBytes?: number; mbps: number; rssSource: string }[];
  differenceBytes?: number;
  goal: string;
  pass: boolean;
}

export async function benchMemory(env: PublishEnv, sizes: [number, number]): Promise<MemoryResult> {
  const runs: MemoryResult['runs'] = [];
  for (const size of sizes) {
    const file = await makeHyperFile(size);
    try {
      const r = await publishChecked(env, file, { measureRss: true });
      runs.push({ fileBytes: size, maxRssBytes: r.maxRssBytes, mbps: r.mbps, rssSource: r.rssSource ?? 'none' });
      env.log(`  ${size / MiB} MiB: peak RSS ${r.maxRssBytes !== undefined ? round(r.maxRssBytes / MiB) + ' MB' : 'not measured'}`);
    } finally {
      file.remove();
    }
  }
  const [a, b] = runs.map((r) => r.maxRssBytes);
  const differenceBytes = a !== undefined && b !== undefined ? Math.abs(b - a) : undefined;
  const pass = differenceBytes !== undefined && differenceBytes < 16 * MiB && runs.every((r) => (r.maxRssBytes ?? Infinity) < 150 * MiB);
  return { runs, differenceBytes, goal: 'peaks differ by < 16 MB, both < 150 MB', pass };
}

// ---- 3. chunk size -------------------------------------------------------------------

export interface ChunkSizeResult {
  fileBytes: number;
  rows: { chunkMb: number; mbps: number[]; medianMbps: number; maxRssBytes?: number; chunks?: number }[];
  best: number;
  recommendation: string;
}

export async function benchChunkSizes(env: PublishEnv, file: TempFile, chunkSizesMb: number[], runsEach: number): Promise<ChunkSizeResult> {
  const rows: ChunkSizeResult['rows'] = [];
  for (const chunkMb of chunkSizesMb) {
    const runs: CliPublish[] = [];
    for (let i = 0; i < runsEach; i++) runs.push(await publishChecked(env, file, { chunkSizeMb: chunkMb, measureRss: true }));
    const rss = runs.map((r) => r.maxRssBytes).filter((x): x is number => x !== undefined);
    const row = { chunkMb, mbps: runs.map((r) => r.mbps), medianMbps: median(runs.map((r) => r.mbps)), maxRssBytes: rss.length ? Math.max(...rss) : undefined, chunks: runs[0].chunks };
    rows.push(row);
    env.log(`  ${chunkMb} MB chunks: ${round(row.medianMbps)} MB/s, peak RSS ${row.maxRssBytes !== undefined ? round(row.maxRssBytes / MiB) + ' MB' : '?'}`);
  }
  const best = rows.reduce((a, b) => (b.medianMbps > a.medianMbps ? b : a));
  return { fileBytes: file.size, rows, best: best.chunkMb, recommendation: recommend(rows, best) };
}

/**
 * Loopback has no round trip, so it flatters small chunks: every chunk is one more
 * request, which on a real server costs a round trip (and a sign of life to a proxy).
 */
function recommend(rows: ChunkSizeResult['rows'], best: ChunkSizeResult['rows'][number]): string {
  const fifty = rows.find((r) => r.chunkMb === 50);
  if (!fifty) return `${best.chunkMb} MB was fastest here (${round(best.medianMbps)} MB/s); 50 MB was not measured.`;
  const gap = best.medianMbps / fifty.medianMbps - 1;
  const reqs = (r: ChunkSizeResult['rows'][number]): string => (r.chunks !== undefined ? `${r.chunks} chunk requests` : 'its chunk requests');
  if (gap <= 0.05) {
    return `Keep 50 MB: within ${round(Math.max(gap, 0) * 100)}% of the fastest here (${best.chunkMb} MB), Tableau's own client's default, ` +
      'and 14 MB under the 64 MB request limit for the multipart envelope.';
  }
  if (best.chunkMb < 50) {
    return `Keep 50 MB. ${best.chunkMb} MB was ${round(gap * 100)}% faster on loopback (${round(best.medianMbps)} vs ${round(fifty.medianMbps)} MB/s), ` +
      `but it needs ${reqs(best)} against ${reqs(fifty)}, and against a real server every request adds a round trip (50-100 ms each), ` +
      'which loopback does not show; 50 MB is also Tableau\'s own client\'s default.';
  }
  return `Keep 50 MB: ${best.chunkMb} MB was ${round(gap * 100)}% faster here, but it sits on Tableau's hard 64 MB request limit with no room for the multipart envelope.`;
}
