// A read-only connection browses but never changes the site: its project, workbook and data
// source nodes offer no "Delete…" and no "Publish to Tableau…" (context menu or inline),
// while the same nodes of the writable connection do (so the check means something).
import * as assert from 'node:assert/strict';
import { type Workbench } from '../harness';
import { type Scenario } from '../scenario';
import { DEMO_LABEL, expandOwnSite, expandRow, openOwnSite, shot, statusBarItem, treeRow } from './steps';

/** Right-clicks a Tableau tree row and returns its context menu's item labels (menu closed after). */
async function menuOf(wb: Workbench, label: string, level: number): Promise<string[]> {
  const row = treeRow(wb, label, level);
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await dismissHover(wb);
  await row.click({ button: 'right' });
  const items = wb.page.locator('.monaco-menu .action-item .action-label');
  await items.first().waitFor({ state: 'visible', timeout: 10_000 });
  const labels = (await items.allTextContents()).map((t) => t.trim()).filter(Boolean);
  await wb.page.keyboard.press('Escape');
  await wb.page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  return labels;
}

/** Moves the mouse off the tree so a row's hover tooltip closes (it would swallow the next click). */
async function dismissHover(wb: Workbench): Promise<void> {
  await wb.page.mouse.move(900, 450);
  await wb.page.locator('.context-view .monaco-hover').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
}

/** Labels of the inline action buttons a row shows on hover. */
async function inlineActionsOf(wb: Workbench, label: string, level: number): Promise<string[]> {
  const row = treeRow(wb, label, level);
  await row.hover();
  const actions = row.locator('.actions .action-label');
  return (await actions.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.getAttribute('title') ?? ''))).filter(Boolean);
}

export const readOnly: Scenario = {
  name: 'readOnly',
  timeoutMs: 150_000,
  async run(ctx) {
    const { workbench: wb } = ctx;
    await openOwnSite(ctx);
    await expandRow(wb, 'Marketing', 3);

    // Writable: the actions are there.
    assert.ok((await menuOf(wb, 'Marketing', 3)).includes('Publish to Tableau…'), 'a writable project offers no "Publish to Tableau…"');
    assert.ok((await menuOf(wb, 'Campaign Results', 4)).includes('Delete…'), 'a writable workbook offers no "Delete…"');

    await wb.runCommand('Tableau: Toggle Read-Only');
    await wb.waitForNotification(`"${DEMO_LABEL}" is now read-only`);
    await statusBarItem(wb.page, DEMO_LABEL).locator('.codicon-lock').waitFor({ state: 'visible', timeout: 10_000 });
    await treeRow(wb, DEMO_LABEL, 1).filter({ hasText: 'read-only' }).waitFor({ state: 'visible', timeout: 15_000 });
    await expandOwnSite(wb);
    await expandRow(wb, 'Marketing', 3);

    const nodes: [string, number][] = [['Marketing', 3], ['Campaign Results', 4], ['Campaign Spend', 4]];
    for (const [label, level] of nodes) {
      const menu = await menuOf(wb, label, level);
      // The menu did open: read-only still copies and opens.
      assert.ok(menu.includes('Copy Name'), `context menu of "${label}" did not open as expected: ${JSON.stringify(menu)}`);
      for (const refused of ['Delete…', 'Publish to Tableau…']) {
        assert.ok(!menu.includes(refused), `read-only "${label}" still offers "${refused}": ${JSON.stringify(menu)}`);
      }
      const inline = await inlineActionsOf(wb, label, level);
      assert.ok(!inline.some((a) => a.startsWith('Publish to Tableau')), `read-only "${label}" has an inline publish action: ${JSON.stringify(inline)}`);
    }
    // Leave a picture of a read-only project's menu.
    await dismissHover(wb);
    await treeRow(wb, 'Campaign Results', 4).click({ button: 'right' });
    await wb.page.locator('.monaco-menu').first().waitFor({ state: 'visible' });
    await shot(wb, 'readOnly-menu');
    await wb.page.keyboard.press('Escape');
  },
};
