/**
 * Runs a child process and measures its wall time and peak RSS. Peak RSS comes from GNU
 * time (`%M`, the kernel's own high-water mark) when /usr/bin/time exists, otherwise from
 * polling /proc/<pid>/status VmHWM, which can miss a spike shorter than the poll interval.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set size in bytes; undefined when it could not be read. */
  maxRssBytes?: number;
  rssSource: 'gnu-time' | 'proc-poll' | 'none';
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Measure peak RSS (adds GNU time as a wrapper, or /proc polling). */
  measureRss?: boolean;
}

const GNU_TIME = '/usr/bin/time';
const KEEP = 64 * 1024; // output kept per stream: enough for JSON lines and an error

export function hasGnuTime(): boolean {
  return fs.existsSync(GNU_TIME);
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const useTime = !!opts.measureRss && hasGnuTime();
  const rssFile = useTime ? path.join(os.tmpdir(), `bench-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`) : undefined;
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile!, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString('utf8')).slice(-KEEP)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-KEEP)));
    let hwmKb = 0;
    const poll = opts.measureRss && !useTime ? setInterval(() => (hwmKb = Math.max(hwmKb, readHwmKb(child.pid) ?? 0)), 20) : undefined;
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      let maxRssBytes: number | undefined;
      let rssSource: RunResult['rssSource'] = 'none';
      if (rssFile) {
        try {
          // GNU time may prepend "Command exited with non-zero status N"; the figure is the last line.
          const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
          if (Number.isFinite(kb) && kb > 0) [maxRssBytes, rssSource] = [kb * 1024, 'gnu-time'];
        } catch {
          // no file: the wrapper itself failed; reported as unmeasured
        }
        fs.rmSync(rssFile, { force: true });
      } else if (hwmKb > 0) [maxRssBytes, rssSource] = [hwmKb * 1024, 'proc-poll'];
      resolve({ code, signal, stdout, stderr, wallMs, maxRssBytes, rssSource });
    });
  });
}

function readHwmKb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Flushes dirty pages so one run's writeback does not slow the next one down. */
export async function syncDisks(): Promise<void> {
  await run('sync', []).catch(() => undefined);
}
