// Right-click a .tflx in the Explorer → "Publish to Tableau…": the flow is published through the
// flow publisher (target and name answered in the real prompts), the simulator holds it with the
// file's exact bytes, the tree shows it under its project ("never run"), Run Flow Now from its
// context menu runs a RunFlow job, and the row then shows the last run's status.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flowBytes } from '../../fixtures/flows';
import { type Scenario } from '../scenario';
import { sha256File } from './publishFromExplorer';
import { DEMO_LABEL, addDemoConnection, answerPublishTarget, escapeRegExp, expandOwnSite, expandRow, openedBy, openTableauView, shot, treeContextMenu, treeRow, waitFor } from './steps';

const PROJECT = 'Marketing';
const FLOW = 'Nightly Prep E2E';

export const flows: Scenario = {
  name: 'flows',
  timeoutMs: 150_000,
  async run(ctx) {
    const { workbench: wb } = ctx;
    await wb.waitForExtensionHost();
    await addDemoConnection(ctx);
    const file = path.join(ctx.workspace, 'nightly.tflx');
    fs.writeFileSync(file, flowBytes({ packaged: true, dataBytes: 4096 }));
    const simFlow = () => (ctx.simulator.state().flows ?? []).find((f) => f.name === FLOW);
    assert.equal(simFlow(), undefined, 'the demo site already has the flow: the scenario would prove nothing');

    await wb.clearNotifications();
    await wb.explorerContextMenu('nightly.tflx', 'Publish to Tableau…');
    await answerPublishTarget(wb, PROJECT);
    await wb.answerInput('flow.name', FLOW);
    await wb.waitForNotification(`Published flow "${FLOW}" to ${DEMO_LABEL} · ${PROJECT}.`, 60_000);
    const published = simFlow();
    assert.ok(published, 'the simulator has no flow after the success message');
    assert.equal(published.fileType, 'tflx');
    assert.equal(published.sha256, sha256File(file), 'the published bytes differ from the local .tflx');
    await shot(wb, 'flows-published');

    // The tree shows it under its project, never run yet.
    await openTableauView(wb);
    await expandRow(wb, DEMO_LABEL, 1);
    await expandOwnSite(wb);
    await expandRow(wb, PROJECT, 3);
    const row = treeRow(wb, FLOW, 4);
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    const description = async (): Promise<string> => (await row.locator('.label-description').textContent()) ?? '';
    await waitFor(async () => (await description()) === 'never run', 20_000, 'the flow row does not say "never run"');

    // Run Now: a RunFlow job, waited for; the row then shows the last run's status.
    await treeContextMenu(wb, row, 'Run Flow Now');
    await wb.waitForNotification(`Flow "${FLOW}" ran: Success`, 60_000);
    const runs = simFlow()?.runs ?? [];
    assert.equal(runs.length, 1, 'exactly one run');
    assert.equal(runs[0].status, 'Success');
    await waitFor(async () => /^last run: Success · \d{4}-\d{2}-\d{2}$/.test(await description()), 20_000, 'the flow row does not show the last run');
    await shot(wb, 'flows-ran');

    // Open in Browser: the page Tableau gives for the flow (a repository number), not its LUID.
    const opened = await openedBy(wb, () => treeContextMenu(wb, row, 'Open in Browser'));
    assert.match(opened, new RegExp(`^${escapeRegExp(`${ctx.simulator.url}/#/site/${ctx.simulator.demoPat!.site}`)}/flows/\\d+$`), `Open in Browser opened ${opened}`);
    assert.ok(!opened.includes(published.id), `the address holds the LUID: ${opened}`);
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
