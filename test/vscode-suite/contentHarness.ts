// Shared by tree.test.ts and publish.test.ts: the extension's real services (test API
// from activate()), a scripted ui seam, and a demo simulator with a saved PAT connection.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../src/vscode/connections/connectionManager';
import type { ExtensionTestApi } from '../../src/vscode/services/services';
import type { Ui } from '../../src/vscode/services/ui';
import { type RunningSimulator, startSimulator } from '../simulator';
import type { SimConfig } from '../simulator/config';
import { EXTENSION_ID } from './results';

type Answer = string | undefined | ((opts: vscode.InputBoxOptions) => string | undefined);
type PickAnswer = string | string[] | undefined;

/** Answers prompts by their placeholder/prompt (a substring match); records what was shown. */
export class ScriptedUi implements Ui {
  readonly inputs = new Map<string, Answer>();
  readonly picks = new Map<string, PickAnswer>();
  confirmAnswer = true;
  notifyAnswer: (message: string, actions: string[]) => string | undefined = () => undefined;
  readonly asked: string[] = [];
  readonly confirms: { message: string; detail?: string }[] = [];
  readonly notes: { kind: string; message: string; actions: string[] }[] = [];
  readonly opened: string[] = [];
  /** The labels each pick offered, by its placeholder (the last time it was shown). */
  readonly offered = new Map<string, string[]>();

  private find<T>(map: Map<string, T>, key: string): T {
    for (const [k, v] of map) if (key.includes(k)) return v;
    throw new Error(`unexpected prompt: "${key}"`);
  }

  async confirm(message: string, _action: string, opts?: { detail?: string }): Promise<boolean> {
    this.confirms.push({ message, detail: opts?.detail });
    return this.confirmAnswer;
  }
  async input(opts: vscode.InputBoxOptions): Promise<string | undefined> {
    const key = opts.prompt ?? opts.placeHolder ?? opts.title ?? '';
    this.asked.push(key);
    const a = this.find(this.inputs, key);
    return typeof a === 'function' ? a(opts) : a;
  }
  async pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, opts?: vscode.QuickPickOptions): Promise<T | undefined> {
    const key = opts?.placeHolder ?? opts?.title ?? '';
    this.asked.push(key);
    const want = this.find(this.picks, key);
    const list = await items;
    this.offered.set(key, list.map((i) => i.label));
    if (want === undefined) return undefined;
    const one = (w: string): T => {
      const found = list.find((i) => i.label === w) ?? list.find((i) => i.label.includes(w));
      if (!found) throw new Error(`no item "${w}" in pick "${key}": ${list.map((i) => i.label).join(' | ')}`);
      return found;
    };
    if (opts?.canPickMany) return (Array.isArray(want) ? want : [want]).map(one) as unknown as T;
    return one(Array.isArray(want) ? want[0] : want);
  }
  async notify(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined> {
    this.notes.push({ kind, message, actions });
    return this.notifyAnswer(message, actions);
  }
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
  errors(): string[] {
    return this.notes.filter((n) => n.kind === 'error').map((n) => n.message);
  }
}

export interface ContentFixture {
  sim: RunningSimulator;
  api: ExtensionTestApi;
  ui: ScriptedUi;
  profile: ConnectionProfile;
  close(): Promise<void>;
}

/** Starts a demo simulator (plus `extra` content) and saves a PAT connection "<label>" on its "sales" site. */
export async function contentFixture(label: string, extra: SimConfig = {}): Promise<ContentFixture> {
  const sim = await startSimulator({ demo: true, config: { jobDurationMs: 200, ...extra } });
  const ext = vscode.extensions.getExtension<ExtensionTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not found`);
  const api = await ext.activate();
  assert.ok(api?.services, 'activate() returns the test API in extension test mode');
  const originalUi = api.services.ui;
  const ui = new ScriptedUi();
  api.services.ui = ui;
  const pat = sim.demoPat!;
  const profile: ConnectionProfile = { id: randomUUID(), label, serverUrl: sim.url, siteContentUrl: pat.site, authKind: 'pat', patName: pat.name, readOnly: false };
  await api.services.connectionAdmin.save(profile, pat.secret);
  return {
    sim,
    api,
    ui,
    profile,
    async close() {
      await api.services.connectionAdmin.remove(profile.id).catch(() => undefined);
      api.services.ui = originalUi;
      await sim.close();
    },
  };
}
