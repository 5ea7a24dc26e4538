// Paths, ports and process clean-up shared by the e2e driver and the sandbox.
// Every child we spawn is its own process group, so stopping it also stops the
// extension host, pty host and file watcher that code-server forks.
import { type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** The repository root: the nearest folder above this bundle whose package.json is ours. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'tableau-publisher') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no tableau-publisher package.json above ${__dirname}`);
    dir = parent;
  }
}

export function artifactsDir(): string {
  const dir = path.join(repoRoot(), 'test-artifacts', 'e2e');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A loopback port that was free a moment ago (the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `preferred` when nothing listens on it, else an ephemeral port. */
export function preferredPort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(freePort()));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(preferred)));
  });
}

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
const groups = new Set<number>();
let handlersInstalled = false;

/** Registers work to undo at exit; runs last-registered first. */
export function onCleanup(fn: Cleanup): void {
  installHandlers();
  cleanups.push(fn);
}

/** Runs every registered clean-up once (idempotent), newest first, ignoring their failures. */
export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (e) {
      console.error(`[e2e] clean-up failed: ${(e as Error).message}`);
    }
  }
}

/** Tracks a detached child's process group so even a crash of ours kills it. */
export function trackGroup(child: ChildProcess): void {
  installHandlers();
  if (child.pid === undefined) return;
  const pid = child.pid;
  groups.add(pid);
  child.once('exit', () => groups.delete(pid));
}

/** SIGTERM to the child's group, SIGKILL after `graceMs` if it is still there. */
export async function killGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    if (pid !== undefined) signalGroup(pid, 'SIGKILL'); // grandchildren may outlive the leader
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') signalGroup(pid, 'SIGKILL');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
  signalGroup(pid, 'SIGKILL');
  groups.delete(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort on any exit path, including an uncaught exception: synchronous kills only.
  process.on('exit', () => {
    for (const pid of groups) signalGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n[e2e] ${signal}: stopping everything`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}
