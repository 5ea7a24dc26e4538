import type { AccessPurpose } from '../../core/auth/jwt';
import * as vscode from 'vscode';
import type { TableauClient } from '../../core/api/client';
import type { Credential } from '../../core/auth/credentials';
import { TableauError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ServerInfo, SignInResult } from '../../core/models';
import type { PromptId, Ui } from '../services/ui';
import { EXPIRED_TOKEN_MESSAGE, ExpiredTokenError, type ConnectionAdmin } from './connectionAdmin';
import type { ConnectionProfile } from './connectionManager';
import { pickConnection } from './connectionPicker';
import type { CredentialStore } from './credentialStore';
import { maxListItemsFrom, SETTING_LIMIT_NAMES } from './httpOptions';
import { InsecureTlsWarning } from './insecureTlsWarning';
import { credentialFor } from './profileLogic';
import { ProfileStore } from './profileStore';
import { readHttpOptions } from './readHttpOptions';
import { SessionPool, type ActingUser, type PooledSession } from './sessionPool';
import { secretKindFor } from './storageKeys';

/**
 * The connections of this window: saved profiles (ProfileStore) with their signed-in sessions
 * (SessionPool), unsaved drafts being tested, the user each acts as, and what other windows change.
 */
export class ExtensionConnectionManager implements ConnectionAdmin {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly profiles: ProfileStore;
  private readonly drafts = new Map<string, { profile: ConnectionProfile; secret?: string }>();
  private readonly acting = new Map<string, ActingUser>();
  /** Secrets the sessions of this window were built with, to tell other windows' edits from ours. */
  private readonly usedSecrets = new Map<string, string>();
  private readonly pool: SessionPool;
  private readonly insecureWarning: InsecureTlsWarning;
  /** Server moves already offered in this window (connection id + new address), so each is offered once. */
  private readonly offeredMoves = new Set<string>();

  constructor(
    state: vscode.Memento,
    private readonly credentials: CredentialStore,
    private readonly getUi: () => Ui,
    private readonly logger: Logger,
  ) {
    this.profiles = new ProfileStore(state, credentials);
    this.insecureWarning = new InsecureTlsWarning(logger, getUi);
    this.pool = new SessionPool({
      logger,
      credential: (p, actAs) => this.credentialOf(p, actAs),
      httpOptions: (p) => readHttpOptions(p, () => this.insecureWarning.warnOnce()),
      clientOptions: () => ({ maxListItems: maxListItemsFrom(vscode.workspace.getConfiguration('tableau').get<unknown>('maxListItems')), limitNames: SETTING_LIMIT_NAMES }),
      changed: () => this.emitter.fire(),
    });
  }

  // --- the ConnectionManager contract -------------------------------------------------

  list(): ConnectionProfile[] {
    return this.profiles.list();
  }

  get(id: string): ConnectionProfile | undefined {
    return this.profiles.get(id);
  }

  findByLabel(label: string): ConnectionProfile | undefined {
    return this.profiles.findByLabel(label);
  }

  active(): ConnectionProfile | undefined {
    return this.profiles.active();
  }

  async getClient(id: string, opts?: { siteContentUrl?: string; actAsUserId?: string; purpose?: AccessPurpose; signal?: AbortSignal }): Promise<TableauClient> {
    const pooled = await this.pooled(id, opts?.siteContentUrl, opts?.actAsUserId, opts?.purpose);
    await this.signInPooled(pooled, opts?.signal);
    return pooled.client;
  }

  isSignedIn(id: string): boolean {
    return this.pool.isSignedIn(id);
  }

  pick(opts: { prompt: PromptId; placeHolder?: string; requireWritable?: boolean }): Promise<ConnectionProfile | undefined> {
    return pickConnection(this, this.getUi(), opts);
  }

  assertWritable(profile: ConnectionProfile): void {
    if (this.isReadOnly(profile.id) || profile.readOnly) {
      throw new TableauError({
        reason: 'readOnly',
        message: vscode.l10n.t(
          'Connection "{0}" is read-only: it does not publish, delete or refresh. Turn read-only off with "Tableau: Toggle Read-Only" to allow it.',
          profile.label,
        ),
      });
    }
  }

  isReadOnly(id: string): boolean {
    return this.profiles.get(id)?.readOnly === true;
  }

  // --- administration ------------------------------------------------------------------

  async trySignIn(draft: ConnectionProfile, secret: string | undefined, signal?: AbortSignal): Promise<SignInResult> {
    await this.pool.signOutConnection(draft.id);
    this.drafts.set(draft.id, { profile: { ...draft }, secret });
    const pooled = await this.pool.acquire(draft, draft.siteContentUrl);
    return this.signInPooled(pooled, signal, draft);
  }

  async discardDraft(id: string): Promise<void> {
    this.drafts.delete(id);
    // A saved connection keeps its sessions only if they were not made from the draft.
    await this.pool.signOutConnection(id);
  }

  save(profile: ConnectionProfile, secret?: string): Promise<void> {
    return this.profiles.serial(() => this.saveNow(profile, secret));
  }

