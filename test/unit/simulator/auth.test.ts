import * as assert from 'node:assert/strict';
import type { RunningSimulator, SimConfig } from '../../simulator/index';
import { startSimulator } from '../../simulator/index';
import { api, getJson, mintJwt, post, signIn, sleep, type Json } from '../../support/wire';

const APP = { clientId: 'client-1', secretId: 'secret-1', secretValue: 'a-long-connected-app-secret-value-xyz' };
const config: SimConfig = {
  sites: [{ name: 'Default', contentUrl: '' }, { name: 'Sales', contentUrl: 'sales' }],
  users: [
    { name: 'admin', password: 'pw-admin', isServerAdmin: true },
    { name: 'ann', password: 'pw-ann', siteRole: 'Creator' },
    { name: 'vic', password: 'pw-vic', siteRole: 'Viewer', sites: ['sales'] },
  ],
  pats: [
    { name: 'ann-pat', secret: 'ann-secret', user: 'ann' },
    { name: 'old-pat', secret: 'old-secret', user: 'ann', expiresAt: '2020-01-01T00:00:00Z' },
    { name: 'admin-pat', secret: 'admin-secret', user: 'admin' },
  ],
  connectedApps: [APP, { clientId: 'off', secretId: 'off-secret', secretValue: 'disabled-app-secret-value-000000', enabled: false }],
  projects: [{ path: 'Default' }, { site: 'sales', path: 'Default' }],
};

