import * as vscode from 'vscode';
import { TableauError, isCancellation } from '../../core/errors';
import { globalRedactor, type Logger } from '../../core/logger';
import { showLog } from './logger';
import type { Ui } from './ui';

export interface ErrorAction {
  title: string;
  run: () => unknown;
}

let deps: { readonly ui: Ui; readonly logger: Logger } | undefined;

/** Wired once by extension.ts (with the services object, whose `ui` tests may swap). */
export function initErrors(services: { readonly ui: Ui; readonly logger: Logger }): void {
  deps = services;
}

type ErrorActionProvider = (e: unknown) => ErrorAction[] | undefined;
const providers: ErrorActionProvider[] = [];

/** Adds actions to errors of a kind everywhere they are shown (e.g. "Enter new token…" on a dead PAT). */
export function registerErrorActions(provider: ErrorActionProvider): vscode.Disposable {
  providers.push(provider);
  return { dispose: () => void providers.splice(providers.indexOf(provider) >>> 0, 1) };
}

/** The text shown for an error: TableauError messages plainly, others generically. Always redacted. */
export function errorText(e: unknown): string {
  if (TableauError.is(e)) return globalRedactor.redact(e.message);
  if (e instanceof Error && e.message) return globalRedactor.redact(e.message);
  return vscode.l10n.t('Something went wrong. See the log for details.');
}

/**
 * Shows a failure. Cancellation is never a failure; the full error goes to the log
 * (redacted there too) and the notification offers "Show Log" plus any actions.
 */
export async function showError(e: unknown, opts?: { actions?: ErrorAction[]; prefix?: string }): Promise<void> {
  if (isCancellation(e)) return;
  deps?.logger.error(e instanceof Error ? e : String(e));
  const text = opts?.prefix ? `${opts.prefix} ${errorText(e)}` : errorText(e);
  const showLogTitle = vscode.l10n.t('Show Log');
  const actions = [...(opts?.actions ?? []), ...providers.flatMap((p) => p(e) ?? [])];
  const titles = [...actions.map((a) => a.title), showLogTitle];
  const chosen = deps
    ? await deps.ui.notify('error', text, ...titles)
    : await vscode.window.showErrorMessage(text, ...titles);
  if (chosen === showLogTitle) showLog();
  else await actions.find((a) => a.title === chosen)?.run();
}
