import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadRevision, listRevisions, removeRevision } from '../../../src/core/api/revisions';
import { TableauError } from '../../../src/core/errors';
import { publish } from '../../../src/core/publish/publisher';
import { downloadToFile, readTableauDocument } from '../../../src/core/revisions/document';
import { restoreRevision } from '../../../src/core/revisions/restore';
import { openServerDocument } from '../../../src/core/revisions/serverDocument';
import { PUB_SITE, sha256File, startPublishHarness, type Harness } from '../../support/simFixture';
import { DEFAULT_SPEC, workbookDocument } from '../../fixtures/tableauWorkbook';
import { buildZip } from '../../fixtures/zipWriter';
import { hyperBytes, POSTGRES, tdsxBytes, TEXTFILE } from '../../fixtures/samples';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };

function twbx(calc: string): Buffer {
  return buildZip([
    { name: 'Sales.twb', data: workbookDocument({ calcs: { ...DEFAULT_SPEC.calcs, 'Profit Ratio': calc } }), method: 'deflate' },
    { name: 'Data/Extracts/orders.hyper', data: hyperBytes(4096) },
  ]);
}

describe('revisions: simulator and core', function () {
  let h: Harness;
  let projectId = '';
  beforeEach(async () => ({ h, projectId } = await startPublishHarness({ revisionLimit: 3 })));
  afterEach(() => h.close());

  async function publishVersions(name: string, calcs: string[]): Promise<{ id: string; files: string[] }> {
    let id = '';
    const files: string[] = [];
    for (const [i, calc] of calcs.entries()) {
      const file = h.tmp.file(`${name}-${i}/${name}.twbx`, twbx(calc));
      files.push(file);
      const r = await publish(h.conn.client, { filePath: file, projectId, mode: i === 0 ? 'createnew' : 'overwrite' }, fast);
      id = r.item.id;
    }
    return { id, files };
  }

  it('keeps a revision per overwrite with its publisher, date and size; the newest is current', async () => {
    const { id, files } = await publishVersions('Kept', ['A', 'B']);
    const revs = await listRevisions(h.conn.client, { kind: 'workbook', id });
    assert.deepEqual(revs.map((r) => [r.number, r.current, r.deleted]), [[1, false, false], [2, true, false]]);
    assert.equal(revs[0].publisher?.name, 'pub-user');
    assert.ok(revs[0].publishedAt && !Number.isNaN(Date.parse(revs[0].publishedAt)));
    assert.equal(revs[0].sizeBytes, fs.statSync(files[0]).size);
    // Revision 1's bytes are the first file's.
    const out = path.join(h.tmp.dir, 'rev1.twbx');
    await downloadToFile(out, (sink) => downloadRevision(h.conn.client, { kind: 'workbook', id }, 1, sink));
    assert.equal(sha256File(out), sha256File(files[0]));
  });

  it('drops the oldest revisions past the site limit, and lists many revisions over several pages', async () => {
    const { id } = await publishVersions('Limited', ['A', 'B', 'C', 'D', 'E']);
    const revs = await listRevisions(h.conn.client, { kind: 'workbook', id });
    assert.deepEqual(revs.map((r) => r.number), [3, 4, 5]);
    const page = await h.conn.client.request({ method: 'GET', path: `sites/{siteId}/workbooks/${id}/revisions`, query: { pageSize: 2, pageNumber: 2 }, replaySafe: true });
    assert.equal(page.pagination.totalAvailable, '3');
    assert.equal(page.revisions.revision.length, 1);
  });

  it('removes a revision: listed as deleted, its download is revisionNotFound; the current one cannot be removed', async () => {
    const { id } = await publishVersions('Removed', ['A', 'B', 'C']);
    const ref = { kind: 'workbook' as const, id, name: 'Removed' };
    await removeRevision(h.conn.client, ref, 2);
    const revs = await listRevisions(h.conn.client, ref);
    assert.deepEqual(revs.map((r) => [r.number, r.deleted]), [[1, false], [2, true], [3, false]]);
    const sink = fs.createWriteStream(path.join(h.tmp.dir, 'gone'));
    await assert.rejects(downloadRevision(h.conn.client, ref, 2, sink), (e) => TableauError.is(e, 'revisionNotFound') && /Revision 2 of workbook "Removed" no longer exists/.test(e.message));
    await assert.rejects(removeRevision(h.conn.client, ref, 3), (e) => TableauError.is(e, 'badRequest'));
  });

  it('says the site keeps no revision history when it is turned off', async () => {
    const { id } = await publishVersions('NoHistory', ['A']);
    h.sim.setSiteSettings(PUB_SITE, { revisionHistoryEnabled: false });
    await assert.rejects(listRevisions(h.conn.client, { kind: 'workbook', id, name: 'NoHistory' }), (e) => TableauError.is(e, 'revisionHistoryOff') && /keeps no revision history/.test(e.message));
  });

  it('restores revision 1: downloaded and published over the item, which keeps its id; the restored content becomes a new current revision', async () => {
    const { id, files } = await publishVersions('Restored', ['SUM([Profit])/SUM([Sales])', 'SUM([Profit])']);
    const r = await restoreRevision(h.conn.client, { kind: 'workbook', id, revision: 1 }, { ...fast, tempDir: h.tmp.dir });
    assert.equal(r.item.id, id);
    assert.equal(r.restored.number, 1);
    assert.equal(r.previous.number, 2);
    assert.equal(r.current?.number, 3);
    assert.equal(h.sim.state().workbooks.find((w) => w.id === id)?.sha256, sha256File(files[0]));
    // The temporary download is gone.
    assert.deepEqual(fs.readdirSync(h.tmp.dir).filter((f) => f.startsWith('tableau-restore-')), []);
    await assert.rejects(restoreRevision(h.conn.client, { kind: 'workbook', id, revision: 3 }, fast), (e) => TableauError.is(e, 'invalidArgument') && /already the current revision/.test(e.message));
    await assert.rejects(restoreRevision(h.conn.client, { kind: 'workbook', id, revision: 9 }, fast), (e) => TableauError.is(e, 'revisionNotFound'));
  });

  it('restores a data source revision with its extract: the package published back is the revision\'s own', async () => {
    const files = [
      h.tmp.file('ds-1/Orders.tdsx', tdsxBytes([TEXTFILE], { extract: true })),
      h.tmp.file('ds-2/Orders.tdsx', tdsxBytes([POSTGRES], { extract: true })),
    ];
    let id = '';
    for (const [i, f] of files.entries()) id = (await publish(h.conn.client, { filePath: f, projectId, mode: i === 0 ? 'createnew' : 'overwrite' }, fast)).item.id;
    const r = await restoreRevision(h.conn.client, { kind: 'datasource', id, revision: 1 }, { ...fast, tempDir: h.tmp.dir });
    assert.equal(r.current?.number, 3);
    assert.equal(h.sim.state().datasources.find((d) => d.id === id)?.sha256, sha256File(files[0]));
  });

  it('opens the document of a packaged revision without its extract, cached per revision', async () => {
    const { id } = await publishVersions('Opened', ['OLD()', 'NEW()']);
    const cacheDir = path.join(h.tmp.dir, 'cache');
    const old = await openServerDocument(h.conn.client, { kind: 'workbook', id, revision: 1 }, { cacheDir });
    assert.equal(old.name, 'Sales.twb');
    assert.equal(old.packaged, true);
    assert.match(old.text, /formula='OLD\(\)'/);
    const again = await openServerDocument(h.conn.client, { kind: 'workbook', id, revision: 1 }, { cacheDir });
    assert.equal(again.downloadedBytes, 0);
    const cur = await openServerDocument(h.conn.client, { kind: 'workbook', id }, { cacheDir });
    assert.match(cur.text, /formula='NEW\(\)'/);
    const requests = h.sim.state().counters.requests;
    assert.equal(requests['GET /api/{v}/sites/{site}/workbooks/{id}/revisions/{n}/content'], 1);
  });
});

