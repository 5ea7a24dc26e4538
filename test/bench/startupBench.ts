/**
 * Section 6: what the extension costs at start-up: bundle and .vsix sizes, and the
 * activation time measured in the real VS Code harness in this run (never guessed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './lib/paths';
import { run } from './lib/procs';
import { median } from './lib/stats';

export interface StartupResult {
  /** How the sizes were obtained. */
  build: string;
  packageError?: string;
  extensionJsBytes?: number;
  /** The CLI's launcher (the bin). */
  cliJsBytes?: number;
  /** The command the launcher loads, and the V8 code caches npm run build writes beside it and undici. */
  cliMainJsBytes?: number;
  cliCodeCacheBytes?: number;
  /** The extension proper, loaded on first use (not at activation). */
  mainJsBytes?: number;
  /** undici, loaded on the first request only (not at activation). */
  undiciJsBytes?: number;
  vsixBytes?: number;
  vsixNote?: string;
  /** Set when the real VS Code harness ran (plan.activationRounds > 0). */
  activation?: ActivationSummary;
  /** Why there is no activation figure, when there is none. */
  activationNote?: string;
}

/** What `run.js --activation-runs=N` wrote (test/e2e/run.ts ActivationRun), summarised. */
export interface ActivationSummary {
  rounds: number;
  /** VS Code's measure (host marks: code loading + activate call), our extension activated alone, per round. */
  hostMs: number[];
  /** The same for a built-in extension activated just after ours in the same windows. */
  reference?: { id: string; hostMs: number[] };
  /** Wall time of getExtension(id).activate() (adds VS Code's own set-up: storage, context...). */
  wallMs: number[];
  /** "Running Extensions" in fresh windows at start-up, ours per round. */
  startupMs: number[];
  /** The median of the other extensions' figures in the same windows, per round. */
  startupPeersMedianMs: number[];
  /** The extension's files in the require cache right after activation (first round). */
  filesLoaded: string[];
}

interface ProbeJson {
  activationMs?: number;
  codeLoadingMs?: number;
  activateCallMs?: number;
  extensionId?: string;
  filesLoaded?: string[];
  error?: string;
}
interface RunsJson {
  extension: string;
  runs: { probe: ProbeJson; reference?: ProbeJson; running: { name: string; ms: number }[] }[];
}

const hostMsOf = (p: ProbeJson | undefined): number | undefined =>
  p && typeof p.codeLoadingMs === 'number' && typeof p.activateCallMs === 'number' ? p.codeLoadingMs + p.activateCallMs : undefined;

/** Summarises activation-runs.json; throws when a round lacks our own figures. */
export function summarizeActivation(j: RunsJson): ActivationSummary {
  const sum: ActivationSummary = { rounds: j.runs.length, hostMs: [], wallMs: [], startupMs: [], startupPeersMedianMs: [], filesLoaded: j.runs[0]?.probe.filesLoaded ?? [] };
  const refs: number[] = [];
  let refId: string | undefined;
  j.runs.forEach((r, i) => {
    const host = hostMsOf(r.probe);
    if (host === undefined || typeof r.probe.activationMs !== 'number') throw new Error(`round ${i + 1}: no activation marks for our extension (${r.probe.error ?? 'host set none'})`);
    sum.hostMs.push(host);
    sum.wallMs.push(r.probe.activationMs);
    const ref = hostMsOf(r.reference);
    if (ref !== undefined && r.reference?.extensionId) {
      refs.push(ref);
      refId ??= r.reference.extensionId;
    }
    const ours = r.running.find((x) => x.name === j.extension);
    if (!ours) throw new Error(`round ${i + 1}: Running Extensions did not list ${j.extension}`);
    sum.startupMs.push(ours.ms);
    sum.startupPeersMedianMs.push(median(r.running.filter((x) => x.name !== j.extension).map((x) => x.ms)));
  });
  if (refId && refs.length === j.runs.length) sum.reference = { id: refId, hostMs: refs };
  return sum;
}

const size = (f: string): number | undefined => (fs.existsSync(f) ? fs.statSync(f).size : undefined);

export async function benchStartup(opts: { runPackage: boolean; activationRounds: number }, log: (l: string) => void): Promise<StartupResult> {
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
    cliMainJsBytes: size(path.join(root, 'dist', 'cliMain.js')),
    cliCodeCacheBytes: ['cliMain.js.cache', 'undici.js.cache'].reduce((n, f) => n + (size(path.join(root, 'dist', f)) ?? 0), 0) || undefined,
    undiciJsBytes: size(path.join(root, 'dist', 'undici.js')),
    mainJsBytes: size(path.join(root, 'dist', 'main.js')),
  };
  const vsixBytes = size(vsix);
  if (vsixBytes !== undefined) {
    result.vsixBytes = vsixBytes;
    if (fs.statSync(vsix).mtimeMs < started) result.vsixNote = `from an earlier npm run package (${fs.statSync(vsix).mtime.toISOString()})`;
  } else result.vsixNote = 'no tableau-publisher.vsix (run npm run package)';
  if (opts.activationRounds <= 0) result.activationNote = 'not measured (activation rounds: 0)';
  else if (result.vsixNote || packageError) result.activationNote = `not measured: needs this run's package (${packageError ?? result.vsixNote})`;
  else {
    try {
      result.activation = await measureActivation(root, opts.activationRounds, log);
    } catch (e) {
      result.activationNote = `not measured: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (opts.runPackage) {
    // Put the development build back (package rebuilds dist/ for production even when vsce then fails).
    await run('npm', ['run', 'build'], { cwd: root, timeoutMs: 5 * 60_000 });
  }
  return result;
}

/**
 * Runs the real VS Code harness (code-server + Chromium, test/e2e) `rounds` times over the
 * production build just packaged: a fresh test window that only activates the extension (and a
 * built-in one after it), then a fresh ordinary window read through Running Extensions.
 */
async function measureActivation(root: string, rounds: number, log: (l: string) => void): Promise<ActivationSummary> {
  log('  real VS Code harness: bash test/e2e/setup.sh (cached after the first time) ...');
  const setup = await run('bash', [path.join(root, 'test', 'e2e', 'setup.sh')], { cwd: root, timeoutMs: 15 * 60_000 });
  if (setup.code !== 0) throw new Error(`test/e2e/setup.sh exited with ${setup.code ?? setup.signal}: ${errorLine(setup.stderr + setup.stdout)}`);
  log(`  activation in the real VS Code harness, ${rounds} round(s) ...`);
  const r = await run('node', [path.join(root, 'out', 'test', 'e2e', 'run.js'), `--activation-runs=${rounds}`], { cwd: root, timeoutMs: rounds * 3 * 60_000 });
  for (const line of r.stdout.split('\n').filter((l) => /^\s*round \d+:/.test(l))) log(`  ${line.trim()}`);
  const file = path.join(root, 'test-artifacts', 'e2e', 'activation-runs.json');
  if (r.code !== 0 || !fs.existsSync(file)) throw new Error(`the harness exited with ${r.code ?? r.signal}: ${errorLine(r.stderr + r.stdout)}`);
  return summarizeActivation(JSON.parse(fs.readFileSync(file, 'utf8')) as RunsJson);
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
