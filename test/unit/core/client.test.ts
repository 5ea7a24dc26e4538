import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { TableauError } from '../../../src/core/errors';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { DEMO_PAT } from '../../simulator/demo';
import { pat, stack, type Stack } from '../../support/simFixture';

function collector(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c);
      cb();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

function requestsMatching(sim: RunningSimulator, re: RegExp): number {
  return Object.entries(sim.state().counters.requests)
    .filter(([k]) => re.test(k))
    .reduce((a, [, v]) => a + v, 0);
}

describe('core REST layer against the simulator: TableauClient', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let s: Stack;
  let json: Stack;

  before(async () => {
    sim = await startSimulator({ demo: true, config: { jobDurationMs: 200 } });
    s = stack(sim, pat(DEMO_PAT.name, DEMO_PAT.secret), 'sales');
    json = stack(sim, pat('bob-pat', 'bob-pat-secret-41c2'), 'sales', { format: 'json' });
  });
  after(async () => {
    await s.http.close();
    await json.http.close();
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it('lists sites and users', async () => {
    const sites = await s.client.listSites();
    assert.ok(sites.some((x) => x.contentUrl === 'sales' && x.name === 'Sales'));
    const users = await s.client.allUsers();
    const alice = users.find((u) => u.name === 'alice');
    assert.equal(alice?.siteRole, 'SiteAdministratorCreator');
    const page = await s.client.listUsers({ pageSize: 2 });
    assert.equal(page.items.length, 2);
    assert.equal(page.pagination.totalAvailable, users.length);
  });

  it('maps projects, with parents and owners', async () => {
    const projects = await s.client.allProjects();
    const emea = projects.find((p) => p.name === 'EMEA');
    const sales = projects.find((p) => p.name === 'Sales');
    assert.ok(emea && sales);
    assert.equal(emea.parentProjectId, sales.id);
    assert.equal(sales.parentProjectId, undefined);
    assert.equal(emea.owner?.name, 'alice');
  });

  it('pages through every workbook in order, page 1 first then the rest concurrently', async () => {
    const one = await s.client.listWorkbooks({ pageSize: 1000, sort: 'name:asc' });
    assert.ok(one.pagination.totalAvailable > 140);
    sim.resetCounters();
    const all = await s.client.allWorkbooks({ pageSize: 25, sort: 'name:asc' });
    assert.deepEqual(all.map((w) => w.id), one.items.map((w) => w.id));
    assert.equal(requestsMatching(sim, /^GET .*\/workbooks$/), Math.ceil(one.pagination.totalAvailable / 25));
    const wb = all.find((w) => w.name === 'Sales Overview');
    assert.equal(wb?.project?.name, 'Sales');
    assert.equal(typeof wb?.size, 'number');
    assert.match(wb?.webpageUrl ?? '', /#\/site\/sales\/workbooks\//);
  });

  it('filters with Tableau expressions (names with spaces and commas are encoded)', async () => {
    const page = await s.client.listWorkbooks({ filter: 'name:eq:Archived Report 007' });
    assert.deepEqual(page.items.map((w) => w.name), ['Archived Report 007']);
  });

  it('asks for JSON on listings and still decodes a server that answers them in XML', async () => {
    const asJson = await s.client.listProjects({ pageSize: 5 });
    sim.injectFault({
      match: { method: 'GET', pathPattern: '/projects$' },
      action: {
        contentType: 'application/xml',
        body:
          '<?xml version="1.0" encoding="UTF-8"?><tsResponse xmlns="http://tableau.com/api"><pagination pageNumber="1" pageSize="5" totalAvailable="1"/>' +
          '<projects><project id="p-xml" name="Old &amp; XML"/></projects></tsResponse>',
      },
    });
    const asXml = await s.client.listProjects({ pageSize: 5 });
    assert.ok(asJson.items.length > 0);
    assert.deepEqual(asXml.items.map((p) => [p.id, p.name]), [['p-xml', 'Old & XML']]);
    assert.equal(asXml.pagination.totalAvailable, 1);
  });

  it('decodes JSON answers to the same models as XML', async () => {
    const accepts = new Set<string | undefined>();
    const orig = json.http.request.bind(json.http);
    json.http.request = (r) => {
      accepts.add(r.headers?.accept);
      return orig(r);
    };
    const [x, j] = await Promise.all([s.client.allProjects({ sort: 'name:asc' }), json.client.allProjects({ pageSize: 4, sort: 'name:asc' })]);
    assert.deepEqual(j, x);
    const [dx, dj] = await Promise.all([s.client.allDataSources(), json.client.allDataSources()]);
    assert.deepEqual(dj, dx);
    assert.equal(await json.api.apiVersion(), '3.23');
    assert.deepEqual([...accepts], ['application/json']);
  });

  it('reads a workbook, its views, and a data source', async () => {
    const [wb] = (await s.client.listWorkbooks({ filter: 'name:eq:Sales Overview' })).items;
    const full = await s.client.getWorkbook(wb.id);
    assert.equal(full.name, 'Sales Overview');
    const views = await s.client.listWorkbookViews(wb.id);
    assert.deepEqual(views.map((v) => v.name).sort(), ['Map', 'Summary', 'Top Accounts']);
    assert.ok(views.every((v) => v.workbookId === wb.id));
    const [ds] = (await s.client.listDataSources({ filter: 'name:eq:Bookings Extract' })).items;
    const d = await s.client.getDataSource(ds.id);
    assert.equal(d.type, 'hyper');
    assert.equal(d.hasExtracts, true);
    await assert.rejects(s.client.getWorkbook('00000000-0000-0000-0000-000000000000'), (e) => TableauError.is(e, 'notFound'));
  });

  it('creates projects (names escaped), refuses duplicates, and replays after a lost session', async () => {
    const name = `Q&A "Team" <O'Neil>`;
    const parent = (await s.client.allProjects()).find((p) => p.name === 'Sales');
    const p = await s.client.createProject({ name, parentProjectId: parent?.id, description: 'a & b' });
    assert.equal(p.name, name);
    assert.equal(p.parentProjectId, parent?.id);
    await assert.rejects(s.client.createProject({ name, parentProjectId: parent?.id }), (e) => TableauError.is(e, 'alreadyExists'));
    sim.injectFault({ match: { method: 'POST', pathPattern: '/projects$' }, action: { killSession: true } });
    const before = s.session.signInCount;
    const again = await s.client.createProject({ name: 'Made after re-sign-in' });
    assert.equal(again.name, 'Made after re-sign-in');
    assert.equal(s.session.signInCount, before + 1);
  });

  it('downloads a workbook and a data source to a sink, byte for byte', async () => {
    const st = sim.state();
    const wb = st.workbooks.find((w) => w.name === 'Sales Overview');
    const ds = st.datasources.find((d) => d.name === 'Bookings Extract');
    assert.ok(wb && ds);
    const w = collector();
    let progress = 0;
    await s.client.downloadWorkbook(wb.id, w.sink, { onProgress: (n) => (progress = n) });
    assert.equal(createHash('sha256').update(w.bytes()).digest('hex'), wb.sha256);
    assert.equal(progress, wb.size);
    const d = collector();
    await s.client.downloadDataSource(ds.id, d.sink, { includeExtract: false });
    assert.ok(d.bytes().length > 0);
    await assert.rejects(s.client.downloadWorkbook('00000000-0000-0000-0000-000000000000', collector().sink), (e) => TableauError.is(e, 'notFound'));
  });

  it('retries a throttled read (429 with Retry-After)', async () => {
    sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { status: 429, retryAfter: 0 } });
    assert.ok((await s.client.listProjects()).items.length > 0);
    sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { status: 503, retryAfter: 0 }, times: 5 });
    await assert.rejects(s.client.listProjects(), (e) => TableauError.is(e, 'serverError') && e.status === 503);
  });

  it('deletes, and a replayed delete that finds the item gone is done', async () => {
    const st = sim.state();
    const [a, b] = st.workbooks.filter((w) => w.name.startsWith('Archived Report 12'));
    await s.client.deleteWorkbook(a.id);
    await assert.rejects(s.client.getWorkbook(a.id), (e) => TableauError.is(e, 'notFound'));
    sim.injectFault({ match: { method: 'DELETE' }, action: { killSession: true } });
    await s.client.deleteWorkbook(b.id);
    assert.ok(!sim.state().workbooks.some((w) => w.id === b.id));
    const ds = st.datasources.find((d) => d.name === 'EMEA Orders');
    await s.client.deleteDataSource(ds!.id);
    await assert.rejects(s.client.getDataSource(ds!.id), (e) => TableauError.is(e, 'notFound'));
  });

  it('refreshes a data source and waits for the job; failed and cancelled jobs throw', async () => {
    const ds = sim.state().datasources.find((d) => d.name === 'Bookings Extract')!;
    const job = await s.client.refreshDataSource(ds.id);
    assert.equal(job.type, 'RefreshExtract');
    const seen: number[] = [];
    const done = await s.client.waitForJob(job.id, { initialDelayMs: 20, maxDelayMs: 60, onProgress: (j) => seen.push(j.progress ?? -1) });
    assert.equal(done.finishCode, 0);
    assert.ok(done.completedAt);
    assert.ok(seen.length >= 2);

    sim.injectFault({ match: { pathPattern: '/refresh$' }, action: { jobFinishCode: 1 } });
    const failing = await s.client.refreshDataSource(ds.id);
    await assert.rejects(s.client.waitForJob(failing.id, { initialDelayMs: 20, maxDelayMs: 60 }), (e) => TableauError.is(e, 'jobFailed') && /failed/.test(e.message) && e.message.length > 30);

    sim.injectFault({ match: { pathPattern: '/refresh$' }, action: { jobFinishCode: 2 } });
    const cancelled = await s.client.refreshDataSource(ds.id);
    await assert.rejects(s.client.waitForJob(cancelled.id, { initialDelayMs: 20, maxDelayMs: 60 }), (e) => TableauError.is(e, 'jobCancelled'));

    const ac = new AbortController();
    // The jobs above have ended, so the same extract may be refreshed again (a live data source has nothing to refresh).
    const slow = await s.client.refreshDataSource(ds.id);
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(s.client.waitForJob(slow.id, { initialDelayMs: 1000, signal: ac.signal }), (e) => TableauError.is(e, 'cancelled'));
  });

  it('starts a file upload and passes any call through request() with {siteId}', async () => {
    const up = await s.client.initiateFileUpload();
    assert.ok(up.uploadSessionId.length > 5);
    assert.equal(up.fileSize, 0);
    const ts = await s.client.request({ method: 'GET', path: 'sites/{siteId}/projects', query: { pageSize: 1 }, replaySafe: true });
    assert.equal(ts.pagination.pageSize, '1');
  });

  it('reports an HTML page answered with 200 as notTableauResponse', async () => {
    sim.injectFault({ match: { method: 'GET', pathPattern: '/datasources$' }, action: { html: true } });
    await assert.rejects(s.client.listDataSources(), (e) => TableauError.is(e, 'notTableauResponse') && /proxy or single sign-on/.test(e.message));
  });
});
