// Proves the harness end to end: the real workbench loads, the .vsix is installed and
// listed by the Extensions view, its Tableau commands reach the command palette, and
// start-up shows no error notification.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { artifactsDir } from '../processes';
import { type Scenario } from '../scenario';

/** Where this scenario leaves VS Code's activation time for `npm run bench` (test/bench/startupBench.ts). */
export const ACTIVATION_FILE = 'activation.json';

export const workbenchLoads: Scenario = {
  name: 'workbench-loads',
  async run({ workbench, manifest }) {
    await workbench.waitForExtensionHost();

    // onStartupFinished: a fresh window activates the extension by itself. VS Code's own
    // figures (Running Extensions), ours and the built-in extensions', go to the artifacts
    // for the benchmark (test/bench/startupBench.ts).
    const activations = await workbench.runningExtensionActivations(manifest.displayName);
    const ours = activations.find((a) => a.name === manifest.displayName);
    assert.ok(ours && ours.ms >= 0, `no activation time for ${manifest.displayName}: ${JSON.stringify(activations)}`);
    fs.writeFileSync(path.join(artifactsDir(), ACTIVATION_FILE), JSON.stringify({ extension: manifest.displayName, activations, at: new Date().toISOString() }, null, 2));
    await workbench.screenshot('running-extensions');

    const installed = await workbench.installedExtensions(manifest.displayName);
    assert.ok(
      installed.some((text) => text.includes(manifest.displayName)),
      `Extensions view (@installed) does not list "${manifest.displayName}": ${JSON.stringify(installed)}`,
    );

    // Palette titles are "<category>: <title>"; only assert when the manifest contributes some,
    // so a missing command is a failure rather than a silent skip.
    const paletteTitles = (manifest.contributes?.commands ?? [])
      .map((c) => (c.category ? `${c.category}: ${c.title}` : c.title))
      .filter((t) => t.startsWith('Tableau:'));
    if (paletteTitles.length > 0) {
      const shown = await workbench.listCommands('Tableau:');
      const ours = shown.filter((label) => paletteTitles.includes(label));
      assert.ok(ours.length > 0, `no "Tableau:" command in the palette; manifest has ${JSON.stringify(paletteTitles)}, palette shows ${JSON.stringify(shown)}`);
    }
    await workbench.screenshot('workbench-loads');
    // Start-up must be clean: an error toast here is the extension failing on a fresh install.
    const errors = await workbench.errorNotifications();
    assert.deepEqual(errors, [], `error notifications after start-up: ${JSON.stringify(errors)}`);
  },
};
