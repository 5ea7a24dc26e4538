import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { nullLogger } from '../../../src/core/logger';
import type { ConnectionProfile } from '../../../src/vscode/connections/connectionManager';
import { credentialFor } from '../../../src/vscode/connections/profileLogic';
import { SessionPool } from '../../../src/vscode/connections/sessionPool';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { TWO_SITE_ADMIN, twoSiteConfig } from '../../support/simFixture';

const PAT = { name: 'pool-pat', secret: 'pool-secret-0123456789' };
const APP = { clientId: 'pool-app', secretId: 'pool-app-secret-id', secretValue: 'pool-app-secret-value-0123456789' };

describe('vscodeLogic: SessionPool against the simulator', () => {
  let sim: RunningSimulator;
  let pool: SessionPool;
  let changes = 0;
  let profile: ConnectionProfile;

  before(async () => {
    sim = await startSimulator({ config: twoSiteConfig([PAT], { connectedApps: [{ clientId: APP.clientId, secretId: APP.secretId, secretValue: APP.secretValue }] }) });
    profile = { id: 'conn-1', label: 'Sim', serverUrl: sim.url, siteContentUrl: '', authKind: 'pat', patName: PAT.name, readOnly: false };
    pool = new SessionPool({
      logger: nullLogger,
      credential: async (p, actAs) => credentialFor(p, PAT.secret, actAs?.name),
      httpOptions: async () => ({}),
      changed: () => changes++,
    });
  });

  after(async () => {
    await pool.signOutAll();
    await sim.close();
  });

  /** A pool of its own whose connections sign in with `secret`. */
  const poolWithSecret = (secret: string): SessionPool =>
    new SessionPool({
      logger: nullLogger,
      credential: async (p) => credentialFor(p, secret),
      httpOptions: async () => ({}),
      changed: () => undefined,
    });

  it('shares one session per (connection, site, user) and signs in once', async () => {
    const [a, b] = await Promise.all([pool.acquire(profile, ''), pool.acquire(profile, '')]);
    assert.equal(a, b, 'racing acquires get the same pooled session');
    assert.equal(pool.isSignedIn(profile.id), false, 'acquire alone does not sign in');
    await Promise.all([pool.signIn(a), pool.signIn(b)]);
    await pool.signIn(a);
    assert.equal(a.session.signInCount, 1);
    assert.equal(sim.state().counters.signIns[PAT.name], 1);
    assert.equal(pool.isSignedIn(profile.id), true);
    assert.equal(changes, 1, 'one change event for one new sign-in');
  });

  it('moves a session to another site with switchSite, without a new sign-in', async () => {
    const a = await pool.acquire(profile, '');
    const moved = await pool.switchSite(a, 'sales');
    assert.equal(moved.siteContentUrl, 'sales');
    assert.equal(moved.session.current()?.siteContentUrl, 'sales');
    assert.equal(sim.state().counters.signIns[PAT.name], 1);
    assert.equal(await pool.acquire(profile, 'sales'), moved, 're-keyed under the new site');
    assert.deepEqual(
      pool.entries(profile.id).map((e) => e.siteContentUrl),
      ['sales'],
    );
  });

  it('signs in as another user in a separate session, keeping one live session per PAT', async () => {
    const bob = sim.state().users.find((u) => u.name === 'bob');
    assert.ok(bob);
    const own = await pool.acquire(profile, 'sales');
    await pool.signIn(own);
    const acting = await pool.acquire(profile, 'sales', { id: bob.id, name: 'bob' });
    assert.notEqual(acting, own);
    const r = await pool.signIn(acting);
    assert.equal(r.userId, bob.id);
    // The PAT's earlier session was signed out rather than left to die with 401002.
    assert.deepEqual(pool.entries(profile.id), [acting]);
    assert.equal(own.session.current(), undefined);
    assert.equal(sim.state().counters.liveSessions, 1);
    // Using the PAT for the connection's own user again ends the acting session, and the
    // call succeeds with one more sign-in rather than a ping-pong of 401002s.
    const back = await pool.acquire(profile, 'sales');
    const projects = await back.client.allProjects();
    assert.ok(Array.isArray(projects));
    assert.deepEqual(pool.entries(profile.id), [back]);
    assert.equal(sim.state().counters.liveSessions, 1);
  });

  it('lets a password connection hold sessions on several sites at once', async () => {
    const pw: ConnectionProfile = { ...profile, id: 'conn-pw', authKind: 'password', patName: undefined, username: 'admin' };
    const pwPool = poolWithSecret(TWO_SITE_ADMIN.password);
    try {
      const a = await pwPool.acquire(pw, '');
      const b = await pwPool.acquire(pw, 'sales');
      await Promise.all([pwPool.signIn(a), pwPool.signIn(b)]);
      await Promise.all([a.client.allProjects(), b.client.allProjects()]);
      assert.equal(pwPool.entries(pw.id).length, 2);
      assert.equal(a.session.signInCount + b.session.signInCount, 2);
    } finally {
      await pwPool.signOutAll();
    }
  });

  it('gives a connected app one session per purpose, each with only the scopes it needs', async () => {
    const app: ConnectionProfile = {
      ...profile,
      id: 'conn-app',
      authKind: 'connectedApp',
      patName: undefined,
      username: 'admin',
      clientId: APP.clientId,
      secretId: APP.secretId,
    };
    const appPool = poolWithSecret(APP.secretValue);
    try {
      const browse = await appPool.acquire(app, '');
      const projects = await browse.client.allProjects();
      assert.ok(projects.length > 0 || Array.isArray(projects));
      // Browsing holds no right to change anything: the simulator enforces the JWT's scopes.
      await assert.rejects(browse.client.createProject({ name: 'not with read scopes' }), (e: unknown) => TableauError.is(e, 'forbidden'));
      const publish = await appPool.acquire(app, '', undefined, 'publish');
      assert.notEqual(publish, browse);
      const created = await publish.client.createProject({ name: 'made with publish scopes' });
      assert.equal(created.name, 'made with publish scopes');
      const del = await appPool.acquire(app, '', undefined, 'delete');
      await assert.rejects(del.client.createProject({ name: 'not with delete scopes' }), (e: unknown) => TableauError.is(e, 'forbidden'));
      assert.equal(appPool.entries(app.id).length, 3);
    } finally {
      await appPool.signOutAll();
    }
  });

  it('signs out every session of a connection', async () => {
    await pool.signOutConnection(profile.id);
    assert.equal(pool.isSignedIn(profile.id), false);
    assert.deepEqual(pool.entries(profile.id), []);
    assert.equal(sim.state().counters.liveSessions, 0);
  });
});
