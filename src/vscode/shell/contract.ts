// What the start-up shell (dist/extension.js) and the rest of the extension (dist/main.js)
// agree on. Constants and types only: both bundles may hold a copy of this module, so it
// must keep no state and define no classes (a second copy of a class breaks instanceof).
import type * as vscode from 'vscode';
import type { TableauAuthenticationProvider } from '../auth/authProvider';
import type { ExtensionTestApi, Services } from '../services/services';

export const AUTH_PROVIDER_ID = 'tableau';
export const CONTENT_VIEW_ID = 'tableau.content';
/** What the content view accepts dropped on it: files from the Explorer. */
export const CONTENT_VIEW_DROP_MIME_TYPES: readonly string[] = ['text/uri-list'];
export const TASK_TYPE = 'tableau-publish';
export const AUTO_PUBLISH_SETTING = 'tableau.autoPublish';

/** What the shell made at activation and hands over when it loads the rest. */
export interface ShellHandoff {
  /** The connection item, already showing what the stored profiles say. */
  readonly statusBarItem: vscode.StatusBarItem;
  /** The content view registered at activation; from now on `provider` and `dnd` feed it. */
  adoptContentView<T>(provider: vscode.TreeDataProvider<T>, dnd: vscode.TreeDragAndDropController<T>): vscode.TreeView<T>;
}

/** What dist/main.js gives back: the shell forwards the view, Accounts and tasks to these. */
export interface LoadedExtension extends ExtensionTestApi {
  readonly services: Services;
  readonly authProvider: TableauAuthenticationProvider;
  readonly taskProvider: vscode.TaskProvider;
  /** Warns about PATs that expire soon (at most once a day each). */
  checkPatExpiry(): Promise<void>;
  /** Signs out and releases connections (deactivation). */
  dispose(): Promise<void>;
}

/** The module dist/main.js. */
export interface MainModule {
  /** `reason` says what needed it first (logged). */
  start(context: vscode.ExtensionContext, shell: ShellHandoff, reason: string): LoadedExtension;
}
