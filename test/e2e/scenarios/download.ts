// Right-click a workbook in the Tableau view → "Download to Workspace": the file lands in
// the workspace folder with exactly the bytes the simulator holds for that workbook. Then
// "Open in Browser" on the workbook and on its project: the address VS Code is asked to open.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Scenario, type ScenarioContext } from '../scenario';
import { sha256File } from './publishFromExplorer';
import { escapeRegExp, expandRow, openedBy, openOwnSite, shot, treeContextMenu, treeRow, waitFor } from './steps';

const WORKBOOK = 'Sales Overview';

/** The seeded "Sales Overview" workbook of the demo site's top-level "Sales" project. */
function simSalesOverview(ctx: ScenarioContext) {
  const st = ctx.simulator.state();
  const site = st.sites.find((s) => s.contentUrl === ctx.simulator.demoPat!.site);
  const project = st.projects.find((p) => p.siteId === site?.id && p.name === 'Sales' && !p.parentProjectId);
  return st.workbooks.find((w) => w.siteId === site?.id && w.projectId === project?.id && w.name === WORKBOOK);
}

export const download: Scenario = {
  name: 'download',
  timeoutMs: 120_000,
  async run(ctx) {
    const { workbench: wb, workspace } = ctx;
    const expected = simSalesOverview(ctx);
    assert.ok(expected, `the demo site has no "${WORKBOOK}" workbook`);
    assert.ok(expected.size > 0, 'the seeded workbook is empty: comparing bytes would prove little');
    const before = new Set(fs.readdirSync(workspace));
    await openOwnSite(ctx);
    await expandRow(wb, 'Sales', 3);
    await treeContextMenu(wb, treeRow(wb, WORKBOOK, 4), 'Download to Workspace');

    // A single workspace folder: no question is asked; the progress ends in "Downloaded ...".
    const done = await wb.waitForNotification(`Downloaded "${WORKBOOK}" to `, 60_000);
    const message = (await done.innerText()).replace(/\s+/g, ' ');
    const named = /Downloaded "[^"]+" to (.+?\.(?:twbx|twb))\./.exec(message);
    assert.ok(named, `the success message names no saved file: ${message}`);
    const saved = path.join(workspace, named[1]);
    assert.ok(!before.has(named[1]), `"${named[1]}" was already in the workspace before the download`);
    await waitFor(() => fs.existsSync(saved), 10_000, `${named[1]} is not in the workspace folder`);
    assert.equal(fs.statSync(saved).size, expected.size, 'the downloaded size differs from the simulator\'s');
    assert.equal(sha256File(saved), expected.sha256, 'the downloaded bytes differ from the simulator\'s');
    // Only the one file was added: no temporary download file is left behind.
    const added = fs.readdirSync(workspace).filter((f) => !before.has(f));
    assert.deepEqual(added, [named[1]], `unexpected new files in the workspace: ${JSON.stringify(added)}`);
    assert.ok(await done.locator('.monaco-button', { hasText: 'Reveal in Explorer' }).isVisible(), 'no "Reveal in Explorer" offer');
    await shot(wb, 'download-done');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
    // Scenarios after this one share the workspace: leave it as it was.
    fs.rmSync(saved, { force: true });

    // Open in Browser: the page Tableau gives for the workbook (a repository number), not its LUID.
    const siteUrl = `${ctx.simulator.url}/#/site/${ctx.simulator.demoPat!.site}`;
    const opened = await openedBy(wb, () => treeContextMenu(wb, treeRow(wb, WORKBOOK, 4), 'Open in Browser'));
    assert.match(opened, new RegExp(`^${escapeRegExp(siteUrl)}/workbooks/\\d+$`), `Open in Browser opened ${opened}`);
    assert.ok(!opened.includes(expected.id), `the address holds the LUID: ${opened}`);
    // A project has no page in the REST API: the site's projects, and a word why.
    const projectPage = await openedBy(wb, () => treeContextMenu(wb, treeRow(wb, 'Sales', 3), 'Open in Browser'));
    assert.equal(projectPage, `${siteUrl}/projects`);
    await wb.waitForNotification('Tableau gives no web address for a project', 20_000);
  },
};
