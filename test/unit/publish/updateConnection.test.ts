import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { publish } from '../../../src/core/publish/publisher';
import { insertActions } from '../../../src/core/publish/updateActions';
import { updateConnectionChoice } from '../../../src/core/publish/updateConnection';
import { updateData } from '../../../src/core/publish/updateData';
import { hyperBytes, tdsxBytes, type SampleDataConnection } from '../../fixtures/samples';
import { startPublishHarness, type Harness } from '../../support/simFixture';

const fast = { job: { initialDelayMs: 30, maxDelayMs: 60 }, retry: { baseDelayMs: 10, maxDelayMs: 30 } };
const HYPER_A: SampleDataConnection = { class: 'hyper', dbname: 'Data/Extracts/orders.hyper' };
const HYPER_B: SampleDataConnection = { class: 'hyper', dbname: 'Data/Extracts/returns.hyper' };
const PG: SampleDataConnection = { class: 'postgres', server: 'pg.corp.example', port: '5432', dbname: 'sales', username: 'reader' };

describe('update data: the connection of a data source with several connections is chosen automatically', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness()));
  after(() => h.close());

  /** A live-to-Hyper data source (published .hyper) whose content is then a document with these connections. */
  async function multiConnection(name: string, conns: SampleDataConnection[]): Promise<string> {
    const id = (await publish(h.conn.client, { filePath: h.tmp.file(`${name}.hyper`, hyperBytes(4_000, 3)), projectId, mode: 'createnew' })).item.id;
    await publish(h.conn.client, { filePath: h.tmp.file(`${name}.tdsx`, tdsxBytes(conns)), name, projectId, mode: 'overwrite' });
    return id;
  }
  const uploads = (): number => h.sim.state().counters.requests['POST /api/{v}/sites/{site}/fileUploads'] ?? 0;

  it('goes to the only Hyper connection through .../connections/{cid}/data', async () => {
    const id = await multiConnection('Hyper And Pg', [HYPER_A, PG]);
    const choice = await updateConnectionChoice(h.conn.client, await h.conn.client.getDataSource(id));
    assert.equal(choice.all.length, 2);
    assert.equal(choice.updatable.length, 1);
    const r = await updateData(h.conn.client, { filePath: h.tmp.file('rows.hyper', hyperBytes(3_000, 4)), datasourceId: id, actions: insertActions('Orders') }, fast);
    assert.equal(r.connectionId, choice.updatable[0].id);
    const applied = (h.sim.state().dataUpdates ?? []).filter((u) => u.requestId === r.requestId);
    assert.equal(applied.length, 1);
    assert.equal(applied[0].connectionId, choice.updatable[0].id);
  });

  it('several Hyper connections: a clear error naming them and --connection, before anything is uploaded', async () => {
    const id = await multiConnection('Two Hypers', [HYPER_A, HYPER_B, PG]);
    const choice = await updateConnectionChoice(h.conn.client, await h.conn.client.getDataSource(id));
    assert.equal(choice.connectionId, undefined);
    const before = uploads();
    await assert.rejects(
      updateData(h.conn.client, { filePath: h.tmp.file('rows2.hyper', hyperBytes(3_000, 5)), datasourceId: id, actions: insertActions('Orders') }, fast),
      (e) => TableauError.is(e, 'invalidArgument') && /has 3 connections, 2 of them Hyper/.test(e.message) && /--connection/.test(e.message) && choice.updatable.every((c) => e.message.includes(c.id)),
    );
    assert.equal(uploads(), before, 'nothing uploaded');
    // Naming one works.
    const r = await updateData(h.conn.client, { filePath: h.tmp.file('rows3.hyper', hyperBytes(3_000, 6)), datasourceId: id, connectionId: choice.updatable[1].id, actions: insertActions('Orders') }, fast);
    assert.equal((h.sim.state().dataUpdates ?? []).find((u) => u.requestId === r.requestId)?.connectionId, choice.updatable[1].id);
  });

  it('the simulator refuses the data source\'s own /data when it has several connections, and a connection that is not Hyper', async () => {
    const id = await multiConnection('Refusals', [HYPER_A, PG]);
    const pg = (await updateConnectionChoice(h.conn.client, await h.conn.client.getDataSource(id))).all.find((c) => c.type === 'postgres')!;
    await assert.rejects(
      updateData(h.conn.client, { filePath: h.tmp.file('rows4.hyper', hyperBytes(3_000, 7)), datasourceId: id, connectionId: pg.id, actions: insertActions('Orders') }, fast),
      (e) => TableauError.is(e) && e.status === 400 && /not a Hyper connection/.test(e.message),
    );
    const res = await h.conn.client.request({
      method: 'PATCH', path: `sites/{siteId}/datasources/${id}/data`, query: { uploadSessionId: 'x' }, body: JSON.stringify(insertActions('Orders')),
      contentType: 'application/json', headers: { RequestID: 'r-several' }, action: 'update', replaySafe: true,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(TableauError.is(res) && res.status === 400 && /has 2 connections/.test(res.message), String(res));
  });
});
