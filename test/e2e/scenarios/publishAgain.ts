// "Tableau: Publish Again" on the .twbx whose target publishFromExplorer remembered in
// .vscode/tableau-publish.json: no project, name or mode question; the workbook on the
// simulator is replaced in place (same LUID, newer updatedAt, one more publish request).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Scenario, type ScenarioContext } from '../scenario';
import { WORKBOOK_NAME, manifestFile, sha256File, simWorkbook } from './publishFromExplorer';
import { DEMO_LABEL, addDemoConnection, embedDbCredentials, shot, waitFor } from './steps';

function publishRequests(ctx: ScenarioContext): number {
  const counts = ctx.simulator.state().counters.requests;
  return Object.entries(counts)
    .filter(([route]) => /^POST \S*\/workbooks$/.test(route))
    .reduce((n, [, c]) => n + c, 0);
}

export const publishAgain: Scenario = {
  name: 'publishAgain',
  timeoutMs: 120_000,
  async run(ctx) {
    const { workbench: wb, samples } = ctx;
    const file = path.basename(samples.twbx);
    if (!fs.existsSync(manifestFile(ctx)) || !simWorkbook(ctx)) {
      throw new Error('publishAgain needs the target publishFromExplorer remembers: run --scenario=publishFromExplorer,publishAgain');
    }
    await wb.waitForExtensionHost();
    // A new window has a fresh profile: the connection is added again under the label the manifest names.
    await addDemoConnection(ctx);
    const before = simWorkbook(ctx)!;
    const requestsBefore = publishRequests(ctx);

    // Open the file (the palette command publishes the active file) and run Publish Again.
    await wb.page.keyboard.press('Control+Shift+E');
    await wb.clickTreeItem(file);
    await wb.page.locator('.tabs-container .tab', { hasText: file }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await wb.runCommand('Tableau: Publish Again');

    // The only question allowed is the database password, which this fresh profile's secret
    // storage does not hold yet; where to publish, under which name and how are not asked.
    const done = wb.page.locator('.notifications-toasts .notification-toast', { hasText: `Published "${WORKBOOK_NAME}"` }).first();
    const asked: string[] = [];
    await waitFor(
      async () => {
        if (await done.isVisible().catch(() => false)) return true;
        const prompt = wb.prompts.poll();
        if (!prompt) return false;
        if (prompt.id === 'publish.dbCredentials') {
          asked.push(prompt.id);
          await embedDbCredentials(wb);
          return false;
        }
        throw new Error(`Publish Again asked a question it should not: "${prompt.id}"`);
      },
      60_000,
      `no "Published "${WORKBOOK_NAME}"" message after Publish Again`,
    );
    assert.ok(asked.length <= 1, `asked more than once: ${JSON.stringify(asked)}`);
    await shot(wb, 'publishAgain-done');
    const text = await done.innerText();
    assert.ok(text.includes(`${DEMO_LABEL} · Marketing`), `success message names another target: ${text}`);
    assert.equal(await done.locator('.monaco-button', { hasText: 'Remember for Publish Again' }).count(), 0, 'offers to remember an already remembered target');

    const after = simWorkbook(ctx);
    assert.ok(after, 'the workbook is gone after Publish Again');
    assert.equal(after.id, before.id, 'Publish Again created a new workbook instead of replacing the remembered one');
    assert.notEqual(after.updatedAt, before.updatedAt, 'updatedAt did not change');
    assert.equal(after.sha256, sha256File(samples.twbx));
    assert.equal(publishRequests(ctx), requestsBefore + 1, 'not exactly one new publish request');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