  private async saveNow(profile: ConnectionProfile, secret?: string): Promise<void> {
    const old = this.profiles.get(profile.id);
    const draft = this.drafts.get(profile.id);
    this.drafts.delete(profile.id);
    // Sessions made by trySignIn from this very draft stay (the user is signed in);
    // otherwise the credential or server may have changed under them.
    const keepSessions = draft !== undefined && sameConnection(draft.profile, profile) && (secret === undefined || secret === draft.secret);
    // Before storing: the store's change event must not take our own write for another window's.
    if (keepSessions && draft.secret !== undefined) this.usedSecrets.set(profile.id, draft.secret);
    if (secret !== undefined) await this.credentials.set(profile.id, secretKindFor(profile.authKind), secret);
    if (old && old.authKind !== profile.authKind) await this.credentials.delete(profile.id, secretKindFor(old.authKind));
    const stale = !keepSessions && (draft !== undefined || (old !== undefined && (secret !== undefined || !sameConnection(old, profile))));
    if (stale) await this.pool.signOutConnection(profile.id);
    await this.profiles.put(profile);
    this.emitter.fire();
    // The test sign-in of a draft may have ended on another server: offer it now that the profile is saved.
    const signedInOn = this.pool.entries(profile.id)[0]?.session.api.server.serverUrl;
    if (keepSessions && signedInOn) this.offerServerMove(profile, signedInOn);
  }

  /**
   * The saved address of a connection becomes `to`, where its sign-in was redirected (a Tableau
   * Cloud pod move). Only when it still reads `from`; the sessions signed in there are kept.
   */
  adoptServerAddress(id: string, from: string, to: string): Promise<void> {
    return this.profiles.serial(async () => {
      const p = this.profiles.get(id);
      if (!p || p.serverUrl !== from) return;
      await this.pool.retarget(p, to);
      await this.profiles.update(id, { serverUrl: to });
      this.logger.info(`Connection "${p.label}": server address updated from ${from} to ${to}.`);
      this.emitter.fire();
    });
  }

  /** A saved connection whose sign-in ended on another server: offer (once per window) to save that address. */
  private offerServerMove(p: ConnectionProfile, signedInOn: string): void {
    const key = `${p.id}\u0000${signedInOn}`;
    if (signedInOn === p.serverUrl || this.drafts.has(p.id) || this.offeredMoves.has(key)) return;
    this.offeredMoves.add(key);
    const update = vscode.l10n.t('Update address');
    void this.getUi()
      .notify('info', vscode.l10n.t('{0} redirected the sign-in of connection "{1}" to {2}. Save {2} as its server address?', p.serverUrl, p.label, signedInOn), update)
      .then((chosen) => (chosen === update ? this.adoptServerAddress(p.id, p.serverUrl, signedInOn) : undefined))
      .catch((e: unknown) => this.logger.warn(`Updating the address of connection "${p.label}" failed: ${String(e)}`));
  }

  remove(id: string): Promise<void> {
    return this.profiles.serial(() => this.removeNow(id));
  }

  private async removeNow(id: string): Promise<void> {
    await this.pool.signOutConnection(id);
    await this.credentials.deleteAll(id);
    this.acting.delete(id);
    this.usedSecrets.delete(id);
    await this.profiles.remove(id);
    this.emitter.fire();
  }

  async signIn(id: string, signal?: AbortSignal): Promise<SignInResult> {
    return this.signInPooled(await this.pooled(id), signal);
  }

  async signOut(id: string): Promise<void> {
    await this.pool.signOutConnection(id);
  }

  async setActive(id: string): Promise<void> {
    if (!this.get(id)) return;
    await this.profiles.setActive(id);
    this.emitter.fire();
  }

  setReadOnly(id: string, readOnly: boolean): Promise<void> {
    return this.profiles.serial(() => this.setReadOnlyNow(id, readOnly));
  }

  private async setReadOnlyNow(id: string, readOnly: boolean): Promise<void> {
    const p = this.get(id);
    if (!p || p.readOnly === readOnly) return;
    await this.profiles.update(id, { readOnly });
    this.emitter.fire();
  }

  switchSite(id: string, siteContentUrl: string, signal?: AbortSignal): Promise<void> {
    return this.profiles.serial(() => this.switchSiteNow(id, siteContentUrl, signal));
  }

  private async switchSiteNow(id: string, siteContentUrl: string, signal?: AbortSignal): Promise<void> {
    const p = this.require(id);
    if (p.siteContentUrl === siteContentUrl) return;
    const pooled = this.pool.entries(id).find((s) => s.siteContentUrl === p.siteContentUrl && s.actAs?.id === this.acting.get(id)?.id);
    if (pooled?.session.current()) {
      await this.pool.switchSite(pooled, siteContentUrl, signal);
    }
    // Remembered per connection: the profile's site is the one every caller gets next.
    await this.profiles.update(id, { siteContentUrl });
    this.emitter.fire();
  }

  actingUser(id: string): ActingUser | undefined {
    return this.acting.get(id);
  }

