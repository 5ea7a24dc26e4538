// Revisions end to end: publish a workbook from the Explorer, change a calculated field in the
// local file, "Compare with Server" (the diff editor opens; the summary beside it names the
// field), publish the change, then "Restore This Revision…" on revision 1 in the Tableau view
// (a modal confirmation answered by id) and see the restored content current again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createClient } from '../../../src/core/createClient';
import { publish } from '../../../src/core/publish/publisher';
import { DEFAULT_SPEC, workbookDocument } from '../../fixtures/tableauWorkbook';
import { type Scenario } from '../scenario';
import { sha256File, simWorkbook } from './publishFromExplorer';
import { DEMO_LABEL, addDemoConnection, answerNewWorkbookPrompts, answerPublishTarget, expandOwnSite, expandRow, openTableauView, shot, treeContextMenu, treeRow, waitFor } from './steps';

const FILE = 'Revenue Review.twb';
const NAME = 'Revenue Review';
const PROJECT = 'Marketing';
const OLD = 'SUM([Profit])/SUM([Sales])';
const NEW = 'SUM([Profit])/NULLIF(SUM([Sales]),0)';

function document(formula: string): string {
  return workbookDocument({ calcs: { ...DEFAULT_SPEC.calcs, 'Profit Ratio': formula } });
}

export const revisions: Scenario = {
  name: 'revisions',
  timeoutMs: 240_000,
  async run(ctx) {
    const { workbench: wb, workspace, simulator } = ctx;
    const file = path.join(workspace, FILE);
    fs.writeFileSync(file, document(OLD));
    const firstBytes = path.join(path.dirname(workspace), 'revenue-first.twb');
    fs.copyFileSync(file, firstBytes);
    try {
      await wb.waitForExtensionHost();
      await addDemoConnection(ctx);
      // (A retry starts without what a failed first try published: the driver takes it back.)
      assert.equal(simWorkbook(ctx, NAME), undefined, 'the workbook is already on the demo site');

      // 1. Publish from the Explorer.
      await wb.explorerContextMenu(FILE, 'Publish to Tableau…');
      await answerPublishTarget(wb, PROJECT);
      await answerNewWorkbookPrompts(wb, NAME);
      await wb.waitForNotification(`Published "${NAME}" to ${DEMO_LABEL} · ${PROJECT}.`, 60_000);
      assert.equal(simWorkbook(ctx, NAME)?.sha256, sha256File(file));

      // 2. Change the calculated field locally, 3. Compare with Server.
      fs.writeFileSync(file, document(NEW));
      await wb.explorerContextMenu(FILE, 'Compare with Server');
      let e = await wb.prompts.next(['revisions.compareConnection', 'revisions.compareProject']);
      if (e.id === 'revisions.compareConnection') {
        await wb.choosePromptItem(e, DEMO_LABEL);
        e = await wb.prompts.next(['revisions.compareProject']);
      }
      await wb.choosePromptItem(e, PROJECT);
      await wb.page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 60_000 });
      await wb.page.locator('.tab', { hasText: `${FILE}: ${DEMO_LABEL} ↔ local` }).first().waitFor({ state: 'visible', timeout: 20_000 });
      // The summary (a Markdown preview, a webview) names the field and both formulas.
      let summary = '';
      await waitFor(async () => {
        for (const f of wb.page.frames()) {
          const text = await f.locator('body').innerText({ timeout: 1000 }).catch(() => '');
          if (text.includes('Profit Ratio') && text.includes('Calculated fields')) summary = text;
        }
        return summary !== '';
      }, 45_000, 'no summary beside the diff names the calculated field');
      assert.match(summary, /Profit Ratio \(Orders\): changed/);
      // Deployed → local: what publishing would change.
      assert.ok(summary.replace(/\s+/g, ' ').includes(`${OLD} → ${NEW}`), `the summary shows the deployed formula, then the local one: ${summary}`);
      await shot(wb, 'revisions-compare', 'compare-with-server');

      // 4. Publish the change (as another session of the site administrator: not through the UI again).
      const alice = createClient({ server: simulator.url, credential: { kind: 'password', username: 'alice', password: 'alice-password' }, siteContentUrl: simulator.demoPat!.site });
      try {
        const project = (await alice.client.allProjects()).find((p) => p.name === PROJECT && !p.parentProjectId)!;
        await publish(alice.client, { filePath: file, projectId: project.id, mode: 'overwrite' });
      } finally {
        await alice.close();
      }
      assert.equal(simWorkbook(ctx, NAME)?.sha256, sha256File(file));

      // 5. Restore revision 1 from the tree.
      await openTableauView(wb);
      await expandRow(wb, DEMO_LABEL, 1);
      await expandOwnSite(wb);
      await expandRow(wb, PROJECT, 3);
      await expandRow(wb, NAME, 4);
      await expandRow(wb, 'Revisions', 5);
      await treeRow(wb, 'Revision 2', 6).waitFor({ state: 'visible', timeout: 20_000 });
      await treeContextMenu(wb, treeRow(wb, 'Revision 1', 6), 'Restore This Revision…');
      const confirm = await wb.answerConfirm('revisions.restore');
      assert.match(confirm.message ?? '', /Restore revision 1 of "Revenue Review"\?/);
      await wb.waitForNotification(`Restored revision 1 of "${NAME}": it is now revision 3.`, 60_000);
      const current = treeRow(wb, 'Revision 3', 6);
      await current.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match(await current.innerText(), /current/);
      assert.equal(simWorkbook(ctx, NAME)?.sha256, sha256File(firstBytes), 'the server holds revision 1\'s bytes again');
      await shot(wb, 'revisions-restored', 'revisions-restored');
      const errors = await wb.errorNotifications();
      assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(firstBytes, { force: true });
    }
  },
};
