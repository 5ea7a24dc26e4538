/**
 * The start-up shell: all that loads when VS Code activates the extension (dist/extension.js,
 * a few KB). It registers stand-ins for the commands, the content view, the Accounts entry
 * and the task type, and shows the status bar item from the stored profiles. The extension
 * proper (src/vscode/main.ts, dist/main.js: the core, the HTTP stack, the tree, publishing)
 * loads the first time one of those is used, or right away when a start-up feature needs it
 * (auto-publish on, a PAT warning due).
 */
import * as vscode from 'vscode';
import { PROFILES_REVISION_KEY } from './vscode/connections/storageKeys';
import type { ExtensionTestApi } from './vscode/services/services';
import { AUTH_PROVIDER_ID, AUTO_PUBLISH_SETTING, TASK_TYPE, type LoadedExtension } from './vscode/shell/contract';
import { MainLoader } from './vscode/shell/mainLoader';
import { AuthenticationStandIn, CommandStandIns, ContentViewStandIn, TaskProviderStandIn, contributedCommandIds } from './vscode/shell/standIns';
import { patWarningIsDue, storedConnectionStatus } from './vscode/shell/startupState';
import { newStatusBarItem, showStatus } from './vscode/statusBar';

let loader: MainLoader | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionTestApi | undefined {
  // Stand-ins are made before the loader that disposes them; they reach it through this.
  const load = (reason: string): LoadedExtension => main.load(reason);
  const commands = new CommandStandIns(contributedCommandIds(context.extension.packageJSON), load);
  const statusBarItem = newStatusBarItem();
  const contentView = new ContentViewStandIn(load);
  const main = new MainLoader(
    context,
    { statusBarItem, adoptContentView: (provider, dnd) => contentView.adopt(provider, dnd) },
    { beforeLoad: () => commands.dispose(), afterFailure: () => commands.register() },
  );
  loader = main;
  showStatus(statusBarItem, storedConnectionStatus(context.globalState));

  const autoPublishOn = (): boolean => vscode.workspace.isTrusted && vscode.workspace.getConfiguration().get<boolean>(AUTO_PUBLISH_SETTING, false);
  const checkPats = (): void => {
    if (patWarningIsDue(context.globalState, new Date())) void main.load('a PAT warning is due').checkPatExpiry();
  };
  // Windows stay open for days: look again every few hours (it warns at most once a day).
  const patTimer = setInterval(checkPats, 4 * 3600_000);
  context.subscriptions.push(
    commands,
    statusBarItem,
    contentView,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Tableau', new AuthenticationStandIn(main), { supportsMultipleAccounts: true }),
    vscode.tasks.registerTaskProvider(TASK_TYPE, new TaskProviderStandIn(load)),
    // Another window changed the profiles: until the extension is loaded, only the item shows them.
    context.secrets.onDidChange((e) => {
      if (!main.current && e.key === PROFILES_REVISION_KEY) showStatus(statusBarItem, storedConnectionStatus(context.globalState));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(AUTO_PUBLISH_SETTING) && autoPublishOn()) main.load('auto-publish was turned on');
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (autoPublishOn()) main.load('auto-publish is on and the workspace is now trusted');
    }),
    { dispose: () => clearInterval(patTimer) },
  );
  if (autoPublishOn()) main.load('auto-publish is on');
  checkPats();
  // The extension-host suite drives the real services (its ui seam answers prompts); asking for them loads the extension.
  return context.extensionMode === vscode.ExtensionMode.Test
    ? {
        get services() {
          return main.load('the extension test API').services;
        },
        get authProvider() {
          return main.load('the extension test API').authProvider;
        },
      }
    : undefined;
}

export async function deactivate(): Promise<void> {
  await loader?.current?.dispose();
  loader = undefined;
}
