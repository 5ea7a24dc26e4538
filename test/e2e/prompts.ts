// Finds the extension's prompts by their stable id, not by their (localized) text. With
// TABLEAU_E2E_PROMPT_LOG set, the extension's Ui appends each prompt it opens, with its
// items' ids, to that file (src/vscode/services/ui.ts). The driver waits for the newest
// prompt to be the one it expects, checks the real widget on screen is that prompt (by the
// text the log says it shows), and answers it with real keys and clicks.
import * as fs from 'node:fs';
import { type Page } from 'playwright-core';
import { PROMPT_LOG_ENV, type PromptEvent, type PromptId } from '../../src/vscode/services/promptIds';

export { PROMPT_LOG_ENV };
export type { PromptEvent, PromptId };

export class PromptLog {
  /** Lines already answered (or written before this window opened). */
  private handled: number;

  constructor(readonly file: string) {
    this.handled = this.read().length;
  }

  /** The newest prompt, when no one has handled it yet. */
  poll(): PromptEvent | undefined {
    const events = this.read();
    return events.length > this.handled ? events[events.length - 1] : undefined;
  }

  /** Waits until the newest prompt is one of `ids`, and takes it (it counts as handled). */
  async next(ids: readonly PromptId[], timeoutMs = 20_000): Promise<PromptEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = this.read();
      const newest = events.at(-1);
      if (events.length > this.handled && newest && ids.includes(newest.id)) {
        this.handled = events.length;
        return newest;
      }
      if (Date.now() > deadline) {
        const seen = events.length > this.handled ? `the newest is "${newest?.id}"` : 'no new prompt opened';
        throw new Error(`no prompt ${ids.map((i) => `"${i}"`).join(' or ')} within ${timeoutMs} ms (${seen})`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Marks the newest prompt handled (the caller answered it). */
  take(): void {
    this.handled = this.read().length;
  }

  private read(): PromptEvent[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    // A line still being written is skipped until it is whole.
    return text
      .split('\n')
      .filter((l) => l.endsWith('}'))
      .map((l) => JSON.parse(l) as PromptEvent);
  }
}

/** The label of item `itemId` as the quick pick draws it (codicons like `$(add)` are icons, not text). */
export function itemLabel(e: PromptEvent, itemId: string): string {
  const item = e.items?.find((i) => i.id === itemId);
  if (!item) throw new Error(`pick "${e.id}" has no item "${itemId}" (its items: ${JSON.stringify(e.items?.map((i) => i.id))})`);
  return item.label.replace(/\$\([\w-]+(~[\w-]+)?\)\s*/g, '').trim();
}

/**
 * Waits until the quick input on screen is prompt `e`: it shows the title (else placeholder,
 * else prompt) the log recorded, and masks its text exactly when the prompt is a password.
 */
export async function waitForWidget(page: Page, e: PromptEvent, timeoutMs = 20_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // The title is always drawn; a prompt line gives way to a validation message, so it comes last.
  const mark = e.title ?? e.placeHolder ?? e.prompt ?? '';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await widget.isVisible().catch(() => false)) {
      const text = `${await widget.innerText().catch(() => '')}\n${(await input.getAttribute('placeholder').catch(() => null)) ?? ''}`;
      const type = await input.getAttribute('type').catch(() => null);
      if (text.includes(mark) && (type === 'password') === !!e.password) return;
    }
    if (Date.now() > deadline) throw new Error(`prompt "${e.id}" is in the log but not on screen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
