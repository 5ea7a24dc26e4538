import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { listRevisions } from '../../../src/core/api/revisions';
import { publishFlow } from '../../../src/core/publish/flowPublisher';
import { publish } from '../../../src/core/publish/publisher';
import { flowBytes } from '../../fixtures/flows';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';
import { startPublishHarness, type Harness } from '../../support/simFixture';

// POST /_sim/remove-content: what the UI tests' driver uses to take back what a failed try of a
// scenario published, so that its second try starts from what the first one found.
describe('simulator: /_sim/remove-content', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness()));
  after(() => h.close());

  it('removes the workbooks, data sources and flows named, with their revisions and files, and nothing else', async () => {
    const kept = (await publish(h.conn.client, { filePath: h.tmp.file('Kept.twbx', twbxBytes()), projectId, mode: 'createnew' })).item;
    const wbFile = h.tmp.file('Gone.twbx', twbxBytes());
    const first = (await publish(h.conn.client, { filePath: wbFile, projectId, mode: 'createnew' })).item;
    fs.writeFileSync(wbFile, twbxBytes(undefined, { sheets: ['Other'] }));
    await publish(h.conn.client, { filePath: wbFile, projectId, mode: 'overwrite' });
    const ds = (await publish(h.conn.client, { filePath: h.tmp.file('Gone.hyper', hyperBytes(4096)), projectId, mode: 'createnew' })).item;
    const flow = (await publishFlow(h.conn.client, { filePath: h.tmp.file('Gone.tfl', flowBytes()), projectId, mode: 'createnew' })).flow;
    const st = h.sim.state();
    const files = [first.id, ds.id].map((id) => [...st.workbooks, ...st.datasources].find((i) => i.id === id)?.filePath);
    for (const f of files) assert.ok(f && fs.existsSync(f), `stored bytes on disk: ${f}`);
    assert.equal((await listRevisions(h.conn.client, { kind: 'workbook', id: first.id })).length, 2);

    const res = await fetch(`${h.sim.url}/_sim/remove-content`, { method: 'POST', body: JSON.stringify({ ids: [first.id, ds.id, flow.id, 'no-such-id'] }) });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { removed: 3 });

    const after = h.sim.state();
    assert.deepEqual(after.workbooks.map((w) => w.id).filter((id) => id === first.id || id === kept.id), [kept.id]);
    assert.equal(after.datasources.find((d) => d.id === ds.id), undefined);
    assert.equal((after.flows ?? []).find((f) => f.id === flow.id), undefined);
    await waitGone(files as string[]);
    // A workbook published again under the same name is a new one: its history starts at revision 1.
    const again = (await publish(h.conn.client, { filePath: wbFile, projectId, mode: 'createnew' })).item;
    assert.notEqual(again.id, first.id);
    assert.deepEqual((await listRevisions(h.conn.client, { kind: 'workbook', id: again.id })).map((r) => r.number), [1]);
    assert.equal(h.sim.removeContent([kept.id]), 1);
  });
});

/** The simulator removes files without waiting; give it a moment, bounded. */
async function waitGone(files: string[]): Promise<void> {
  for (let i = 0; i < 100 && files.some((f) => fs.existsSync(f)); i++) await new Promise((r) => setTimeout(r, 20));
  for (const f of files) assert.equal(fs.existsSync(f), false, `still on disk: ${f}`);
}
