/**
 * Sections 1-3: publish throughput against curl, peak memory of the CLI, and chunk sizes.
 * All run against one simulator process; every publish is checked to have landed whole.
 */
import type { BenchSeed } from './lib/benchConfig';
import { makeHyperFile, type TempFile } from './lib/bigFile';
import type { SimProcess } from './lib/simProcess';
import { median, MiB, round } from './lib/stats';
import { cliPublish, curlSink, type CliPublish, type CliPublishOptions, type Transfer } from './lib/transfers';
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

async function curlChecked(env: PublishEnv, file: TempFile, mode: 'data-binary' | 'upload-file'): Promise<Transfer> {
  await syncDisks();
  return curlSink(env.sim.url, file.path, file.size, mode);
}

// ---- 1. throughput -------------------------------------------------------------------

export interface ThroughputPair {
  cli: CliPublish;
  /** Absent when curl cannot send the file this way (see curlBinaryUnavailable). */
  curlBinary?: Transfer;
  curlUpload: Transfer;
  /** CLI MB/s over curl MB/s. */
  ratioVsBinary?: number;
  ratioVsUpload: number;
  /** Against the faster curl of the pair: the goal is checked on this, so a slow baseline cannot flatter us. */
  ratioVsBest: number;
}

export interface ThroughputResult {
  fileBytes: number;
  pairs: ThroughputPair[];
  median: { cliMbps: number; curlBinaryMbps?: number; curlUploadMbps: number; ratioVsBinary?: number; ratioVsUpload: number; ratioVsBest: number; engineMbps?: number };
  curlBinaryUnavailable?: string;
  goal: string;
  pass: boolean;
}

export async function benchThroughput(env: PublishEnv, file: TempFile, pairs: number): Promise<ThroughputResult> {
  const out: ThroughputPair[] = [];
  let binaryUnavailable: string | undefined;
  const curlBinaryOnce = async (): Promise<Transfer | undefined> => {
    if (binaryUnavailable) return undefined;
    try {
      return await curlChecked(env, file, 'data-binary');
    } catch (e) {
      // curl reads an @file for --data-binary into memory and caps that at 1 GiB.
      if (!/out of memory/i.test((e as Error).message)) throw e;
      binaryUnavailable = `curl --data-binary @file cannot send ${file.size / MiB} MiB: it loads the whole file into memory and refuses (curl: "out of memory")`;
      env.log(`  ${binaryUnavailable}; comparing with curl -T only`);
      return undefined;
    }
  };
  for (let i = 0; i < pairs; i++) {
    // Alternate who goes first, so a slow drift (page cache, writeback) does not favour one side.
    let cli: CliPublish;
    let curlBinary: Transfer | undefined;
    let curlUpload: Transfer;
    if (i % 2 === 0) {
      cli = await publishChecked(env, file);
      curlBinary = await curlBinaryOnce();
      curlUpload = await curlChecked(env, file, 'upload-file');
    } else {
      curlUpload = await curlChecked(env, file, 'upload-file');
      curlBinary = await curlBinaryOnce();
      cli = await publishChecked(env, file);
    }
    const pair: ThroughputPair = {
      cli, curlBinary, curlUpload,
      ratioVsBinary: curlBinary ? cli.mbps / curlBinary.mbps : undefined,
      ratioVsUpload: cli.mbps / curlUpload.mbps,
      ratioVsBest: cli.mbps / Math.max(curlBinary?.mbps ?? 0, curlUpload.mbps),
    };
    out.push(pair);
    const binary = curlBinary ? `${round(curlBinary.mbps)} MB/s` : 'n/a';
    env.log(`  pair ${i + 1}: CLI ${round(cli.mbps)} MB/s, curl --data-binary ${binary}, curl -T ${round(curlUpload.mbps)} MB/s, ratio to the faster curl ${round(pair.ratioVsBest, 2)}`);
    if (cli.engineMs !== undefined) env.log(`    CLI: publish engine ${cli.engineMs} ms of ${round(cli.wallMs)} ms wall (${cli.chunks ?? '?'} chunks, ${cli.requests ?? '?'} requests)`);
  }
  const engine = out.map((p) => p.cli.engineMs).filter((x): x is number => x !== undefined);
  const defined = (xs: (number | undefined)[]): number[] => xs.filter((x): x is number => x !== undefined);
  const binaryMbps = defined(out.map((p) => p.curlBinary?.mbps));
  const m = {
    cliMbps: median(out.map((p) => p.cli.mbps)),
    curlBinaryMbps: binaryMbps.length ? median(binaryMbps) : undefined,
    curlUploadMbps: median(out.map((p) => p.curlUpload.mbps)),
    ratioVsBinary: binaryMbps.length ? median(defined(out.map((p) => p.ratioVsBinary))) : undefined,
    ratioVsUpload: median(out.map((p) => p.ratioVsUpload)),
    ratioVsBest: median(out.map((p) => p.ratioVsBest)),
    engineMbps: engine.length === out.length ? median(engine.map((ms) => file.size / MiB / (ms / 1000))) : undefined,
  };
  return { fileBytes: file.size, pairs: out, median: m, curlBinaryUnavailable: binaryUnavailable, goal: 'median ratio CLI / faster curl of the pair >= 0.9', pass: m.ratioVsBest >= 0.9 };
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
