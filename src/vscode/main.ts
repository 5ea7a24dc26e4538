/**
 * The extension proper, bundled as dist/main.js. The start-up shell (src/extension.ts) loads
 * it on first use: a command, the content view becoming visible, an Accounts sign-in, a task,
 * auto-publish being on, or a PAT warning being due. Everything stateful lives here, once.
 */
import * as vscode from 'vscode';
import { TableauAuthenticationProvider } from './auth/authProvider';
import { registerCommands } from './commands/registry';
import { ExpiredTokenError } from './connections/connectionAdmin';
import { registerAutoPublish } from './publish/autoPublish';
import { SecretStorageCredentialStore } from './connections/credentialStore';
import { ExtensionConnectionManager } from './connections/extensionConnectionManager';
import { checkPatExpiry, tokenActions } from './connections/patLifecycle';
import { Disposable } from './disposable';
import { EnvironmentState } from './environments/environmentState';
import { ErrorReporter } from './services/errors';
import { createLogger } from './services/logger';
import type { Services } from './services/services';
import { SiteContent } from './services/siteContent';
import { createUi } from './services/ui';
import type { LoadedExtension, ShellHandoff } from './shell/contract';
import { followConnections } from './statusBar';
import { PublishTaskProvider } from './tasks/publishTaskProvider';
import { registerContentTree } from './tree/contentTree';
import { registerSummaries } from './revisions/comparison';
import { registerTableauFileSystem } from './revisions/tableauFileSystem';

export function start(context: vscode.ExtensionContext, shell: ShellHandoff, reason: string): LoadedExtension {
  const started = performance.now();
  // Everything below that holds a listener, an emitter or a view is registered here, once.
  const owned = new Disposable();
  context.subscriptions.push(owned);
  const log = createLogger(context);
  const logger = log.logger;
  const credentials = owned.register(new SecretStorageCredentialStore(context.secrets));
  // `services.ui` is read through the getter each time so tests can swap it.
  const admin = new ExtensionConnectionManager(context.globalState, credentials, () => services.ui, logger);
  const services: Services = {
    context,
    logger,
    connections: admin,
    connectionAdmin: admin,
    ui: createUi(),
    errors: new ErrorReporter({ get ui() { return services.ui; }, logger, showLog: log.show }),
    sites: owned.register(new SiteContent(admin)),
    showLog: log.show,
    confirmedTargets: new Set(),
    environments: owned.register(new EnvironmentState(context.workspaceState)),
  };

  const authProvider = owned.register(new TableauAuthenticationProvider(admin));
  owned.register(followConnections(shell.statusBarItem, admin));
  for (const d of registerCommands(services)) owned.register(d);
  owned.register(registerAutoPublish(services));
  owned.register(registerTableauFileSystem(services));
  owned.register(registerSummaries(services));
  owned.register(registerContentTree(services, (provider, dnd) => shell.adoptContentView(provider, dnd)));
  owned.register(
    services.errors.registerActions((e) => {
      const id = e instanceof ExpiredTokenError ? e.connectionId : undefined;
      return id ? tokenActions(services, id) : undefined;
    }),
  );
  // Other windows: SecretStorage is the one store with a cross-window change event.
  owned.register(credentials.onDidChange((c) => void admin.syncFromStorage(c.connectionId)));
  owned.register(
    vscode.workspace.onDidChangeConfiguration((e) => {
      const limits = ['tableau.requestTimeoutSeconds', 'tableau.transferTimeoutMinutes', 'tableau.maxDownloadMB', 'tableau.maxListItems'];
      if (e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.noProxy') || e.affectsConfiguration('http.proxyStrictSSL') || limits.some((k) => e.affectsConfiguration(k))) {
        void admin.resetTransports();
      }
    }),
  );
  // The HTTP stack (undici) is not loaded here either: the first request loads it.
  logger.info(`Tableau Publisher loaded (${reason}) with ${admin.list().length} connection(s) in ${Math.round(performance.now() - started)} ms.`);
  return {
    services,
    authProvider,
    taskProvider: new PublishTaskProvider(services),
    checkPatExpiry: () => checkPatExpiry(services),
    dispose: () => admin.dispose(),
  };
}
