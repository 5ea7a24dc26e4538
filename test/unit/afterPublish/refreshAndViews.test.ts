/**
 * After publish against the simulator: refresh the extract now and wait (success, and failure with
 * the job's notes), refusing a refresh of a file with no extract, and the view / preview images
 * (a view marked broken answers Tableau's 400074 and is named).
 */
import * as assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { viewImage, workbookPreviewImage } from '../../../src/core/api/images';
import { TableauError } from '../../../src/core/errors';
import { inspectPackage } from '../../../src/core/package/inspect';
import { assertRefreshable, fileShowsExtract, refreshAndWait, renderViews } from '../../../src/core/publish/afterPublish';
import { publish } from '../../../src/core/publish/publisher';
import { startPublishHarness, type Harness } from '../../support/simFixture';
import { datasourceXml, POSTGRES, tdsxBytes, twbxBytes } from '../../fixtures/samples';
import { sheetsTwb } from '../../support/afterPublishSamples';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };
const poll = { initialDelayMs: 20, timeoutMs: 5000 };

describe('after publish: refresh and wait, view images', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness({ jobDurationMs: 150, brokenViews: ['Broken Map'] })));
  after(() => h.close());
  afterEach(() => h.sim.clearFaults());

  it('refreshes a published data source extract and waits until the job has completed', async () => {
    const file = h.tmp.file('Orders Extract.tdsx', tdsxBytes(undefined, { extract: true }));
    const info = await inspectPackage(file);
    assert.equal(fileShowsExtract(info), true);
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
    const seen: number[] = [];
    const job = await refreshAndWait(h.conn.client, 'datasource', r.item.id, { ...poll, onProgress: (j) => seen.push(j.progress ?? 0) });
    assert.equal(job.type, 'RefreshExtract');
    assert.ok(job.completedAt, 'ended only at completedAt');
    assert.equal(job.finishCode, 0);
    assert.ok(seen.length >= 2, 'the job was polled while it ran');
  });

  it('reports a failed refresh with the notes Tableau gives', async () => {
    const file = h.tmp.file('Failing Extract.tdsx', tdsxBytes(undefined, { extract: true }));
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
    h.sim.injectFault({ match: { method: 'POST', pathPattern: '/datasources/[^/]+/refresh$' }, action: { jobFinishCode: 1, jobNotes: 'Login failed for user analyst.' } });
    await assert.rejects(refreshAndWait(h.conn.client, 'datasource', r.item.id, poll), (e: unknown) => {
      assert.ok(TableauError.is(e, 'jobFailed'));
      assert.match(e.message, /Login failed for user analyst\./);
      return true;
    });
  });

  it('refreshes a workbook with an extract (Update Workbook Now)', async () => {
    const file = h.tmp.file('Extract Workbook.twbx', twbxBytes(undefined, { extract: true }));
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
    const job = await refreshAndWait(h.conn.client, 'workbook', r.item.id, poll);
    assert.equal(job.finishCode, 0);
    assert.ok(h.sim.state().counters.requests['POST /api/{v}/sites/{site}/workbooks/{id}/refresh'] >= 1);
  });

  it('refuses a refresh of a file with no extract before anything is sent, and the server refuses one too', async () => {
    const file = h.tmp.file('Live.tds', datasourceXml([POSTGRES]));
    const info = await inspectPackage(file);
    assert.equal(fileShowsExtract(info), false);
    assert.throws(() => assertRefreshable(info), (e: unknown) => TableauError.is(e, 'invalidArgument') && /has no extract/.test(e.message));
    // Published anyway: the server has nothing to refresh either.
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
    await assert.rejects(refreshAndWait(h.conn.client, 'datasource', r.item.id, poll), (e: unknown) => TableauError.is(e, 'badRequest'));
  });

  it('renders every published view as a PNG and names the one that cannot render (400074)', async () => {
    const file = h.tmp.file('Smoke.twb', sheetsTwb(['Overview', 'Broken Map', 'Detail']));
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
    const rendered = await renderViews(h.conn.client, r.item.id);
    assert.deepEqual(rendered.map((x) => x.view.name), ['Overview', 'Broken Map', 'Detail']);
    const broken = rendered.filter((x) => x.error);
    assert.deepEqual(broken.map((x) => x.view.name), ['Broken Map']);
    assert.equal(broken[0].error!.code, '400074');
    for (const ok of rendered.filter((x) => x.png)) {
      const png = PNG.sync.read(ok.png!);
      assert.equal(png.width, 784, 'Query View Image: 784 px wide by default');
    }
    const [a, c] = [rendered[0].png!, rendered[2].png!];
    assert.notDeepEqual(a, c, 'each view has its own image');
  });

  it('asks for resolution=high and maxAge, and bounds the image size', async () => {
    const file = h.tmp.file('Hi Res.twb', sheetsTwb(['Only']));
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
    const [view] = await h.conn.client.listWorkbookViews(r.item.id);
    const high = PNG.sync.read(await viewImage(h.conn.client, view.id, { resolution: 'high', maxAgeMinutes: 5 }));
    assert.equal(high.width, 1568);
    assert.throws(() => viewImage(h.conn.client, view.id, { maxAgeMinutes: 0 }), (e: unknown) => TableauError.is(e, 'invalidArgument'));
    await assert.rejects(viewImage(h.conn.client, view.id, { maxBytes: 100 }), (e: unknown) => TableauError.is(e, 'responseTooLarge'));
    const preview = PNG.sync.read(await workbookPreviewImage(h.conn.client, r.item.id));
    assert.ok(preview.width > 0);
  });

  it('refuses an image answer that is not a PNG', async () => {
    const file = h.tmp.file('Not Png.twb', sheetsTwb(['Only']));
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
    const [view] = await h.conn.client.listWorkbookViews(r.item.id);
    h.sim.injectFault({ match: { method: 'GET', pathPattern: '/views/[^/]+/image$' }, action: { status: 200, body: '<html>login</html>', contentType: 'image/png' } });
    await assert.rejects(viewImage(h.conn.client, view.id), (e: unknown) => TableauError.is(e, 'malformedResponse'));
  });
});
