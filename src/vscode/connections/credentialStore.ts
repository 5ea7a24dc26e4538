import * as vscode from 'vscode';
import { globalRedactor } from '../../core/logger';
import { PROFILES_REVISION_KEY, SECRET_KINDS, parseSecretKey, secretKey, type SecretKind } from './storageKeys';

export type { SecretKind, SecretKey } from './storageKeys';

export interface CredentialChange {
  /** Undefined when the change is the profiles revision, not a secret. */
  connectionId?: string;
  kind?: SecretKind;
}

/** Where secrets live. Only SecretStorage backs it: never settings, globalState or files. */
export interface CredentialStore {
  readonly onDidChange: vscode.Event<CredentialChange>;
  get(connectionId: string, kind: SecretKind): Promise<string | undefined>;
  set(connectionId: string, kind: SecretKind, value: string): Promise<void>;
  delete(connectionId: string, kind: SecretKind): Promise<void>;
  deleteAll(connectionId: string): Promise<void>;
  /** Tells other windows that profiles changed (see PROFILES_REVISION_KEY). */
  bumpProfilesRevision(): Promise<void>;
}

export class SecretStorageCredentialStore implements CredentialStore, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<CredentialChange>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.sub = secrets.onDidChange((e) => {
      if (e.key === PROFILES_REVISION_KEY) this.emitter.fire({});
      const parsed = parseSecretKey(e.key);
      if (parsed) this.emitter.fire(parsed);
    });
  }

  async get(connectionId: string, kind: SecretKind): Promise<string | undefined> {
    const v = await this.secrets.get(secretKey(connectionId, kind));
    // Every secret we touch is masked in logs from then on.
    globalRedactor.addSecret(v);
    return v;
  }

  async set(connectionId: string, kind: SecretKind, value: string): Promise<void> {
    globalRedactor.addSecret(value);
    await this.secrets.store(secretKey(connectionId, kind), value);
  }

  async delete(connectionId: string, kind: SecretKind): Promise<void> {
    await this.secrets.delete(secretKey(connectionId, kind));
  }

  async deleteAll(connectionId: string): Promise<void> {
    for (const k of SECRET_KINDS) await this.delete(connectionId, k);
  }

  async bumpProfilesRevision(): Promise<void> {
    await this.secrets.store(PROFILES_REVISION_KEY, String(Date.now()));
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
