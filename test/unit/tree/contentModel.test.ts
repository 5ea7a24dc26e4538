import * as assert from 'node:assert/strict';
import type { TableauClient } from '../../../src/core/api/client';
import type { HttpClient } from '../../../src/core/http/httpClient';
import { type ContentEntry, SiteContentModel, contextValueFor } from '../../../src/vscode/tree/contentModel';
import type { ContentStrategyKind } from '../../../src/vscode/tree/contentStrategies';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { clientStack, pat } from '../../support/simFixture';

const names = (entries: ContentEntry[]): string[] =>
  entries.map((e) => {
    switch (e.kind) {
      case 'project':
        return `P:${e.project.name}`;
      case 'workbook':
        return `W:${e.workbook.name}`;
      case 'datasource':
        return `D:${e.datasource.name}`;
      case 'view':
        return `V:${e.view.name}`;
      case 'flow':
        return `F:${e.flow.name}`;
      case 'loadMore':
        return `more:${e.shown}`;
      case 'error':
        return `error:${e.reason}`;
      case 'message':
        return `msg:${e.text}`;
    }
  });

describe('tree content model (against the simulator)', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let http: HttpClient;
  let client: TableauClient;

  before(async () => {
    sim = await startSimulator({ demo: true });
    const demo = sim.demoPat!;
    const s = clientStack(sim.url, pat(demo.name, demo.secret), demo.site);
    ({ http, client } = s);
    await s.session.ensureSignedIn();
  });

  after(async () => {
    await http?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.resetCounters();
  });

  const requests = (): number => Object.values(sim.state().counters.requests).reduce((a, b) => a + b, 0);
  const model = (pageSize = 100, strategy: ContentStrategyKind = 'groupClientSide'): SiteContentModel =>
    new SiteContentModel(async () => client, { pageSize, strategy });
  const projectId = async (m: SiteContentModel, path: string[]): Promise<string> => {
    const found = (await m.projects()).all().find((e) => e.path.join('/') === path.join('/'));
    assert.ok(found, `project ${path.join('/')} exists`);
    return found.project.id;
  };

  it('shows the top-level projects of a site after at most two requests', async () => {
    const m = model();
    const top = await m.topLevel();
    assert.deepEqual(names(top), ['P:Default', 'P:Marketing', 'P:Sales']);
    assert.ok(requests() <= 2, `top level took ${requests()} requests`);
  });

  it('nests projects as on the server, child projects before content', async () => {
    const m = model();
    const sales = await m.projectChildren(await projectId(m, ['Sales']));
    assert.deepEqual(names(sales), ['P:Americas', 'P:Archive', 'P:EMEA', 'W:Sales Overview', 'D:Bookings Extract', 'D:Salesforce Opportunities']);
    const emea = await m.projectChildren(await projectId(m, ['Sales', 'EMEA']));
    assert.deepEqual(names(emea), ['P:Germany', 'P:UK', 'D:EMEA Orders']);
    const uk = sales.find((e) => e.kind === 'project' && e.project.name === 'EMEA');
    assert.ok(uk && uk.kind === 'project');
    assert.deepEqual(uk.path, ['Sales', 'EMEA']);
  });

  it('groups the whole site listing once: expanding more projects makes no more requests', async () => {
    const m = model();
    await m.projectChildren(await projectId(m, ['Sales']));
    const after1 = requests();
    await m.projectChildren(await projectId(m, ['Sales', 'Americas']));
    await m.projectChildren(await projectId(m, ['Marketing']));
    assert.equal(requests(), after1);
  });

  for (const strategy of ['groupClientSide', 'projectNameFilter'] as const) {
    it(`pages a large project with "Load more" (${strategy})`, async () => {
      const m = model(50, strategy);
      const archive = await projectId(m, ['Sales', 'Archive']);
      let entries = await m.projectChildren(archive);
      assert.equal(entries.filter((e) => e.kind === 'workbook').length, 50);
      const more = entries.at(-1);
      assert.ok(more && more.kind === 'loadMore');
      assert.equal(more.shown, 50);
      m.loadMore(more.parentKey);
      m.loadMore(more.parentKey);
      entries = await m.projectChildren(archive);
      const wbs = entries.filter((e) => e.kind === 'workbook');
      assert.equal(wbs.length, 130);
      assert.ok(!entries.some((e) => e.kind === 'loadMore'), 'no Load more once everything is shown');
      assert.equal(names(wbs)[0], 'W:Archived Report 001');
      assert.equal(names(wbs)[129], 'W:Archived Report 130');
    });
  }

  it('projectNameFilter keeps same-named projects apart and asks per project', async () => {
    const m = model(100, 'projectNameFilter');
    const uk = await m.projectChildren(await projectId(m, ['Sales', 'EMEA', 'UK']));
    assert.deepEqual(names(uk).slice(0, 2), ['W:UK Pipeline 1', 'W:UK Pipeline 2']);
    assert.equal(uk.length, 6);
    // One page of this project's workbooks, not the 150-odd of the whole site.
    const wbLists = Object.entries(sim.state().counters.requests).filter(([k]) => k.startsWith('GET') && k.endsWith('/workbooks'));
    assert.deepEqual(wbLists.map(([, n]) => n), [1]);
  });

  it('lists a workbook\'s views', async () => {
    const m = model();
    const sales = await m.projectChildren(await projectId(m, ['Sales']));
    const wb = sales.find((e) => e.kind === 'workbook');
    assert.ok(wb && wb.kind === 'workbook');
    assert.deepEqual(names(await m.workbookViews(wb.workbook)), ['V:Summary', 'V:Map', 'V:Top Accounts']);
  });

  it('turns a failed listing into an error entry, and retries after refresh', async () => {
    const m = model();
    sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { status: 500 } });
    const failed = await m.topLevel();
    assert.equal(failed.length, 1);
    const err = failed[0];
    assert.ok(err.kind === 'error', 'an error entry');
    assert.equal(err.reason, 'serverError');
    assert.ok(err.message.length > 0);
    // The failure is not cached: the next expand asks again and succeeds.
    const ok = await m.topLevel();
    assert.deepEqual(names(ok), ['P:Default', 'P:Marketing', 'P:Sales']);
  });

  it('reports an HTML login page as an error entry, not as content', async () => {
    const m = model();
    sim.injectFault({ match: { method: 'GET', pathPattern: '/workbooks$' }, action: { html: true }, times: 10 });
    const sales = await m.projectChildren(await projectId(m, ['Sales']));
    assert.equal(sales.length, 1);
    assert.ok(sales[0].kind === 'error' && sales[0].reason === 'notTableauResponse');
  });

  it('filters by name across the site, keeping the projects on the way', async () => {
    const m = model();
    m.setFilter('pipeline 3');
    assert.deepEqual(names(await m.topLevel()), ['P:Sales']);
    const sales = await m.projectChildren(await projectId(m, ['Sales']));
    assert.deepEqual(names(sales), ['P:EMEA']);
    const emea = await m.projectChildren(await projectId(m, ['Sales', 'EMEA']));
    assert.deepEqual(names(emea), ['P:Germany', 'P:UK']);
    assert.deepEqual(names(await m.projectChildren(await projectId(m, ['Sales', 'EMEA', 'UK']))), ['W:UK Pipeline 3']);
    m.setFilter('no such thing anywhere');
    const none = await m.topLevel();
    assert.equal(none.length, 1);
    assert.equal(none[0].kind, 'message');
    m.setFilter(undefined);
    assert.equal((await m.topLevel()).length, 3);
  });

  it('searches projects, workbooks and data sources and finds a hidden page item', async () => {
    const m = model(20);
    const hits = await m.search('archived report 125');
    assert.equal(hits.length, 1);
    assert.equal(hits[0].kind, 'workbook');
    assert.deepEqual(hits[0].path, ['Sales', 'Archive']);
    const mixed = await m.search('emea');
    assert.deepEqual(mixed.map((h) => `${h.kind}:${h.name}`).sort(), ['datasource:EMEA Orders', 'project:EMEA']);
    // Reveal needs the item among the shown children: ensureShown loads pages until it is.
    assert.equal(await m.ensureShown(hits[0].projectId, hits[0].id), true);
    const entries = await m.projectChildren(hits[0].projectId);
    assert.ok(entries.some((e) => e.kind === 'workbook' && e.workbook.id === hits[0].id));
  });

  it('marks read-only connections in every context value', () => {
    for (const kind of ['connection', 'site', 'project', 'workbook', 'datasource', 'view'] as const) {
      assert.equal(contextValueFor(kind, false), kind);
      assert.equal(contextValueFor(kind, true), `${kind}.readonly`);
    }
  });
});
