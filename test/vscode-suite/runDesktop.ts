// The same extension-host suite in a desktop VS Code, via @vscode/test-electron, for
// machines that have one installed (`node out/test/e2e/run.js --desktop`). It never
// downloads VS Code: set VSCODE_EXECUTABLE to the `code` binary (Electron executable).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { RESULTS_ENV, type SuiteResults } from './results';

export async function runDesktop(): Promise<number> {
  const exe = process.env.VSCODE_EXECUTABLE;
  if (!exe) {
    console.error('VSCODE_EXECUTABLE is not set: point it at an installed VS Code (this runner never downloads one).');
    console.log('0 passed, 1 failed');
    return 1;
  }
  const root = path.resolve(__dirname, '..', '..', '..');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-desktop-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(root, 'test', 'sandbox', 'workspace'), workspace, { recursive: true });
  const resultsFile = path.join(tmp, 'suite-results.json');
  try {
    let runError: unknown;
    try {
      await runTests({
        vscodeExecutablePath: exe,
        extensionDevelopmentPath: root,
        extensionTestsPath: path.join(root, 'out', 'test', 'vscode-suite', 'index'),
        extensionTestsEnv: { [RESULTS_ENV]: resultsFile },
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'ud')],
      });
    } catch (e) {
      runError = e;
    }
    if (!fs.existsSync(resultsFile)) {
      console.error(`desktop VS Code wrote no suite results${runError ? `: ${String(runError)}` : ''}`);
      console.log('0 passed, 1 failed');
      return 1;
    }
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
    for (const t of results.tests) console.log(`  ${t.state === 'passed' ? '✓' : '✗'} ${t.fullTitle}`);
    const failed = results.failed + (results.runnerError || results.tests.length === 0 ? 1 : 0);
    console.log(`${results.passed} passed, ${failed} failed`);
    return failed > 0 || runError ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
