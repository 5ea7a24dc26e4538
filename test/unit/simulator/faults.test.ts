import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as https from 'node:https';
import type { RunningSimulator, SimConfig } from '../../simulator/index';
import { makeSelfSignedCert, startSimulator } from '../../simulator/index';
import { startSignedIn } from '../../support/simFixture';
import { api, type Auth, filePart, getJson, multipart, payloadPart, post, signIn, sleep, workbookPayload, type Json } from '../../support/wire';

const config: SimConfig = {
  users: [{ name: 'ann', password: 'pw-ann', siteRole: 'Creator' }],
  projects: [{ path: 'Default' }],
  jobDurationMs: 100,
};

describe('simulator: faults, test routes and HTTPS', () => {
  let sim: RunningSimulator;
  let ann: Auth;
  let projectId: string;
  before(async () => ({ sim, auth: ann, projectId } = await startSignedIn(config, { name: 'ann', password: 'pw-ann' }, 'Default')));
  afterEach(() => sim.clearFaults());
  after(() => sim.close());

  const publish = (name: string, bytes: Buffer | string, query = 'workbookType=twbx') => {
    const mp = multipart([payloadPart(workbookPayload(name, projectId)), filePart('tableau_workbook', `${name}.twbx`, bytes)]);
    return post(sim, ann, `sites/{site}/workbooks?${query}`, mp.body, mp.contentType);
  };

  it('dropAfterBytes cuts the connection mid-upload; nothing is published; the next request works', async () => {
    sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { dropAfterBytes: 64 * 1024 } });
    await assert.rejects(publish('Dropped', randomBytes(512 * 1024)));
    assert.ok(!sim.state().workbooks.some((w) => w.name === 'Dropped'));
    assert.equal((await publish('After Drop', 'ok')).status, 201);
  });

  it('status + retryAfter answers a Tableau error with Retry-After, once', async () => {
    sim.injectFault({ match: { pathPattern: '/projects' }, action: { status: 429, retryAfter: 7 } });
    const res = await getJson(sim, ann, 'sites/{site}/projects');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal(res.body.error.code, '429000');
    assert.equal((await getJson(sim, ann, 'sites/{site}/projects')).status, 200);
  });

  it('html answers a login page (200 by default); status 500 with a body; nth and times', async () => {
    sim.injectFault({ match: { pathPattern: '/projects' }, action: { html: true } });
    const html = await fetch(api(sim, `sites/${ann.siteId}/projects`), { headers: { 'X-Tableau-Auth': ann.token } });
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type')!, /text\/html/);
    assert.match(await html.text(), /<title>Sign In/);
    sim.injectFault({ match: { method: 'GET', pathPattern: '/projects', nth: 2 }, action: { status: 500, body: 'Internal error' }, times: 2 });
    assert.equal((await getJson(sim, ann, 'sites/{site}/projects')).status, 200);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(api(sim, `sites/${ann.siteId}/projects`), { headers: { 'X-Tableau-Auth': ann.token } });
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'Internal error');
    }
    assert.equal((await getJson(sim, ann, 'sites/{site}/projects')).status, 200);
  });

  it('delayMs delays, hang never answers until the client gives up', async () => {
    sim.injectFault({ match: { pathPattern: '/serverInfo' }, action: { delayMs: 300 } });
    const t = Date.now();
    assert.equal((await fetch(api(sim, 'serverInfo'))).status, 200);
    assert.ok(Date.now() - t >= 280);
    sim.injectFault({ match: { pathPattern: '/serverInfo' }, action: { hang: true } });
    await assert.rejects(fetch(api(sim, 'serverInfo'), { signal: AbortSignal.timeout(300) }));
  });

  it('killSession ends the caller session (401002); POST /_sim/faults works over HTTP', async () => {
    const a = await signIn(sim, { name: 'ann', password: 'pw-ann' });
    const res = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ match: { pathPattern: '/workbooks' }, action: { killSession: true } }) });
    assert.equal(res.status, 200);
    const hit = await getJson(sim, a, 'sites/{site}/workbooks');
    assert.equal(hit.status, 401);
    assert.equal(hit.body.error.code, '401002');
  });

  it('jobFinishCode makes an asJob publish fail (finishCode 1) without publishing', async () => {
    sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { jobFinishCode: 1 } });
    const res = await publish('Doomed', 'x', 'workbookType=twbx&asJob=true');
    assert.equal(res.status, 202);
    await sleep(200);
    const job = (await getJson(sim, ann, `sites/{site}/jobs/${res.body.job.id}`)).body.job;
    assert.equal(job.finishCode, '1');
    assert.ok(job.completedAt);
    assert.ok(!sim.state().workbooks.some((w) => w.name === 'Doomed'));
  });

  it('a truncated multipart body is a 400, not a hang', async () => {
    const mp = multipart([payloadPart(workbookPayload('Cut', projectId)), filePart('tableau_workbook', 'Cut.twbx', 'abc')]);
    const cut = mp.body.subarray(0, mp.body.length - 20);
    const res = await post(sim, ann, 'sites/{site}/workbooks?workbookType=twbx', cut, mp.contentType);
    assert.equal(res.status, 400);
  });

  it('counts requests by route pattern and sign-ins by credential; reset-counters clears them', async () => {
    sim.resetCounters();
    await getJson(sim, ann, 'sites/{site}/projects');
    await getJson(sim, ann, 'sites/{site}/projects');
    await signIn(sim, { name: 'ann', password: 'pw-ann' });
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as Json;
    assert.equal(state.counters.requests['GET /api/{v}/sites/{site}/projects'], 2);
    assert.equal(state.counters.signIns.ann, 1);
    assert.ok(state.counters.liveSessions >= 1);
    await fetch(`${sim.url}/_sim/reset-counters`, { method: 'POST' });
    assert.deepEqual(sim.state().counters.requests, {});
  });

  it('the raw sink stores and hashes a body', async () => {
    const body = randomBytes(100_000);
    const res = await fetch(`${sim.url}/_sim/sink`, { method: 'POST', body });
    const out = (await res.json()) as { size: number; sha256: string };
    assert.equal(out.size, body.length);
    assert.equal(out.sha256, (await import('node:crypto')).createHash('sha256').update(body).digest('hex'));
  });

  it('serves HTTPS with a generated self-signed certificate', async function () {
    this.timeout(15_000);
    const tls = makeSelfSignedCert();
    const secure = await startSimulator({ config, https: tls });
    try {
      assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        https.get(`${secure.url}/api/3.23/serverInfo`, { ca: tls.cert }, (res) => {
          let s = '';
          res.on('data', (c: Buffer) => (s += c.toString()));
          res.on('end', () => resolve(s));
        }).on('error', reject);
      });
      assert.match(body, /<restApiVersion>3\.23<\/restApiVersion>/);
    } finally {
      await secure.close();
    }
  });
});
