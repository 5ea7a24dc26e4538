// The getting-started walkthrough a new user is offered: it opens from "Welcome: Open
// Walkthrough...", lists the four steps (connect, browse, publish, remember), and each
// step's button runs the extension's command.
import * as assert from 'node:assert/strict';
import { type Scenario } from '../scenario';
import { shot, waitForPromptId } from './steps';

const STEPS = ['Connect to Tableau', 'Browse your content', 'Publish a file', 'Publish again in one step'];

export const walkthrough: Scenario = {
  name: 'walkthrough',
  async run({ workbench: wb }) {
    await wb.waitForExtensionHost();
    await wb.runCommand('Welcome: Open Walkthrough...');
    await wb.pickQuickItem('Get started with Tableau Publisher');
    const editor = wb.page.locator('.gettingStartedContainer');
    await editor.waitFor({ state: 'visible', timeout: 20_000 });
    for (const title of STEPS) {
      await editor.locator('.getting-started-step .step-title', { hasText: title }).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    const titles = (await editor.locator('.getting-started-step .step-title').allTextContents()).map((t) => t.trim());
    assert.deepEqual(titles, STEPS, `walkthrough steps: ${JSON.stringify(titles)}`);

    // The first step's button starts "Add Connection" (its first prompt is the server address).
    await editor.locator('.getting-started-step', { hasText: STEPS[0] }).first().click();
    const button = editor.locator('.getting-started-step.expanded .monaco-button', { hasText: 'Add Tableau connection' }).first();
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await shot(wb, 'walkthrough', 'walkthrough');
    await button.click();
    await waitForPromptId(wb, 'connection.server');
    await wb.page.keyboard.press('Escape');
  },
};
