/**
 * The throughput row, with the client as the only difference: the CLI publishes the file,
 * and curl sends the CLI's own recorded upload requests (same bodies, same routes, same
 * simulator process) after signing in and starting its own upload session. See README.md.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { TempFile } from './lib/bigFile';
import { startLinkProxy } from './lib/linkProxy';
import { syncDisks } from './lib/procs';
import { recorder, replayWithCurl, type RecordedKind, type Recording, type ReplayResult } from './lib/replay';
import { mbPerSec, median, MiB, round } from './lib/stats';
import { run } from './lib/procs';
import { cliPublish, type CliPublish } from './lib/transfers';
import type { PublishEnv } from './publishBench';

export interface FairPair {
  first: 'cli' | 'curl';
  /** 1-minute load average when the pair started. */
  loadAverage1m: number;
  cli: CliPublish;
  curl: ReplayResult & { mbps: number };
  /** CLI MB/s over curl MB/s, both over their whole wall time. */
  ratio: number;
}

export interface FairThroughputResult {
  method: 'curl replays the CLI\'s recorded upload requests';
  fileBytes: number;
  /** What the recording held, by kind (sign-in and lookups are not replayed). */
  recorded: Partial<Record<RecordedKind, number>>;
  pairs: FairPair[];
  median: { cliMbps: number; curlMbps: number; ratio: number; cliEngineMs?: number; curlUploadMs: number };
  /** Smallest and largest pair ratio, and (max - min) / median. */
  spread: { min: number; max: number; relative: number };
  load: { atStart: number; cores: number; reliable: boolean };
  /**
   * When the bench runs with NODE_EXTRA_CA_CERTS set (cliEnv leaves it out of the CLI's
   * environment): `node -e 0` with it and without, median of 5 interleaved runs each.
   */
  extraCaCerts?: { withMs: number; withoutMs: number };
  goal: string;
  pass: boolean;
}

/** The load check: a run that started with more runnable work than cores is not a fair measure. */
export function loadVerdict(loadAverage1m: number, cores: number): { atStart: number; cores: number; reliable: boolean } {
  return { atStart: loadAverage1m, cores, reliable: loadAverage1m <= cores };
}

/** Median ratio and spread of the pairs' ratios, from their measured times. */
export function summarizePairs(pairs: FairPair[]): Pick<FairThroughputResult, 'median' | 'spread'> {
  const ratios = pairs.map((p) => p.ratio);
  const engine = pairs.map((p) => p.cli.engineMs).filter((x): x is number => x !== undefined);
  const m = median(ratios);
  return {
    median: {
      cliMbps: median(pairs.map((p) => p.cli.mbps)),
      curlMbps: median(pairs.map((p) => p.curl.mbps)),
      ratio: m,
      cliEngineMs: engine.length === pairs.length ? median(engine) : undefined,
      curlUploadMs: median(pairs.map((p) => p.curl.uploadMs)),
    },
    spread: { min: Math.min(...ratios), max: Math.max(...ratios), relative: (Math.max(...ratios) - Math.min(...ratios)) / m },
  };
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file, { highWaterMark: 4 * MiB })
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** Both sides must leave the same data source behind: same size, same hash. */
async function checkLanded(env: PublishEnv, file: TempFile, digest: string, who: string): Promise<void> {
  const item = (await env.sim.state()).datasources.find((d) => d.name === 'Bench Extract');
  if (!item || item.size !== file.size || item.sha256 !== digest) {
    throw new Error(`after ${who} the simulator holds ${item ? `${item.size} bytes (sha256 ${item.sha256.slice(0, 12)})` : 'no data source'}, not the ${file.size}-byte file`);
  }
}

