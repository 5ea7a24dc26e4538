/**
 * Section 6: what the extension costs at start-up: bundle and .vsix sizes, and the
 * activation time the real VS Code harness measured (read from its results, never guessed).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './lib/paths';
import { run } from './lib/procs';

export interface StartupResult {
  /** How the sizes were obtained. */
  build: string;
  packageError?: string;
  extensionJsBytes?: number;
  cliJsBytes?: number;
  /** undici, loaded on the first request only (not at activation). */
  undiciJsBytes?: number;
  vsixBytes?: number;
  vsixNote?: string;
  activationMs?: number;
  activationSource: string;
}

const size = (f: string): number | undefined => (fs.existsSync(f) ? fs.statSync(f).size : undefined);

export async function benchStartup(opts: { runPackage: boolean }, log: (l: string) => void): Promise<StartupResult> {
  const root = repoRoot();
  const vsix = path.join(root, 'tableau-publisher.vsix');
  const started = Date.now();
  let build = 'as found in dist/';
  let packageError: string | undefined;
  if (opts.runPackage) {
    log('  npm run package ...');
    const r = await run('npm', ['run', 'package'], { cwd: root, timeoutMs: 5 * 60_000 });
    if (r.code === 0) build = 'production (npm run package, this run)';
    else packageError = `npm run package exited with ${r.code ?? r.signal}: ${errorLine(r.stderr + r.stdout)}`;
  }
  const ext = path.join(root, 'dist', 'extension.js');
  if (!build.startsWith('production') && fs.existsSync(ext)) build += isMinified(ext) ? ' (minified)' : ' (npm run build: not minified)';
  const result: StartupResult = {
    build,
    packageError,
    extensionJsBytes: size(path.join(root, 'dist', 'extension.js')),
    cliJsBytes: size(path.join(root, 'dist', 'cli.js')),
    undiciJsBytes: size(path.join(root, 'dist', 'undici.js')),
    activationSource: 'not measured',
  };
  const vsixBytes = size(vsix);
  if (vsixBytes !== undefined) {
    result.vsixBytes = vsixBytes;
    if (fs.statSync(vsix).mtimeMs < started) result.vsixNote = `from an earlier npm run package (${fs.statSync(vsix).mtime.toISOString()})`;
  } else result.vsixNote = 'no tableau-publisher.vsix (run npm run package)';
  if (opts.runPackage) {
    // Put the development build back (package rebuilds dist/ for production even when vsce then fails).
    await run('npm', ['run', 'build'], { cwd: root, timeoutMs: 5 * 60_000 });
  }
  const act = findActivation([path.join(root, 'test-artifacts'), ...e2eKeptDirs()]);
  if (act) [result.activationMs, result.activationSource] = [act.ms, act.source];
  return result;
}

/**
 * The e2e driver (test/e2e/run.ts) has the suite write its results into its temporary folder,
 * os.tmpdir()/tableau-e2e-XXXX/suite-results.json, which stays after `run.js --keep`.
 */
function e2eKeptDirs(): string[] {
  const tmp = os.tmpdir();
  return fs.readdirSync(tmp).filter((n) => /^tableau-e2e-[A-Za-z0-9]+$/.test(n)).map((n) => path.join(tmp, n)).filter((d) => fs.existsSync(path.join(d, 'suite-results.json')));
}

/** The newest activation time in a results JSON under these folders (the suite's SuiteResults shape, or a bare activationMs). */
function findActivation(dirs: string[]): { ms: number; source: string } | undefined {
  let best: { ms: number; source: string; mtime: number } | undefined;
  const consider = (p: string): void => {
    let o: { activationMs?: unknown; activation?: { activationMs?: unknown; alreadyActive?: unknown } };
    try {
      o = JSON.parse(fs.readFileSync(p, 'utf8')) as typeof o;
    } catch {
      return;
    }
    const ms = typeof o?.activation?.activationMs === 'number' && o.activation.alreadyActive !== true ? o.activation.activationMs : typeof o?.activationMs === 'number' ? o.activationMs : undefined;
    const mtime = fs.statSync(p).mtimeMs;
    const where = p.startsWith(repoRoot()) ? path.relative(repoRoot(), p) : p;
    if (ms !== undefined && (!best || mtime > best.mtime)) best = { ms, mtime, source: `${where} (${new Date(mtime).toISOString()})` };
  };
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) consider(p);
    }
  };
  // A kept e2e folder also holds a whole code-server profile: read only the suite's file there.
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    if (d.startsWith(os.tmpdir())) consider(path.join(d, 'suite-results.json'));
    else walk(d);
  }
  return best && { ms: best.ms, source: best.source };
}

/** The line that says what went wrong (npm prints warnings first), kept short for the table. */
function errorLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /\bERROR\b|error:/i.test(l)) ?? lines[lines.length - 1] ?? '';
  return line.length > 240 ? `${line.slice(0, 240)}...` : line;
}

/** A minified bundle has very long lines; esbuild's readable output averages well under 100 characters. */
function isMinified(file: string): boolean {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  return text.length / lines > 500;
}
