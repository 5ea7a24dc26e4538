/**
 * Extension-host test runner: VS Code loads this module (`extensionTestsPath`) inside the
 * real extension host and awaits `run()`, on desktop (@vscode/test-electron) and in
 * code-server (the `payload` URL parameter, see test/e2e/runVscodeSuite.ts).
 *
 * It runs every compiled `out/test/vscode-suite/**\/*.test.js` with mocha (bdd), writes a
 * JSON results file (env TABLEAU_E2E_SUITE_RESULTS, else <workspace>/.tableau-e2e/) and
 * rejects on any failure or when no test ran at all. Add tests by creating
 * `test/vscode-suite/<name>.test.ts`; nothing needs registering.
 *
 * Under `npm run test:e2e` the host's environment also carries the simulator:
 * TABLEAU_E2E_SERVER_URL, TABLEAU_E2E_SITE, TABLEAU_E2E_PAT_NAME, TABLEAU_E2E_PAT_SECRET
 * (the simulator's demo token). Tests must not wait on modal dialogs: the workbench
 * refuses them in test mode, so inject answers instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
  PROBE_ONLY_ENV,
  RESULTS_ENV,
  RESULTS_FALLBACK,
  type ActivationProbe,
  type SuiteResults,
  type SuiteTestResult,
} from './results';

export async function run(): Promise<void> {
  const started = Date.now();
  const results: SuiteResults = {
    vscodeVersion: vscode.version,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    passed: 0,
    failed: 0,
    pending: 0,
    files: [],
    tests: [],
    activation: await probeActivation(EXTENSION_ID),
  };
  // A built-in extension activated the same way right after: VS Code's own cost of an activation here.
  const reference = REFERENCE_EXTENSIONS.map((id) => vscode.extensions.getExtension(id)).find((e) => e && !e.isActive);
  if (reference) results.referenceActivation = await probeActivation(reference.id);
  if (process.env[PROBE_ONLY_ENV] === '1') {
    results.durationMs = Date.now() - started;
    console.log(`[vscode-suite] activation probe only; results: ${writeResults(results)}`);
    return;
  }
  try {
    results.files = findTestFiles(__dirname);
    if (results.files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);
    await runMocha(results);
    if (results.tests.length === 0) throw new Error('mocha ran zero tests');
  } catch (e) {
    results.runnerError = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    results.durationMs = Date.now() - started;
    const file = writeResults(results);
    console.log(
      `[vscode-suite] ${results.passed} passed, ${results.failed} failed, ${results.pending} pending ` +
        `in ${results.durationMs} ms (VS Code ${results.vscodeVersion}); results: ${file}`,
    );
  }
  if (results.runnerError) throw new Error(`extension-host suite broke: ${results.runnerError}`);
  if (results.failed > 0) throw new Error(`${results.failed} extension-host test(s) failed`);
}

/**
 * Built-in extensions with a small activate(), not active in a fresh test window until asked:
 * the first one found is activated after ours as a reference.
 */
const REFERENCE_EXTENSIONS = ['vscode.configuration-editing', 'vscode.merge-conflict', 'vscode.extension-editing'];

/** Times the first `activate()` for the benchmark; the activation test asserts on the outcome. */
async function probeActivation(id: string): Promise<ActivationProbe> {
  const ext = vscode.extensions.getExtension(id);
  const probe: ActivationProbe = { extensionId: id, found: !!ext, alreadyActive: !!ext?.isActive };
  if (!ext) return probe;
  const t0 = performance.now();
  try {
    await ext.activate();
    probe.activationMs = Math.round((performance.now() - t0) * 100) / 100;
    Object.assign(probe, hostMarks(id));
    // Which of the extension's bundles (dist/) the activation loaded: the require cache is the host's.
    const dist = [path.join(ext.extensionPath, 'dist'), path.join(fs.realpathSync(ext.extensionPath), 'dist')];
    probe.filesLoaded = [
      ...new Set(
        Object.keys(require.cache)
          .map((k) => dist.filter((d) => k.startsWith(d + path.sep)).map((d) => path.join('dist', path.relative(d, k)))[0])
          .filter((f): f is string => f !== undefined),
      ),
    ].sort();
  } catch (e) {
    probe.error = e instanceof Error ? e.message : String(e);
  }
  return probe;
}

/**
 * What the extension host itself measured around our activation, from the marks it sets
 * (kept on `globalThis.MonacoPerformanceMarks`, Date.now() resolution, so whole ms):
 * `code/extHost/willLoadExtensionCode/<id>` to `didLoadExtensionCode` (the require of
 * dist/extension.js) and `willActivateExtension` to `didActivateExtension` (calling activate()
 * and settling what it returns). Empty when the host set none.
 */
function hostMarks(id: string): Pick<ActivationProbe, 'codeLoadingMs' | 'activateCallMs'> {
  const perf = (globalThis as { MonacoPerformanceMarks?: { getMarks?: () => { name: string; startTime: number }[] } }).MonacoPerformanceMarks;
  const marks = perf?.getMarks?.() ?? [];
  const at = (what: string): number | undefined => marks.find((m) => m.name === `code/extHost/${what}/${id}`)?.startTime;
  const span = (from: string, to: string): number | undefined => {
    const [a, b] = [at(from), at(to)];
    return a !== undefined && b !== undefined ? b - a : undefined;
  };
  return { codeLoadingMs: span('willLoadExtensionCode', 'didLoadExtensionCode'), activateCallMs: span('willActivateExtension', 'didActivateExtension') };
}

function findTestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTestFiles(p));
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

function runMocha(results: SuiteResults): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const f of results.files) mocha.addFile(f);
  const record = (test: Mocha.Test, state: SuiteTestResult['state'], err?: Error): void => {
    results.tests.push({
      fullTitle: test.fullTitle(),
      file: test.file ? path.relative(__dirname, test.file) : undefined,
      state,
      durationMs: test.duration,
      error: err ? (err.stack ?? err.message) : undefined,
    });
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (t) => {
        results.passed++;
        record(t, 'passed');
      });
      runner.on('pending', (t) => {
        results.pending++;
        record(t, 'pending');
      });
      // 'fail' also fires for hooks; a failing hook is reported under its title.
      runner.on('fail', (t, err) => {
        results.failed++;
        record(t as Mocha.Test, 'failed', err);
      });
    } catch (e) {
      reject(e);
    }
  });
}

function writeResults(results: SuiteResults): string {
  const target = process.env[RESULTS_ENV] || fallbackResultsPath();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Write-then-rename: the driver polls for this file and must never read half of it.
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, target);
  return target;
}

function fallbackResultsPath(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = folder?.scheme === 'file' ? folder.fsPath : os.tmpdir();
  return path.join(base, ...RESULTS_FALLBACK);
}
