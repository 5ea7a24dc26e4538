import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TableauError } from '../../../src/core/errors';
import { publish } from '../../../src/core/publish/publisher';
import { checkUpdateActions, insertActions, parseUpdateActions, upsertActions, type UpdateAction } from '../../../src/core/publish/updateActions';
import { updateData } from '../../../src/core/publish/updateData';
import { startSimulator } from '../../simulator/index';
import { hyperBytes, tdsxBytes } from '../../fixtures/samples';
import { connect, publishConfig, sha256File, startPublishHarness, type Harness } from '../../support/simFixture';

const fast = { job: { initialDelayMs: 30, maxDelayMs: 60 }, retry: { baseDelayMs: 10, maxDelayMs: 30 } };
const PATCH = { method: 'PATCH', pathPattern: '/data$' };

const ACTIONS: Record<UpdateAction['action'], UpdateAction> = {
  insert: { action: 'insert', 'source-schema': 'Extract', 'source-table': 'Extract', 'target-schema': 'Extract', 'target-table': 'Extract' },
  update: { action: 'update', 'source-table': 'Orders', 'target-table': 'Orders', condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' } },
  upsert: {
    action: 'upsert', 'source-table': 'Orders', 'target-table': 'Orders',
    condition: { op: 'and', args: [{ op: 'eq', 'target-col': 'id', 'source-col': 'id' }, { op: 'eq', 'target-col': 'region', 'source-col': 'region' }] },
  },
  replace: { action: 'replace', 'source-table': 'Orders', 'target-table': 'Orders' },
  delete: { action: 'delete', 'target-schema': 'Extract', 'target-table': 'Extract', condition: { op: 'eq', 'target-col': 'Region', const: { type: 'string', v: 'Europe' } } },
};

describe('update data in a published Hyper data source (PATCH .../data)', function () {
  let h: Harness;
  let projectId = '';
  let hyperId = '';
  let tdsxId = '';
  before(async () => {
    ({ h, projectId } = await startPublishHarness());
    hyperId = (await publish(h.conn.client, { filePath: h.tmp.file('Orders.hyper', hyperBytes(20_000, 1)), projectId, mode: 'createnew' })).item.id;
    tdsxId = (await publish(h.conn.client, { filePath: h.tmp.file('Sales.tdsx', tdsxBytes()), projectId, mode: 'createnew' })).item.id;
  });
  after(() => h.close());
  afterEach(() => h.sim.clearFaults());

  const updatesOf = (requestId: string) => (h.sim.state().dataUpdates ?? []).filter((u) => u.requestId === requestId);
  const patches = () => h.sim.state().counters.requests['PATCH /api/{v}/sites/{site}/datasources/{id}/data'] ?? 0;
  const uploads = () => h.sim.state().counters.requests['POST /api/{v}/sites/{site}/fileUploads'] ?? 0;

  for (const name of Object.keys(ACTIONS) as UpdateAction['action'][]) {
    it(`${name}: reaches the simulator in the documented shape and is applied once`, async () => {
      const file = h.tmp.file(`changes-${name}.hyper`, hyperBytes(9_000, name.length));
      const r = await updateData(h.conn.client, { filePath: file, datasourceId: hyperId, actions: { actions: [ACTIONS[name]] } }, fast);
      const applied = updatesOf(r.requestId);
      assert.equal(applied.length, 1);
      assert.deepEqual(applied[0].actions, [ACTIONS[name]]);
      assert.equal(applied[0].datasourceId, hyperId);
      assert.equal(applied[0].jobId, r.jobId);
      assert.equal(applied[0].payloadSha256, sha256File(file));
      assert.equal(r.job.completedAt !== undefined, true);
      assert.ok(r.report.some((n) => n.includes(name)), `Tableau's report is passed on: ${r.report.join(' | ')}`);
    });
  }

  it('a connection dropped after the update was applied: the retry reuses the RequestID and it applies exactly once', async () => {
    const file = h.tmp.file('dropped.hyper', hyperBytes(12_000, 7));
    const before = patches();
    h.sim.injectFault({ match: PATCH, action: { dropAnswer: true } });
    const requestId = randomUUID();
    const r = await updateData(h.conn.client, { filePath: file, datasourceId: hyperId, requestId, actions: insertActions('Extract.Extract') }, fast);
    assert.equal(patches() - before, 2, 'sent twice');
    assert.equal(r.retries, 1);
    assert.equal(r.requestId, requestId);
    const applied = updatesOf(requestId);
    assert.equal(applied.length, 1, 'applied once');
    assert.equal(applied[0].jobId, r.jobId, 'the retry was answered with the first job');
  });

  it('a RequestID reused with other content is refused and nothing is applied again', async () => {
    const requestId = randomUUID();
    await updateData(h.conn.client, { filePath: h.tmp.file('first.hyper', hyperBytes(5_000, 8)), datasourceId: hyperId, requestId, actions: insertActions('Orders') }, fast);
    await assert.rejects(
      updateData(h.conn.client, { filePath: h.tmp.file('second.hyper', hyperBytes(5_000, 9)), datasourceId: hyperId, requestId, actions: upsertActions('Orders', ['id']) }, fast),
      (e) => TableauError.is(e, 'requestIdReused') && e.message.includes(requestId),
    );
    assert.equal(updatesOf(requestId).length, 1);
    assert.deepEqual(updatesOf(requestId)[0].actions, insertActions('Orders').actions);
  });

  it('updates one connection through .../connections/{cid}/data', async () => {
    const cid = (await import('../../simulator/routesDataUpdate')).hyperConnectionId(hyperId);
    const r = await updateData(h.conn.client, { filePath: h.tmp.file('conn.hyper', hyperBytes(4_000, 10)), datasourceId: hyperId, connectionId: cid, actions: insertActions('Orders') }, fast);
    assert.equal(updatesOf(r.requestId)[0].connectionId, cid);
    assert.equal(h.sim.state().counters.requests['PATCH /api/{v}/sites/{site}/datasources/{id}/connections/{cid}/data'], 1);
  });

  it('uploads a payload larger than one chunk through fileUploads, in chunks', async () => {
    const file = h.tmp.file('big.hyper', hyperBytes(100_000, 11));
    const r = await updateData(h.conn.client, { filePath: file, datasourceId: hyperId, actions: insertActions('Orders') }, { ...fast, chunkSize: 32 * 1024 });
    assert.equal(r.chunks, 4);
    assert.equal(updatesOf(r.requestId)[0].payloadBytes, 100_000);
  });

  it('refuses a data source that is not live-to-Hyper before anything is uploaded', async () => {
    const before = uploads();
    await assert.rejects(
      updateData(h.conn.client, { filePath: h.tmp.file('x.hyper', hyperBytes(3_000, 12)), datasourceId: tdsxId, actions: insertActions('Orders') }, fast),
      (e) => TableauError.is(e, 'notUpdatable') && /live-to-Hyper/.test(e.message),
    );
    assert.equal(uploads(), before);
  });

  it('the simulator refuses the PATCH for such a data source too (a client that skips the check)', async () => {
    const upload = await h.conn.client.initiateFileUpload();
    await assert.rejects(
      h.conn.client.request({ method: 'PATCH', path: `sites/{siteId}/datasources/${tdsxId}/data`, query: { uploadSessionId: upload.uploadSessionId }, body: JSON.stringify(insertActions('Orders')), contentType: 'application/json', headers: { RequestID: randomUUID() }, replaySafe: true }),
      (e) => TableauError.is(e, 'badRequest') && e.status === 400,
    );
  });

  it('the simulator refuses actions Tableau does not document, and a PATCH without RequestID', async () => {
    const send = (body: unknown, headers: Record<string, string> = { RequestID: randomUUID() }) =>
      h.conn.client.request({ method: 'PATCH', path: `sites/{siteId}/datasources/${hyperId}/data`, query: { uploadSessionId: 'none' }, body: JSON.stringify(body), contentType: 'application/json', headers, replaySafe: true });
    await assert.rejects(send({ actions: [{ action: 'merge', 'source-table': 'a', 'target-table': 'a' }] }), (e) => TableauError.is(e, 'badRequest'));
    await assert.rejects(send(insertActions('Orders'), {}), (e) => TableauError.is(e, 'badRequest') && /RequestID/.test(e.message));
  });

  it('refuses a file that is not a Hyper file, and bad actions, before anything is sent', async () => {
    const before = h.requestCount();
    await assert.rejects(
      updateData(h.conn.client, { filePath: h.tmp.file('fake.hyper', Buffer.from('id,name\n1,a\n')), datasourceId: hyperId, actions: insertActions('Orders') }, fast),
      (e) => TableauError.is(e, 'invalidFile'),
    );
    await assert.rejects(
      updateData(h.conn.client, { filePath: h.tmp.file('ok.hyper', hyperBytes(1_000, 13)), datasourceId: hyperId, actions: { actions: [{ action: 'upsert', 'source-table': 'a', 'target-table': 'a' }] } }, fast),
      (e) => TableauError.is(e, 'invalidArgument') && /condition/.test(e.message),
    );
    assert.equal(h.requestCount(), before);
  });
});

describe('update actions: the documented shape', () => {
  it('takes every documented action and the common cases', () => {
    for (const a of Object.values(ACTIONS)) checkUpdateActions({ actions: [a] });
    assert.deepEqual(upsertActions('Extract.Orders', ['id']).actions[0], {
      action: 'upsert', 'source-schema': 'Extract', 'source-table': 'Orders', 'target-schema': 'Extract', 'target-table': 'Orders',
      condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
    });
    assert.equal(parseUpdateActions(JSON.stringify([ACTIONS.insert])).actions.length, 1, 'a bare array is the actions list');
  });

  const refused: [string, unknown, RegExp][] = [
    ['an unknown action', { actions: [{ action: 'merge', 'source-table': 'a', 'target-table': 'a' }] }, /actions\.0\.action must be one of/],
    ['an insert without a target table', { actions: [{ action: 'insert', 'source-table': 'a' }] }, /needs "target-table"/],
    ['a delete without a condition', { actions: [{ action: 'delete', 'target-table': 'a' }] }, /needs "condition"/],
    ['an insert with a condition', { actions: [{ ...ACTIONS.insert, condition: { op: 'eq', 'target-col': 'a', 'source-col': 'a' } }] }, /must not have a condition/],
    ['an unknown key', { actions: [{ ...ACTIONS.insert, targetTable: 'x' }] }, /has "targetTable"/],
    ['an unknown operator', { actions: [{ ...ACTIONS.update, condition: { op: 'like', 'target-col': 'a', 'source-col': 'a' } }] }, /condition/],
    ['a comparison with no column to compare with', { actions: [{ ...ACTIONS.update, condition: { op: 'eq', 'target-col': 'a' } }] }, /condition/],
    ['no actions', { actions: [] }, /actions must NOT have fewer than 1 items/],
  ];
  for (const [what, doc, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => checkUpdateActions(doc), (e) => TableauError.is(e, 'invalidArgument') && message.test(e.message));
    });
  }

  it('refuses an actions file that is not JSON, without quoting it', () => {
    assert.throws(() => parseUpdateActions('{"actions": [secret-looking'), (e) => TableauError.is(e, 'invalidArgument') && !e.message.includes('secret-looking'));
  });
});

describe('update data: a server below REST API 3.12', () => {
  it('is refused before anything is uploaded', async () => {
    const sim = await startSimulator({ config: publishConfig({ restApiVersion: '3.11' }) });
    const conn = connect(sim.url);
    const h2 = { tmp: (await import('../../support/files')).tempDir() };
    try {
      await assert.rejects(
        updateData(conn.client, { filePath: h2.tmp.file('c.hyper', hyperBytes(2_000, 1)), datasourceId: randomUUID(), actions: insertActions('Orders') }, fast),
        (e) => TableauError.is(e, 'apiVersionTooLow') && /3\.11/.test(e.message) && /3\.12/.test(e.message),
      );
      assert.equal(sim.state().counters.requests['POST /api/{v}/sites/{site}/fileUploads'] ?? 0, 0);
    } finally {
      await conn.close();
      await sim.close();
      h2.tmp.cleanup();
    }
  });
});
