/**
 * An incremental data update (`update-data`, PATCH .../data) with a big `.hyper` of changes,
 * side by side with publishing the same file: its throughput and its memory must match the
 * publish's, since both stream the file through the same fileUploads path. Pairs alternate
 * which goes first; every update is checked to have been recorded by the simulator once.
 */
import { BENCH_PROJECT, cliEnv } from './lib/benchConfig';
import { cliPath, requireBuilt } from './lib/paths';
import { run } from './lib/procs';
import { median, MiB, round } from './lib/stats';
import type { TempFile } from './lib/bigFile';
import { cliPublish, type Transfer } from './lib/transfers';
import type { PublishEnv } from './publishBench';

export interface UpdatePair {
  publish: Transfer & { maxRssBytes?: number };
  update: Transfer & { maxRssBytes?: number; jobPolls: number };
  /** Update MB/s over publish MB/s. */
  ratio: number;
}

export interface UpdateResult {
  fileBytes: number;
  pairs: UpdatePair[];
  median: { publishMbps: number; updateMbps: number; ratio: number };
  /** Most GETs of its job one update made (1: the job was done at the first look, so no server time is in the ratio). */
  maxJobPolls: number;
  /** Largest difference between the peak RSS of an update and of the publish of its pair. */
  rssDifferenceBytes?: number;
  goal: string;
  pass: boolean;
}

/** The simulator's counter key for Query Job. */
const JOB_ROUTE = 'GET /api/{v}/sites/{site}/jobs/{id}';

async function cliUpdate(env: PublishEnv, file: TempFile): Promise<UpdatePair['update']> {
  const cli = cliPath();
  requireBuilt(cli);
  const args = [cli, 'update-data', file.path, '--datasource', `${BENCH_PROJECT} / Bench Extract`, '--insert', 'Extract.Extract', '--json'];
  const polls = async (): Promise<number> => (await env.sim.state()).counters.requests[JOB_ROUTE] ?? 0;
  const pollsBefore = await polls();
  const r = await run(process.execPath, args, { env: cliEnv(env.sim.url, env.seed.pat), measureRss: true, timeoutMs: 10 * 60_000 });
  if (r.code !== 0) throw new Error(`tableau-publish update-data exited with ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().slice(-1500)}`);
  const line = r.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
  const answer = line ? (JSON.parse(line) as { requestId?: string; bytes?: number }) : {};
  if (answer.bytes !== file.size) throw new Error(`update-data reports ${answer.bytes} bytes, the file has ${file.size}`);
  const state = (await env.sim.state()) as { dataUpdates?: { requestId: string; payloadBytes: number }[] };
  const applied = (state.dataUpdates ?? []).filter((u) => u.requestId === answer.requestId);
  if (applied.length !== 1 || applied[0].payloadBytes !== file.size) throw new Error(`the simulator recorded ${applied.length} update(s) for RequestID ${answer.requestId}`);
  return { bytes: file.size, wallMs: r.wallMs, mbps: file.size / MiB / (r.wallMs / 1000), maxRssBytes: r.maxRssBytes, jobPolls: (await polls()) - pollsBefore };
}

export async function benchUpdate(env: PublishEnv, file: TempFile, pairs: number): Promise<UpdateResult> {
  const out: UpdatePair[] = [];
  // The data source to update: the file published once (a live-to-Hyper data source).
  await cliPublish(env.sim.url, env.seed.pat, file.path, file.size);
  for (let i = 0; i < pairs; i++) {
    let publish: UpdatePair['publish'];
    let update: UpdatePair['update'];
    if (i % 2 === 0) {
      publish = await cliPublish(env.sim.url, env.seed.pat, file.path, file.size, { measureRss: true });
      update = await cliUpdate(env, file);
    } else {
      update = await cliUpdate(env, file);
      publish = await cliPublish(env.sim.url, env.seed.pat, file.path, file.size, { measureRss: true });
    }
    const pair: UpdatePair = { publish, update, ratio: update.mbps / publish.mbps };
    out.push(pair);
    env.log(`  pair ${i + 1}: publish ${round(publish.mbps)} MB/s, update ${round(update.mbps)} MB/s, ratio ${round(pair.ratio, 2)}; ${update.jobPolls} job poll(s); peak RSS ${round((publish.maxRssBytes ?? 0) / MiB)} / ${round((update.maxRssBytes ?? 0) / MiB)} MB`);
  }
  const diffs = out.map((p) => (p.publish.maxRssBytes !== undefined && p.update.maxRssBytes !== undefined ? Math.abs(p.update.maxRssBytes - p.publish.maxRssBytes) : undefined));
  const rssDifferenceBytes = diffs.every((d) => d !== undefined) ? Math.max(...(diffs as number[])) : undefined;
  const m = { publishMbps: median(out.map((p) => p.publish.mbps)), updateMbps: median(out.map((p) => p.update.mbps)), ratio: median(out.map((p) => p.ratio)) };
  const pass = m.ratio >= 0.9 && rssDifferenceBytes !== undefined && rssDifferenceBytes < 16 * MiB;
  const maxJobPolls = Math.max(...out.map((p) => p.update.jobPolls));
  return { fileBytes: file.size, pairs: out, median: m, maxJobPolls, rssDifferenceBytes, goal: 'median ratio update / publish >= 0.9; peak RSS within 16 MB of the publish', pass };
}
