// Sentinel secrets in the real extension host: after connecting, listing and failing with
// sentinel secrets (trace logging on), no sentinel or session token may appear in the log
// output channel's file, the extension's storage folders, globalState, settings or the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../src/vscode/connections/connectionManager';
import type { ExtensionTestApi } from '../../src/vscode/services/services';
import { startSimulator, type RunningSimulator } from '../simulator';
import { SentinelScanner, sentinel } from '../support/sentinels';
import { EXTENSION_ID } from './results';

const PAT_SECRET = sentinel('vscpat');
const WRONG = sentinel('vscwrong', true);
const PAT_NAME = 'vsc-secrets-pat';

/** Regular files under `dir` (no symlinks, no node_modules/.git), at most `max`. */
function filesUnder(dir: string, max = 5000): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      if (out.length >= max) return;
      const p = path.join(d, e.name);
      if (e.isDirectory() && e.name !== 'node_modules' && e.name !== '.git') walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('secrets never reach logs, storage or the workspace (real extension host)', function () {
  this.timeout(60_000);
  let sim: RunningSimulator;
  let api: ExtensionTestApi;
  const added: string[] = [];
  let traceBefore: boolean | undefined;

  before(async () => {
    sim = await startSimulator({
      config: {
        sites: [{ name: 'Secrets', contentUrl: 'sec' }],
        users: [{ name: 'sec-admin', password: 'sec-admin-password-1', siteRole: 'SiteAdministratorCreator' }],
        pats: [{ name: PAT_NAME, secret: PAT_SECRET.value, user: 'sec-admin' }],
        projects: [{ site: 'sec', path: 'Default' }],
      },
    });
    const ext = vscode.extensions.getExtension<ExtensionTestApi | undefined>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    const exported = await ext.activate();
    assert.ok(exported?.services, 'activate() returns the test API in extension test mode');
    api = exported;
    const conf = vscode.workspace.getConfiguration('tableau');
    traceBefore = conf.inspect<boolean>('trace')?.globalValue;
    await conf.update('trace', true, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const id of added) await api?.services.connectionAdmin.remove(id).catch(() => undefined);
    await vscode.workspace.getConfiguration('tableau').update('trace', traceBefore, vscode.ConfigurationTarget.Global);
    await sim?.close();
  });

  it('connects, lists, fails with a wrong secret and an echoing server; nothing leaks anywhere', async () => {
    const base: ConnectionProfile = { id: `sec-${Date.now()}`, label: 'Secrets Suite', serverUrl: sim.url, siteContentUrl: 'sec', authKind: 'pat', patName: PAT_NAME, readOnly: false };
    const wrong: ConnectionProfile = { ...base, id: `${base.id}-wrong`, label: 'Secrets Suite Wrong' };
    await api.services.connectionAdmin.save(base, PAT_SECRET.value);
    added.push(base.id);
    await api.services.connectionAdmin.save(wrong, WRONG.value);
    added.push(wrong.id);

    const errors: unknown[] = [];
    const client = await api.services.connections.getClient(base.id);
    const projects = await client.allProjects();
    assert.ok(projects.length >= 1);
    sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { echoRequest: true } });
    await client.allProjects().catch((e: unknown) => errors.push(e));
    await api.services.connections.getClient(wrong.id).catch((e: unknown) => errors.push(e));
    assert.equal(errors.length, 2, 'both failures happened');
    // The log channel writes asynchronously.
    await new Promise((r) => setTimeout(r, 1500));

    const scanner = new SentinelScanner([PAT_SECRET, WRONG]);
    for (const [i, t] of sim.issuedTokens().entries()) scanner.add({ name: `session token ${i}`, value: t });
    errors.forEach((e, i) => scanner.scanError(e, `error ${i}`));

    // The log folder of this window: the extension's own log folder and the output channel files around it.
    const ctx = api.services.context;
    const logRoot = path.dirname(path.dirname(ctx.logUri.fsPath));
    const logFiles = filesUnder(logRoot);
    const ours = logFiles.filter((f) => {
      try {
        return fs.readFileSync(f, 'utf8').includes(`Signing in to ${sim.url}`);
      } catch {
        return false;
      }
    });
    assert.ok(ours.length > 0, `the Tableau Publisher log file was found under ${logRoot} (${logFiles.length} files: ${logFiles.slice(0, 20).join(', ')})`);
    scanner.scanDir(logRoot, 'logs');
    for (const uri of [ctx.globalStorageUri, ctx.storageUri]) if (uri) scanner.scanDir(uri.fsPath, 'storage');
    for (const f of vscode.workspace.workspaceFolders ?? []) scanner.scanDir(f.uri.fsPath, `workspace ${f.name}`);
    for (const key of ctx.globalState.keys()) scanner.scanText(JSON.stringify(ctx.globalState.get(key)) ?? '', `globalState ${key}`);
    for (const key of ctx.workspaceState.keys()) scanner.scanText(JSON.stringify(ctx.workspaceState.get(key)) ?? '', `workspaceState ${key}`);
    scanner.scanText(JSON.stringify(vscode.workspace.getConfiguration('tableau')), 'settings');
    assert.equal(scanner.hits.length, 0, scanner.report());
    // The secret is where it belongs.
    assert.equal(await ctx.secrets.get(`tableau.secret.${base.id}.patSecret`), PAT_SECRET.value);
  });
});
