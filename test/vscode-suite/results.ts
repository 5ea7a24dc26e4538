// The results file the extension-host suite writes and the e2e driver reads. Plain JSON
// so the desktop runner, the code-server driver and the benchmark all share one shape.

export const EXTENSION_ID = 'tableau-publisher.tableau-publisher';

/** Env var naming the results file; the suite falls back to `<workspace>/.tableau-e2e/suite-results.json`. */
export const RESULTS_ENV = 'TABLEAU_E2E_SUITE_RESULTS';
export const RESULTS_FALLBACK = ['.tableau-e2e', 'suite-results.json'] as const;

export interface SuiteTestResult {
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface ActivationProbe {
  extensionId: string;
  found: boolean;
  /** True when something had already activated the extension before the suite ran. */
  alreadyActive: boolean;
  /** Wall time of `getExtension(id).activate()` on the first call; absent when it failed. */
  activationMs?: number;
  error?: string;
}

export interface SuiteResults {
  vscodeVersion: string;
  startedAt: string;
  durationMs: number;
  passed: number;
  failed: number;
  pending: number;
  files: string[];
  tests: SuiteTestResult[];
  activation: ActivationProbe;
  /** Set when the runner itself broke (no test files, a file that throws at load...). */
  runnerError?: string;
}
