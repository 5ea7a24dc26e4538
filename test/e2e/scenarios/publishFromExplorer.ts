// Right-click a .twbx in the Explorer → "Publish to Tableau…": project, name, mode, options
// and database credentials are answered in the real prompts; the simulator then holds the
// workbook with the local file's exact bytes, the tree shows it, and "Remember for Publish
// Again" writes the target to .vscode/tableau-publish.json (publishAgain builds on that).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Scenario, type ScenarioContext } from '../scenario';
import {
  DB_PASSWORD,
  DEMO_LABEL,
  addDemoConnection,
  answerNewWorkbookPrompts,
  answerPublishTarget,
  clickNotificationButton,
  expandOwnSite,
  expandRow,
  openTableauView,
  shot,
  treeRow,
  waitFor,
} from './steps';

export const PUBLISH_PROJECT = 'Marketing';
export const WORKBOOK_NAME = 'Superstore Sales';

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function manifestFile(ctx: ScenarioContext): string {
  return path.join(ctx.workspace, '.vscode', 'tableau-publish.json');
}

/** The workbook named `name` in the demo project, as the simulator holds it now. */
export function simWorkbook(ctx: ScenarioContext, name = WORKBOOK_NAME) {
  const st = ctx.simulator.state();
  const site = st.sites.find((s) => s.contentUrl === ctx.simulator.demoPat!.site);
  const project = st.projects.find((p) => p.siteId === site?.id && p.name === PUBLISH_PROJECT && !p.parentProjectId);
  return st.workbooks.find((w) => w.siteId === site?.id && w.projectId === project?.id && w.name === name);
}

export const publishFromExplorer: Scenario = {
  name: 'publishFromExplorer',
  timeoutMs: 150_000,
  async run(ctx) {
    const { workbench: wb, samples } = ctx;
    await wb.waitForExtensionHost();
    await addDemoConnection(ctx);
    fs.rmSync(manifestFile(ctx), { force: true });
    const before = simWorkbook(ctx);
    assert.equal(before, undefined, 'the demo site already has the workbook: the scenario would prove nothing');

    await wb.explorerContextMenu(path.basename(samples.twbx), 'Publish to Tableau…');
    // Where (connection if asked, project), then name, mode, options.
    await answerPublishTarget(wb, PUBLISH_PROJECT, { name: 'publishFromExplorer-project' });
    await answerNewWorkbookPrompts(wb, WORKBOOK_NAME);

    const done = await wb.waitForNotification(`Published "${WORKBOOK_NAME}" to ${DEMO_LABEL} · ${PUBLISH_PROJECT}.`, 60_000);
    const published = simWorkbook(ctx);
    assert.ok(published, 'the simulator has no new workbook after the success message');
    assert.equal(published.sha256, sha256File(samples.twbx), 'the published bytes differ from the local .twbx');
    assert.equal(published.size, fs.statSync(samples.twbx).size);
    assert.ok(await done.locator('.monaco-button', { hasText: 'Remember for Publish Again' }).isVisible(), 'no "Remember for Publish Again" offer');
    await shot(wb, 'publishFromExplorer-done');

    // The tree shows the new workbook in its project.
    await openTableauView(wb);
    await expandRow(wb, DEMO_LABEL, 1);
    await expandOwnSite(wb);
    await expandRow(wb, PUBLISH_PROJECT, 3);
    await treeRow(wb, WORKBOOK_NAME, 4).waitFor({ state: 'visible', timeout: 20_000 });
    await shot(wb, 'publishFromExplorer-tree');

    // Answer the remember offer: the target lands in the workspace manifest, without secrets.
    await clickNotificationButton(wb, `Published "${WORKBOOK_NAME}"`, 'Remember for Publish Again');
    await waitFor(() => fs.existsSync(manifestFile(ctx)), 15_000, '.vscode/tableau-publish.json was not written');
    const text = fs.readFileSync(manifestFile(ctx), 'utf8');
    const manifest = JSON.parse(text) as { targets: { file: string; connection: string; site: string; project: string; mode: string }[] };
    const target = manifest.targets.find((t) => t.file === path.basename(samples.twbx));
    assert.ok(target, `no target for the .twbx in ${text}`);
    assert.equal(target.connection, DEMO_LABEL);
    assert.equal(target.site, ctx.simulator.demoPat!.site);
    assert.equal(target.project, PUBLISH_PROJECT);
    // Publishing it again means replacing it, whatever mode created it.
    assert.equal(target.mode, 'overwrite');
    for (const secret of [DB_PASSWORD, ctx.simulator.demoPat!.secret]) assert.ok(!text.includes(secret), 'a secret was written to the manifest');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
