import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { globalRedactor } from '../../../src/core/logger';
import { HttpClient } from '../../../src/core/http/httpClient';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import { FALLBACK_API_VERSION, TableauRestApi } from '../../../src/core/api/restApi';
import { READ_SCOPES } from '../../../src/core/auth/jwt';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { DEMO_CONNECTED_APP, DEMO_PAT } from '../../simulator/demo';
import { password, pat, stack, userId, type Stack } from '../../support/simFixture';

const demoPat = pat(DEMO_PAT.name, DEMO_PAT.secret);

describe('core REST layer against the simulator: sign-in and sessions', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  const open: Stack[] = [];
  const make = (...args: Parameters<typeof stack>): Stack => {
    const s = stack(...args);
    open.push(s);
    return s;
  };

  before(async () => {
    sim = await startSimulator({
      demo: true,
      config: {
        users: [{ name: `o'brien "&<>`, password: `p&'"<>ss word`, siteRole: 'Creator' }],
        pats: [
          { name: 'old-pat', secret: 'old-pat-secret-1234', user: 'bob', expiresAt: '2020-01-01T00:00:00Z' },
          { name: 'revoke-me', secret: 'revoke-me-secret-1234', user: 'bob' },
          { name: 'fight-pat', secret: 'fight-pat-secret-1234', user: 'bob' },
        ],
      },
    });
  });
  after(async () => {
    for (const s of open) await s.http.close();
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it('reads serverInfo once and caches the REST API version', async () => {
    const { api } = make(sim, demoPat, 'sales');
    sim.resetCounters();
    const info = await api.serverInfo();
    assert.equal(info.restApiVersion, '3.23');
    assert.match(info.productVersion, /^\d{4}\.\d/);
    assert.equal(await api.apiVersion(), '3.23');
    assert.equal(await api.apiVersion(), '3.23');
    const n = Object.entries(sim.state().counters.requests).filter(([k]) => /serverInfo/i.test(k)).reduce((a, [, v]) => a + v, 0);
    assert.equal(n, 2, 'one explicit serverInfo + one for the cached version');
  });

  it('falls back to an older probe, then to a default version, when serverInfo is not found', async () => {
    sim.injectFault({ match: { pathPattern: '/api/3\\.4/serverInfo' }, action: { status: 404 } });
    const { api } = make(sim, demoPat, 'sales');
    assert.equal(await api.apiVersion(), '3.23');
    sim.injectFault({ match: { pathPattern: 'serverInfo' }, action: { status: 404 }, times: 2 });
    const other = make(sim, demoPat, 'sales').api;
    assert.equal(await other.apiVersion(), FALLBACK_API_VERSION);
  });

  it('lets network errors propagate (and does not cache them)', async () => {
    const http = new HttpClient({ connectTimeoutMs: 2000 });
    const api = new TableauRestApi({ server: parseServerAddress('http://127.0.0.1:9'), http });
    await assert.rejects(api.apiVersion(), (e) => TableauError.is(e, 'network') && /127\.0\.0\.1:9/.test(e.message));
    await assert.rejects(api.apiVersion(), (e) => TableauError.is(e, 'network'));
    await http.close();
  });

  it('signs in with a PAT and registers the token as a secret', async () => {
    const { session } = make(sim, demoPat, 'sales');
    const auth = await session.ensureSignedIn();
    const site = sim.state().sites.find((s) => s.contentUrl === 'sales');
    assert.equal(auth.siteId, site?.id);
    assert.equal(auth.siteContentUrl, 'sales');
    assert.equal(auth.userId, userId(sim, 'alice'));
    assert.equal(globalRedactor.redact(`token ${auth.token}`), 'token <redacted>');
    assert.equal(session.signInCount, 1);
  });

  it('escapes every credential value in the sign-in body', async () => {
    const { session } = make(sim, password(`o'brien "&<>`, `p&'"<>ss word`), '');
    const auth = await session.ensureSignedIn();
    assert.equal(auth.userId, userId(sim, `o'brien "&<>`));
  });

  it('explains a wrong PAT secret and an expired or revoked PAT differently, without the secret', async () => {
    const wrong = make(sim, pat(DEMO_PAT.name, 'not-the-secret-000'), 'sales').session;
    const e1 = await wrong.ensureSignedIn().catch((e: unknown) => e);
    assert.ok(TableauError.is(e1, 'signInFailed'));
    assert.match(e1.message, /token name or secret is not right/);

    const expired = make(sim, pat('old-pat', 'old-pat-secret-1234'), '').session;
    const e2 = await expired.ensureSignedIn().catch((e: unknown) => e);
    assert.ok(TableauError.is(e2, 'signInFailed'));
    assert.match(e2.message, /This token is expired or revoked \(PATs expire after 15 days unused\)/);

    sim.revokePat('revoke-me');
    const revoked = make(sim, pat('revoke-me', 'revoke-me-secret-1234'), '').session;
    const e3 = await revoked.ensureSignedIn().catch((e: unknown) => e);
    assert.ok(TableauError.is(e3, 'signInFailed'));
    assert.match(e3.message, /This token is expired or revoked/);
    assert.notEqual(e1.message, e2.message);
    for (const e of [e1, e2, e3]) assert.doesNotMatch(`${e.message} ${e.detail}`, /secret-1234|not-the-secret/);
  });

  it('explains a wrong site and a wrong password', async () => {
    const e1 = await make(sim, demoPat, 'no-such-site').session.ensureSignedIn().catch((e: unknown) => e);
    assert.ok(TableauError.is(e1, 'signInFailed'));
    assert.match(e1.message, /site "no-such-site".*does not exist or this user is not a member/);
    const e2 = await make(sim, password('bob', 'wrong-password'), '').session.ensureSignedIn().catch((e: unknown) => e);
    assert.ok(TableauError.is(e2, 'signInFailed'));
    assert.match(e2.message, /user name or password is not right/);
    assert.doesNotMatch(e2.message, /wrong-password/);
  });

  it('signs in with a connected app JWT, limited to the scopes asked for', async () => {
    const cred = { kind: 'connectedApp' as const, ...DEMO_CONNECTED_APP, username: 'alice' };
    const { session, client } = make(sim, cred, 'sales', { scopes: [...READ_SCOPES] });
    const auth = await session.ensureSignedIn();
    assert.equal(auth.userId, userId(sim, 'alice'));
    assert.ok((await client.listProjects()).items.length > 0);
    await assert.rejects(client.createProject({ name: 'Not allowed by scope' }), (e) => TableauError.is(e, 'forbidden'));
    const bad = make(sim, { ...cred, secretValue: 'a-wrong-secret-value-that-is-long' }, 'sales').session;
    await assert.rejects(bad.ensureSignedIn(), (e) => TableauError.is(e, 'signInFailed') && /connected app demo-client-id/.test(e.message) && !e.message.includes('a-wrong-secret'));
  });

  it('impersonates a user (server admin only)', async () => {
    const bob = userId(sim, 'bob');
    const admin = make(sim, pat('admin-pat', 'admin-pat-secret-5e6f'), '', { impersonateUserId: bob }).session;
    assert.equal((await admin.ensureSignedIn()).userId, bob);
    const notAdmin = make(sim, pat('bob-pat', 'bob-pat-secret-41c2'), '', { impersonateUserId: userId(sim, 'carol') }).session;
    await assert.rejects(notAdmin.ensureSignedIn(), (e) => TableauError.is(e, 'forbidden'));
  });

  it('a Viewer is refused with forbidden', async () => {
    const { client } = make(sim, pat('dave-pat', 'dave-pat-secret-93d1'), '');
    await assert.rejects(client.createProject({ name: 'Dave was here' }), (e) => TableauError.is(e, 'forbidden') && /Viewer/.test(e.message));
  });

  it('follows a 301 on sign-in to another path on the same origin and keeps using it', async () => {
    const redirecting = await startSimulator({ demo: true, config: { pathPrefix: '/tableau' } });
    try {
      redirecting.injectFault({ match: { method: 'POST', pathPattern: '^/api/[^/]+/auth/signin$' }, action: { redirect: { location: '/tableau/api/3.23/auth/signin' } } });
      const s = make(redirecting, demoPat, 'sales');
      await s.session.ensureSignedIn();
      assert.equal(s.api.server.serverUrl, `${redirecting.url}/tableau`);
      assert.ok((await s.client.listProjects()).items.length > 0);
    } finally {
      await redirecting.close();
    }
  });

  it('refuses a sign-in redirect to another origin (another host name for this machine)', async () => {
    const redirecting = await startSimulator({ demo: true, config: { redirectSignInTo: 'localhost' } });
    try {
      const s = make(redirecting, demoPat, 'sales');
      await assert.rejects(s.session.ensureSignedIn(), (e) => TableauError.is(e, 'redirectRefused') && e.message.includes(`http://localhost:${redirecting.port}`));
      assert.equal(redirecting.state().counters.liveSessions, 0);
    } finally {
      await redirecting.close();
    }
  });

  it('a second sign-in with the same PAT ends the first session; the first re-signs-in once and succeeds', async () => {
    const cred = pat('fight-pat', 'fight-pat-secret-1234');
    const a = make(sim, cred, '');
    const b = make(sim, cred, '');
    const first = await a.session.ensureSignedIn();
    await b.session.ensureSignedIn();
    await assert.rejects(a.api.send(first.token, { method: 'GET', path: `sites/${first.siteId}/projects` }), (e) => TableauError.is(e, 'sessionExpired') && e.code === '401002');
    const page = await a.client.listProjects();
    assert.ok(page.items.length > 0);
    assert.equal(a.session.signInCount, 2);
    assert.notEqual(a.session.current()?.token, first.token);
  });

  it('200 concurrent calls through one PAT session sign in exactly once', async () => {
    const s = make(sim, pat('bob-pat', 'bob-pat-secret-41c2'), '');
    sim.resetCounters();
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => s.client.listProjects({ pageSize: 5 })));
    assert.equal(results.filter((r) => r.status === 'rejected').length, 0);
    assert.equal(s.session.signInCount, 1);
    assert.equal(sim.state().counters.signIns['bob-pat'], 1);
  });

  it('after the server drops every session, concurrent callers share one new sign-in', async () => {
    const s = make(sim, demoPat, 'sales');
    await s.session.ensureSignedIn();
    sim.expireSessions();
    const results = await Promise.all(Array.from({ length: 30 }, () => s.client.listProjects({ pageSize: 3 })));
    assert.equal(results.length, 30);
    assert.equal(s.session.signInCount, 2);
  });

  it('does not replay a call that is not replay-safe, and reports a second consecutive failure', async () => {
    const s = make(sim, demoPat, 'sales');
    await s.session.ensureSignedIn();
    let calls = 0;
    sim.injectFault({ match: { pathPattern: '/projects$' }, action: { killSession: true } });
    const e1 = await s.session
      .run((auth) => {
        calls++;
        return s.api.send(auth.token, { method: 'GET', path: `sites/${auth.siteId}/projects` });
      }, { replaySafe: false })
      .catch((e: unknown) => e);
    assert.ok(TableauError.is(e1, 'sessionExpired'));
    assert.match(e1.message, /not repeated automatically/);
    assert.equal(calls, 1);
    // The next call signs in again by itself.
    assert.ok((await s.client.listProjects()).items.length > 0);
    assert.equal(s.session.signInCount, 2);

    sim.injectFault({ match: { pathPattern: '/projects$' }, action: { killSession: true }, times: 2 });
    const e2 = await s.client.listProjects().catch((e: unknown) => e);
    assert.ok(TableauError.is(e2, 'sessionExpired'));
    assert.match(e2.message, /ended again right after signing in.*same personal access token/);
    assert.equal(s.session.signInCount, 3);
  });

  it('switches site with auth/switchSite, treats the current site as a no-op, and falls back to a sign-in', async () => {
    const s = make(sim, pat('admin-pat', 'admin-pat-secret-5e6f'), '');
    await s.session.ensureSignedIn();
    const finance = await s.session.switchSite('finance');
    assert.equal(finance.siteContentUrl, 'finance');
    assert.equal(finance.siteId, sim.state().sites.find((x) => x.contentUrl === 'finance')?.id);
    assert.ok((await s.client.allProjects()).some((p) => p.name === 'Budget 2024'));
    await s.session.switchSite('finance');
    assert.equal(s.session.signInCount, 1);

    sim.injectFault({ match: { pathPattern: 'auth/switchSite' }, action: { status: 405 } });
    const sales = await s.session.switchSite('sales');
    assert.equal(sales.siteContentUrl, 'sales');
    assert.equal(s.session.signInCount, 2);
    assert.ok((await s.client.allProjects()).some((p) => p.name === 'Marketing'));
  });

  it('signs out, and a sign-out of an already ended session is fine', async () => {
    const s = make(sim, password('carol', 'carol-password'), '');
    await s.session.ensureSignedIn();
    const live = sim.state().counters.liveSessions;
    await s.session.signOut();
    assert.equal(sim.state().counters.liveSessions, live - 1);
    assert.equal(s.session.current(), undefined);
    await s.session.ensureSignedIn();
    sim.expireSessions();
    await s.session.signOut();
  });

  it('reports an HTML sign-in page (status 200) as notTableauResponse', async () => {
    const s = make(sim, demoPat, 'sales');
    sim.injectFault({ match: { pathPattern: 'auth/signin' }, action: { html: true } });
    await assert.rejects(s.session.ensureSignedIn(), (e) => TableauError.is(e, 'notTableauResponse') && /HTML page/.test(e.message));
  });

  it('a cancelled caller does not cancel the shared sign-in for the others', async () => {
    const s = make(sim, pat('bob-pat', 'bob-pat-secret-41c2'), '');
    sim.injectFault({ match: { pathPattern: 'auth/signin' }, action: { delayMs: 150 } });
    const ac = new AbortController();
    const cancelled = s.session.ensureSignedIn(ac.signal);
    const other = s.session.ensureSignedIn();
    ac.abort();
    await assert.rejects(cancelled, (e) => TableauError.is(e, 'cancelled'));
    assert.ok((await other).token);
    assert.equal(s.session.signInCount, 1);
  });
});
