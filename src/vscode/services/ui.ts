import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { PROMPT_LOG_ENV, type PromptEvent, type PromptId } from './promptIds';

export type { PromptId } from './promptIds';

/** A quick pick item a test can choose: `id` is stable (never shown), unlike its label. */
export type PromptItem = vscode.QuickPickItem & { id?: string };

/**
 * Everything that waits on the user goes through here, so tests can answer in code
 * (the test workbench refuses modal dialogs). Replace methods on `services.ui` in tests.
 * Every prompt carries a stable `PromptId` (see promptIds.ts): tests answer by it, not by text.
 */
export interface Ui {
  /** True when the user chose `action`. Modal by default: only for destructive or risky steps. */
  confirm(prompt: PromptId, message: string, action: string, opts?: { modal?: boolean; detail?: string }): Promise<boolean>;
  input(prompt: PromptId, opts: vscode.InputBoxOptions): Promise<string | undefined>;
  pick<T extends PromptItem>(prompt: PromptId, items: readonly T[] | Promise<readonly T[]>, opts?: vscode.QuickPickOptions): Promise<T | undefined>;
  /** Non-modal notification; resolves to the chosen action, if any. */
  notify(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
  openExternal(url: string): Promise<void>;
}

export function createUi(): Ui {
  const publish = promptPublisher(process.env[PROMPT_LOG_ENV]);
  return {
    async confirm(prompt, message, action, opts) {
      const modal = opts?.modal ?? true;
      publish({ id: prompt, kind: 'confirm', message, action });
      const answer = await vscode.window.showWarningMessage(message, { modal, detail: opts?.detail }, action);
      return answer === action;
    },
    async input(prompt, opts) {
      publish({ id: prompt, kind: 'input', title: opts.title, prompt: opts.prompt, placeHolder: opts.placeHolder, password: opts.password });
      return vscode.window.showInputBox({ ignoreFocusOut: true, ...opts });
    },
    async pick(prompt, items, opts) {
      // Published once the items are known (they may still be loading when the pick opens).
      void Promise.resolve(items).then(
        (list) =>
          publish({
            id: prompt,
            kind: 'pick',
            title: opts?.title,
            placeHolder: opts?.placeHolder,
            canPickMany: opts?.canPickMany,
            items: list.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => ({ id: i.id, label: i.label })),
          }),
        () => undefined,
      );
      return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts });
    },
    async notify(kind, message, ...actions) {
      if (kind === 'error') return vscode.window.showErrorMessage(message, ...actions);
      if (kind === 'warning') return vscode.window.showWarningMessage(message, ...actions);
      return vscode.window.showInformationMessage(message, ...actions);
    },
    async openExternal(url) {
      publish({ id: 'external.open', kind: 'external', url });
      await vscode.env.openExternal(vscode.Uri.parse(url));
    },
  };
}

/**
 * Test only: with TABLEAU_E2E_PROMPT_LOG set (the UI scenario driver sets it), each prompt
 * is appended to that file as one JSON line as it opens, so the driver finds prompts by id
 * and items by id. Never the answers: a typed value (a secret) is not known here.
 */
function promptPublisher(file: string | undefined): (e: PromptEvent) => void {
  if (!file) return () => undefined;
  return (e) => {
    try {
      fs.appendFileSync(file, JSON.stringify(e) + '\n');
    } catch {
      // A test aid: a prompt still shows when its log cannot be written.
    }
  };
}
