import * as vscode from 'vscode';
import { RedactingLogger, type LogLevel, type Logger } from '../../core/logger';

/** The log and the one way to show its channel. */
export interface ExtensionLog {
  logger: Logger;
  show(): void;
}

/**
 * The extension's Logger: the 'Tableau Publisher' LogOutputChannel behind the core
 * RedactingLogger, so every line is redacted before VS Code sees it. Trace lines are
 * written only while `tableau.trace` is on.
 */
export function createLogger(context: vscode.ExtensionContext): ExtensionLog {
  const ch = vscode.window.createOutputChannel('Tableau Publisher', { log: true });
  // Sign-outs on deactivate still log after VS Code has disposed the channel: drop those
  // lines instead of throwing "Channel has been closed" into the extension host.
  let open = true;
  context.subscriptions.push(ch, { dispose: () => void (open = false) });
  let trace = vscode.workspace.getConfiguration('tableau').get<boolean>('trace', false);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tableau.trace')) trace = vscode.workspace.getConfiguration('tableau').get<boolean>('trace', false);
    }),
  );
  const sink = (level: LogLevel, line: string): void => {
    if (!open || (level === 'trace' && !trace)) return;
    // LogOutputChannel filters by its own level too; trace goes out as debug so the
    // setting alone decides whether it shows.
    try {
      if (level === 'trace') ch.debug(line);
      else ch[level](line);
    } catch {
      open = false; // closed under us (window closing): nothing left to write to
    }
  };
  return {
    logger: new RedactingLogger(sink),
    show: () => {
      if (open) ch.show(true);
    },
  };
}