/** What NODE_EXTRA_CA_CERTS, when set, costs every Node start-up on this machine (see cliEnv). */
export async function extraCaCertsCost(runs = 5): Promise<FairThroughputResult['extraCaCerts']> {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  const without: NodeJS.ProcessEnv = { ...process.env };
  delete without.NODE_EXTRA_CA_CERTS;
  const times = { with: [] as number[], without: [] as number[] };
  for (let i = 0; i < runs; i++) {
    times.with.push((await run(process.execPath, ['-e', '0'], { env: process.env })).wallMs);
    times.without.push((await run(process.execPath, ['-e', '0'], { env: without })).wallMs);
  }
  return { withMs: median(times.with), withoutMs: median(times.without) };
}

/** The CLI publishes once through a recording proxy (untimed); its upload bodies are kept for curl. */
export async function recordCliPublish(env: PublishEnv, file: TempFile): Promise<Recording> {
  const { tap, recording } = recorder();
  const proxy = await startLinkProxy(env.sim.url, { requestLatencyMs: 0, responseLatencyMs: 0, upBytesPerSec: Infinity, downBytesPerSec: Infinity, tap });
  try {
    await cliPublish(proxy.url, env.seed.pat, file.path, file.size);
  } catch (e) {
    recording.remove();
    throw e;
  } finally {
    await proxy.close();
  }
  return recording;
}

export async function benchFairThroughput(env: PublishEnv, file: TempFile, pairs: number): Promise<FairThroughputResult> {
  const load = loadVerdict(os.loadavg()[0], os.cpus().length);
  if (!load.reliable) env.log(`  UNRELIABLE: load average ${round(load.atStart, 2)} at start is above the ${load.cores} cores; other work shares the CPU`);
  const digest = await sha256(file.path);
  env.log('  recording the CLI\'s publish requests ...');
  const rec = await recordCliPublish(env, file);
  try {
    const recorded: FairThroughputResult['recorded'] = {};
    for (const r of rec.requests) recorded[r.kind] = (recorded[r.kind] ?? 0) + 1;
    env.log(`  recorded: ${Object.entries(recorded).map(([k, n]) => `${n} ${k}`).join(', ')}`);
    const cli = async (): Promise<CliPublish> => {
      await syncDisks();
      const r = await cliPublish(env.sim.url, env.seed.pat, file.path, file.size, { cpuProfDir: env.cpuProfDir });
      await checkLanded(env, file, digest, 'the CLI publish');
      return r;
    };
    const curl = async (): Promise<FairPair['curl']> => {
      await syncDisks();
      const r = await replayWithCurl(env.sim.url, env.seed.baselinePat, rec);
      await checkLanded(env, file, digest, 'the curl replay');
      return { ...r, mbps: mbPerSec(file.size, r.wallMs) };
    };
    const out: FairPair[] = [];
    for (let i = 0; i < pairs; i++) {
      // Alternate who goes first, so a slow drift (page cache, writeback, other load) favours neither.
      const first = i % 2 === 0 ? 'cli' : 'curl';
      const loadAverage1m = round(os.loadavg()[0], 2);
      let c: CliPublish;
      let k: FairPair['curl'];
      if (first === 'cli') {
        c = await cli();
        k = await curl();
      } else {
        k = await curl();
        c = await cli();
      }
      const pair: FairPair = { first, loadAverage1m, cli: c, curl: k, ratio: c.mbps / k.mbps };
      out.push(pair);
      env.log(`  pair ${i + 1} (${first} first, load ${loadAverage1m}): CLI ${round(c.mbps)} MB/s, curl replay ${round(k.mbps)} MB/s, ratio ${round(pair.ratio, 2)}`);
    }
    const s = summarizePairs(out);
    const extraCaCerts = await extraCaCertsCost();
    return {
      method: 'curl replays the CLI\'s recorded upload requests',
      fileBytes: file.size,
      recorded,
      pairs: out,
      ...s,
      load,
      extraCaCerts,
      goal: 'median ratio CLI / curl replay >= 0.9',
      pass: s.median.ratio >= 0.9,
    };
  } finally {
    rec.remove();
  }
}
