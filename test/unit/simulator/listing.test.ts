import * as assert from 'node:assert/strict';
import type { RunningSimulator } from '../../simulator/index';
import { startSimulator } from '../../simulator/index';
import { api, getJson, signIn, type Auth, type Json } from '../../support/wire';

describe('simulator: listing, JSON quirks and the demo seed', () => {
  let sim: RunningSimulator;
  let auth: Auth;
  before(async () => {
    sim = await startSimulator({ demo: true });
    auth = await signIn(sim, { personalAccessTokenName: sim.demoPat!.name, personalAccessTokenSecret: sim.demoPat!.secret }, sim.demoPat!.site);
  });
  after(() => sim.close());

  it('serverInfo in XML and JSON, /serverinfo too, unknown version → 404003', async () => {
    const xml = await (await fetch(api(sim, 'serverInfo'))).text();
    assert.match(xml, /<serverInfo><productVersion build="[^"]+">2024\.2\.0<\/productVersion><restApiVersion>3\.23<\/restApiVersion><\/serverInfo>/);
    const json = (await (await fetch(`${sim.url}/api/3.4/serverinfo`, { headers: { Accept: 'application/json' } })).json()) as Json;
    assert.equal(json.serverInfo.restApiVersion, '3.23');
    assert.equal(json.serverInfo.productVersion.value, '2024.2.0');
    const bad = await fetch(`${sim.url}/api/9.9/serverInfo`, { headers: { Accept: 'application/json' } });
    assert.equal(bad.status, 404);
    assert.equal(((await bad.json()) as Json).error.code, '404003');
  });

  it('pages through 130 workbooks of one project with pageSize 100', async () => {
    const p1 = await getJson(sim, auth, 'sites/{site}/workbooks?filter=projectName:eq:Archive&sort=name:asc');
    assert.deepEqual(p1.body.pagination, { pageNumber: '1', pageSize: '100', totalAvailable: '130' });
    assert.equal(p1.body.workbooks.workbook.length, 100);
    const p2 = await getJson(sim, auth, 'sites/{site}/workbooks?filter=projectName:eq:Archive&sort=name:asc&pageNumber=2');
    assert.equal(p2.body.workbooks.workbook.length, 30);
    assert.equal(p2.body.workbooks.workbook[29].name, 'Archived Report 130');
    const p3 = await getJson(sim, auth, 'sites/{site}/workbooks?filter=projectName:eq:Archive&pageNumber=3');
    assert.deepEqual(p3.body.workbooks, {}); // empty collection is {}
    const names = new Set([...p1.body.workbooks.workbook, ...p2.body.workbooks.workbook].map((w: { name: string }) => w.name));
    assert.equal(names.size, 130);
  });

  it('a one-element collection is still an array; XML pagination too', async () => {
    const one = await getJson(sim, auth, 'sites/{site}/workbooks?filter=name:eq:Sales%20Overview');
    assert.ok(Array.isArray(one.body.workbooks.workbook));
    assert.equal(one.body.workbooks.workbook.length, 1);
    assert.equal(one.body.workbooks.workbook[0].project.name, 'Sales');
    const xml = await (await fetch(api(sim, `sites/${auth.siteId}/projects?pageSize=2`), { headers: { 'X-Tableau-Auth': auth.token } })).text();
    assert.match(xml, /<pagination pageNumber="1" pageSize="2" totalAvailable="\d+"\/><projects><project /);
  });

  it('filters projects by topLevelProject, parentProjectId, name in:[...] and ownerName; sorts desc', async () => {
    const top = await getJson(sim, auth, 'sites/{site}/projects?filter=topLevelProject:eq:true&sort=name:desc');
    const topNames = top.body.projects.project.map((p: { name: string }) => p.name);
    assert.deepEqual(topNames, ['Sales', 'Marketing', 'Default']);
    assert.ok(top.body.projects.project.every((p: { parentProjectId?: string }) => p.parentProjectId === undefined));
    const sales = top.body.projects.project.find((p: { name: string }) => p.name === 'Sales');
    const kids = await getJson(sim, auth, `sites/{site}/projects?filter=parentProjectId:eq:${sales.id}&sort=name:asc`);
    assert.deepEqual(kids.body.projects.project.map((p: { name: string }) => p.name), ['Americas', 'Archive', 'EMEA']);
    const inList = await getJson(sim, auth, 'sites/{site}/projects?filter=name:in:[UK,Germany]');
    assert.deepEqual(inList.body.projects.project.map((p: { name: string }) => p.name).sort(), ['Germany', 'UK']);
    const owned = await getJson(sim, auth, 'sites/{site}/workbooks?filter=ownerName:eq:erin,projectName:eq:Americas&pageSize=1000');
    assert.equal(owned.body.pagination.totalAvailable, '4');
    const fields = await getJson(sim, auth, 'sites/{site}/projects?fields=_all_');
    assert.equal(fields.status, 200);
  });

  it('refuses bad page sizes, filters and sorts with 400', async () => {
    for (const q of ['pageSize=0', 'pageSize=1001', 'pageNumber=0', 'filter=bogus:eq:1', 'filter=name:like:x', 'sort=name:sideways']) {
      const res = await getJson(sim, auth, `sites/{site}/projects?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(res.body.error.code, /^400/);
    }
    // Filter values cannot hold ',' or '&' (the REST reference); there is no escape.
    for (const q of ['filter=name:eq:Sales%2C%20EMEA', 'filter=name:eq:Sales%5C%2C%20EMEA', 'filter=name:eq:R%26D']) {
      const res = await getJson(sim, auth, `sites/{site}/projects?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, '400065', q);
    }
  });

  it('workbook detail has views; views, data sources and users list; content streams back', async () => {
    const wb = (await getJson(sim, auth, 'sites/{site}/workbooks?filter=name:eq:Sales%20Overview')).body.workbooks.workbook[0];
    const detail = await getJson(sim, auth, `sites/{site}/workbooks/${wb.id}`);
    assert.deepEqual(detail.body.workbook.views.view.map((v: { name: string }) => v.name), ['Summary', 'Map', 'Top Accounts']);
    const views = await getJson(sim, auth, `sites/{site}/workbooks/${wb.id}/views`);
    assert.equal(views.body.views.view.length, 3);
    const allViews = await getJson(sim, auth, 'sites/{site}/views?pageSize=5');
    assert.ok(Number(allViews.body.pagination.totalAvailable) > 100);
    const ds = await getJson(sim, auth, 'sites/{site}/datasources?filter=name:eq:Bookings%20Extract');
    assert.equal(ds.body.datasources.datasource[0].type, 'hyper');
    assert.equal(ds.body.datasources.datasource[0].hasExtracts, true);
    const users = await getJson(sim, auth, 'sites/{site}/users');
    assert.ok(users.body.users.user.some((u: { name: string; siteRole: string }) => u.name === 'dave' && u.siteRole === 'Viewer'));
    const content = await fetch(api(sim, `sites/${auth.siteId}/workbooks/${wb.id}/content`), { headers: { 'X-Tableau-Auth': auth.token } });
    assert.equal(content.status, 200);
    const bytes = Buffer.from(await content.arrayBuffer());
    const st = sim.state().workbooks.find((w) => w.id === wb.id)!;
    assert.equal(bytes.length, st.size);
    assert.match(bytes.toString('utf8'), /^<\?xml/);
    const missing = await getJson(sim, auth, 'sites/{site}/workbooks/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.body.error.code, '404006');
  });

  it('creates nested projects; duplicate name under the same parent → 409006; Viewer → 403', async () => {
    const mk = async (a: Auth, name: string, parent?: string) => {
      const res = await fetch(api(sim, `sites/${a.siteId}/projects`), {
        method: 'POST', headers: { 'X-Tableau-Auth': a.token, 'Content-Type': 'text/xml', Accept: 'application/json' },
        body: `<tsRequest><project name="${name}"${parent ? ` parentProjectId="${parent}"` : ''} description="d"/></tsRequest>`,
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const parent = await mk(auth, 'Team Space');
    assert.equal(parent.status, 201);
    const child = await mk(auth, 'Drafts', parent.body.project.id);
    assert.equal(child.status, 201);
    assert.equal(child.body.project.parentProjectId, parent.body.project.id);
    const dup = await mk(auth, 'Drafts', parent.body.project.id);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, '409006');
    assert.equal((await mk(auth, 'Drafts')).status, 201); // same name, other parent
    const dave = await signIn(sim, { name: 'dave', password: 'dave-password' }, 'sales');
    assert.equal((await mk(dave, 'Nope')).status, 403);
  });

  it('lists a generated 1000-project / 10000-workbook site page by page quickly', async () => {
    const big = await startSimulator({ config: { users: [{ name: 'admin', password: 'pw', isServerAdmin: true }], generate: { projects: 1000, workbooks: 10000, depth: 3 } } });
    try {
      const a = await signIn(big, { name: 'admin', password: 'pw' });
      const top = await getJson(big, a, 'sites/{site}/projects?filter=topLevelProject:eq:true');
      assert.equal(top.body.pagination.totalAvailable, '10');
      const started = Date.now();
      for (let page = 1; page <= 10; page++) {
        const res = await getJson(big, a, `sites/{site}/workbooks?pageSize=1000&pageNumber=${page}`);
        assert.equal(res.body.workbooks.workbook.length, 1000);
      }
      const byProject = await getJson(big, a, 'sites/{site}/workbooks?filter=projectName:eq:Project%2000001');
      assert.equal(byProject.body.pagination.totalAvailable, '10');
      assert.ok(Date.now() - started < 5000, 'listing 10000 workbooks took too long');
      assert.equal(big.state().projects.length, 1000);
    } finally {
      await big.close();
    }
  });
});
