/**
 * Publishing over a slow, distant link: the CLI publishes through the link proxy (a fixed
 * latency per request, a bandwidth cap) with each chunk size, and each time is set against
 * what the link allows: file bytes / bandwidth + requests x latency, counting only the
 * requests a chunked publish cannot do without (sign-in, upload session, chunks, commit).
 */
import { chunkSizeFor, DEFAULT_CHUNK_SIZE, SINGLE_REQUEST_LIMIT } from '../../src/core/publish/publisher';
import type { TempFile } from './lib/bigFile';
import { linkOptions, startLinkProxy, type LinkCounters, type LinkProxy } from './lib/linkProxy';
import { median, MiB, round } from './lib/stats';
import { replayWithCurl } from './lib/replay';
import { cliPublish } from './lib/transfers';
import type { PublishEnv } from './publishBench';
import { recordCliPublish } from './replayBench';

export interface LinkPlan {
  /** Round trip added to every request (ms): half before it goes up, half before its answer comes back. */
  latencyMs: number;
  /** Bandwidth cap each way, MB/s (MiB). */
  mbps: number;
  chunkSizesMb: number[];
  /** Publishes per chunk size (the median is reported). */
  runs: number;
}

export interface LinkRow {
  chunkMb: number;
  /** Chunks sent (0: the file went in one request). */
  chunks: number;
  /** Wall time of each publish (whole CLI process). */
  wallMs: number[];
  /** The CLI's own publish duration (inspect, upload, commit: no process start-up or sign-in), each run. */
  engineMs: number[];
  medianMs: number;
  /** Requests the publish needs at least: sign-in, upload session, chunks, commit (or sign-in and one POST). */
  neededRequests: number;
  /** Requests the CLI sent, and the latency the proxy added to them, by the proxy's own count (last run). */
  proxy: LinkCounters;
  /** bytes / bandwidth + neededRequests x latency (ms). */
  limitMs: number;
  /** limitMs / medianMs: 1 is the link's limit. */
  ofLimit: number;
}

export interface LinkResult {
  fileBytes: number;
  latencyMs: number;
  mbps: number;
  defaultChunkMb: number;
  rows: LinkRow[];
  /**
   * The reference: curl sending the CLI's recorded requests (default chunk size) through the
   * same link, against the same limit. What a lean client gets from this proxy and simulator.
   */
  curl?: { wallMs: number; requests: number; proxy: LinkCounters; limitMs: number; ofLimit: number };
  best: number;
  goal: string;
  /** Judged on the default chunk size; undefined when it was not among the sizes run. */
  pass?: boolean;
  recommendation: string;
}

/**
 * Requests a publish cannot do without: sign-in, upload session, each chunk, commit; or
 * sign-in and one POST for a file sent whole (`chunks` 0).
 */
export function neededRequests(chunks: number): number {
  return chunks > 0 ? 1 + 1 + chunks + 1 : 2;
}

/** The chunks the publisher sends for this file and chunk size (its own rule), when the CLI does not say. */
export function expectedChunks(fileBytes: number, chunkMb: number): number {
  // Approximate at the single-request limit: the publisher counts the multipart envelope too.
  if (fileBytes < SINGLE_REQUEST_LIMIT - 64 * 1024) return 0;
  return Math.ceil(fileBytes / chunkSizeFor(fileBytes, chunkMb * MiB));
}

/** The fastest a link of `mbps` and `latencyMs` per request can carry the publish (ms). */
export function linkLimitMs(fileBytes: number, requests: number, latencyMs: number, mbps: number): number {
  return (fileBytes / (mbps * MiB)) * 1000 + requests * latencyMs;
}

