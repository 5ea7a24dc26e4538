import { TableauError, type TableauErrorInit } from '../../core/errors';
import type { ServerInfo, SignInResult } from '../../core/models';
import type { ConnectionManager, ConnectionProfile } from './connectionManager';
import type { ActingUser } from './sessionPool';

export interface ConnectionAdmin extends ConnectionManager {
  /** Signs in a profile that is not saved yet (secret held in memory only) to test it. */
  trySignIn(draft: ConnectionProfile, secret: string | undefined, signal?: AbortSignal): Promise<SignInResult>;
  /** Saves (adds or replaces) a profile; stores the secret when given. */
  save(profile: ConnectionProfile, secret?: string): Promise<void>;
  /** Forgets an unsaved draft's sessions and in-memory secret. */
  discardDraft(id: string): Promise<void>;
  /** Signs out, deletes the secrets and the profile. */
  remove(id: string): Promise<void>;
  signIn(id: string, signal?: AbortSignal): Promise<SignInResult>;
  signOut(id: string): Promise<void>;
  setActive(id: string): Promise<void>;
  setReadOnly(id: string, readOnly: boolean): Promise<void>;
  switchSite(id: string, siteContentUrl: string, signal?: AbortSignal): Promise<void>;
  actingUser(id: string): ActingUser | undefined;
  setActingUser(id: string, user: ActingUser | undefined): Promise<void>;
  serverInfo(id: string, signal?: AbortSignal): Promise<ServerInfo>;
  apiVersion(id: string, signal?: AbortSignal): Promise<string>;
  /** The sign-in of the connection's current (site, acting user) session, when signed in. */
  currentSignIn(id: string): SignInResult | undefined;
  hasSecret(id: string): Promise<boolean>;
  /** Signs out everything (deactivate). */
  dispose(): Promise<void>;
}

/** The message a PAT sign-in failure (401001) gets; reason stays 'signInFailed'. */
export const EXPIRED_TOKEN_MESSAGE = 'This token is expired or revoked (PATs expire after 15 days unused).';


/** A PAT sign-in failure (401001) of one connection: its error actions offer "Enter new token…" for it. */
export class ExpiredTokenError extends TableauError {
  constructor(
    readonly connectionId: string,
    init: Omit<TableauErrorInit, 'reason' | 'message'>,
    message: string,
  ) {
    super({ ...init, reason: 'signInFailed', message });
  }
}