describe('simulator: sign-in and sessions', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ config: { ...config, sessionIdleTimeoutMs: 60_000 } });
  });
  after(() => sim.close());

  it('signs in with password in XML and answers XML credentials', async () => {
    const body = '<tsRequest><credentials name="ann" password="pw-ann"><site contentUrl="sales"/></credentials></tsRequest>';
    const res = await fetch(api(sim, 'auth/signin'), { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.match(text, /<tsResponse xmlns="http:\/\/tableau.com\/api"/);
    assert.match(text, /<credentials token="[^"]+"><site id="[0-9a-f-]{36}" contentUrl="sales"\/><user id="[0-9a-f-]{36}"\/><\/credentials>/);
  });

  it('refuses a wrong password with 401001 and a malformed body with 400000', async () => {
    await assert.rejects(signIn(sim, { name: 'ann', password: 'nope' }), { status: 401, code: '401001' });
    const res = await post(sim, undefined, 'auth/signin', '<tsRequest><credentials name="ann"', 'text/xml');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, '400000');
  });

  it('PAT: a second sign-in ends the first session (401002), passwords do not', async () => {
    const first = await signIn(sim, { personalAccessTokenName: 'ann-pat', personalAccessTokenSecret: 'ann-secret' });
    assert.equal((await getJson(sim, first, 'sites/{site}/projects')).status, 200);
    const second = await signIn(sim, { personalAccessTokenName: 'ann-pat', personalAccessTokenSecret: 'ann-secret' }, 'sales');
    const dead = await getJson(sim, first, 'sites/{site}/projects');
    assert.equal(dead.status, 401);
    assert.equal(dead.body.error.code, '401002');
    assert.equal((await getJson(sim, second, 'sites/{site}/projects')).status, 200);
    const p1 = await signIn(sim, { name: 'ann', password: 'pw-ann' });
    await signIn(sim, { name: 'ann', password: 'pw-ann' });
    assert.equal((await getJson(sim, p1, 'sites/{site}/projects')).status, 200);
    assert.ok(sim.state().counters.signIns['ann-pat'] >= 2);
  });

  it('expired and revoked PATs answer 401001', async () => {
    await assert.rejects(signIn(sim, { personalAccessTokenName: 'old-pat', personalAccessTokenSecret: 'old-secret' }), { code: '401001' });
    const live = await signIn(sim, { personalAccessTokenName: 'admin-pat', personalAccessTokenSecret: 'admin-secret' });
    const res = await fetch(`${sim.url}/_sim/revoke-pat`, { method: 'POST', body: JSON.stringify({ name: 'admin-pat' }) });
    assert.equal(res.status, 200);
    await assert.rejects(signIn(sim, { personalAccessTokenName: 'admin-pat', personalAccessTokenSecret: 'admin-secret' }), { code: '401001' });
    assert.equal((await getJson(sim, live, 'sites/{site}/projects')).body.error.code, '401002');
  });

  it('missing token → 401000, unknown token → 401002, header name is case-insensitive', async () => {
    const a = await signIn(sim, { name: 'ann', password: 'pw-ann' });
    const none = await fetch(api(sim, `sites/${a.siteId}/projects`), { headers: { Accept: 'application/json' } });
    assert.equal(((await none.json()) as Json).error.code, '401000');
    const bad = await fetch(api(sim, `sites/${a.siteId}/projects`), { headers: { 'X-Tableau-Auth': 'forged', Accept: 'application/json' } });
    assert.equal(((await bad.json()) as Json).error.code, '401002');
    const lower = await fetch(api(sim, `sites/${a.siteId}/projects`), { headers: { 'x-TABLEAU-auth': a.token } });
    assert.equal(lower.status, 200);
  });

  it('a token used on another site LUID is refused with 403', async () => {
    const a = await signIn(sim, { name: 'ann', password: 'pw-ann' });
    const other = sim.state().sites.find((s) => s.contentUrl === 'sales')!.id;
    const res = await getJson(sim, a, `sites/${other}/projects`);
    assert.equal(res.status, 403);
  });

  it('switchSite gives a new token, ends the old one, and 403070 for the current site', async () => {
    const a = await signIn(sim, { name: 'ann', password: 'pw-ann' });
    const same = await post(sim, a, 'auth/switchSite', '<tsRequest><site contentUrl=""/></tsRequest>', 'text/xml');
    assert.equal(same.status, 403);
    assert.equal(same.body.error.code, '403070');
    const sw = await post(sim, a, 'auth/switchSite', '<tsRequest><site contentUrl="sales"/></tsRequest>', 'text/xml');
    assert.equal(sw.status, 200);
    assert.notEqual(sw.body.credentials.token, a.token);
    assert.equal(sw.body.credentials.site.contentUrl, 'sales');
    assert.equal((await getJson(sim, a, 'sites/{site}/projects')).status, 401);
    const cur = await getJson(sim, { token: sw.body.credentials.token, siteId: sw.body.credentials.site.id, userId: '' }, 'sessions/current');
    assert.equal(cur.body.session.site.contentUrl, 'sales');
    assert.equal(cur.body.session.user.name, 'ann');
  });

  it('sign-out answers 204 and ends the session', async () => {
    const a = await signIn(sim, { name: 'ann', password: 'pw-ann' });
    const res = await fetch(api(sim, 'auth/signout'), { method: 'POST', headers: { 'X-Tableau-Auth': a.token } });
    assert.equal(res.status, 204);
    assert.equal((await getJson(sim, a, 'sites/{site}/projects')).body.error.code, '401002');
  });

  it('impersonation: only server admins; the acting user is the impersonated one', async () => {
    const ann = sim.state().users.find((u) => u.name === 'ann')!;
    await assert.rejects(signIn(sim, { name: 'ann', password: 'pw-ann', user: { id: ann.id } }), { status: 403 });
    const asAnn = await signIn(sim, { name: 'admin', password: 'pw-admin', user: { id: ann.id } });
    assert.equal(asAnn.userId, ann.id);
    const cur = await getJson(sim, asAnn, 'sessions/current');
    assert.equal(cur.body.session.user.name, 'ann');
  });

  it('connected app JWT: valid, scp string (10084), unknown secret (127), reused jti, exp too far', async () => {
    const ok = await mintJwt(APP, 'ann', ['tableau:content:read']);
    const a = await signIn(sim, { jwt: ok });
    assert.equal((await getJson(sim, a, 'sites/{site}/projects')).status, 200);
    await assert.rejects(signIn(sim, { jwt: ok }), { code: '401001' }); // jti reused
    const str = await post(sim, undefined, 'auth/signin', JSON.stringify({ credentials: { jwt: await mintJwt(APP, 'ann', 'tableau:content:read'), site: { contentUrl: '' } } }), 'application/json');
    assert.equal(str.body.error.code, '401001');
    assert.match(str.body.error.detail, /10084/);
    const unknown = await post(sim, undefined, 'auth/signin', JSON.stringify({ credentials: { jwt: await mintJwt({ ...APP, secretId: 'nope' }, 'ann', []), site: { contentUrl: '' } } }), 'application/json');
    assert.match(unknown.body.error.detail, /127/);
    await assert.rejects(signIn(sim, { jwt: await mintJwt(APP, 'ann', [], { expSeconds: 3600 }) }), { code: '401001' });
    await assert.rejects(signIn(sim, { jwt: await mintJwt(APP, 'nobody', []) }), { code: '401001' });
    await assert.rejects(signIn(sim, { jwt: await mintJwt({ ...APP, secretValue: 'wrong-secret-value-wrong-secret-value' }, 'ann', []) }), { code: '401001' });
    await assert.rejects(signIn(sim, { jwt: await mintJwt({ clientId: 'off', secretId: 'off-secret', secretValue: 'disabled-app-secret-value-000000' }, 'ann', []) }), { code: '401001' });
  });

  it('connected app scopes are enforced per endpoint', async () => {
    const a = await signIn(sim, { jwt: await mintJwt(APP, 'ann', ['tableau:projects:read']) });
    assert.equal((await getJson(sim, a, 'sites/{site}/projects')).status, 200);
    const wb = await getJson(sim, a, 'sites/{site}/workbooks');
    assert.equal(wb.status, 403);
    const up = await post(sim, a, 'sites/{site}/fileUploads', '', 'text/xml');
    assert.equal(up.status, 403);
    const b = await signIn(sim, { jwt: await mintJwt(APP, 'ann', ['tableau:file_uploads:create']) });
    assert.equal((await post(sim, b, 'sites/{site}/fileUploads', '', 'text/xml')).status, 201);
  });

  it('the idle timeout and /_sim/expire-sessions end sessions with 401002', async () => {
    const short = await startSimulator({ config: { ...config, sessionIdleTimeoutMs: 150 } });
    try {
      const a = await signIn(short, { name: 'ann', password: 'pw-ann' });
      assert.equal((await getJson(short, a, 'sites/{site}/projects')).status, 200);
      await sleep(300);
      assert.equal((await getJson(short, a, 'sites/{site}/projects')).body.error.code, '401002');
      const b = await signIn(short, { name: 'ann', password: 'pw-ann' });
      short.expireSessions();
      assert.equal((await getJson(short, b, 'sites/{site}/projects')).body.error.code, '401002');
      assert.equal(short.state().counters.liveSessions, 0);
    } finally {
      await short.close();
    }
  });

  it('a sign-in on the wrong host answers 301 to the right one, which signs in', async () => {
    const redir = await startSimulator({ config: { ...config, redirectSignInTo: 'localhost' } });
    try {
      const body = JSON.stringify({ credentials: { name: 'ann', password: 'pw-ann', site: { contentUrl: '' } } });
      const res = await fetch(api(redir, 'auth/signin'), { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, redirect: 'manual' });
      assert.equal(res.status, 301);
      const loc = res.headers.get('location')!;
      assert.equal(loc, `http://localhost:${redir.port}/api/3.23/auth/signin`);
      const again = await fetch(loc, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      assert.equal(again.status, 200);
    } finally {
      await redir.close();
    }
  });

  it('GET sites lists only the sites the user belongs to', async () => {
    const vic = await signIn(sim, { name: 'vic', password: 'pw-vic' }, 'sales');
    const res = await getJson(sim, vic, 'sites');
    assert.deepEqual(res.body.sites.site.map((s: { contentUrl: string }) => s.contentUrl), ['sales']);
    await assert.rejects(signIn(sim, { name: 'vic', password: 'pw-vic' }, ''), { code: '401001' });
  });
});