  async setActingUser(id: string, user: ActingUser | undefined): Promise<void> {
    this.require(id);
    if (user) this.acting.set(id, { ...user });
    else this.acting.delete(id);
    this.emitter.fire();
  }

  async serverInfo(id: string, signal?: AbortSignal): Promise<ServerInfo> {
    return (await this.pool.api(this.require(id))).serverInfo(signal);
  }

  async apiVersion(id: string, signal?: AbortSignal): Promise<string> {
    return (await this.pool.api(this.require(id))).apiVersion(signal);
  }

  currentSignIn(id: string): SignInResult | undefined {
    const p = this.get(id);
    if (!p) return undefined;
    const actAs = this.acting.get(id)?.id;
    const s = this.pool.entries(id).find((e) => e.siteContentUrl === p.siteContentUrl && e.actAs?.id === actAs);
    return s?.session.current() ?? this.pool.entries(id).find((e) => e.session.current())?.session.current();
  }

  async hasSecret(id: string): Promise<boolean> {
    const p = this.get(id);
    return !!p && (await this.credentials.get(id, secretKindFor(p.authKind))) !== undefined;
  }

  async dispose(): Promise<void> {
    await this.pool.signOutAll();
    this.emitter.dispose();
  }

  /** Another window changed profiles or a secret: reload, and drop sessions built on stale data. */
  syncFromStorage(connectionId?: string): Promise<void> {
    return this.profiles.serial(() => this.syncFromStorageNow(connectionId));
  }

  private async syncFromStorageNow(connectionId?: string): Promise<void> {
    const before = this.profiles.reload();
    for (const old of before) {
      const id = old.id;
      const now = this.profiles.get(id);
      if (!now || !sameConnection(old, now)) await this.pool.signOutConnection(id);
    }
    if (connectionId && this.usedSecrets.has(connectionId)) {
      const p = this.get(connectionId);
      const current = p && (await this.credentials.get(connectionId, secretKindFor(p.authKind)));
      if (current !== this.usedSecrets.get(connectionId)) {
        this.usedSecrets.delete(connectionId);
        await this.pool.signOutConnection(connectionId);
      }
    }
    this.emitter.fire();
  }

  /** Settings that shape HTTP changed: new transports on next use. */
  async resetTransports(): Promise<void> {
    this.insecureWarning.reset();
    await this.pool.signOutAll();
  }

  // --- internals -------------------------------------------------------------------------

  private require(id: string): ConnectionProfile {
    const p = this.get(id) ?? this.drafts.get(id)?.profile;
    if (!p) throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('There is no Tableau connection with id {0}.', id) });
    return p;
  }

  private async pooled(id: string, site?: string, actAsUserId?: string, purpose?: AccessPurpose): Promise<PooledSession> {
    const p = this.require(id);
    let actAs = this.acting.get(id);
    if (actAsUserId === '') {
      actAs = undefined;
    } else if (actAsUserId !== undefined && actAsUserId !== actAs?.id) {
      if (p.authKind === 'connectedApp') {
        throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('A connected app acts as another user only through "Tableau: Act as User".') });
      }
      actAs = { id: actAsUserId, name: actAsUserId };
    }
    return this.pool.acquire(p, site ?? p.siteContentUrl, actAs, purpose);
  }

  private async signInPooled(pooled: PooledSession, signal?: AbortSignal, profile?: ConnectionProfile): Promise<SignInResult> {
    try {
      const result = await this.pool.signIn(pooled, signal);
      const saved = this.get(pooled.connectionId);
      if (saved) this.offerServerMove(saved, pooled.session.api.server.serverUrl);
      return result;
    } catch (e) {
      const p = profile ?? this.get(pooled.connectionId);
      if (p?.authKind === 'pat' && TableauError.is(e, 'signInFailed')) {
        const err = new ExpiredTokenError(p.id, { status: e.status, code: e.code, cause: e }, vscode.l10n.t(EXPIRED_TOKEN_MESSAGE));
        // A dead session must not linger: the next call signs in afresh with whatever secret is stored then.
        await this.pool.signOutConnection(p.id);
        throw err;
      }
      throw e;
    }
  }

  private async credentialOf(p: ConnectionProfile, actAs?: ActingUser): Promise<Credential> {
    const draft = this.drafts.get(p.id);
    const secret = draft?.secret ?? (await this.credentials.get(p.id, secretKindFor(p.authKind)));
    if (secret === undefined) {
      throw new TableauError({
        reason: 'signInFailed',
        message: vscode.l10n.t('No saved secret for connection "{0}". Edit the connection to enter it.', p.label),
      });
    }
    if (!draft) this.usedSecrets.set(p.id, secret);
    return credentialFor(p, secret, actAs?.name);
  }
}

/** Same server, site-independent identity and credential fields: sessions made for one serve the other. */
function sameConnection(a: ConnectionProfile, b: ConnectionProfile): boolean {
  const k = (p: ConnectionProfile) => JSON.stringify([p.serverUrl, p.authKind, p.patName, p.username, p.clientId, p.secretId, p.caFile]);
  return k(a) === k(b);
}
