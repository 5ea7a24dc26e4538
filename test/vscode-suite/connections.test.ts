// Connections and credentials in the real extension host: the extension's own services
// (from activate() in test mode) with a scripted ui seam, against an in-process simulator.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../src/vscode/connections/connectionManager';
import type { ExtensionTestApi } from '../../src/vscode/services/services';
import type { Ui } from '../../src/vscode/services/ui';
import { checkPatExpiry } from '../../src/vscode/connections/patLifecycle';
import { connectionStatus, statusBarText } from '../../src/vscode/statusBar';
import { startSimulator, type RunningSimulator } from '../simulator';
import { twoSiteConfig } from '../support/simFixture';
import { EXTENSION_ID } from './results';
import { KEEP, Queue, ScriptedUi } from './scriptedUi';

const PAT = { name: 'vsc-suite-pat', secret: 'vsc-suite-secret-9f8e7d6c5b4a' };
const SPARE = { name: 'vsc-spare-pat', secret: 'vsc-spare-secret-1a2b3c4d5e6f' };
const RENEWED = { name: 'vsc-renewed-pat', secret: 'vsc-renewed-secret-77aa88bb99cc' };


let apiForWait: ExtensionTestApi | undefined;
/** Resolves when `done()` holds after a change event (or already holds); fails after 5 s. */
function waitForChange(done: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (done()) return resolve();
    const timer = setTimeout(() => {
      sub?.dispose();
      reject(new Error('no matching change within 5 s'));
    }, 5000);
    const sub = apiForWait?.services.connections.onDidChange(() => {
      if (!done()) return;
      clearTimeout(timer);
      sub?.dispose();
      resolve();
    });
  });
}

