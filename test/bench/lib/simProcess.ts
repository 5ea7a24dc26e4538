/**
 * The simulator in its own process (`out/test/simulator/main.js`), so a CPU-bound client
 * and the server do not share one event loop and one core in a misleading way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FaultSpec, SimConfig, SimState } from '../../simulator/config';
import { requireBuilt, simMainPath } from './paths';

export interface SimProcess {
  url: string;
  pid: number;
  dataDir: string;
  state(): Promise<SimState>;
  resetCounters(): Promise<void>;
  /** Requests the simulator counted since the last reset, all routes together. */
  requestCount(): Promise<number>;
  addFault(f: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export interface SimProcessOptions {
  /** Extra node flags for the simulator, e.g. ['--cpu-prof', '--cpu-prof-dir', d]. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export async function startSimProcess(config: SimConfig, opts: SimProcessOptions = {}): Promise<SimProcess> {
  const main = simMainPath();
  requireBuilt(main);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-bench-sim-'));
  const configFile = path.join(dir, 'config.json');
  const dataDir = path.join(dir, 'data');
  // The config holds the bench PAT secrets: readable by this user only, removed on close.
  fs.writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), main, '--port', '0', '--host', '127.0.0.1', '--config', configFile, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  let url: string;
  try {
    url = await waitForUrl(child, opts.startTimeoutMs ?? 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    cleanup();
    throw e;
  }
  const get = async <T>(p: string, method = 'GET', body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${p}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const onExit = (): void => {
    child.kill('SIGKILL');
    cleanup();
  };
  process.once('exit', onExit);
  return {
    url,
    pid: child.pid!,
    dataDir,
    state: () => get<SimState>('/_sim/state'),
    resetCounters: () => get<unknown>('/_sim/reset-counters', 'POST').then(() => undefined),
    async requestCount() {
      // The counters alone: the full state of a 10,000-workbook site is megabytes to build and parse.
      const c = await get<SimState['counters']>('/_sim/counters');
      return Object.values(c.requests).reduce((a, b) => a + b, 0);
    },
    addFault: (f) => get<unknown>('/_sim/faults', 'POST', f).then(() => undefined),
    clearFaults: () => get<unknown>('/_sim/faults', 'DELETE').then(() => undefined),
    async close() {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      cleanup();
    },
  };
}

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start within ${timeoutMs} ms: ${err.slice(-2000)}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-8000)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (code ${code}) before listening: ${err.slice(-2000)}`));
    });
  });
}
