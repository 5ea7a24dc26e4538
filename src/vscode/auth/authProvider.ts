import * as vscode from 'vscode';
import { isCancellation } from '../../core/errors';
import type { ConnectionAdmin } from '../connections/connectionAdmin';
import { accountLabel } from '../connections/profileLogic';

/**
 * Exposes signed-in connections in the Accounts menu. One session per connection (its
 * current site and acting user); signing out there signs the connection out.
 */
export class TableauAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private known = new Map<string, vscode.AuthenticationSession>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly connections: ConnectionAdmin) {
    this.known = this.snapshot();
    this.subs.push(connections.onDidChange(() => this.diff()));
  }

  async getSessions(_scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return [...this.snapshot().values()];
  }

  /** Asked for by the Accounts menu or another extension: pick (or add) a connection and sign in. */
  async createSession(_scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const profile = await this.connections.pick({ prompt: 'connection.signInAccount', placeHolder: vscode.l10n.t('Sign in to which Tableau connection?') });
    if (!profile) throw new Error(vscode.l10n.t('Sign-in cancelled.'));
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to {0}…', profile.label) },
        () => this.connections.signIn(profile.id),
      );
    } catch (e) {
      if (isCancellation(e)) throw new Error(vscode.l10n.t('Sign-in cancelled.'));
      throw e;
    }
    const s = this.snapshot().get(profile.id);
    if (!s) throw new Error(vscode.l10n.t('Sign-in to {0} did not complete.', profile.label));
    return s;
  }

  async removeSession(sessionId: string): Promise<void> {
    await this.connections.signOut(sessionId);
  }

  private snapshot(): Map<string, vscode.AuthenticationSession> {
    const out = new Map<string, vscode.AuthenticationSession>();
    for (const p of this.connections.list()) {
      const signIn = this.connections.currentSignIn(p.id);
      if (!signIn) continue;
      const acting = this.connections.actingUser(p.id);
      const label = accountLabel(p, signIn.siteContentUrl, undefined) + (acting ? ` (as ${acting.name})` : '');
      out.set(p.id, {
        id: p.id,
        // The live REST session token: what another extension granted access needs to call Tableau.
        accessToken: signIn.token,
        account: { id: p.id, label },
        scopes: [],
      });
    }
    return out;
  }

  private diff(): void {
    const now = this.snapshot();
    const added: vscode.AuthenticationSession[] = [];
    const removed: vscode.AuthenticationSession[] = [];
    const changed: vscode.AuthenticationSession[] = [];
    for (const [id, s] of now) {
      const old = this.known.get(id);
      if (!old) added.push(s);
      else if (old.accessToken !== s.accessToken || old.account.label !== s.account.label) changed.push(s);
    }
    for (const [id, s] of this.known) if (!now.has(id)) removed.push(s);
    this.known = now;
    if (added.length || removed.length || changed.length) this.emitter.fire({ added, removed, changed });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