describe('revisions: Tableau\'s recorded answers', () => {
  let h: Harness;
  before(async () => ({ h } = await startPublishHarness()));
  after(() => h.close());

  // TSC test/assets/datasource_revision.xml (abridged namespaces): data source revisions carry createdAt; revision 2 has no
  // publisher; only the last says current, the others deleted="false".
  const TSC_DATASOURCE_REVISIONS = `<?xml version='1.0' encoding='UTF-8'?>
<tsResponse xmlns="http://tableau.com/api">
  <pagination pageNumber="1" pageSize="100" totalAvailable="3" />
  <revisions>
    <revision createdAt="2016-07-26T20:34:56Z" revisionNumber="1" deleted="false"><publisher id="5de011f8-5aa9-4d5b-b991-f462c8dd6bb7" name="Cassie"/></revision>
    <revision createdAt="2016-07-27T20:34:56Z" revisionNumber="2" deleted="false"></revision>
    <revision createdAt="2016-07-28T20:34:56Z" revisionNumber="3" current="true"><publisher id="5de011f8-5aa9-4d5b-b991-f462c8dd6bb7" name="Cassie"/></revision>
  </revisions>
</tsResponse>`;

  it('reads the revisions as TSC recorded them (createdAt, a revision without publisher)', async () => {
    h.sim.injectFault({ match: { method: 'GET', pathPattern: '/revisions$' }, action: { status: 200, body: TSC_DATASOURCE_REVISIONS, contentType: 'application/xml' } });
    const revs = await listRevisions(h.conn.client, { kind: 'datasource', id: 'd' });
    assert.deepEqual(revs, [
      { number: 1, current: false, deleted: false, publishedAt: '2016-07-26T20:34:56Z', publisher: { id: '5de011f8-5aa9-4d5b-b991-f462c8dd6bb7', name: 'Cassie' } },
      { number: 2, current: false, deleted: false, publishedAt: '2016-07-27T20:34:56Z' },
      { number: 3, current: true, deleted: false, publishedAt: '2016-07-28T20:34:56Z', publisher: { id: '5de011f8-5aa9-4d5b-b991-f462c8dd6bb7', name: 'Cassie' } },
    ]);
  });
});

describe('revisions: reading a Tableau document', () => {
  let h: Harness;
  before(async () => ({ h } = await startPublishHarness()));
  after(() => h.close());

  it('refuses a package without a .twb, a non-XML file and a document over the limit, with clear messages', async () => {
    const noTwb = h.tmp.file('NoTwb.twbx', buildZip([{ name: 'Data/x.csv', data: 'a,b\n' }]));
    await assert.rejects(readTableauDocument(noTwb, { kind: 'workbook' }), (e) => TableauError.is(e, 'invalidFile') && /holds no \.twb at its top level/.test(e.message));
    const notXml = h.tmp.file('Binary.twb', Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    await assert.rejects(readTableauDocument(notXml), (e) => TableauError.is(e, 'invalidFile') && /is not an XML document/.test(e.message));
    const other = h.tmp.file('Other.twb', '<?xml version="1.0"?><html><body/></html>');
    await assert.rejects(readTableauDocument(other), (e) => TableauError.is(e, 'invalidFile') && /root element is <html>/.test(e.message));
    const big = h.tmp.file('Big.twb', workbookDocument());
    await assert.rejects(readTableauDocument(big, { maxBytes: 1000 }), (e) => TableauError.is(e, 'invalidFile') && /more than the 0\.0 MB this extension compares or opens/.test(e.message));
  });
});
