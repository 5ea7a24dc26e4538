// Steps several UI scenarios share, in the user's words: add the demo connection through
// the real prompts, open the Tableau view, find and expand tree rows, answer the
// notifications a publish shows. Every wait is bounded and names what was missing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Locator, type Page } from 'playwright-core';
import { type Workbench } from '../harness';
import { type PromptEvent, type PromptId, waitForWidget } from '../prompts';
import { artifactsDir, repoRoot } from '../processes';
import { type ScenarioContext } from '../scenario';

/** The label every scenario gives the demo connection (manifest targets name it). */
export const DEMO_LABEL = 'Demo Sales';

/**
 * "Tableau: Add Connection…" answered prompt by prompt (each found by its id): server, site,
 * name, sign-in kind, "Enter a token I have", token name, secret (checked to be a password
 * box), expiry. Resolves once the status bar shows the connection.
 */
export async function addDemoConnection(ctx: ScenarioContext, label = DEMO_LABEL, opts: { secretShot?: { name: string; keepAs?: string } } = {}): Promise<void> {
  const { workbench: wb, simulator } = ctx;
  const pat = simulator.demoPat;
  if (!pat) throw new Error('the simulator has no demo PAT');
  await wb.runCommand('Tableau: Add Connection…');
  await wb.answerInput('connection.server', simulator.url);
  await wb.answerInput('connection.site', pat.site);
  await wb.answerInput('connection.label', label);
  await wb.answerPick('connection.authKind', 'pat');
  await wb.answerPick('connection.patSource', 'have');
  await wb.answerInput('connection.patName', pat.name);
  if (opts.secretShot) {
    // Shows the masked secret box: fill first, photograph, then accept.
    await waitForPromptId(wb, 'connection.patSecret');
    await assertPasswordBox(wb.page);
    await quickInput(wb.page).fill(pat.secret);
    await shot(wb, opts.secretShot.name, opts.secretShot.keepAs);
    await quickInput(wb.page).press('Enter');
  } else {
    await wb.answerInput('connection.patSecret', pat.secret, { password: true });
  }
  await wb.answerInput('connection.patExpiry', '');
  await statusBarItem(wb.page, label).waitFor({ state: 'visible', timeout: 30_000 });
  await wb.waitForNotification(`Connection "${label}" added.`, 15_000);
}

/** A fresh window's usual start: add the demo connection, open the Tableau view, expand to its own site. */
export async function openOwnSite(ctx: ScenarioContext): Promise<Locator> {
  await ctx.workbench.waitForExtensionHost();
  await addDemoConnection(ctx);
  await openTableauView(ctx.workbench);
  await expandRow(ctx.workbench, DEMO_LABEL, 1);
  return expandOwnSite(ctx.workbench);
}

export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-box input');
}

/** Waits until the extension's prompt `id` is open on screen (found by id, not by its text) and takes it. */
export async function waitForPromptId(wb: Workbench, id: PromptId, timeoutMs = 20_000): Promise<PromptEvent> {
  const e = await wb.prompts.next([id], timeoutMs);
  await waitForWidget(wb.page, e, timeoutMs);
  return e;
}

export async function assertPasswordBox(page: Page): Promise<void> {
  const type = await quickInput(page).getAttribute('type');
  if (type !== 'password') throw new Error(`the secret box is of type "${type}", not "password": the secret would show on screen`);
}

/**
 * Answers "where to publish": the connection pick when the extension asks it (it does once
 * a last-used target exists), then the project pick (`project`: its path joined with "/").
 */
export async function answerPublishTarget(wb: Workbench, project: string, shotName?: { name: string; keepAs?: string }): Promise<void> {
  let e = await wb.prompts.next(['publish.connection', 'publish.project']);
  if (e.id === 'publish.connection') {
    await wb.choosePromptItem(e, DEMO_LABEL);
    e = await wb.prompts.next(['publish.project']);
  }
  await waitForWidget(wb.page, e);
  if (shotName) await shot(wb, shotName.name, shotName.keepAs);
  await wb.choosePromptItem(e, project);
}

/** The database password the scenarios embed for the samples' PostgreSQL connection (user "analyst"). */
export const DB_PASSWORD = 'e2e-db-password-4d1b';