describe('connections and credentials (real extension host)', function () {
  this.timeout(60_000);
  let sim: RunningSimulator;
  let api: ExtensionTestApi;
  let ui: ScriptedUi;
  let originalUi: Ui;
  let profile: ConnectionProfile;
  const sessionEvents: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
  const subs: vscode.Disposable[] = [];

  before(async () => {
    sim = await startSimulator({ config: twoSiteConfig([PAT, SPARE, RENEWED]) });
    const ext = vscode.extensions.getExtension<ExtensionTestApi | undefined>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    const exported = await ext.activate();
    assert.ok(exported?.services, 'activate() returns the test API in extension test mode');
    api = exported;
    apiForWait = exported;
    originalUi = api.services.ui;
    ui = new ScriptedUi();
    ui.validateInputs = true;
    api.services.ui = ui;
    subs.push(api.authProvider.onDidChangeSessions((e) => sessionEvents.push(e)));
  });

  after(async () => {
    for (const s of subs) s.dispose();
    if (api) {
      for (const p of api.services.connections.list()) {
        if (p.serverUrl === sim?.url) await api.services.connectionAdmin.remove(p.id);
      }
      api.services.ui = originalUi;
    }
    await sim?.close();
  });

  it('warns before sending a secret over plain http to another machine, and asks again when declined', async () => {
    const { askServer } = await import('../../src/vscode/commands/connection/connectionForm');
    // Declined: the address is asked again (prefilled with https://); answer with the loopback simulator.
    ui.inputs.set('connection.server', new Queue<string>('http://tableau.example.test', sim.url));
    ui.confirmAnswer = false;
    const addr = await askServer(api.services);
    assert.equal(addr.serverUrl, sim.url);
    assert.equal(ui.confirms.length, 1);
    assert.equal(ui.confirms[0].id, 'connection.plainHttp');
    assert.match(ui.confirms[0].message, /plain http:\/\//);
    assert.equal(ui.prefills.get('connection.server'), 'https://tableau.example.test');
    ui.confirmAnswer = true;
  });

  it('adds a PAT connection from a pasted browser URL, testing the sign-in before saving', async () => {
    ui.inputs.set('connection.server', `${sim.url}/#/site/sales/home`);
    ui.inputs.set('connection.site', KEEP);
    ui.inputs.set('connection.label', 'Suite Sales');
    ui.picks.set('connection.authKind', 'pat');
    ui.picks.set('connection.patSource', 'create');
    ui.inputs.set('connection.patName', PAT.name);
    ui.inputs.set('connection.patSecret', PAT.secret);
    ui.inputs.set('connection.patExpiry', '');
    const signInsBefore = sim.state().counters.signIns[PAT.name] ?? 0;

    const added = await vscode.commands.executeCommand<ConnectionProfile | undefined>('tableau.addConnection');
    assert.deepEqual(ui.errors(), []);
    assert.ok(added, 'the command returns the new profile');
    profile = added;
    assert.equal(ui.prefills.get('connection.site'), 'sales', 'the site of the pasted URL is prefilled');
    assert.equal(profile.serverUrl, sim.url);
    assert.equal(profile.siteContentUrl, 'sales');
    assert.equal(profile.patName, PAT.name);
    assert.deepEqual(ui.opened, [`${sim.url}/#/site/sales/home`], '"Create a token…" opened the site');
    assert.equal(api.services.connections.active()?.id, profile.id);
    assert.equal(api.services.connections.isSignedIn(profile.id), true, 'the test sign-in is kept');
    assert.equal(sim.state().counters.signIns[PAT.name], signInsBefore + 1, 'exactly one sign-in');
  });

  it('keeps the secret in SecretStorage only', async () => {
    const { context } = api.services;
    assert.equal(await context.secrets.get(`tableau.secret.${profile.id}.patSecret`), PAT.secret);
    const state = JSON.stringify(context.globalState.keys().map((k) => [k, context.globalState.get(k)]));
    assert.ok(state.includes(profile.id), 'the profile is in globalState');
    assert.ok(!state.includes(PAT.secret), 'no secret in globalState');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('tableau'));
    assert.ok(!settings.includes(PAT.secret), 'no secret in settings');
    assert.ok(!JSON.stringify(ui.notes).includes(PAT.secret), 'no secret in any message');
  });

  it('lists the signed-in connection in the Tableau authentication provider', async () => {
    const sessions = await api.authProvider.getSessions();
    const mine = sessions.find((s) => s.id === profile.id);
    assert.ok(mine, 'a session for the connection');
    assert.equal(mine.account.label, `token ${PAT.name} @ ${new URL(sim.url).host}/sales`);
    assert.equal(mine.accessToken, api.services.connectionAdmin.currentSignIn(profile.id)?.token);
    assert.ok(sessionEvents.some((e) => e.added?.some((s) => s.id === profile.id)), 'onDidChangeSessions announced it');
    assert.match(statusBarText(connectionStatus(api.services.connectionAdmin)).text, /Suite Sales: sales/);
  });

  it('tests the connection: server version, API version, site and user', async () => {
    const report = await vscode.commands.executeCommand<{ productVersion: string; restApiVersion: string; site: string; userName?: string }>('tableau.testConnection', { connectionId: profile.id });
    assert.deepEqual(ui.errors(), []);
    assert.ok(report);
    assert.equal(report.productVersion, '2024.2.0');
    assert.equal(report.restApiVersion, '3.23');
    assert.equal(report.site, 'sales');
    assert.ok(ui.notes.some((n) => n.kind === 'info' && n.message.includes('Suite Sales works')));
  });

  it('switches site on the same session and remembers it', async () => {
    ui.picks.set('connection.switchSite', '');
    const before = sim.state().counters.signIns[PAT.name];
    await vscode.commands.executeCommand('tableau.switchSite', { connectionId: profile.id });
    assert.deepEqual(ui.errors(), []);
    assert.equal(api.services.connections.get(profile.id)?.siteContentUrl, '');
    assert.equal(api.services.connectionAdmin.currentSignIn(profile.id)?.siteContentUrl, '');
    assert.equal(sim.state().counters.signIns[PAT.name], before, 'switchSite, not a new sign-in');
  });

  it('acts as another user in a separate session and shows it', async () => {
    ui.picks.set('connection.actAs', 'bob');
    await vscode.commands.executeCommand('tableau.actAsUser', { connectionId: profile.id });
    assert.deepEqual(ui.errors(), []);
    const bob = sim.state().users.find((u) => u.name === 'bob');
    assert.equal(api.services.connectionAdmin.actingUser(profile.id)?.name, 'bob');
    assert.equal(api.services.connectionAdmin.currentSignIn(profile.id)?.userId, bob?.id);
    assert.match(statusBarText(connectionStatus(api.services.connectionAdmin)).text, /bob/);
    ui.picks.set('connection.actAs', 'stop');
    await vscode.commands.executeCommand('tableau.actAsUser', { connectionId: profile.id });
    assert.equal(api.services.connectionAdmin.actingUser(profile.id), undefined);
  });

  it('refuses writes on a read-only connection with a clear reason', async () => {
    const now = await vscode.commands.executeCommand<boolean>('tableau.toggleReadOnly', { connectionId: profile.id });
    assert.equal(now, true);
    assert.equal(api.services.connections.isReadOnly(profile.id), true);
    const p = api.services.connections.get(profile.id);
    assert.ok(p);
    assert.throws(() => api.services.connections.assertWritable(p), (e: { reason?: string; message?: string }) => {
      assert.equal(e.reason, 'readOnly');
      assert.match(e.message ?? '', /read-only/);
      return true;
    });
    await vscode.commands.executeCommand('tableau.toggleReadOnly', { connectionId: profile.id });
    assert.equal(api.services.connections.isReadOnly(profile.id), false);
  });

  it('signs out: the authentication session goes away', async () => {
    sessionEvents.length = 0;
    await vscode.commands.executeCommand('tableau.signOut', { connectionId: profile.id });
    assert.equal(api.services.connections.isSignedIn(profile.id), false);
    assert.equal((await api.authProvider.getSessions()).some((s) => s.id === profile.id), false);
    assert.ok(sessionEvents.some((e) => e.removed?.some((s) => s.id === profile.id)));
    // Lazily signed in again by the next caller.
    await api.services.connections.getClient(profile.id);
    assert.equal(api.services.connections.isSignedIn(profile.id), true);
  });

  it('explains a revoked PAT, offers a new token, and takes one', async () => {
    const spare: ConnectionProfile = { ...profile, id: `${profile.id}-spare`, label: 'Suite Spare', patName: SPARE.name };
    await api.services.connectionAdmin.save(spare, SPARE.secret);
    sim.revokePat(SPARE.name);
    await assert.rejects(api.services.connections.getClient(spare.id), (e: { reason?: string; message?: string }) => {
      assert.equal(e.reason, 'signInFailed');
      assert.match(e.message ?? '', /expired or revoked/);
      assert.ok(!(e.message ?? '').includes(SPARE.secret));
      return true;
    });
    // Shown by a command: the failure carries the token actions.
    ui.notes.length = 0;
    await vscode.commands.executeCommand('tableau.signIn', { connectionId: spare.id });
    const shown = ui.notes.find((n) => n.kind === 'error');
    assert.ok(shown, 'the failure is shown');
    assert.match(shown.message, /expired or revoked \(PATs expire after 15 days unused\)/);
    assert.deepEqual(shown.actions, ['Enter new token…', 'Create a token…', 'Show Log']);
    assert.equal(api.services.connections.isSignedIn(spare.id), false);
    // "Enter new token…": only the token is asked for, tested, and stored.
    ui.picks.set('connection.patSource', 'have');
    ui.inputs.set('connection.patName', RENEWED.name);
    ui.inputs.set('connection.patSecret', RENEWED.secret);
    ui.inputs.set('connection.patExpiry', '2099-01-31');
    ui.notes.length = 0;
    await vscode.commands.executeCommand('tableau.editConnection', { connectionId: spare.id, secretOnly: true });
    assert.deepEqual(ui.errors(), []);
    assert.equal(api.services.connections.get(spare.id)?.patName, RENEWED.name);
    assert.equal(api.services.connections.get(spare.id)?.patExpiresOn, '2099-01-31');
    assert.equal(await api.services.context.secrets.get(`tableau.secret.${spare.id}.patSecret`), RENEWED.secret);
    assert.equal(api.services.connections.isSignedIn(spare.id), true, 'signed in with the new token');
    await api.services.connectionAdmin.remove(spare.id);
  });

  it('warns about a PAT expiring within a week, once a day', async () => {
    const now = new Date();
    const inThreeDays = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 3);
    const ymd = `${inThreeDays.getFullYear()}-${String(inThreeDays.getMonth() + 1).padStart(2, '0')}-${String(inThreeDays.getDate()).padStart(2, '0')}`;
    const expiring: ConnectionProfile = { ...profile, id: `${profile.id}-exp`, label: 'Suite Expiring', patExpiresOn: ymd };
    await api.services.connectionAdmin.save(expiring, PAT.secret);
    try {
      ui.notes.length = 0;
      await checkPatExpiry(api.services, now);
      await checkPatExpiry(api.services, now);
      const warnings = ui.notes.filter((n) => n.kind === 'warning' && n.message.includes('Suite Expiring'));
      assert.equal(warnings.length, 1, 'once per day');
      assert.match(warnings[0].message, /expires in 3 day\(s\)/);
      assert.deepEqual(warnings[0].actions, ['Enter new token…', 'Create a token…']);
    } finally {
      await api.services.connectionAdmin.remove(expiring.id);
    }
  });

  it('follows changes made by another window (secrets and profiles)', async () => {
    const { context } = api.services;
    await api.services.connections.getClient(profile.id);
    assert.equal(api.services.connections.isSignedIn(profile.id), true);
    // Another window renames the connection: globalState plus the revision signal.
    const stored = context.globalState.get<ConnectionProfile[]>('tableau.connections') ?? [];
    await context.globalState.update('tableau.connections', stored.map((p) => (p.id === profile.id ? { ...p, label: 'Suite Renamed' } : p)));
    const renamed = waitForChange(() => api.services.connections.get(profile.id)?.label === 'Suite Renamed');
    await context.secrets.store('tableau.profiles.revision', `other-window-${Date.now()}`);
    await renamed;
    assert.equal(api.services.connections.isSignedIn(profile.id), true, 'a rename keeps the session');
    // Another window stores a different secret: the session built on the old one is dropped.
    const dropped = waitForChange(() => !api.services.connections.isSignedIn(profile.id));
    await context.secrets.store(`tableau.secret.${profile.id}.patSecret`, SPARE.secret);
    await dropped;
    await context.secrets.store(`tableau.secret.${profile.id}.patSecret`, PAT.secret);
    await api.services.connectionAdmin.save({ ...profile });
    profile = api.services.connections.get(profile.id) ?? profile;
  });

  it('offers to save the address a redirected sign-in ended on, and keeps the session (issue #13)', async () => {
    const moved = await startSimulator({ config: { ...twoSiteConfig([PAT, SPARE, RENEWED]), pathPrefix: '/tableau' } });
    const p: ConnectionProfile = { id: 'suite-moved', label: 'Suite Moved', serverUrl: moved.url, siteContentUrl: 'sales', authKind: 'pat', patName: PAT.name, readOnly: false };
    const refused: ConnectionProfile = { ...p, id: 'suite-refused', label: 'Suite Refused' };
    try {
      await api.services.connectionAdmin.save(p, PAT.secret);
      moved.injectFault({ match: { method: 'POST', pathPattern: '^/api/[^/]+/auth/signin$' }, action: { redirect: { status: 308, location: `${moved.url}/tableau/api/3.23/auth/signin` } } });
      ui.notes.length = 0;
      ui.notifyAnswer = (_m, actions) => (actions.includes('Update address') ? 'Update address' : undefined);
      const updated = waitForChange(() => api.services.connections.get(p.id)?.serverUrl === `${moved.url}/tableau`);
      const client = await api.services.connections.getClient(p.id);
      await updated;
      const offer = ui.notes.find((n) => n.actions.includes('Update address'));
      assert.ok(offer, 'the move is offered');
      assert.ok(offer.message.includes(moved.url) && offer.message.includes(`${moved.url}/tableau`) && offer.message.includes('Suite Moved'), offer.message);
      assert.equal(api.services.connections.isSignedIn(p.id), true, 'the session signed in at the new address is kept');
      // The session works at the new address (a listing answers), and a later caller reuses it.
      assert.ok(Array.isArray((await client.listProjects()).items));
      await api.services.connections.getClient(p.id);
      assert.equal(moved.state().counters.signIns[PAT.name], 1, 'one sign-in, at the new address; no new one after the update');
      assert.equal(ui.notes.filter((n) => n.actions.includes('Update address')).length, 1, 'offered once');

      // Another origin: refused, both addresses named, nothing offered.
      await api.services.connectionAdmin.save(refused, PAT.secret);
      const elsewhere = `http://localhost:${moved.port}`;
      moved.injectFault({ match: { method: 'POST', pathPattern: '^/api/[^/]+/auth/signin$' }, action: { redirect: { status: 301, location: `${elsewhere}/api/3.23/auth/signin` } } });
      ui.notes.length = 0;
      await assert.rejects(api.services.connections.getClient(refused.id), (e: { reason?: string; message?: string }) => {
        assert.equal(e.reason, 'redirectRefused');
        assert.ok((e.message ?? '').includes(moved.url) && (e.message ?? '').includes(elsewhere), e.message);
        assert.ok(!(e.message ?? '').includes(PAT.secret));
        return true;
      });
      assert.equal(api.services.connections.get(refused.id)?.serverUrl, moved.url);
      assert.deepEqual(ui.notes, []);
      assert.ok(!JSON.stringify(ui.notes).includes(PAT.secret));
    } finally {
      ui.notifyAnswer = () => undefined;
      await api.services.connectionAdmin.remove(p.id);
      await api.services.connectionAdmin.remove(refused.id);
      await moved.close();
    }
  });

  it('removes a connection after a confirmation naming it, deleting its secret', async () => {
    ui.confirms.length = 0;
    ui.confirmAnswer = true;
    const removed = await vscode.commands.executeCommand<boolean>('tableau.removeConnection', { connectionId: profile.id });
    assert.equal(removed, true);
    assert.equal(ui.confirms[0].id, 'connection.remove');
    assert.match(ui.confirms[0].message, /Suite Sales/);
    assert.equal(api.services.connections.get(profile.id), undefined);
    assert.equal(await api.services.context.secrets.get(`tableau.secret.${profile.id}.patSecret`), undefined);
    assert.equal(api.services.connections.isSignedIn(profile.id), false);
    assert.equal((await api.authProvider.getSessions()).some((s) => s.id === profile.id), false);
  });
});
