/**
 * Filtered and sorted listings are kept between pages (ListingCache): every change to the
 * content must show in the next listing, and pages of a kept listing must fit together.
 */
import * as assert from 'node:assert/strict';
import { ListingCache } from '../../simulator/listing';
import type { RunningSimulator, SimConfig } from '../../simulator/index';
import { startSignedIn } from '../../support/simFixture';
import { api, type Auth, filePart, getJson, type Json, multipart, payloadPart, post, sleep, workbookPayload } from '../../support/wire';

const config: SimConfig = {
  // A site administrator: the escaping test creates a top-level project, which only administrators may.
  users: [{ name: 'ann', password: 'pw-ann', siteRole: 'SiteAdministratorCreator' }],
  projects: [{ path: 'Default' }, { path: 'Finance/Monthly' }, { path: 'Finance/Yearly' }],
  workbooks: Array.from({ length: 25 }, (_, i) => ({ project: 'Finance/Monthly', name: `Report ${String(i + 1).padStart(2, '0')}` })),
  jobDurationMs: 100,
};

const names = (body: Json, item = 'workbook'): string[] => (body[`${item}s`][item] ?? []).map((x: { name: string }) => x.name);

describe('simulator: kept listings follow every change', () => {
  let sim: RunningSimulator;
  let ann: Auth;
  let monthly: string;
  before(async () => ({ sim, auth: ann, projectId: monthly } = await startSignedIn(config, { name: 'ann', password: 'pw-ann' }, 'Monthly')));
  after(() => sim.close());

  const publish = async (name: string, query = '') => {
    const mp = multipart([payloadPart(workbookPayload(name, monthly)), filePart('tableau_workbook', `${name}.twb`, "<workbook><worksheets><worksheet name='Sheet 1'/></worksheets></workbook>")]);
    return post(sim, ann, `sites/{site}/workbooks?workbookType=twb${query}`, mp.body, mp.contentType);
  };
  const sorted = (q = '') => getJson(sim, ann, `sites/{site}/workbooks?filter=projectName:eq:Monthly&sort=name:desc&pageSize=10${q}`);

  it('pages of a sorted, filtered listing fit together and match one big page', async () => {
    const pages: string[] = [];
    for (let n = 1; n <= 3; n++) pages.push(...names((await sorted(`&pageNumber=${n}`)).body));
    const whole = names((await getJson(sim, ann, 'sites/{site}/workbooks?filter=projectName:eq:Monthly&sort=name:desc&pageSize=100')).body);
    assert.equal(pages.length, 25);
    assert.deepEqual(pages, whole);
    assert.deepEqual(whole, [...whole].sort().reverse());
  });

  it('a publish shows in the same listing asked again, with the new total', async () => {
    assert.equal((await sorted()).body.pagination.totalAvailable, '25');
    const res = await publish('Zeta Report');
    assert.equal(res.status, 201, res.text);
    const after = await sorted();
    assert.equal(after.body.pagination.totalAvailable, '26');
    assert.equal(names(after.body)[0], 'Zeta Report');
  });

  it('a publish as a job shows once the job is done', async () => {
    const res = await publish('Zz Async', '&asJob=true');
    assert.equal(res.status, 202, res.text);
    let top = '';
    for (let i = 0; i < 100 && top !== 'Zz Async'; i++) {
      await sleep(20);
      top = names((await sorted()).body)[0];
    }
    assert.equal(top, 'Zz Async');
  });

  it('a delete disappears from the listing and from the site-wide views', async () => {
    const before = await sorted();
    const zeta = before.body.workbooks.workbook.find((w: { name: string }) => w.name === 'Zeta Report');
    const viewsBefore = await getJson(sim, ann, 'sites/{site}/views?sort=workbookName:desc&pageSize=5');
    assert.equal(viewsBefore.body.views.view[0].workbook.id, before.body.workbooks.workbook[0].id);
    const del = await fetch(api(sim, `sites/${ann.siteId}/workbooks/${zeta.id}`), { method: 'DELETE', headers: { 'X-Tableau-Auth': ann.token } });
    assert.equal(del.status, 204);
    const after = await sorted();
    assert.equal(Number(after.body.pagination.totalAvailable), Number(before.body.pagination.totalAvailable) - 1);
    assert.ok(!names(after.body).includes('Zeta Report'));
    const viewsAfter = await getJson(sim, ann, 'sites/{site}/views?sort=workbookName:desc&pageSize=5');
    assert.equal(Number(viewsAfter.body.pagination.totalAvailable), Number(viewsBefore.body.pagination.totalAvailable) - 1);
    assert.ok(viewsAfter.body.views.view.every((v: { workbook: { id: string } }) => v.workbook.id !== zeta.id));
  });

  it('a new project shows in a sorted project listing and as a child of its parent', async () => {
    const list = () => getJson(sim, ann, 'sites/{site}/projects?sort=name:asc&pageSize=100');
    const finance = (await list()).body.projects.project.find((p: { name: string }) => p.name === 'Finance');
    const kids = () => getJson(sim, ann, `sites/{site}/projects?filter=parentProjectId:eq:${finance.id}&sort=name:asc`);
    assert.deepEqual(names((await kids()).body, 'project'), ['Monthly', 'Yearly']);
    const res = await fetch(api(sim, `sites/${ann.siteId}/projects`), {
      method: 'POST', headers: { 'X-Tableau-Auth': ann.token, 'Content-Type': 'text/xml', Accept: 'application/json' },
      body: `<tsRequest><project name="Daily" parentProjectId="${finance.id}"/></tsRequest>`,
    });
    assert.equal(res.status, 201);
    assert.deepEqual(names((await kids()).body, 'project'), ['Daily', 'Monthly', 'Yearly']);
    assert.ok(names((await list()).body, 'project').includes('Daily'));
  });

  it('added tags show in a kept listing', async () => {
    const first = (await sorted()).body.workbooks.workbook[0];
    const res = await fetch(api(sim, `sites/${ann.siteId}/workbooks/${first.id}/tags`), {
      method: 'PUT', headers: { 'X-Tableau-Auth': ann.token, 'Content-Type': 'text/xml', Accept: 'application/json' },
      body: '<tsRequest><tags><tag label="fresh"/></tags></tsRequest>',
    });
    assert.equal(res.status, 200);
    const again = (await sorted()).body.workbooks.workbook[0];
    assert.deepEqual(again.tags.tag.map((t: { label: string }) => t.label), ['fresh']);
  });

  it('renders names that need escaping the same in XML and JSON', async () => {
    const name = `R&D <"x"> 'q'`;
    const res = await fetch(api(sim, `sites/${ann.siteId}/projects`), {
      method: 'POST', headers: { 'X-Tableau-Auth': ann.token, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ project: { name, description: 'a & b' } }),
    });
    assert.equal(res.status, 201);
    // A filter value cannot hold '&' (the REST reference), so the listing is filtered on the rest of the name.
    const filter = `filter=name:has:${encodeURIComponent(`<"x"> 'q'`)}`;
    const json = await getJson(sim, ann, `sites/{site}/projects?${filter}`);
    assert.equal(json.body.projects.project[0].name, name);
    const xml = await (await fetch(api(sim, `sites/${ann.siteId}/projects?${filter}`), { headers: { 'X-Tableau-Auth': ann.token } })).text();
    assert.match(xml, /<project id="[^"]+" name="R&amp;D &lt;&quot;x&quot;&gt; &#39;q&#39;" description="a &amp; b" contentPermissions="ManagedByOwner"/);
  });
});

describe('simulator: ListingCache', () => {
  it('computes a listing once, keeps the most recently used, forgets everything on clear', () => {
    const cache = new ListingCache(2);
    let computed = 0;
    const rows = (key: string) => cache.rows(key, () => {
      computed++;
      return [key];
    });
    assert.deepEqual(rows('a'), ['a']);
    assert.deepEqual(rows('a'), ['a']);
    assert.equal(computed, 1);
    rows('b');
    rows('a'); // a is now the most recently used
    rows('c'); // drops b
    assert.equal(cache.size, 2);
    rows('a');
    assert.equal(computed, 3);
    rows('b');
    assert.equal(computed, 4);
    cache.clear();
    assert.equal(cache.size, 0);
    rows('a');
    assert.equal(computed, 5);
  });
});
