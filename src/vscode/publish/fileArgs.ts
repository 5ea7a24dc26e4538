import * as path from 'node:path';
import * as vscode from 'vscode';
import { PUBLISHABLE_EXTENSIONS, isPublishable } from '../../core/models';
import { isFlowFile } from '../../core/publish/flowPublisher';
import type { Services } from '../services/services';

/**
 * The files a command was started on: Explorer multi-select passes (uri, uris), the editor
 * title passes uri, the palette passes nothing (then the active editor's file, else a pick).
 */
export async function filesFromArgs(services: Services, arg: unknown, args: unknown, opts: { pickIfNone: boolean }): Promise<vscode.Uri[]> {
  if (Array.isArray(args) && args.length && args.every((a) => a instanceof vscode.Uri)) return args as vscode.Uri[];
  if (arg instanceof vscode.Uri) return [arg];
  const active = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  if (active && (isPublishable(active.path) || isFlowFile(active.path))) return [active];
  if (!opts.pickIfNone) return [];
  const found = await vscode.workspace.findFiles(`**/*.{${PUBLISHABLE_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`, '**/node_modules/**', 500);
  if (found.length === 0) {
    await services.ui.notify('info', vscode.l10n.t('No {0} files in this workspace.', PUBLISHABLE_EXTENSIONS.join(' ')));
    return [];
  }
  const chosen = await services.ui.pick(
    'publish.file',
    found.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u, true), uri: u, id: vscode.workspace.asRelativePath(u, false) })),
    { placeHolder: vscode.l10n.t('Publish which file?'), matchOnDescription: true },
  );
  return chosen ? [chosen.uri] : [];
}

/** Binary files (.twbx, .hyper) open in custom or binary editors, which have no TextEditor. */
function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return undefined;
}
