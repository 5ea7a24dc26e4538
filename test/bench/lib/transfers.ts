/** One publish through the CLI, timed as a whole process. */
import { BENCH_PROJECT, cliEnv, type BenchPat } from './benchConfig';
import { cliPath, requireBuilt } from './paths';
import { run } from './procs';
import { mbPerSec } from './stats';

export interface Transfer {
  bytes: number;
  wallMs: number;
  /** File MiB over the wall time of the whole process (start-up, sign-in and commit included). */
  mbps: number;
  maxRssBytes?: number;
  rssSource?: 'gnu-time' | 'proc-poll' | 'none';
}

export interface CliPublish extends Transfer {
  /** The publisher's own duration from the JSON result, when the CLI reports it. */
  engineMs?: number;
  chunks?: number;
  requests?: number;
}

export interface CliPublishOptions {
  chunkSizeMb?: number;
  measureRss?: boolean;
  /** Write a V8 CPU profile of the CLI into this folder. */
  cpuProfDir?: string;
  timeoutMs?: number;
}

export async function cliPublish(url: string, pat: BenchPat, file: string, bytes: number, opts: CliPublishOptions = {}): Promise<CliPublish> {
  const cli = cliPath();
  requireBuilt(cli);
  const args = [
    ...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : []),
    cli, 'publish', file, '--project', BENCH_PROJECT, '--mode', 'overwrite', '--json',
    ...(opts.chunkSizeMb ? ['--chunk-size', String(opts.chunkSizeMb)] : []),
  ];
  const r = await run(process.execPath, args, { env: cliEnv(url, pat), measureRss: opts.measureRss, timeoutMs: opts.timeoutMs ?? 10 * 60_000 });
  if (r.code !== 0) {
    throw new Error(`tableau-publish exited with ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().slice(-1500)}`);
  }
  const result = lastJson(r.stdout);
  const num = (k: string): number | undefined => (typeof result?.[k] === 'number' ? (result[k] as number) : undefined);
  const reported = num('bytes') ?? num('size');
  if (reported !== undefined && reported !== bytes) throw new Error(`the CLI reports ${reported} bytes published, the file has ${bytes}`);
  return { bytes, wallMs: r.wallMs, mbps: mbPerSec(bytes, r.wallMs), maxRssBytes: r.maxRssBytes, rssSource: r.rssSource, engineMs: num('durationMs'), chunks: num('chunks'), requests: num('requests') };
}

/** The last JSON object line on stdout (the CLI prints one per published file). */
function lastJson(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]) as Record<string, unknown>;
    } catch {
      // a partial line: try the one before
    }
  }
  return undefined;
}
