// Environments in the real workbench: the environment is switched in the status bar; the
// workbook whose database host changes in "prod" is previewed (the plan in a read-only editor),
// published (the database password asked once), published again after the plan is confirmed in
// the modal; then promoted from the Tableau tree to "dr" (another site); last, with "dr" active,
// Publish… sends a new workbook to dr's site with dr's rule and a permission rule from More settings….
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workbookXml } from '../../fixtures/samples';
import { itemLabel, waitForWidget } from '../prompts';
import { type Scenario, type ScenarioContext } from '../scenario';
import { DEMO_LABEL, addDemoConnection, answerDialog, assertPasswordBox, expandOwnSite, expandRow, openTableauView, quickInput, scrollTreeTo, shot, statusBarItem, treeContextMenu, treeRow, waitFor, waitForPromptId } from './steps';

const NAME = 'Env Pipeline';
/** Published with Publish… while "dr" is active. */
const DR_NAME = 'Env Ledger';
const DB_PASSWORD = 'e2e-env-db-password-2c7e';

function itemsOn(ctx: ScenarioContext, site: string): { id: string; name: string; tags: string[] }[] {
  const st = ctx.simulator.state();
  const siteId = st.sites.find((s) => s.contentUrl === site)?.id;
  return st.workbooks.filter((w) => w.name === NAME && st.projects.find((p) => p.id === w.projectId)?.siteId === siteId);
}

