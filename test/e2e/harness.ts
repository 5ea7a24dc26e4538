// Drives the real VS Code workbench served by code-server through Debian's Chromium.
// Helpers speak the user's language (command titles, labels) so scenarios read like
// what a person does; the extension's own prompts are found by stable id (prompts.ts), not
// by text. Every wait is bounded and failures name what was missing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Locator, type Page } from 'playwright-core';
import { type CodeServer } from './codeServer';
import { artifactsDir, onCleanup } from './processes';
import { itemLabel, PromptLog, waitForWidget, type PromptEvent, type PromptId } from './prompts';

export { CodeServer, assertCodeServerInstalled } from './codeServer';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: run \`npm run e2e:setup\``);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  onCleanup(() => browser.close().catch(() => undefined));
  return browser;
}

export interface OpenOptions {
  /** Absolute path of the folder to open. */
  folder: string;
  /** Test payload entries (extensionDevelopmentPath, extensionTestsPath, ...). */
  payload?: [string, string][];
  /** Names the console log file under test-artifacts/e2e/. */
  name: string;
  timeoutMs?: number;
  /** The extension's prompt log (TABLEAU_E2E_PROMPT_LOG of the server), to answer prompts by id. */
  promptLog?: string;
}

export class Workbench {
  private readonly consoleLines: string[] = [];

  private readonly promptLog: PromptLog | undefined;

