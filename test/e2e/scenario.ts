// What a UI scenario gets from the driver. One file per scenario under scenarios/,
// registered in scenarios/all.ts.
import { type Browser } from 'playwright-core';
import { type RunningSimulator } from '../simulator';
import { type SampleFiles } from '../sandbox/makeSamples';
import { type CodeServer, type Workbench } from './harness';

export interface ScenarioContext {
  browser: Browser;
  server: CodeServer;
  simulator: RunningSimulator;
  /** Temp copy of test/sandbox/workspace with the generated samples. */
  workspace: string;
  samples: SampleFiles;
  /** A fresh workbench window on `workspace`, with the installed .vsix (closed by the driver). */
  workbench: Workbench;
  /** package.json of the installed .vsix, `%nls%` titles resolved. */
  manifest: ExtensionManifest;
}

export interface ExtensionManifest {
  name: string;
  publisher: string;
  displayName: string;
  contributes?: { commands?: { command: string; title: string; category?: string }[] };
}

export interface Scenario {
  /** Short, unique; used for screenshots and `--scenario=<name>`. */
  name: string;
  /** Default 120 s. */
  timeoutMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
}
