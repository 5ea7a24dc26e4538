// A .hyper over Tableau's 64 MB request limit, made at scenario time (sparse, deleted after):
// publishing it goes in parts while the notification's percent climbs; publishing it again
// and pressing Cancel in that notification leaves the simulator's content exactly as it was.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Locator } from 'playwright-core';
import { type Workbench } from '../harness';
import { type Scenario, type ScenarioContext } from '../scenario';
import { addDemoConnection, answerPublishTarget, shot, waitFor } from './steps';

const FILE = 'Big Orders.hyper';
const NAME = 'Big Orders';
const PROJECT = 'Marketing';
const SIZE = 72 * 1024 * 1024;
const CHUNK_MB = 8;

/** A sparse file: the `Hyper` magic, then zeros up to `size`; no 72 MB buffer in memory. */
function writeBigHyper(file: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, Buffer.from('Hyper\x02', 'latin1'));
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

async function sha256Stream(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** What "nothing new on the server" compares: every item with its bytes and timestamps. */
function contentSnapshot(ctx: ScenarioContext): string {
  const st = ctx.simulator.state();
  const items = [...st.workbooks, ...st.datasources].map((i) => `${i.id} ${i.name} ${i.projectId} ${i.sha256} ${i.updatedAt}`);
  return items.sort().join('\n');
}

function progressToast(wb: Workbench): Locator {
  return wb.page.locator('.notifications-toasts .notification-toast', { hasText: `Publishing "${NAME}"` }).first();
}

/** Answers the publish prompts for the big file up to the progress notification. */
async function startPublish(wb: Workbench, existing: boolean): Promise<void> {
  await wb.explorerContextMenu(FILE, 'Publish to Tableau…');
  await answerPublishTarget(wb, PROJECT);
  await wb.answerInput('publish.name', NAME);
  if (existing) {
    await wb.answerPick('publish.mode', 'overwrite');
    const confirm = await wb.answerConfirm('publish.replace');
    assert.ok(confirm.message?.includes(`"${NAME}"`), `the confirmation names what it replaces: ${confirm.message}`);
  } else {
    await wb.answerPick('publish.mode', 'createnew');
  }
  await wb.acceptPick('publish.options');
}

export const bigHyper: Scenario = {
  name: 'bigHyper',
  timeoutMs: 180_000,
  async run(ctx) {
    const { workbench: wb, simulator, workspace } = ctx;
    const file = path.join(workspace, FILE);
    const settings = path.join(workspace, '.vscode', 'settings.json');
    const settingsBefore = fs.readFileSync(settings, 'utf8');
    try {
      writeBigHyper(file, SIZE);
      // Small parts and a slow server make the upload long enough to watch and to cancel.
      fs.writeFileSync(settings, settingsBefore.replace(/\{/, `{\n  "tableau.publish.chunkSizeMB": ${CHUNK_MB},`));
      simulator.injectFault({ match: { method: 'PUT', pathPattern: 'fileUploads' }, action: { delayMs: 500 }, times: 1000 });
      await wb.waitForExtensionHost();
      await addDemoConnection(ctx);

      // 1. Publish: the percent in the notification changes as the parts go.
      await startPublish(wb, false);
      const toast = progressToast(wb);
      await toast.waitFor({ state: 'visible', timeout: 30_000 });
      const percents = new Set<number>();
      let shotTaken = false;
      const done = wb.page.locator('.notifications-toasts .notification-toast', { hasText: `Published "${NAME}"` });
      await waitFor(
        async () => {
          const text = await toast.innerText({ timeout: 1000 }).catch(() => '');
          const m = /\((\d+)%\)/.exec(text);
          if (m) percents.add(Number(m[1]));
          if (m && percents.size >= 2 && !shotTaken) {
            shotTaken = true;
            await shot(wb, 'bigHyper-progress', 'publish-progress');
          }
          return done.isVisible().catch(() => false);
        },
        120_000,
        `the publish of ${FILE} did not finish (percents seen: ${[...percents].join(', ')})`,
      );
      assert.ok(percents.size >= 2, `the progress percent changed fewer than twice: ${JSON.stringify([...percents])}`);
      const st = simulator.state();
      const ds = st.datasources.find((d) => d.name === NAME);
      assert.ok(ds, 'the simulator has no "Big Orders" data source');
      assert.equal(ds.size, SIZE);
      assert.equal(ds.sha256, await sha256Stream(file), 'the published bytes differ from the local file');
      assert.ok(st.uploads.some((u) => u.consumed && u.size === SIZE && u.chunks >= 2), `no chunked upload session of ${SIZE} bytes: ${JSON.stringify(st.uploads)}`);
      await done.locator('.codicon-notifications-clear').first().click().catch(() => undefined);

      // 2. Publish again (overwrite) and cancel mid-way: nothing on the server changes.
      const before = contentSnapshot(ctx);
      const uploadsBefore = simulator.state().uploads.length;
      await startPublish(wb, true);
      const again = progressToast(wb);
      // Cancel once bytes are on the way (not during the 0 % inspection step).
      await waitFor(async () => /MB \([1-9]\d*%\)/.test(await again.innerText({ timeout: 1000 }).catch(() => '')), 30_000, 'no upload progress in the second publish');
      await shot(wb, 'bigHyper-cancel');
      await again.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
      await again.waitFor({ state: 'hidden', timeout: 20_000 });
      // Give a late request time to land before comparing.
      await wb.page.waitForTimeout(2000);
      assert.equal(contentSnapshot(ctx), before, 'the server content changed after Cancel');
      const fresh = simulator.state().uploads.slice(uploadsBefore);
      assert.ok(fresh.every((u) => !u.consumed), `a cancelled upload was committed: ${JSON.stringify(fresh)}`);
      const success = await wb.page.locator('.notifications-toasts .notification-toast', { hasText: `Published "${NAME}"` }).count();
      assert.equal(success, 0, 'a success message after Cancel');
      const errors = await wb.errorNotifications();
      assert.deepEqual(errors, [], `Cancel was reported as a failure: ${JSON.stringify(errors)}`);
    } finally {
      simulator.clearFaults();
      fs.writeFileSync(settings, settingsBefore);
      fs.rmSync(file, { force: true });
    }
  },
};
