import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { TableauError } from '../../../src/core/errors';
import type { DataSource, Workbook } from '../../../src/core/models';
import { publish, type PublishProgress } from '../../../src/core/publish/publisher';
import { datasourceXml, hyperBytes, POSTGRES, tdsxBytes, twbxBytes, workbookXml } from '../../fixtures/samples';
import { sha256File, startPublishHarness, type Harness } from '../../support/simFixture';
import { watchReadStores } from '../../support/readStores';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };

describe('publish: file types and modes', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness()));
  after(() => h.close());

  function stored(kind: 'workbook' | 'datasource', id: string) {
    const list = kind === 'workbook' ? h.sim.state().workbooks : h.sim.state().datasources;
    const item = list.find((i) => i.id === id);
    assert.ok(item, `${kind} ${id} is on the server`);
    return item;
  }

  const cases: [string, () => Buffer | string, 'workbook' | 'datasource'][] = [
    ['Sales.twbx', () => twbxBytes(), 'workbook'],
    ['Plain.twb', () => workbookXml([POSTGRES]), 'workbook'],
    ['Orders.tds', () => datasourceXml([POSTGRES]), 'datasource'],
    ['Orders Packaged.tdsx', () => tdsxBytes(), 'datasource'],
    ['Extract.hyper', () => hyperBytes(300_000), 'datasource'],
  ];
  for (const [file, bytes, kind] of cases) {
    it(`publishes a ${file.split('.').pop()} in one request, bytes intact`, async () => {
      const p = h.tmp.file(file, bytes());
      const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, fast);
      assert.equal(r.kind, kind);
      assert.equal(r.item.name, file.replace(/\.[^.]+$/, ''));
      assert.equal(r.item.project?.id, projectId);
      assert.equal(r.chunks, 0);
      assert.equal(r.requests, 1);
      const s = stored(kind, r.item.id);
      assert.equal(s.size, fs.statSync(p).size);
      assert.equal(s.sha256, sha256File(p));
    });
  }

  it('sends each login of a data source on two hosts to its own host', async () => {
    const wh = { ...POSTGRES, server: 'wh.example.com', port: '5439' };
    const p = h.tmp.file('Two Host Source.tds', datasourceXml([POSTGRES, wh]));
    const connectionCredentials = [
      { serverAddress: 'db.example.com', serverPort: '5432', username: 'a', password: 'pw-for-db' },
      { serverAddress: 'wh.example.com', serverPort: '5439', username: 'b', password: 'pw-for-wh' },
    ];
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', connectionCredentials }, fast);
    assert.deepEqual(
      stored('datasource', r.item.id).credentials?.map((c) => [c.serverAddress, c.username]),
      [['db.example.com', 'a'], ['wh.example.com', 'b']],
    );
  });

  it('overwrites a workbook only when asked', async () => {
    const p = h.tmp.file('Twice.twbx', twbxBytes());
    const first = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, fast);
    await assert.rejects(publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, fast), (e) => TableauError.is(e, 'alreadyExists'));
    const q = h.tmp.file('Twice.twbx', twbxBytes([POSTGRES]));
    const second = await publish(h.conn.client, { filePath: q, projectId, mode: 'overwrite', showTabs: false }, fast);
    assert.equal(second.item.id, first.item.id);
    assert.equal(stored('workbook', first.item.id).sha256, sha256File(q));
    assert.equal(h.sim.state().workbooks.filter((w) => w.name === 'Twice').length, 1);
  });

  it('appends, replaces and overwrites a .hyper data source', async () => {
    const p = h.tmp.file('Rows.hyper', hyperBytes(50_000, 1));
    const created = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, fast);
    await assert.rejects(publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, fast), (e) => TableauError.is(e, 'alreadyExists'));
    for (const [mode, seed] of [['append', 2], ['replace', 3], ['overwrite', 4]] as const) {
      const q = h.tmp.file('Rows.hyper', hyperBytes(40_000, seed));
      const r = await publish(h.conn.client, { filePath: q, projectId, mode }, fast);
      assert.equal(r.item.id, created.item.id, mode);
      assert.equal(stored('datasource', created.item.id).sha256, sha256File(q), mode);
    }
  });

  it('refuses an append of a .twbx or .tdsx, and append/replace of a workbook, before any request', async () => {
    const before = h.requestCount();
    const tdsx = h.tmp.file('NoAppend.tdsx', tdsxBytes());
    await assert.rejects(publish(h.conn.client, { filePath: tdsx, projectId, mode: 'append' }), (e) => TableauError.is(e, 'appendNotSupported'));
    const twbx = h.tmp.file('NoAppend.twbx', twbxBytes());
    await assert.rejects(publish(h.conn.client, { filePath: twbx, projectId, mode: 'append' }), (e) => TableauError.is(e, 'invalidArgument'));
    await assert.rejects(publish(h.conn.client, { filePath: twbx, projectId, mode: 'replace' }), (e) => TableauError.is(e, 'invalidArgument'));
    assert.equal(h.requestCount(), before);
  });

  it('refuses a broken zip and an empty file with nothing sent or published', async () => {
    const before = h.requestCount();
    const count = h.sim.state().workbooks.length;
    const whole = twbxBytes();
    const broken = h.tmp.file('Broken.twbx', whole.subarray(0, whole.length - 40));
    await assert.rejects(publish(h.conn.client, { filePath: broken, projectId, mode: 'overwrite' }), (e) => TableauError.is(e, 'invalidFile'));
    const empty = h.tmp.file('Empty.hyper', '');
    await assert.rejects(publish(h.conn.client, { filePath: empty, projectId, mode: 'overwrite' }), (e) => TableauError.is(e, 'invalidFile'));
    assert.equal(h.requestCount(), before);
    assert.equal(h.sim.state().workbooks.length, count);
  });

  it(`keeps names with ' " & < > and non-ASCII exactly`, async () => {
    const name = `Q1 'Sales' & "Margins" <draft> — 売上 ✓`;
    const p = h.tmp.file(`Ventes "été" 売上.twbx`, twbxBytes());
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', name, description: `it's <b>&</b>` }, fast);
    assert.equal(r.item.name, name);
    const s = stored('workbook', r.item.id);
    assert.equal(s.name, name);
    const ds = h.tmp.file('Données.hyper', hyperBytes(1000));
    const d = await publish(h.conn.client, { filePath: ds, projectId, mode: 'createnew', name: `l'été & co` }, fast);
    assert.equal(stored('datasource', d.item.id).name, `l'été & co`);
  });

  it('uploads in chunks above the single-request limit, reporting progress', async () => {
    const p = h.tmp.file('Chunked.hyper', hyperBytes(200_000, 9));
    const seen: PublishProgress[] = [];
    const r = await publish(
      h.conn.client,
      { filePath: p, projectId, mode: 'createnew' },
      { ...fast, singleRequestLimit: 64 * 1024, chunkSize: 32 * 1024, readSize: 8 * 1024, onProgress: (x) => seen.push(x) },
    );
    assert.equal(r.chunks, 7);
    assert.equal(r.requests, 1 + 7 + 1);
    assert.equal(stored('datasource', r.item.id).sha256, sha256File(p));
    const upload = seen.filter((x) => x.phase === 'upload').map((x) => x.bytesSent);
    assert.deepEqual(upload, [...upload].sort((a, b) => a - b));
    assert.equal(upload[upload.length - 1], 200_000);
    assert.equal(seen[0].phase, 'inspect');
    assert.equal(seen[seen.length - 1].phase, 'commit');
  });

  it('reads every chunk of an upload into the same few buffers', async () => {
    // Fresh buffers per read (or per chunk) grew the CLI by tens of MB between garbage collections.
    const p = h.tmp.file('Buffers.hyper', hyperBytes(1_700_000, 5));
    const { client, stores, reads: fullReads } = watchReadStores(h.conn.client, 64 * 1024);
    const r = await publish(client, { filePath: p, projectId, mode: 'createnew' }, { ...fast, singleRequestLimit: 512 * 1024, chunkSize: 256 * 1024, readSize: 64 * 1024 });
    assert.equal(r.chunks, 7);
    assert.equal(stored('datasource', r.item.id).sha256, sha256File(p));
    assert.ok(fullReads() >= 24, `${fullReads()} full reads`);
    assert.ok(stores.size <= 3, `${stores.size} buffers for ${fullReads()} reads in ${r.chunks} chunks`);
  });

  it('publishes as a job and returns the finished item', async () => {
    const p = h.tmp.file('Async.twbx', twbxBytes());
    const phases = new Set<string>();
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', asJob: true }, { ...fast, singleRequestLimit: 2048, chunkSize: 1024, onProgress: (x) => phases.add(x.phase) });
    assert.ok(r.jobId);
    assert.ok(r.chunks >= 2);
    assert.equal((r.item as Workbook).name, 'Async');
    assert.equal(stored('workbook', r.item.id).sha256, sha256File(p));
    assert.ok(phases.has('job'));
    const ds = h.tmp.file('AsyncDs.hyper', hyperBytes(5000));
    const d = await publish(h.conn.client, { filePath: ds, projectId, mode: 'createnew', asJob: true }, fast);
    assert.equal((d.item as DataSource).name, 'AsyncDs');
  });
});