/**
 * Answers the publish flow's questions after "where" for a new workbook: its name on
 * Tableau, "Create new", the Options pick as it is, then the sample's database credentials.
 */
export async function answerNewWorkbookPrompts(wb: Workbench, name: string): Promise<void> {
  await wb.answerInput('publish.name', name);
  await wb.answerPick('publish.mode', 'createnew');
  await wb.acceptPick('publish.options');
  // The workbook's PostgreSQL connection needs database credentials: embed them.
  await embedDbCredentials(wb);
}

/**
 * Answers the "database credentials" pick: embeds "analyst" and DB_PASSWORD, typed into
 * a box checked to be a password box.
 */
export async function embedDbCredentials(wb: Workbench): Promise<void> {
  await wb.answerPick('publish.dbCredentials', 'embed');
  await wb.answerInput('publish.dbUsername', 'analyst');
  const e = await waitForPromptId(wb, 'publish.dbPassword');
  if (!e.prompt?.includes('analyst')) throw new Error(`the password prompt does not name the user: ${e.prompt}`);
  await assertPasswordBox(wb.page);
  await quickInput(wb.page).fill(DB_PASSWORD);
  await quickInput(wb.page).press('Enter');
}

/** The status bar entry whose text contains `text`. */
export function statusBarItem(page: Page, text: string | RegExp): Locator {
  return page.locator('.statusbar .statusbar-item', { hasText: text }).first();
}

/** Shows the Tableau view container (activity bar) and returns its side bar part. */
export async function openTableauView(wb: Workbench): Promise<Locator> {
  const container = wb.page.locator('[id="workbench.view.extension.tableau"]');
  if (!(await container.isVisible().catch(() => false))) {
    await wb.page.locator('.activitybar .action-item a[aria-label^="Tableau"]').first().click();
  }
  await container.waitFor({ state: 'visible', timeout: 15_000 });
  return container;
}

/** A row of the Tableau content tree labelled exactly `label` (at tree depth `level`, 1 = connection). */
export function treeRow(wb: Workbench, label: string, level?: number): Locator {
  const exact = new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
  const rows = wb.page.locator(`[id="workbench.view.extension.tableau"] .monaco-list-row${level ? `[aria-level="${level}"]` : ''}`);
  return rows.filter({ has: wb.page.locator('.label-name', { hasText: exact }) }).first();
}

/** Waits for a tree row and expands it (a click toggles; only click when collapsed). */
export async function expandRow(wb: Workbench, label: string, level?: number, timeoutMs = 30_000): Promise<Locator> {
  const row = treeRow(wb, label, level);
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', timeoutMs, `tree row "${label}" did not expand`);
  return row;
}

/**
 * Expands the connection's own site: the first site row under it (the tree lists the site
 * the connection signs in to first, whatever its display name).
 */
export async function expandOwnSite(wb: Workbench, timeoutMs = 30_000): Promise<Locator> {
  const row = wb.page.locator('[id="workbench.view.extension.tableau"] .monaco-list-row[aria-level="2"]').first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', timeoutMs, 'the connection\'s site did not expand');
  return row;
}

/** Scrolls the Tableau tree down until `row` is drawn (the list only renders what is on screen). */
export async function scrollTreeTo(wb: Workbench, row: Locator, what: string, maxScrolls = 60): Promise<void> {
  const list = wb.page.locator('[id="workbench.view.extension.tableau"] .monaco-list').first();
  for (let i = 0; i < maxScrolls; i++) {
    if (await row.isVisible().catch(() => false)) return;
    await list.hover();
    await wb.page.mouse.wheel(0, 400);
    await wb.page.waitForTimeout(120);
  }
  await row.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {
    throw new Error(`${what} is not in the Tableau tree after scrolling to its end`);
  });
}

/** Labels of every row the Tableau tree shows now. */
export async function treeLabels(wb: Workbench): Promise<string[]> {
  const names = wb.page.locator('[id="workbench.view.extension.tableau"] .monaco-list-row .label-name');
  return (await names.allTextContents()).map((t) => t.trim());
}

/** Clicks `button` on the notification toast containing `text`. */
export async function clickNotificationButton(wb: Workbench, text: string | RegExp, button: string, timeoutMs = 30_000): Promise<void> {
  const toast = await wb.waitForNotification(text, timeoutMs);
  const b = toast.locator('.monaco-button', { hasText: button }).first();
  await b.waitFor({ state: 'visible', timeout: 10_000 });
  await b.click();
}

