import * as vscode from 'vscode';

/**
 * Everything that waits on the user goes through here, so tests can answer in code
 * (the test workbench refuses modal dialogs). Replace methods on `services.ui` in tests.
 */
export interface Ui {
  /** True when the user chose `action`. Modal by default: only for destructive or risky steps. */
  confirm(message: string, action: string, opts?: { modal?: boolean; detail?: string }): Promise<boolean>;
  input(opts: vscode.InputBoxOptions): Promise<string | undefined>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, opts?: vscode.QuickPickOptions): Promise<T | undefined>;
  /** Non-modal notification; resolves to the chosen action, if any. */
  notify(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
  openExternal(url: string): Promise<void>;
}

export function createUi(): Ui {
  return {
    async confirm(message, action, opts) {
      const modal = opts?.modal ?? true;
      const answer = await vscode.window.showWarningMessage(message, { modal, detail: opts?.detail }, action);
      return answer === action;
    },
    async input(opts) {
      return vscode.window.showInputBox({ ignoreFocusOut: true, ...opts });
    },
    async pick(items, opts) {
      return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts });
    },
    async notify(kind, message, ...actions) {
      if (kind === 'error') return vscode.window.showErrorMessage(message, ...actions);
      if (kind === 'warning') return vscode.window.showWarningMessage(message, ...actions);
      return vscode.window.showInformationMessage(message, ...actions);
    },
    async openExternal(url) {
      await vscode.env.openExternal(vscode.Uri.parse(url));
    },
  };
}
