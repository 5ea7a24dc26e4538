// Settings and permissions as code in a real VS Code: a manifest target declares hidden views,
// tags and a permission rule; "Tableau: Publish Again" publishes it, and the simulator holds the
// views hidden, the tags set and the rule recorded. The success message counts the changes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Scenario } from '../scenario';
import { twbxBytes } from '../../fixtures/samples';
import { PUBLISH_PROJECT } from './publishFromExplorer';
import { DEMO_LABEL, addDemoConnection, shot, waitFor } from './steps';

const NAME = 'Settings Board';

export const publishSettings: Scenario = {
  name: 'publishSettings',
  timeoutMs: 120_000,
  async run(ctx) {
    const { workbench: wb } = ctx;
    const file = `${NAME}.twbx`;
    fs.writeFileSync(path.join(ctx.workspace, file), twbxBytes(undefined, { sheets: ['Summary', 'Detail', 'Scratch'] }));
    // Added to whatever the workspace manifest holds (another scenario's target stays).
    const manifestPath = path.join(ctx.workspace, '.vscode', 'tableau-publish.json');
    const manifest = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : { version: 1, targets: [] };
    manifest.targets.push({
      file, connection: DEMO_LABEL, site: ctx.simulator.demoPat!.site, project: PUBLISH_PROJECT, mode: 'overwrite',
      options: { hiddenViews: ['Scratch'], tags: ['e2e', 'board'], permissions: [{ group: 'All Users', template: 'Viewer' }] },
    });
    fs.mkdirSync(path.dirname(manifestPath), { recursive: true });
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

    await wb.waitForExtensionHost();
    await addDemoConnection(ctx);
    await wb.page.keyboard.press('Control+Shift+E');
    await wb.clickTreeItem(file);
    await wb.page.locator('.tabs-container .tab', { hasText: file }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await wb.clearNotifications();
    await wb.runCommand('Tableau: Publish Again');

    const done = wb.page.locator('.notifications-toasts .notification-toast', { hasText: `Published "${NAME}"` }).first();
    await waitFor(
      async () => {
        if (await done.isVisible().catch(() => false)) return true;
        const prompt = wb.prompts.poll();
        if (!prompt) return false;
        // An untrusted workspace asks once where the manifest sends the file.
        if (prompt.id === 'publish.manifestTarget') {
          await wb.answerConfirm('publish.manifestTarget');
          return false;
        }
        throw new Error(`Publish Again asked a question it should not: "${prompt.id}"`);
      },
      60_000,
      `no "Published "${NAME}"" message after Publish Again`,
    );
    await shot(wb, 'publishSettings-done');
    assert.match(await done.innerText(), /settings and permission change\(s\) applied/);

    const st = ctx.simulator.state();
    const site = st.sites.find((s) => s.contentUrl === ctx.simulator.demoPat!.site)!;
    const w = st.workbooks.find((x) => x.siteId === site.id && x.name === NAME);
    assert.ok(w, 'the workbook is not on the simulator');
    assert.deepEqual(w.hiddenViews, ['Scratch']);
    assert.deepEqual(w.views.map((v) => v.name), ['Summary', 'Detail'], 'the hidden view is listed');
    assert.deepEqual(w.tags, ['e2e', 'board']);
    const allUsers = st.groups.find((g) => g.siteId === site.id && g.name === 'All Users')!;
    const rule = st.permissions.find((p) => p.on === w.id && p.grantee === `group:${allUsers.id}`);
    assert.equal(rule?.capabilities.Read, 'Allow', `no Viewer rule recorded: ${JSON.stringify(st.permissions.filter((p) => p.on === w.id))}`);
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
