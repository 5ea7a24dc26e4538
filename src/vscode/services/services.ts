import type * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { TableauAuthenticationProvider } from '../auth/authProvider';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ConnectionAdmin } from '../connections/connectionAdmin';
import type { EnvironmentState } from '../environments/environmentState';
import type { ErrorReporter } from './errors';
import type { SiteContent } from './siteContent';
import type { Ui } from './ui';

/** Built once in extension.ts and handed to every command, view and provider. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly logger: Logger;
  /** What content, publish and tree code use. */
  readonly connections: ConnectionManager;
  /** The same object with the operations the connection commands need (add, edit, sign in/out...). */
  readonly connectionAdmin: ConnectionAdmin;
  /** Replaceable in tests: nothing may wait on a real dialog there. */
  ui: Ui;
  /** Shows failures: `services.errors.show(e, { prefix, actions })`. */
  readonly errors: ErrorReporter;
  /** Listings per site, "site changed" (publish, delete, create fire it; the tree listens), reveal. */
  readonly sites: SiteContent;
  /** Shows the 'Tableau Publisher' log. */
  showLog(): void;
  /**
   * Manifest targets (manifest, file, connection) the user confirmed in this window: an untrusted
   * workspace or a connection name they do not have asks once per window, not per publish.
   */
  readonly confirmedTargets: Set<string>;
  /** The workspace's active environment (manifest version 2), its status bar item and plan documents. */
  readonly environments: EnvironmentState;
}

/** What `activate` returns in extension test mode only, for test/vscode-suite. */
export interface ExtensionTestApi {
  services: Services;
  authProvider: TableauAuthenticationProvider;
}
