// What the shell registers at activation in place of the real thing, each loading
// dist/main.js on first use and then handing the call on. None holds state of its own
// beyond the forwarding, so behaviour is the loaded extension's from the first call on.
import * as vscode from 'vscode';
import { CONTENT_VIEW_DROP_MIME_TYPES, CONTENT_VIEW_ID } from './contract';
import type { MainLoader } from './mainLoader';

type Load = MainLoader['load'];

/**
 * One stand-in per command id in package.json. The first call loads the extension (which
 * first disposes these, then registers the real commands under the same ids) and runs the
 * real command with the same arguments.
 */
export class CommandStandIns implements vscode.Disposable {
  private registrations: vscode.Disposable[] = [];

  constructor(
    private readonly ids: readonly string[],
    private readonly load: (reason: string) => unknown,
  ) {
    this.register();
  }

  register(): void {
    this.dispose();
    this.registrations = this.ids.map((id) =>
      vscode.commands.registerCommand(id, (...args: unknown[]) => {
        try {
          this.load(`command ${id}`);
        } catch (e) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Tableau Publisher could not load: {0}', e instanceof Error ? e.message : String(e)));
          return undefined;
        }
        return vscode.commands.executeCommand(id, ...args);
      }),
    );
  }

  dispose(): void {
    for (const r of this.registrations.splice(0)) r.dispose();
  }
}

/** The ids of the commands package.json contributes (what the palette, menus and keys can call). */
export function contributedCommandIds(packageJSON: unknown): string[] {
  const commands = (packageJSON as { contributes?: { commands?: { command?: unknown }[] } })?.contributes?.commands ?? [];
  return commands.map((c) => c.command).filter((c): c is string => typeof c === 'string');
}

/**
 * The content view, registered at activation so VS Code always has a provider for it. When it
 * is first shown (VS Code asks for its children) the extension loads and hands its tree over.
 */
export class ContentViewStandIn implements vscode.TreeDataProvider<unknown>, vscode.TreeDragAndDropController<unknown>, vscode.Disposable {
  readonly dropMimeTypes = [...CONTENT_VIEW_DROP_MIME_TYPES];
  readonly dragMimeTypes: string[] = [];
  private readonly changed = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<unknown>;
  private provider?: vscode.TreeDataProvider<unknown>;
  private dnd?: vscode.TreeDragAndDropController<unknown>;
  private forwarding?: vscode.Disposable;

  constructor(private readonly load: Load) {
    this.view = vscode.window.createTreeView(CONTENT_VIEW_ID, { treeDataProvider: this, showCollapseAll: true, canSelectMany: false, dragAndDropController: this });
  }

  /** Called by the loaded extension: from now on its tree feeds this view. */
  adopt<T>(provider: vscode.TreeDataProvider<T>, dnd: vscode.TreeDragAndDropController<T>): vscode.TreeView<T> {
    this.provider = provider as vscode.TreeDataProvider<unknown>;
    this.dnd = dnd as vscode.TreeDragAndDropController<unknown>;
    this.forwarding?.dispose();
    this.forwarding = provider.onDidChangeTreeData?.((e) => this.changed.fire(e));
    return this.view as vscode.TreeView<T>;
  }

  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.real().getTreeItem(element);
  }

  getChildren(element?: unknown): vscode.ProviderResult<unknown[]> {
    return this.real().getChildren(element);
  }

  getParent(element: unknown): vscode.ProviderResult<unknown> {
    return this.real().getParent?.(element);
  }

  handleDrop(target: unknown, data: vscode.DataTransfer, token: vscode.CancellationToken): void | Thenable<void> {
    this.real();
    return this.dnd?.handleDrop?.(target, data, token);
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
    this.view.dispose();
  }

  private real(): vscode.TreeDataProvider<unknown> {
    if (!this.provider) this.load('the content view was shown');
    if (!this.provider) throw new Error('the content tree did not take over its view');
    return this.provider;
  }
}

/**
 * The Accounts menu entry. Sessions exist only after a sign-in, which only the loaded
 * extension does, so until then there are none and listing them loads nothing.
 */
export class AuthenticationStandIn implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private forwarding?: vscode.Disposable;

  constructor(private readonly loader: MainLoader) {
    loader.whenLoaded((l) => (this.forwarding = l.authProvider.onDidChangeSessions((e) => this.changed.fire(e))));
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return this.loader.current ? this.loader.current.authProvider.getSessions(scopes) : [];
  }

  createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    return this.loader.load('a sign-in from the Accounts menu').authProvider.createSession(scopes);
  }

  async removeSession(sessionId: string): Promise<void> {
    await this.loader.current?.authProvider.removeSession(sessionId);
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

/** Tasks of type "tableau-publish": listing or running one loads the extension. */
export class TaskProviderStandIn implements vscode.TaskProvider {
  constructor(private readonly load: Load) {}

  provideTasks(token: vscode.CancellationToken): vscode.ProviderResult<vscode.Task[]> {
    return this.load('tasks were listed').taskProvider.provideTasks(token);
  }

  resolveTask(task: vscode.Task, token: vscode.CancellationToken): vscode.ProviderResult<vscode.Task> {
    return this.load('a tableau-publish task ran').taskProvider.resolveTask(task, token);
  }
}
