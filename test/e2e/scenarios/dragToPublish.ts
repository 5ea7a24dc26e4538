// Drag a .twb from the Explorer onto a project in the Tableau view: the drop starts the
// publish flow for that project (no project question), and the simulator then holds the
// workbook in exactly that project with the local file's bytes.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { type Scenario, type ScenarioContext } from '../scenario';
import { sha256File } from './publishFromExplorer';
import {
  DEMO_LABEL,
  answerNewWorkbookPrompts,
  dragOnto,
  expandRow,
  explorerRow,
  openOwnSite,
  shot,
  treeRow,
  waitFor,
} from './steps';

const WORKBOOK = 'Regional Overview';

/** The "Sales/EMEA" project of the demo site and the workbook named WORKBOOK in it, if any. */
function simTarget(ctx: ScenarioContext) {
  const st = ctx.simulator.state();
  const site = st.sites.find((s) => s.contentUrl === ctx.simulator.demoPat!.site);
  const sales = st.projects.find((p) => p.siteId === site?.id && p.name === 'Sales' && !p.parentProjectId);
  const emea = st.projects.find((p) => p.siteId === site?.id && p.name === 'EMEA' && p.parentProjectId === sales?.id);
  assert.ok(emea, 'the demo site has no "Sales/EMEA" project');
  const mine = st.workbooks.filter((w) => w.siteId === site?.id && w.name === WORKBOOK);
  return { emea, inEmea: mine.find((w) => w.projectId === emea.id), elsewhere: mine.filter((w) => w.projectId !== emea.id) };
}

export const dragToPublish: Scenario = {
  name: 'dragToPublish',
  timeoutMs: 150_000,
  async run(ctx) {
    const { workbench: wb, samples } = ctx;
    const file = path.basename(samples.twb);
    assert.equal(simTarget(ctx).inEmea, undefined, 'the project already has the workbook: the scenario would prove nothing');
    // Open the tree down to the target project; it keeps its state while the Explorer shows.
    await openOwnSite(ctx);
    await expandRow(wb, 'Sales', 3);
    await treeRow(wb, 'EMEA', 4).waitFor({ state: 'visible', timeout: 20_000 });

    // What a user does: drag the file from the Explorer, hold it over the Tableau icon in the
    // activity bar until the view opens, then drop it on the project.
    const source = await explorerRow(wb, file);
    const icon = wb.page.locator('.activitybar .action-item a[aria-label^="Tableau"]').first();
    await dragOnto(wb.page, source, icon, { holdMs: 1500, then: async () => {
      await wb.page.locator('[id="workbench.view.extension.tableau"]').waitFor({ state: 'visible', timeout: 5_000 });
      return treeRow(wb, 'EMEA', 4);
    } });

    // The drop names the project: the flow starts at the name (the project is not asked).
    await answerNewWorkbookPrompts(wb, WORKBOOK);

    const done = await wb.waitForNotification(`Published "${WORKBOOK}" to ${DEMO_LABEL}`, 60_000);
    const message = (await done.innerText()).replace(/\s+/g, ' ');
    assert.match(message, /EMEA/, `the success message names another project: ${message}`);
    await waitFor(() => simTarget(ctx).inEmea !== undefined, 10_000, 'the simulator has no new workbook in "Sales/EMEA"');
    const { inEmea, elsewhere } = simTarget(ctx);
    assert.equal(inEmea!.sha256, sha256File(samples.twb), 'the published bytes differ from the local .twb');
    assert.deepEqual(elsewhere.map((w) => w.projectId), [], 'the workbook was (also) published into another project');
    await shot(wb, 'dragToPublish-done');
    // The tree shows the new workbook under the project it was dropped on.
    await expandRow(wb, 'EMEA', 4);
    await treeRow(wb, WORKBOOK, 5).waitFor({ state: 'visible', timeout: 20_000 });
    await shot(wb, 'dragToPublish-tree');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
