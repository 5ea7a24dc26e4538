// Right-click a .hyper in the Explorer → "Update Published Data…": the data source is found by
// name, the upsert is answered in the real prompts (table, key), the simulator records exactly
// one upsert of that data source in Tableau's documented shape, and the tree row of the data
// source shows the job's result.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { type Scenario } from '../scenario';
import { waitForWidget } from '../prompts';
import { DEMO_LABEL, addDemoConnection, expandOwnSite, expandRow, openTableauView, quickInput, shot, treeRow, waitFor } from './steps';

const DATASOURCE = 'Bookings Extract';
const PROJECT = 'Sales';

export const updatePublishedData: Scenario = {
  name: 'updatePublishedData',
  timeoutMs: 150_000,
  async run(ctx) {
    const { workbench: wb, samples } = ctx;
    await wb.waitForExtensionHost();
    await addDemoConnection(ctx);
    const site = ctx.simulator.state().sites.find((s) => s.contentUrl === ctx.simulator.demoPat!.site);
    const ds = ctx.simulator.state().datasources.find((d) => d.siteId === site?.id && d.name === DATASOURCE);
    assert.ok(ds, `the demo site has no "${DATASOURCE}"`);
    assert.equal((ctx.simulator.state().dataUpdates ?? []).length, 0);

    await wb.explorerContextMenu(path.basename(samples.hyper), 'Update Published Data…');
    let e = await wb.prompts.next(['connection.forItem', 'content.search']);
    if (e.id === 'connection.forItem') {
      await wb.choosePromptItem(e, DEMO_LABEL);
      e = await wb.prompts.next(['content.search']);
    }
    await waitForWidget(wb.page, e);
    const box = quickInput(wb.page);
    await box.fill('Bookings');
    await box.press('Enter');
    await wb.answerPick('content.item', DATASOURCE);
    await wb.answerPick('update.actions', 'upsert');
    await wb.answerInput('update.table', 'Extract.Extract');
    await wb.answerInput('update.key', 'Booking ID');

    await wb.waitForNotification(`Updated "${DATASOURCE}": upsert applied`, 60_000);
    const applied = ctx.simulator.state().dataUpdates ?? [];
    assert.equal(applied.length, 1, 'exactly one update applied');
    assert.equal(applied[0].datasourceId, ds.id);
    assert.deepEqual(applied[0].actions, [{
      action: 'upsert', 'source-schema': 'Extract', 'source-table': 'Extract', 'target-schema': 'Extract', 'target-table': 'Extract',
      condition: { op: 'eq', 'target-col': 'Booking ID', 'source-col': 'Booking ID' },
    }]);
    await shot(wb, 'updatePublishedData-done');

    // The tree row of the data source shows the job's result.
    await openTableauView(wb);
    await expandRow(wb, DEMO_LABEL, 1);
    await expandOwnSite(wb);
    await expandRow(wb, PROJECT, 3);
    const row = treeRow(wb, DATASOURCE, 4);
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await waitFor(async () => /updated: upsert applied \(job /.test((await row.locator('.label-description').textContent()) ?? ''), 20_000, 'the tree row does not show the update\'s result');
    assert.match((await row.locator('.label-description').textContent()) ?? '', new RegExp(`job ${applied[0].jobId}`));
    await shot(wb, 'updatePublishedData-tree');
  },
};
