import * as assert from 'node:assert/strict';
import { allFlows, getFlow, lastFlowRun, runFlowNow } from '../../../src/core/api/flows';
import { TableauError } from '../../../src/core/errors';
import { flowPayload, inspectFlow, publishFlow } from '../../../src/core/publish/flowPublisher';
import { buildZip } from '../../fixtures/zipWriter';
import { flowBytes } from '../../fixtures/flows';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';
import { sha256File, startPublishHarness, type Harness } from '../../support/simFixture';

describe('flows: publish, list, get, run now, last run', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness()));
  after(() => h.close());
  afterEach(() => h.sim.clearFaults());

  it('publishes a .tfl in one request and lists it under its project', async () => {
    const file = h.tmp.file('Clean Orders.tfl', flowBytes());
    const r = await publishFlow(h.conn.client, { filePath: file, projectId, mode: 'createnew', description: 'Nightly' });
    assert.equal(r.flow.name, 'Clean Orders');
    assert.equal(r.flow.fileType, 'tfl');
    assert.equal(r.flow.project?.id, projectId);
    assert.equal(r.chunks, 0);
    const stored = h.sim.state().flows?.find((f) => f.id === r.flow.id);
    assert.equal(stored?.sha256, sha256File(file));
    const listed = await allFlows(h.conn.client, { projectId });
    assert.ok(listed.some((f) => f.id === r.flow.id && f.name === 'Clean Orders'));
    assert.equal((await getFlow(h.conn.client, r.flow.id)).description, 'Nightly');
  });

  it('publishes a .tflx above the single-request limit through fileUploads, then overwrites it keeping its id', async () => {
    const file = h.tmp.file('Packaged.tflx', flowBytes({ packaged: true, dataBytes: 150_000 }));
    const opts = { singleRequestLimit: 64 * 1024, chunkSize: 32 * 1024 };
    const first = await publishFlow(h.conn.client, { filePath: file, projectId, mode: 'createnew' }, opts);
    assert.ok(first.chunks >= 4, `chunks: ${first.chunks}`);
    assert.equal(first.flow.fileType, 'tflx');
    await assert.rejects(publishFlow(h.conn.client, { filePath: file, projectId, mode: 'createnew' }), (e) => TableauError.is(e, 'alreadyExists') && e.status === 409);
    const again = await publishFlow(h.conn.client, { filePath: file, projectId, mode: 'overwrite', connectionCredentials: [{ serverAddress: 'db.corp.example', username: 'etl', password: 'flow-db-secret-91' }] });
    assert.equal(again.flow.id, first.flow.id);
    const stored = h.sim.state().flows?.find((f) => f.id === first.flow.id);
    assert.equal(stored?.credentials[0].username, 'etl');
    assert.equal(stored?.credentials[0].serverAddress, 'db.corp.example');
  });

  it('runs a flow now: a RunFlow job naming the run, and the last run\'s status follows it', async () => {
    const flow = (await publishFlow(h.conn.client, { filePath: h.tmp.file('Runner.tfl', flowBytes()), projectId, mode: 'createnew' })).flow;
    assert.equal(await lastFlowRun(h.conn.client, flow.id), undefined, 'never ran');
    const job = await runFlowNow(h.conn.client, flow.id);
    assert.equal(job.type, 'RunFlow');
    assert.ok(job.flowRunId);
    const done = await h.conn.client.waitForJob(job.id, { initialDelayMs: 30, maxDelayMs: 60 });
    assert.equal(done.finishCode, 0);
    const run = await lastFlowRun(h.conn.client, flow.id);
    assert.equal(run?.id, job.flowRunId);
    assert.equal(run?.status, 'Success');
    assert.equal(run?.backgroundJobId, job.id);
  });

  it('a failed run is a failed job and a Failed last run', async () => {
    const flow = (await publishFlow(h.conn.client, { filePath: h.tmp.file('Breaks.tfl', flowBytes()), projectId, mode: 'createnew' })).flow;
    h.sim.injectFault({ match: { method: 'POST', pathPattern: '/run$' }, action: { jobFinishCode: 1, jobNotes: 'Input file orders.csv was not found.' } });
    const job = await runFlowNow(h.conn.client, flow.id);
    await assert.rejects(h.conn.client.waitForJob(job.id, { initialDelayMs: 30, maxDelayMs: 60 }), (e) => TableauError.is(e, 'jobFailed') && /orders\.csv/.test(e.message));
    assert.equal((await lastFlowRun(h.conn.client, flow.id))?.status, 'Failed');
  });

  it('refuses what is not a flow before sending it, and a missing flow is Tableau\'s 404', async () => {
    const before = h.requestCount();
    await assert.rejects(inspectFlow(h.tmp.file('renamed.tflx', twbxBytes())), (e) => TableauError.is(e, 'invalidFile') && /no flow document/.test(e.message));
    await assert.rejects(inspectFlow(h.tmp.file('text.tfl', 'not a zip at all')), (e) => TableauError.is(e, 'invalidFile'));
    await assert.rejects(inspectFlow(h.tmp.file('bad.tfl', buildZip([{ name: 'flow', data: '<xml/>' }]))), (e) => TableauError.is(e, 'invalidFile') && /not JSON/.test(e.message));
    await assert.rejects(inspectFlow(h.tmp.file('x.hyper', hyperBytes(100))), (e) => TableauError.is(e, 'invalidFile') && /\.tfl or \.tflx/.test(e.message));
    assert.equal(h.requestCount(), before);
    await assert.rejects(getFlow(h.conn.client, '00000000-0000-4000-a000-000000000000'), (e) => TableauError.is(e, 'notFound'));
  });

  it('writes the payload Tableau reads, escaped', () => {
    assert.equal(
      flowPayload({ name: 'A "quoted" & <flow>', projectId: 'p1', description: "it's" }),
      '<tsRequest><flow name="A &quot;quoted&quot; &amp; &lt;flow&gt;" description="it&#39;s"><project id="p1"/></flow></tsRequest>',
    );
  });
});
