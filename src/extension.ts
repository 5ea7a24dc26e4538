import * as vscode from 'vscode';
import { TableauError } from './core/errors';
import { TableauAuthenticationProvider, AUTH_PROVIDER_ID } from './vscode/auth/authProvider';
import { registerCommands } from './vscode/commands/registry';
import { ExtensionConnectionManager } from './vscode/connections/extensionConnectionManager';
import { SecretStorageCredentialStore } from './vscode/connections/credentialStore';
import { checkPatExpiry, tokenActions } from './vscode/connections/patLifecycle';
import { initErrors, registerErrorActions } from './vscode/services/errors';
import { createLogger } from './vscode/services/logger';
import type { ExtensionTestApi, Services } from './vscode/services/services';
import { createUi } from './vscode/services/ui';
import { createStatusBar } from './vscode/statusBar';
import { registerContentTree } from './vscode/tree/contentTree';

let manager: ExtensionConnectionManager | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionTestApi | undefined {
  const started = performance.now();
  const logger = createLogger(context);
  const credentials = new SecretStorageCredentialStore(context.secrets);
  // `services.ui` is read through the getter each time so tests can swap it.
  const admin = new ExtensionConnectionManager(context.globalState, credentials, () => services.ui, logger);
  manager = admin;
  const services: Services = { context, logger, connections: admin, connectionAdmin: admin, ui: createUi() };
  initErrors(services);

  const authProvider = new TableauAuthenticationProvider(admin);
  context.subscriptions.push(
    credentials,
    authProvider,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Tableau', authProvider, { supportsMultipleAccounts: true }),
    createStatusBar(admin),
    ...registerCommands(services),
    registerContentTree(services),
    registerErrorActions((e) => {
      const id = e instanceof TableauError ? admin.expiredTokenErrors.get(e) : undefined;
      return id ? tokenActions(services, id) : undefined;
    }),
    // Other windows: SecretStorage is the one store with a cross-window change event.
    credentials.onDidChange((c) => void admin.syncFromStorage(c.connectionId)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.proxyStrictSSL') || e.affectsConfiguration('tableau.requestTimeoutSeconds')) {
        void admin.resetTransports();
      }
    }),
  );
  void checkPatExpiry(services);
  // Windows stay open for days: look again every few hours (it warns at most once a day).
  const patTimer = setInterval(() => void checkPatExpiry(services), 4 * 3600_000);
  context.subscriptions.push({ dispose: () => clearInterval(patTimer) });
  // The HTTP stack (undici) is not loaded here: the first request loads it.
  logger.info(`Tableau Publisher activated with ${admin.list().length} connection(s) in ${Math.round(performance.now() - started)} ms.`);
  // The extension-host suite drives the real services (its ui seam answers prompts).
  return context.extensionMode === vscode.ExtensionMode.Test ? { services, authProvider } : undefined;
}

export async function deactivate(): Promise<void> {
  await manager?.dispose();
  manager = undefined;
}
