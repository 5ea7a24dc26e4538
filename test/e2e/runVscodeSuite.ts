// Runs test/vscode-suite (mocha inside the real extension host) in code-server: the
// workbench is opened with a `payload` query parameter carrying extensionDevelopmentPath
// and extensionTestsPath, as VS Code's own browser integration tests do.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Browser } from 'playwright-core';
import { type SuiteResults } from '../vscode-suite/results';
import { type CodeServer, Workbench } from './harness';
import { repoRoot } from './processes';

export interface SuiteRunOptions {
  browser: Browser;
  server: CodeServer;
  workspace: string;
  /** Must be the path code-server was started with in env TABLEAU_E2E_SUITE_RESULTS. */
  resultsFile: string;
  timeoutMs?: number;
  /** The extension under test; this checkout by default. */
  extensionPath?: string;
}

export async function runVscodeSuite(opts: SuiteRunOptions): Promise<SuiteResults> {
  const root = repoRoot();
  const index = path.join(root, 'out', 'test', 'vscode-suite', 'index.js');
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: run \`node test/build-tests.js\``);
  fs.rmSync(opts.resultsFile, { force: true });

  const remote = (p: string): string => `vscode-remote://${opts.server.authority}${p}`;
  const wb = await Workbench.open(opts.browser, opts.server, {
    folder: opts.workspace,
    name: 'vscode-suite',
    payload: [
      ['extensionDevelopmentPath', remote(opts.extensionPath ?? root)],
      ['extensionTestsPath', remote(index.replace(/\.js$/, ''))],
      ['skipWelcome', 'true'],
    ],
  });
  try {
    return await waitForResults(opts.resultsFile, opts.timeoutMs ?? 5 * 60_000, opts.server);
  } catch (e) {
    await wb.screenshot('vscode-suite-failure').catch(() => undefined);
    throw e;
  } finally {
    await wb.close();
  }
}

async function waitForResults(file: string, timeoutMs: number, server: CodeServer): Promise<SuiteResults> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the extension-host suite wrote no results to ${file} within ${timeoutMs} ms ` +
      `(it never started, or hung). code-server log tail:\n${server.logTail()}`,
  );
}

/** Prints the suite outcome; returns [passed, failed], counting a broken or empty run as a failure. */
export function reportSuite(results: SuiteResults): [number, number] {
  console.log(`\nextension-host suite (VS Code ${results.vscodeVersion}, ${results.files.length} file(s), ${results.durationMs} ms)`);
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    console.log(`  ${mark} ${t.fullTitle}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log(indent(t.error, 6));
  }
  const a = results.activation;
  console.log(
    `  activation probe: ${a.found ? (a.error ? `FAILED: ${a.error}` : `${a.activationMs} ms${a.codeLoadingMs !== undefined ? ` (host marks: loading the module ${a.codeLoadingMs} ms, activate() ${a.activateCallMs ?? '?'} ms)` : ''}${a.alreadyActive ? ' (was already active)' : ''}`) : 'extension not found'}`,
  );
  let failed = results.failed;
  if (results.runnerError) {
    console.log(`  ✗ runner error:\n${indent(results.runnerError, 6)}`);
    failed++;
  }
  if (results.tests.length === 0 && !results.runnerError) {
    console.log('  ✗ zero tests ran');
    failed++;
  }
  return [results.passed, failed];
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}