export const environments: Scenario = {
  name: 'environments',
  timeoutMs: 180_000,
  async run(ctx) {
    const { workbench: wb } = ctx;
    const dir = path.join(ctx.workspace, 'environments');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${NAME}.twb`);
    fs.writeFileSync(file, workbookXml([{ class: 'postgres', server: 'db.dev.example', port: '5432', dbname: 'sales', username: 'dev' }]));
    const manifest = path.join(ctx.workspace, '.vscode', 'tableau-publish.json');
    const before = fs.existsSync(manifest) ? fs.readFileSync(manifest, 'utf8') : undefined;
    fs.mkdirSync(path.dirname(manifest), { recursive: true });
    fs.writeFileSync(manifest, JSON.stringify({
      version: 2,
      environments: {
        // "prod" is the site the tree shows (the demo connection's); "dr" is another site of the server.
        prod: { connection: DEMO_LABEL, site: ctx.simulator.demoPat!.site, createProjects: true },
        dr: { connection: DEMO_LABEL, site: 'finance', createProjects: true, dataConnections: [{ match: { server: 'db.prod.example' }, set: { server: 'db.dr.example' } }] },
      },
      targets: [{
        file: `environments/${NAME}.twb`,
        project: 'Environments',
        mode: 'overwrite',
        environments: {
          prod: { dataConnections: [{ match: { server: 'db.dev.example' }, set: { server: 'db.prod.example' }, credentials: { username: 'tableau_prod', password: { secret: 'e2e-prod-db' } } }] },
          dr: {},
        },
      }],
    }, null, 2));
    try {
      await wb.waitForExtensionHost();
      await addDemoConnection(ctx);

      // The status bar shows the environment; clicking it switches.
      const envItem = statusBarItem(wb.page, /no environment/);
      await envItem.waitFor({ state: 'visible', timeout: 30_000 });
      await envItem.click();
      const pick = await waitForPromptId(wb, 'environment.switch');
      await wb.choosePromptItem(pick, 'prod');
      await statusBarItem(wb.page, /prod/).waitFor({ state: 'visible', timeout: 15_000 });

      // The plan, in a read-only editor.
      await wb.page.keyboard.press('Control+Shift+E');
      await wb.clickTreeItem('environments');
      await wb.clickTreeItem(`${NAME}.twb`);
      await wb.runCommand('Tableau: Preview Publish…');
      const planText = wb.page.locator('.editor-instance .view-lines', { hasText: 'server=db.prod.example' }).first();
      await planText.waitFor({ state: 'visible', timeout: 30_000 });
      await shot(wb, 'environments-plan');

      // Publish Again to prod: a new item, so no confirmation; the rule's password is asked once, in a password box.
      await wb.clickTreeItem(`${NAME}.twb`);
      await wb.clearNotifications();
      await wb.runCommand('Tableau: Publish Again');
      // (A retried run finds the item from the first attempt: then prod asks with the plan first.)
      let asked = await wb.prompts.next(['publish.environmentSecret', 'publish.environmentPlan'], 30_000);
      if (asked.id === 'publish.environmentPlan') {
        await answerDialog(wb.page, /Overwrite/, 'Publish');
        asked = await wb.prompts.next(['publish.environmentSecret'], 30_000);
      }
      await waitForWidget(wb.page, asked);
      await assertPasswordBox(wb.page);
      await quickInput(wb.page).fill(DB_PASSWORD);
      await quickInput(wb.page).press('Enter');
      await wb.waitForNotification(`Published "${NAME}"`, 60_000);
      assert.equal(itemsOn(ctx, ctx.simulator.demoPat!.site).length, 1, 'published on the prod site');

      // Again: it exists now, and prod confirms before overwriting, showing the plan.
      await wb.clearNotifications();
      await wb.runCommand('Tableau: Publish Again');
      // A confirmation is a modal dialog, not a quick input: found by id in the prompt log, answered on screen.
      await wb.prompts.next(['publish.environmentPlan'], 30_000);
      await shot(wb, 'environments-confirm');
      await answerDialog(wb.page, /Overwrite/, 'Publish');
      await wb.waitForNotification(`Published "${NAME}"`, 60_000);
      assert.equal(itemsOn(ctx, ctx.simulator.demoPat!.site).length, 1, 'overwritten in place');
      // What the server stored: the connection rewritten to the prod host, with the login asked for once.
      const stored = ctx.simulator.state().workbooks.find((w) => w.id === itemsOn(ctx, ctx.simulator.demoPat!.site)[0].id)!;
      const pg = stored.connections?.find((c) => c.type === 'postgres');
      assert.equal(pg?.serverAddress, 'db.prod.example', `connections: ${JSON.stringify(stored.connections)}`);
      assert.equal(pg?.userName, 'tableau_prod');
      assert.equal(pg?.passwordSha256, createHash('sha256').update(DB_PASSWORD).digest('hex'));

      // Promote from the tree to "dr" (the finance site).
      await openTableauView(wb);
      await expandRow(wb, DEMO_LABEL, 1);
      await expandOwnSite(wb);
      const project = treeRow(wb, 'Environments', 3);
      await scrollTreeTo(wb, project, 'the project "Environments"');
      await expandRow(wb, 'Environments', 3);
      const row = treeRow(wb, NAME, 4);
      await scrollTreeTo(wb, row, NAME);
      await treeContextMenu(wb, row, 'Promote to…');
      const target = await waitForPromptId(wb, 'environment.promoteTarget');
      await wb.choosePromptItem(target, 'dr');
      const extract = await waitForPromptId(wb, 'promote.extract');
      await wb.choosePromptItem(extract, 'exclude');
      await wb.prompts.next(['promote.confirm'], 60_000);
      await shot(wb, 'environments-promote');
      await answerDialog(wb.page, /Promote/, 'Promote');
      // The earlier publishes' "Published" toasts may still be up: wait for the copy on the server itself.
      await waitFor(() => itemsOn(ctx, 'finance').length > 0, 60_000, 'the promoted copy on the finance site');
      const [copy] = itemsOn(ctx, 'finance');
      assert.ok(copy, 'promoted to the dr site');
      assert.ok(copy.tags.includes('promoted-from-prod'), `tags: ${JSON.stringify(copy.tags)}`);

      // Publish… with "dr" active: no connection asked (dr's, on the finance site), dr's rule rewrites the
      // host, and More settings… adds a Viewer rule for All Users.
      await publishThroughDr(ctx, dir);
      const errors = await wb.errorNotifications();
      assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
    } finally {
      if (before === undefined) fs.rmSync(manifest, { force: true });
      else fs.writeFileSync(manifest, before);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function publishThroughDr(ctx: ScenarioContext, dir: string): Promise<void> {
  const { workbench: wb } = ctx;
  fs.writeFileSync(path.join(dir, `${DR_NAME}.twb`), workbookXml([{ class: 'postgres', server: 'db.prod.example', port: '5432', dbname: 'ledger', username: 'prod' }]));
  await statusBarItem(wb.page, /prod/).click();
  await wb.choosePromptItem(await waitForPromptId(wb, 'environment.switch'), 'dr');
  await statusBarItem(wb.page, /\bdr\b/).waitFor({ state: 'visible', timeout: 15_000 });
  await wb.clearNotifications();
  await wb.explorerContextMenu(`${DR_NAME}.twb`, 'Publish to Tableau…');
  // The first question is the project, on dr's site: the environment names the connection.
  await wb.answerPick('publish.project', 'Finance');
  await wb.answerInput('publish.name', DR_NAME);
  await wb.answerPick('publish.mode', 'createnew');
  // The Options pick is a multi-select: a click on the row checks it, Enter accepts.
  const options = await wb.prompts.next(['publish.options']);
  await waitForWidget(wb.page, options);
  await wb.pickQuickItem(itemLabel(options, 'moreSettings'));
  await quickInput(wb.page).press('Enter');
  await wb.answerPick('publish.owner', 'keep');
  await wb.answerPick('publish.thumbnails', 'keep');
  await wb.answerPick('publish.permissionGrantee', 'group:All Users');
  await wb.answerPick('publish.permissionTemplate', 'Viewer');
  await shot(wb, 'environments-moreSettings');
  await wb.answerPick('publish.permissionGrantee', 'none');
  await wb.waitForNotification(`Published "${DR_NAME}"`, 60_000);

  const st = ctx.simulator.state();
  const finance = st.sites.find((s) => s.contentUrl === 'finance')!;
  const stored = st.workbooks.find((w) => w.name === DR_NAME && w.siteId === finance.id);
  assert.ok(stored, `"${DR_NAME}" is not on dr's site (finance)`);
  assert.equal(st.projects.find((p) => p.id === stored.projectId)?.name, 'Finance');
  assert.equal(stored.connections?.find((c) => c.type === 'postgres')?.serverAddress, 'db.dr.example', `connections: ${JSON.stringify(stored.connections)}`);
  const allUsers = st.groups.find((g) => g.siteId === finance.id && g.name === 'All Users')!;
  const rule = st.permissions.find((p) => p.on === stored.id && p.grantee === `group:${allUsers.id}`);
  assert.equal(rule?.capabilities.Read, 'Allow', `no Viewer rule from More settings…: ${JSON.stringify(st.permissions.filter((p) => p.on === stored.id))}`);
}
