import * as vscode from 'vscode';
import { TableauError, isCancellation } from '../../core/errors';
import { globalRedactor, type Logger } from '../../core/logger';
import type { Ui } from './ui';

export interface ErrorAction {
  title: string;
  run: () => unknown;
}

export interface ShowErrorOptions {
  actions?: ErrorAction[];
  prefix?: string;
}

type ErrorActionProvider = (e: unknown) => ErrorAction[] | undefined;

/** What showing an error needs; `ui` is read each time because tests swap it on the services object. */
export interface ErrorReporterDeps {
  readonly ui: Ui;
  readonly logger: Logger;
  showLog(): void;
}

/** The text shown for an error: TableauError messages plainly, others generically. Always redacted. */
export function errorText(e: unknown): string {
  if (TableauError.is(e)) return globalRedactor.redact(e.message);
  if (e instanceof Error && e.message) return globalRedactor.redact(e.message);
  return vscode.l10n.t('Something went wrong. See the log for details.');
}

/** Shows failures to the user (`services.errors`); one per extension instance. */
export class ErrorReporter {
  private readonly providers: ErrorActionProvider[] = [];

  constructor(private readonly deps: ErrorReporterDeps) {}

  /** Adds actions to errors of a kind everywhere they are shown (e.g. "Enter new token…" on a dead PAT). */
  registerActions(provider: ErrorActionProvider): vscode.Disposable {
    this.providers.push(provider);
    return { dispose: () => void this.providers.splice(this.providers.indexOf(provider) >>> 0, 1) };
  }

  /**
   * Shows a failure. Cancellation is never a failure; the full error goes to the log
   * (redacted there too) and the notification offers "Show Log" plus any actions.
   */
  async show(e: unknown, opts?: ShowErrorOptions): Promise<void> {
    if (isCancellation(e)) return;
    this.deps.logger.error(e instanceof Error ? e : String(e));
    const text = opts?.prefix ? `${opts.prefix} ${errorText(e)}` : errorText(e);
    const showLogTitle = vscode.l10n.t('Show Log');
    const actions = [...(opts?.actions ?? []), ...this.providers.flatMap((p) => p(e) ?? [])];
    const titles = [...actions.map((a) => a.title), showLogTitle];
    const chosen = await this.deps.ui.notify('error', text, ...titles);
    if (chosen === showLogTitle) this.deps.showLog();
    else await actions.find((a) => a.title === chosen)?.run();
  }
}