export async function benchLink(env: PublishEnv, file: TempFile, plan: LinkPlan): Promise<LinkResult> {
  const rows: LinkRow[] = [];
  let curl: LinkResult['curl'];
  const proxy = await startLinkProxy(env.sim.url, linkOptions(plan.latencyMs, plan.mbps));
  try {
    for (const chunkMb of plan.chunkSizesMb) {
      const wallMs: number[] = [];
      const engineMs: number[] = [];
      let counters: LinkCounters | undefined;
      let chunks = expectedChunks(file.size, chunkMb);
      for (let i = 0; i < plan.runs; i++) {
        proxy.reset();
        const r = await cliPublish(proxy.url, env.seed.pat, file.path, file.size, { chunkSizeMb: chunkMb });
        const item = (await env.sim.state()).datasources.find((d) => d.name === 'Bench Extract');
        if (item?.size !== file.size) throw new Error(`after publishing ${file.size} bytes through the link the simulator holds ${item?.size ?? 'no'} bytes`);
        wallMs.push(r.wallMs);
        if (r.engineMs !== undefined) engineMs.push(r.engineMs);
        counters = proxy.counters();
        chunks = r.chunks ?? chunks;
      }
      const needed = neededRequests(chunks);
      const limitMs = linkLimitMs(file.size, needed, plan.latencyMs, plan.mbps);
      const medianMs = median(wallMs);
      const row: LinkRow = { chunkMb, chunks, wallMs, engineMs, medianMs, neededRequests: needed, proxy: counters!, limitMs, ofLimit: limitMs / medianMs };
      rows.push(row);
      env.log(`  ${chunkMb} MB chunks: ${round(medianMs / 1000, 2)} s, limit ${round(limitMs / 1000, 2)} s (${needed} requests needed, ${row.proxy.requests} sent): ${round(row.ofLimit * 100)}% of the limit`);
    }
    if (plan.chunkSizesMb.includes(DEFAULT_CHUNK_SIZE / MiB)) curl = await curlOverLink(env, file, proxy, plan);
  } finally {
    await proxy.close();
  }
  const defaultChunkMb = DEFAULT_CHUNK_SIZE / MiB;
  const best = rows.reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
  const byDefault = rows.find((r) => r.chunkMb === defaultChunkMb);
  return {
    fileBytes: file.size,
    latencyMs: plan.latencyMs,
    mbps: plan.mbps,
    defaultChunkMb,
    rows,
    curl,
    best: best.chunkMb,
    goal: `default chunk size (${defaultChunkMb} MB) >= 0.9 of the link's limit`,
    pass: byDefault ? byDefault.ofLimit >= 0.9 : undefined,
    recommendation: recommendOverLink(rows, best, byDefault),
  };
}

/** curl replays the CLI's recorded default-chunk publish (recorded on loopback, untimed) through the link. */
async function curlOverLink(env: PublishEnv, file: TempFile, proxy: LinkProxy, plan: LinkPlan): Promise<LinkResult['curl']> {
  const rec = await recordCliPublish(env, file);
  try {
    proxy.reset();
    const r = await replayWithCurl(proxy.url, env.seed.baselinePat, rec);
    const item = (await env.sim.state()).datasources.find((d) => d.name === 'Bench Extract');
    if (item?.size !== file.size) throw new Error(`after curl's replay through the link the simulator holds ${item?.size ?? 'no'} bytes`);
    const limitMs = linkLimitMs(file.size, r.requests, plan.latencyMs, plan.mbps);
    env.log(`  curl, the same requests over the link: ${round(r.wallMs / 1000, 2)} s, limit ${round(limitMs / 1000, 2)} s: ${round((limitMs / r.wallMs) * 100)}% of the limit`);
    return { wallMs: r.wallMs, requests: r.requests, proxy: proxy.counters(), limitMs, ofLimit: limitMs / r.wallMs };
  } finally {
    rec.remove();
  }
}

/**
 * Whether the default chunk size should change. The limits differ only by round trips (one
 * per chunk); a measured gap much larger than the limits' gap is the run's noise or a cost
 * per request on this machine, so it is reported as such, not taken as a reason.
 */
function recommendOverLink(rows: LinkRow[], best: LinkRow, byDefault: LinkRow | undefined): string {
  if (!byDefault) return `${best.chunkMb} MB was fastest through the link; the default was not measured.`;
  const requests = rows.map((r) => `${r.chunkMb} MB: ${r.neededRequests}`).join(', ');
  if (best === byDefault) return `Keep ${byDefault.chunkMb} MB: the fastest through the link (requests needed: ${requests}).`;
  const gain = byDefault.medianMs / best.medianMs - 1;
  const limitGain = byDefault.limitMs / best.limitMs - 1;
  const why = `${best.chunkMb} MB was ${round(gain * 100, 1)}% faster here; the round trips it saves explain ${round(Math.max(0, limitGain) * 100, 1)}% (requests needed: ${requests})`;
  if (best.chunkMb > byDefault.chunkMb) {
    return `Keep ${byDefault.chunkMb} MB: ${why}, and a bigger chunk leaves the multipart envelope less room under Tableau's 64 MB request limit.`;
  }
  if (limitGain <= 0 && gain <= 0.05) return `Keep ${byDefault.chunkMb} MB: ${why}; smaller chunks need more round trips, so the rest is this run's noise.`;
  return `${best.chunkMb} MB: ${why}. Worth a look as the default if it holds in repeated runs.`;
}
