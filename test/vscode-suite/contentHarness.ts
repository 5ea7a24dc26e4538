// Shared by tree.test.ts and publish.test.ts: the extension's real services (test API
// from activate()), a scripted ui seam, and a demo simulator with a saved PAT connection.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../src/vscode/connections/connectionManager';
import type { ExtensionTestApi } from '../../src/vscode/services/services';
import { type RunningSimulator, startSimulator } from '../simulator';
import type { SimConfig } from '../simulator/config';
import { EXTENSION_ID } from './results';
import { ScriptedUi } from './scriptedUi';

export { ScriptedUi } from './scriptedUi';

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

/** The workspace's manifest as a suite found it, and a scratch folder in the workspace: `restore()` puts both back. */
export function workspaceScratch(prefix: string): { folder: string; dir: string; manifestPath: string; restore(): void } {
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dir = path.join(folder, `${prefix}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const manifestPath = path.join(folder, '.vscode', 'tableau-publish.json');
  const before = fs.existsSync(manifestPath) ? fs.readFileSync(manifestPath, 'utf8') : undefined;
  return {
    folder,
    dir,
    manifestPath,
    restore() {
      if (before === undefined) fs.rmSync(manifestPath, { force: true });
      else fs.writeFileSync(manifestPath, before);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
