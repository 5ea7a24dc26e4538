import * as vscode from 'vscode';
import { RedactingLogger, type LogLevel, type Logger } from '../../core/logger';

let channel: vscode.LogOutputChannel | undefined;

/**
 * The extension's Logger: the 'Tableau Publisher' LogOutputChannel behind the core
 * RedactingLogger, so every line is redacted before VS Code sees it. Trace lines are
 * written only while `tableau.trace` is on.
 */
export function createLogger(context: vscode.ExtensionContext): Logger {
  const ch = vscode.window.createOutputChannel('Tableau Publisher', { log: true });
  channel = ch;
  context.subscriptions.push(ch, { dispose: () => (channel = channel === ch ? undefined : channel) });
  let trace = vscode.workspace.getConfiguration('tableau').get<boolean>('trace', false);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tableau.trace')) trace = vscode.workspace.getConfiguration('tableau').get<boolean>('trace', false);
    }),
  );
  const sink = (level: LogLevel, line: string): void => {
    if (level === 'trace' && !trace) return;
    // LogOutputChannel filters by its own level too; trace goes out as debug so the
    // setting alone decides whether it shows.
    if (level === 'trace') ch.debug(line);
    else ch[level](line);
  };
  return new RedactingLogger(sink);
}

export function showLog(): void {
  channel?.show(true);
}
