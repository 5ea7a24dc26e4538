// The results file the extension-host suite writes and the e2e driver reads. Plain JSON
// so the desktop runner, the code-server driver and the benchmark all share one shape.

export const EXTENSION_ID = 'tableau-publisher.tableau-publisher';

/** Env var naming the results file; the suite falls back to `<workspace>/.tableau-e2e/suite-results.json`. */
export const RESULTS_ENV = 'TABLEAU_E2E_SUITE_RESULTS';
export const RESULTS_FALLBACK = ['.tableau-e2e', 'suite-results.json'] as const;
/** Env var: "1" makes the suite only probe activation (for `npm run bench`) and run no tests. */
export const PROBE_ONLY_ENV = 'TABLEAU_E2E_PROBE_ONLY';

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
  /** The host's own marks around the require() of dist/extension.js (whole ms). */
  codeLoadingMs?: number;
  /** The host's own marks around calling activate() and settling its result (whole ms). */
  activateCallMs?: number;
  /** The extension's bundles (dist/...) in the host's require cache right after activation. */
  filesLoaded?: string[];
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
  /** A built-in extension activated the same way just after ours, for comparison. */
  referenceActivation?: ActivationProbe;
  /** Set when the runner itself broke (no test files, a file that throws at load...). */
  runnerError?: string;
}
