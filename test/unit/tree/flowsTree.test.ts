import * as assert from 'node:assert/strict';
import { runFlowNow } from '../../../src/core/api/flows';
import { publishFlow } from '../../../src/core/publish/flowPublisher';
import { type ContentEntry, SiteContentModel } from '../../../src/vscode/tree/contentModel';
import { describeFlowRun } from '../../../src/vscode/tree/flowContent';
import { flowBytes } from '../../fixtures/flows';
import { startPublishHarness, type Harness } from '../../support/simFixture';

type FlowEntry = Extract<ContentEntry, { kind: 'flow' }>;
const flowsOf = (entries: ContentEntry[]): FlowEntry[] => entries.filter((e): e is FlowEntry => e.kind === 'flow');

describe('tree: flows under their project, with the last run (against the simulator)', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness()));
  after(() => h.close());

  it('lists a published flow after the project\'s data sources, "never run" until Run Now, then the run\'s status', async () => {
    const flow = (await publishFlow(h.conn.client, { filePath: h.tmp.file('Tree Flow.tflx', flowBytes({ packaged: true })), projectId, mode: 'createnew' })).flow;
    const model = new SiteContentModel(async () => h.conn.client, { pageSize: 100 });
    let entries = await model.projectChildren(projectId);
    let mine = flowsOf(entries).find((e) => e.flow.id === flow.id);
    assert.ok(mine, `no flow entry in ${JSON.stringify(entries.map((e) => e.kind))}`);
    assert.equal(mine.flow.name, 'Tree Flow');
    assert.equal(mine.lastRun, undefined);
    assert.equal(describeFlowRun(mine.lastRun), 'never run');
    // Flows come last: no workbook or data source entry after a flow.
    const firstFlow = entries.findIndex((e) => e.kind === 'flow');
    assert.ok(entries.slice(firstFlow).every((e) => e.kind === 'flow' || e.kind === 'loadMore'));

    const job = await runFlowNow(h.conn.client, flow.id);
    await h.conn.client.waitForJob(job.id, { initialDelayMs: 20, maxDelayMs: 50 });
    // Cached until a refresh (Run Now refreshes the site).
    assert.equal(flowsOf(await model.projectChildren(projectId)).find((e) => e.flow.id === flow.id)?.lastRun, undefined);
    model.refresh();
    entries = await model.projectChildren(projectId);
    mine = flowsOf(entries).find((e) => e.flow.id === flow.id);
    assert.equal(mine?.lastRun?.status, 'Success');
    assert.equal(mine?.lastRun?.backgroundJobId, job.id);
    assert.match(describeFlowRun(mine?.lastRun), /^last run: Success · \d{4}-\d{2}-\d{2}$/);
  });

  it('pages flows with the project\'s other content: "Load more" past the page size, the next page shows the rest', async () => {
    const { projectId: other } = { projectId: await h.projectId('Publish') };
    for (const n of ['Paged A', 'Paged B', 'Paged C']) {
      await publishFlow(h.conn.client, { filePath: h.tmp.file(`${n}.tfl`, flowBytes()), projectId: other, mode: 'createnew' });
    }
    const model = new SiteContentModel(async () => h.conn.client, { pageSize: 1 });
    const before = await model.projectChildren(other);
    const total = (await new SiteContentModel(async () => h.conn.client, { pageSize: 1000 }).projectChildren(other)).filter((e) => e.kind !== 'project').length;
    assert.ok(total >= 4);
    assert.ok(before.some((e) => e.kind === 'loadMore'), 'a page of 1 has more');
    for (let i = 0; i < total; i++) model.loadMore(`project:${other}`);
    const all = await model.projectChildren(other);
    assert.equal(all.some((e) => e.kind === 'loadMore'), false);
    assert.deepEqual(flowsOf(all).map((e) => e.flow.name).filter((n) => n.startsWith('Paged')), ['Paged A', 'Paged B', 'Paged C']);
  });

  it('a client without REST calls (a test double) shows no flows rather than failing', async () => {
    const c = h.conn.client;
    const bare = {
      allProjects: c.allProjects.bind(c), listWorkbooks: c.listWorkbooks.bind(c), allWorkbooks: c.allWorkbooks.bind(c),
      listDataSources: c.listDataSources.bind(c), allDataSources: c.allDataSources.bind(c), listWorkbookViews: c.listWorkbookViews.bind(c),
    };
    const entries = await new SiteContentModel(async () => bare, { pageSize: 100 }).projectChildren(projectId);
    assert.equal(flowsOf(entries).length, 0);
    assert.ok(!entries.some((e) => e.kind === 'error'));
  });
});
