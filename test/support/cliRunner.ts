/**
 * Runs the real `tableau-publish` CLI as a child process with a clean environment:
 * - `runCli`: the built product, dist/cli.js (async: a simulator in the test process keeps answering);
 * - `runCliProcess`: the CLI bundled at out/test/support/cli/main.js, with a temp HOME and a working
 *   folder, capturing every byte of stdout and stderr; a run past its time limit is killed and
 *   reported as such.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** out/test/support/cli/main.js, found by walking up from the bundled test that calls this. */
export function cliBundle(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'support', 'cli', 'main.js');
    if (fs.existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  throw new Error(`out/test/support/cli/main.js not found above ${__dirname}; run node test/build-tests.js`);
}

/** `bundle` defaults to the CLI bundled under out/test/support/cli/. */
export function runCliProcess(args: string[], opts: { env: Record<string, string>; cwd: string; home: string; timeoutMs?: number; bundle?: string }): Promise<CliRun> {
  const bundle = opts.bundle ?? cliBundle();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      cwd: opts.cwd,
      // Only what the run needs: no inherited TABLEAU_* or proxy variables from the machine.
      env: { PATH: process.env.PATH ?? '', HOME: opts.home, USERPROFILE: opts.home, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}

/** dist/cli.js, from a test bundled under out/test/unit/<dir>/. */
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
