import type { AccessPurpose } from '../../core/auth/jwt';
import type * as vscode from 'vscode';
import type { TableauClient } from '../../core/api/client';
import type { PromptId } from '../services/ui';

/** A saved connection. Never holds a secret: those live in SecretStorage (see credentialStore.ts). */
export interface ConnectionProfile {
  id: string;
  label: string;
  /** scheme://host[:port][/prefix], no trailing slash. */
  serverUrl: string;
  /** "" for the default site. */
  siteContentUrl: string;
  authKind: 'pat' | 'password' | 'connectedApp';
  patName?: string;
  /** YYYY-MM-DD, as the user entered it. */
  patExpiresOn?: string;
  username?: string;
  clientId?: string;
  secretId?: string;
  readOnly: boolean;
  /** Path of a PEM file with extra CA certificate(s) for this server. */
  caFile?: string;
}

export interface ConnectionManager {
  /** Profiles or sign-in state changed (in this window or another one). */
  readonly onDidChange: vscode.Event<void>;
  list(): ConnectionProfile[];
  get(id: string): ConnectionProfile | undefined;
  findByLabel(label: string): ConnectionProfile | undefined;
  /** The one the status bar shows. */
  active(): ConnectionProfile | undefined;
  /**
   * A signed-in client for (connection, site, acting user); reuses the session; signs in lazily (single-flight in the core).
   * Defaults: the connection's current site and the user it acts as ("Act as User"); `actAsUserId: ''` = its own user.
   */
  getClient(id: string, opts?: { siteContentUrl?: string; actAsUserId?: string; purpose?: AccessPurpose; signal?: AbortSignal }): Promise<TableauClient>;
  isSignedIn(id: string): boolean;
  /** Quick pick of the saved connections; offers "Add connection..." too. */
  pick(opts: { prompt: PromptId; placeHolder?: string; requireWritable?: boolean }): Promise<ConnectionProfile | undefined>;
  /** Throws TableauError reason 'readOnly' with a clear message. */
  assertWritable(profile: ConnectionProfile): void;
  isReadOnly(id: string): boolean;
}
