/** Runs `node dist/cli.js` as a child process (async: the simulator runs in the test process and must keep answering). */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PUB_PAT, PUB_SITE, publishConfig } from '../../fixtures/connect';
import { tempDir } from '../../fixtures/samples';
import { startSimulator, type RunningSimulator } from '../../simulator/index';

export const CLI = path.resolve(__dirname, '../../../../dist/cli.js');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; onSpawn?: (kill: (sig: NodeJS.Signals) => void) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...opts.env }, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 }));
    opts.onSpawn?.((sig) => child.kill(sig));
  });
}

/** What a CLI suite runs against: start it in before(), close it in after(). */
export interface CliSimulator {
  /** An in-process simulator with publishConfig(). */
  sim: RunningSimulator;
  /** The environment that points the CLI at `sim` and signs it in with the publisher PAT. */
  env: Record<string, string>;
  /** The suite's scratch folder. */
  tmp: ReturnType<typeof tempDir>;
  /** Stops the simulator and removes the scratch folder. */
  close(): Promise<void>;
}

/** Fails first when dist/cli.js has not been built; `tmpPrefix` names the scratch folder. */
export async function startCliSimulator(tmpPrefix: string): Promise<CliSimulator> {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run "npm run build" first`);
  const sim = await startSimulator({ config: publishConfig() });
  const tmp = tempDir(tmpPrefix);
  return {
    sim,
    env: { TABLEAU_SERVER: sim.url, TABLEAU_SITE: PUB_SITE, TABLEAU_PAT_NAME: PUB_PAT.name, TABLEAU_PAT_SECRET: PUB_PAT.secret },
    tmp,
    async close() {
      await sim.close();
      tmp.cleanup();
    },
  };
}

export function jsonLines(s: string): Record<string, unknown>[] {
  return s.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Resolves once `ready()` is true (polled), or rejects after `ms`. */
export function waitFor(ready: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const timer = setInterval(() => {
      if (ready()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - t0 > ms) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 10);
  });
}
