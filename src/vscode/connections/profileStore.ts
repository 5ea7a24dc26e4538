import type * as vscode from 'vscode';
import type { ConnectionProfile } from './connectionManager';
import type { CredentialStore } from './credentialStore';
import { activeProfile, storedProfiles } from './profileLogic';
import { ACTIVE_KEY, PROFILES_KEY } from './storageKeys';

/**
 * The saved connections and which one is active, kept in globalState. Every write bumps the
 * profiles revision in SecretStorage, the one store whose change event reaches other windows.
 * Callers get copies; they change profiles only through `put`, `update` and `remove`.
 */
export class ProfileStore {
  private profiles: ConnectionProfile[] = [];
  /** Profile writes and reloads run one at a time, so a reload never sees a half-done save. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly state: vscode.Memento,
    private readonly credentials: CredentialStore,
  ) {
    this.reload();
  }

  list(): ConnectionProfile[] {
    return this.profiles.map((p) => ({ ...p }));
  }

  get(id: string): ConnectionProfile | undefined {
    const p = this.profiles.find((x) => x.id === id);
    return p && { ...p };
  }

  findByLabel(label: string): ConnectionProfile | undefined {
    const l = label.trim().toLowerCase();
    const p = this.profiles.find((x) => x.label.toLowerCase() === l);
    return p && { ...p };
  }

  active(): ConnectionProfile | undefined {
    const p = activeProfile(this.profiles, this.activeId());
    return p && { ...p };
  }

  /** The id stored as active, which may name a connection that no longer exists. */
  activeId(): string | undefined {
    return this.state.get<string>(ACTIVE_KEY);
  }

  async setActive(id: string): Promise<void> {
    await this.state.update(ACTIVE_KEY, id);
  }

  /** Adds or replaces a profile; the first one saved becomes active when none is. */
  async put(profile: ConnectionProfile): Promise<void> {
    const old = this.profiles.some((p) => p.id === profile.id);
    this.profiles = old ? this.profiles.map((p) => (p.id === profile.id ? { ...profile } : p)) : [...this.profiles, { ...profile }];
    await this.persist();
    if (!old && !this.activeId()) await this.state.update(ACTIVE_KEY, profile.id);
  }

  async update(id: string, change: Partial<Omit<ConnectionProfile, 'id'>>): Promise<void> {
    this.profiles = this.profiles.map((x) => (x.id === id ? { ...x, ...change } : x));
    await this.persist();
  }

  /** Forgets a profile; when it was active, the first one left becomes active. */
  async remove(id: string): Promise<void> {
    this.profiles = this.profiles.filter((p) => p.id !== id);
    if (this.activeId() === id) await this.state.update(ACTIVE_KEY, this.profiles[0]?.id);
    await this.persist();
  }

  /** Reads the profiles again (another window saved); returns the ones held before. */
  reload(): ConnectionProfile[] {
    const before = this.profiles;
    this.profiles = storedProfiles(this.state);
    return before;
  }

  /** Runs `fn` after every write or reload queued before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async persist(): Promise<void> {
    await this.state.update(PROFILES_KEY, this.profiles);
    await this.credentials.bumpProfilesRevision();
  }
}