/** Clicks `button` in the open modal dialog whose message contains `text`. */
export async function answerDialog(page: Page, text: string | RegExp, button: string): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box', { hasText: text }).first();
  await dialog.waitFor({ state: 'visible', timeout: 20_000 });
  await dialog.locator('.monaco-button', { hasText: button }).first().click();
}

/** Polls `check` every 250 ms until it holds. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Copies an artifact screenshot into media/screenshots/ under a stable name (for the README). */
export function keepScreenshot(file: string, stableName: string): void {
  const dir = path.join(repoRoot(), 'media', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, `${stableName}.png`));
}

/** Screenshot into test-artifacts/e2e/ and, with `keepAs`, media/screenshots/. */
export async function shot(wb: Workbench, name: string, keepAs?: string): Promise<string> {
  const file = await wb.screenshot(name);
  if (keepAs) keepScreenshot(file, keepAs);
  return file;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export { artifactsDir };

/** Right-clicks a Tableau tree row and runs `menuItem` from its context menu. */
export async function treeContextMenu(wb: Workbench, row: Locator, menuItem: string): Promise<void> {
  await wb.contextMenu(row, menuItem, "the tree row's context menu");
}

/** The Explorer row of `fileName` (the Explorer is shown first). */
export async function explorerRow(wb: Workbench, fileName: string): Promise<Locator> {
  await wb.page.keyboard.press('Control+Shift+E');
  const exact = new RegExp(`^\\s*${escapeRegExp(fileName)}\\s*$`);
  const row = wb.page.locator('.explorer-folders-view .monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: exact }) }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  return row;
}

/**
 * Drags `source` onto `target` with the real mouse: press, small moves so the workbench
 * sees an HTML5 dragstart, moves over the target (its dragover decides the drop effect),
 * release. With `holdMs` the drag rests on `target` that long (e.g. an activity bar icon,
 * which opens its view on a held drag) and `then` names where to drop instead.
 */
export async function dragOnto(page: Page, source: Locator, target: Locator, opts: { holdMs?: number; then?: () => Promise<Locator> } = {}): Promise<void> {
  const centre = async (l: Locator, what: string): Promise<{ x: number; y: number }> => {
    const box = await l.boundingBox();
    if (!box) throw new Error(`drag ${what} is not on screen`);
    return { x: box.x + Math.min(box.width / 2, 60), y: box.y + box.height / 2 };
  };
  const from = await centre(source, 'source');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  try {
    await page.mouse.move(from.x + 6, from.y + 6, { steps: 3 });
    let to = await centre(target, 'target');
    await page.mouse.move(to.x, to.y, { steps: 15 });
    // Keep moving a little: dragover timers (hold-to-open) run only while events arrive.
    const until = Date.now() + (opts.holdMs ?? 300);
    for (let i = 0; Date.now() < until; i++) {
      await page.mouse.move(to.x + (i % 2), to.y + 1, { steps: 1 });
      await page.waitForTimeout(100);
    }
    if (opts.then) {
      const final = await opts.then();
      await final.waitFor({ state: 'visible', timeout: 5_000 });
      to = await centre(final, 'drop target');
      await page.mouse.move(to.x, to.y, { steps: 10 });
      for (let i = 0; i < 4; i++) {
        await page.mouse.move(to.x + (i % 2), to.y, { steps: 1 });
        await page.waitForTimeout(100);
      }
    }
  } finally {
    await page.mouse.up();
  }
}

/**
 * The address the extension hands VS Code to open when `action` runs, from the prompt log
 * (code-server rewrites a loopback address to its port proxy and drops the fragment, so the
 * page it opens cannot tell). A page VS Code opens for it is closed.
 */
export async function openedBy(wb: Workbench, action: () => Promise<void>): Promise<string> {
  const context = wb.page.context();
  const close = (p: Page): void => void p.close().catch(() => undefined);
  context.on('page', close);
  try {
    await action();
    const e = await wb.prompts.next(['external.open']);
    if (!e.url) throw new Error('the extension logged an external open without an address');
    return e.url;
  } finally {
    // Give a popup opened just now the chance to be closed too.
    await new Promise((r) => setTimeout(r, 500));
    context.off('page', close);
  }
}