  private constructor(
    readonly page: Page,
    readonly name: string,
    promptLog?: string,
  ) {
    this.promptLog = promptLog ? new PromptLog(promptLog) : undefined;
    page.on('console', (m: ConsoleMessage) => this.consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e: Error) => this.consoleLines.push(`[pageerror] ${e.message}`));
  }

  static async open(browser: Browser, server: CodeServer, opts: OpenOptions): Promise<Workbench> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const wb = new Workbench(page, opts.name, opts.promptLog);
    await page.goto(server.folderUrl(opts.folder, opts.payload), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 60_000 });
    return wb;
  }

  /** Waits until the extension host has finished starting (the status bar is drawn by then). */
  async waitForExtensionHost(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
    // The "activating extensions" progress disappears once every startup extension ran.
    await this.page
      .locator('.statusbar-item[id="status.progress"]')
      .waitFor({ state: 'hidden', timeout: timeoutMs })
      .catch(() => undefined);
  }

  /** Opens the command palette and returns the labels of the commands matching `text`. */
  async listCommands(text: string): Promise<string[]> {
    await this.openPalette(text);
    const labels = this.quickPickRows().locator('.quick-input-list-label .label-name');
    await labels.first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    const result = (await labels.allTextContents()).map((l) => l.trim());
    await this.page.keyboard.press('Escape');
    return result;
  }

  /** Runs a command by its palette title, e.g. `Tableau: Sign In`. */
  /**
   * Clears every notification, so a wait for a toast sees this scenario's own: earlier scenarios'
   * toasts with actions stay up, and VS Code shows only a few toasts at once.
   */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  }

  async runCommand(title: string): Promise<void> {
    // The palette can open before the command registry has caught up (or lose the typed
    // text to a late focus change): look again a few times before calling it missing.
    for (let attempt = 1; ; attempt++) {
      await this.openPalette(title);
      try {
        await this.clickQuickPickRow(title, `command "${title}" is not in the command palette`);
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        await this.page.waitForTimeout(1000);
      }
    }
  }

  /**
   * Chooses the item labelled `label` in an open quick pick (filters by typing first). For VS Code's
   * own picks; the extension's prompts are answered by id (`answerPick`).
   */
  async pickQuickItem(label: string): Promise<void> {
    const input = this.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill(label);
    await this.clickQuickPickRow(label, `quick pick has no item "${label}"`);
  }

  /** The extension's prompts by id (the server must run with TABLEAU_E2E_PROMPT_LOG). */
  get prompts(): PromptLog {
    if (!this.promptLog) throw new Error('this window was opened without the prompt log: prompts cannot be found by id');
    return this.promptLog;
  }

  /**
   * Answers the extension's input box `id` (found by id, not by its text): types `text`, presses
   * Enter. With `password: true` it checks the box masks its text; the text is never logged.
   */
  async answerInput(id: PromptId, text: string, opts: { password?: boolean } = {}): Promise<void> {
    const e = await this.prompts.next([id]);
    if (opts.password && !e.password) throw new Error(`input box "${id}" is not a password box: the secret would show on screen`);
    await waitForWidget(this.page, e);
    const input = this.quickInput();
    await input.fill(text);
    await input.press('Enter');
  }

  /** Answers the extension's quick pick `id` by choosing its item `itemId`, clicking its row. */
  async answerPick(id: PromptId, itemId: string): Promise<void> {
    await this.choosePromptItem(await this.prompts.next([id]), itemId);
  }

  /** Chooses item `itemId` of the open pick `e` (from `prompts.next`): filters by its label, clicks the row. */
  async choosePromptItem(e: PromptEvent, itemId: string): Promise<void> {
    await waitForWidget(this.page, e);
    await this.pickQuickItem(itemLabel(e, itemId));
  }

  /** Accepts the extension's quick pick `id` as it is (a multi-select "Options" pick: Enter = OK). */
  async acceptPick(id: PromptId): Promise<void> {
    const e = await this.prompts.next([id]);
    await waitForWidget(this.page, e);
    await this.quickInput().press('Enter');
  }

  /** Answers the extension's modal confirmation `id` by clicking its action button. */
  async answerConfirm(id: PromptId): Promise<PromptEvent> {
    const e = await this.prompts.next([id]);
    const dialog = this.page.locator('.monaco-dialog-box').first();
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    const exact = new RegExp(`^\\s*${(e.action ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    await dialog.locator('.monaco-button', { hasText: exact }).first().click();
    return e;
  }

  /** Clicks the row labelled `label` in whatever tree/list view shows it (views, Explorer). */
  async clickTreeItem(label: string): Promise<void> {
    const row = this.page.locator('.pane-body .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** Right-clicks `fileName` in the Explorer and chooses `menuItem` from its context menu. */
  async explorerContextMenu(fileName: string, menuItem: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+E');
    const row = this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
    await this.contextMenu(row, menuItem, `Explorer context menu of "${fileName}"`);
  }

  /**
   * Right-clicks `target` and chooses `menuItem` from the context menu it opens. The workbench
   * closes an open menu when the view under it re-renders (a file written just before, a tree
   * refresh), so a menu that goes away before its item could be hovered is opened again, up to
   * 3 times; nothing has run then, so opening it again cannot run the command twice.
   */
  async contextMenu(target: Locator, menuItem: string, what: string): Promise<void> {
    const item = this.page.locator('.monaco-menu .action-item .action-label', { hasText: menuItem }).first();
    for (let attempt = 1; ; attempt++) {
      await target.waitFor({ state: 'visible', timeout: 20_000 });
      await target.click({ button: 'right' });
      // The web workbench draws its menus inside an open shadow root; Playwright's CSS engine pierces it.
      try {
        await item.waitFor({ state: 'visible', timeout: 10_000 });
      } catch {
        const shown = await this.page.locator('.monaco-menu .action-item .action-label').allTextContents().catch(() => []);
        await this.page.keyboard.press('Escape');
        throw new Error(`${what} has no "${menuItem}" (it shows ${JSON.stringify(shown.map((s) => s.trim()).filter(Boolean))})`);
      }
      if (attempt === 3) return this.chooseMenuItem(item);
      if (await this.tryMenuItem(item, 5_000)) return;
      await this.page.keyboard.press('Escape');
    }
  }

  /**
   * Runs a context menu item. The menu ignores a click that lands right after it opened
   * (its mouse-up guard), so hover first, click, and fall back to Enter on the hovered item.
   */
  async chooseMenuItem(item: Locator): Promise<void> {
    await item.hover();
    await this.page.waitForTimeout(300);
    await item.click();
    await this.enterIfMenuStaysOpen();
  }

  /** chooseMenuItem, but false (nothing run) when the menu closed before its item could be hovered and clicked. */
  private async tryMenuItem(item: Locator, timeoutMs: number): Promise<boolean> {
    try {
      await item.hover({ timeout: timeoutMs });
      await this.page.waitForTimeout(300);
      await item.click({ timeout: timeoutMs });
    } catch {
      return false;
    }
    await this.enterIfMenuStaysOpen();
    return true;
  }

  private async enterIfMenuStaysOpen(): Promise<void> {
    const menu = this.page.locator('.monaco-menu').first();
    if (await menu.isVisible().catch(() => false)) {
      await this.page.waitForTimeout(300);
      if (await menu.isVisible().catch(() => false)) await this.page.keyboard.press('Enter');
    }
  }

  /** Waits for a notification toast containing `text` and returns it. */
  async waitForNotification(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    try {
      await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      const shown = await this.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
      throw new Error(`no notification matching ${String(text)} within ${timeoutMs} ms; shown: ${JSON.stringify(shown)}`);
    }
    return toast;
  }

  /** Texts of the error notifications shown now (toasts, plus the ones collapsed into the centre). */
  async errorNotifications(): Promise<string[]> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast', {
      has: this.page.locator('.codicon-error, .codicon-notifications-error'),
    });
    return (await toasts.allInnerTexts()).map((t) => t.trim());
  }

  /** Saves a PNG of the whole window to test-artifacts/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(artifactsDir(), `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Writes the browser console seen so far to test-artifacts/e2e/<name>.console.log. */
  saveConsole(): string {
    const file = path.join(artifactsDir(), `${this.name}.console.log`);
    fs.writeFileSync(file, this.consoleLines.join('\n') + '\n');
    return file;
  }

  async close(): Promise<void> {
    this.saveConsole();
    await this.page.context().close().catch(() => undefined);
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  private quickPickRows(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  }

  private async openPalette(text: string): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 }, force: true }).catch(() => undefined);
    await this.page.keyboard.press('F1');
    const input = this.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${text}`);
  }

  private async clickQuickPickRow(label: string, notFound: string): Promise<void> {
    // Exact label match: "Tableau: Publish" must not pick "Tableau: Publish Data Source".
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    const row = this.quickPickRows().filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      const shown = await this.quickPickRows().locator('.label-name').allTextContents().catch(() => []);
      await this.page.keyboard.press('Escape');
      throw new Error(`${notFound} (it shows ${JSON.stringify(shown.slice(0, 8).map((l) => l.trim()))})`);
    }
    try {
      await row.click({ timeout: 3_000 });
    } catch {
      // A hover tooltip left by the mouse's last position can cover the list: move the
      // mouse away and try again, then fall back to Enter on the focused (matching) row.
      await this.page.mouse.move(1, 450);
      await this.page.waitForTimeout(300);
      try {
        await row.click({ timeout: 3_000 });
      } catch {
        if (!/\bfocused\b/.test((await row.getAttribute('class')) ?? '')) throw new Error(`${notFound} (its row could not be clicked)`);
        await this.quickInput().press('Enter');
      }
    }
  }

  /**
   * Every running extension's activation time as VS Code itself reports it in "Developer: Show
   * Running Extensions" ("Activation: 12ms" = the host's code-loading plus activate-call time).
   * Waits until `displayName` shows a time (it reads "Activating..." until then).
   */
  async runningExtensionActivations(displayName: string, timeoutMs = 30_000): Promise<{ name: string; ms: number; text: string }[]> {
    await this.runCommand('Developer: Show Running Extensions');
    const rows = this.page.locator('.runtime-extensions-editor .monaco-list-row');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const read = await rows.evaluateAll((els) =>
        els.map((el) => ({ name: el.querySelector('.name')?.textContent?.trim() ?? '', text: el.querySelector('.activation-time')?.textContent?.trim() ?? '' })),
      );
      const parsed = read.map((r) => ({ ...r, ms: Number(/(\d+)\s*ms/i.exec(r.text)?.[1] ?? NaN) }));
      if (parsed.some((r) => r.name === displayName && Number.isFinite(r.ms))) return parsed.filter((r) => Number.isFinite(r.ms));
      if (Date.now() > deadline) throw new Error(`no activation time for "${displayName}" in Running Extensions: ${JSON.stringify(read)}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Shows the Extensions view filtered to installed extensions and returns the visible rows' text. */
  async installedExtensions(expect?: string): Promise<string[]> {
    await this.runCommand('View: Show Extensions');
    const search = this.page.locator('.extensions-viewlet .suggest-input-container');
    await search.click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type('@installed');
    const rows = this.page.locator('.extensions-viewlet .monaco-list-row');
    const wanted = expect ? rows.filter({ hasText: expect }) : rows;
    await wanted.first().waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
    return rows.allInnerTexts();
  }
}
