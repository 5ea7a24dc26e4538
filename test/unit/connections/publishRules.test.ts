import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as yauzl from 'yauzl';
import { queryConnections, updateConnection } from '../../../src/core/api/connections';
import type { DataConnectionRule } from '../../../src/core/connections/rules';
import { TableauError } from '../../../src/core/errors';
import { publish, type PublishRequest } from '../../../src/core/publish/publisher';
import { datasourceXml, hyperBytes, POSTGRES, workbookXml } from '../../fixtures/samples';
import { buildZip } from '../../fixtures/zipWriter';
import { sha256File, startPublishHarness, type Harness } from '../../support/simFixture';
import { zipEntries } from '../../support/unzip';
import { watchReadStores } from '../../support/readStores';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 }, lookupRetry: { attempts: 8, initialDelayMs: 20, maxDelayMs: 100 } };
const PASSWORD = 'prod-db-password-7f3a91';
const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

function sqlproxyWorkbook(name: string, contentUrl: string): string {
  return `<?xml version='1.0' encoding='utf-8' ?>
<workbook version='18.1'><datasources><datasource caption='${name}' inline='true' name='sqlproxy.1' version='18.1'>
  <repository-location id='${contentUrl}' path='/datasources' revision='1.0' />
  <connection channel='https' class='sqlproxy' dbname='${contentUrl}' directory='/dataserver' port='443' server='tableau.example.com' server-ds-friendly-name='${name}' />
</datasource></datasources><worksheets><worksheet name='Sheet 1' /></worksheets></workbook>`;
}

/** Each entry's uncompressed bytes, read with yauzl. */
async function unzip(path: string): Promise<Map<string, Buffer>> {
  return new Map((await zipEntries(await yauzl.openPromise(path, { lazyEntries: true }))).map((e) => [e.entry.fileName, e.data]));
}

describe('publish with data connection rules (simulator)', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness({ unreachableHosts: ['db.unreachable.example.com'] })));
  after(() => h.close());

  const workbooks = () => h.sim.state().workbooks;
  const stored = (id: string) => [...h.sim.state().workbooks, ...h.sim.state().datasources].find((i) => i.id === id)!;
  const run = (req: Omit<PublishRequest, 'projectId' | 'mode'>, opts = {}) => publish(h.conn.client, { projectId, mode: 'createnew', ...req }, { ...fast, ...opts });

  function twbx(name: string, conns = [POSTGRES]): { path: string; extract: Buffer } {
    const extract = hyperBytes(200_000, 3);
    const path = h.tmp.file(
      name,
      buildZip([
        { name: 'Sales.twb', data: workbookXml(conns, { extract: true }), method: 'deflate' },
        { name: 'Data/Extracts/Sales.hyper', data: extract },
      ]),
    );
    return { path, extract };
  }

  const prodRule: DataConnectionRule = { match: { class: 'postgres', server: 'db.example.com' }, set: { server: 'db.prod.example.com', dbname: 'sales_prod' }, credentials: { username: 'svc_prod', password: { env: 'PROD_DB_PASSWORD' } } };

  for (const chunked of [false, true]) {
    it(`rewrites a .twbx in the upload${chunked ? ' (in chunks)' : ''}: the server stores the new connection, the login hashed, the extract bytes identical`, async () => {
      const name = `Rewritten${chunked ? ' Chunked' : ''}.twbx`;
      const { path, extract } = twbx(name);
      const before = sha256File(path);
      const lines: string[] = [];
      const logger = { trace: (m: string) => lines.push(m), debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string | Error) => lines.push(String(m)) };
      const r = await run(
        { filePath: path, dataConnectionRules: [prodRule], dataConnectionPasswords: new Map([[0, PASSWORD]]) },
        { logger, ...(chunked ? { singleRequestLimit: 64 * 1024, chunkSize: 50 * 1024 } : {}) },
      );
      assert.ok(lines.some((l) => /Data connection rule 1: postgres db.example.com server db.example.com → db.prod.example.com/.test(l)), 'the log says what changed');
      assert.ok(!lines.join('\n').includes(PASSWORD), 'the password is nowhere in the log');
      if (chunked) assert.ok(r.chunks > 1);
      assert.equal(sha256File(path), before, 'the source file is untouched');
      const item = stored(r.item.id);
      const conn = item.connections?.find((c) => c.type === 'postgres');
      assert.equal(conn?.serverAddress, 'db.prod.example.com');
      assert.equal(conn?.dbname, 'sales_prod');
      assert.equal(conn?.userName, 'svc_prod');
      assert.equal(conn?.embedPassword, true);
      assert.equal(conn?.passwordSha256, sha(PASSWORD));
      const onServer = await unzip(item.filePath!);
      assert.equal(sha(onServer.get('Data/Extracts/Sales.hyper')!), sha(extract), 'extract bytes on the server are the source\'s');
      assert.deepEqual(r.connectionChanges?.map((c) => [c.route, c.embeddedUsername, c.changes.map((x) => `${x.field}:${x.from}→${x.to}`)]), [
        ['file', 'svc_prod', ['server:db.example.com→db.prod.example.com', 'dbname:sales→sales_prod']],
      ]);
      assert.ok(!JSON.stringify(r).includes(PASSWORD), 'the password is nowhere in the result');
      assert.ok(!JSON.stringify(h.sim.state()).includes(PASSWORD), 'nor in the server state');
    });
  }

  it('reads a rewritten package into the upload\'s few reused buffers, chunk after chunk', async () => {
    // Fresh 4 MiB buffers per read made a 2 GiB rewritten publish peak at 140-148 MB (117 MB without rules).
    const extract = hyperBytes(1_700_000, 9);
    const path = h.tmp.file('Reused Buffers.twbx', buildZip([
      { name: 'Sales.twb', data: workbookXml([POSTGRES], { extract: true }), method: 'deflate' },
      { name: 'Data/Extracts/Sales.hyper', data: extract },
    ]));
    const { client, stores, reads: fullReads } = watchReadStores(h.conn.client, 64 * 1024);
    const r = await publish(
      client,
      { projectId, mode: 'createnew', filePath: path, dataConnectionRules: [prodRule], dataConnectionPasswords: new Map([[0, PASSWORD]]) },
      { ...fast, singleRequestLimit: 512 * 1024, chunkSize: 256 * 1024, readSize: 64 * 1024 },
    );
    assert.equal(r.chunks, 7);
    assert.ok(fullReads() >= 24, `${fullReads()} full reads`);
    assert.ok(stores.size <= 3, `${stores.size} buffers for ${fullReads()} reads in ${r.chunks} chunks`);
    const onServer = await unzip(stored(r.item.id).filePath!);
    assert.equal(sha(onServer.get('Data/Extracts/Sales.hyper')!), sha(extract), 'the extract arrived whole, though its buffers were reused');
    assert.equal(stored(r.item.id).connections?.find((c) => c.type === 'postgres')?.serverAddress, 'db.prod.example.com');
  });

  it('reports progress over the rewritten bytes and stops on cancel, nothing published', async () => {
    const { path } = twbx('Cancelled.twbx');
    const ac = new AbortController();
    const seen: number[] = [];
    const n = workbooks().length;
    await assert.rejects(
      run(
        { filePath: path, dataConnectionRules: [prodRule], dataConnectionPasswords: new Map([[0, PASSWORD]]) },
        {
          singleRequestLimit: 64 * 1024,
          chunkSize: 50 * 1024,
          signal: ac.signal,
          onProgress: (p: { phase: string; bytesSent: number; totalBytes: number }) => {
            if (p.phase !== 'upload') return;
            seen.push(p.totalBytes);
            if (p.bytesSent >= 50 * 1024) ac.abort();
          },
        },
      ),
      (e: unknown) => TableauError.is(e, 'cancelled'),
    );
    assert.ok(seen.length > 0 && seen.every((t) => t !== fs.statSync(path).size && t > 200_000), 'progress counts the rewritten package, whose size differs from the file');
    assert.equal(workbooks().length, n);
  });

  it('refuses a rule that matches no connection, or a login without its password, with nothing sent', async () => {
    const { path } = twbx('Refused.twbx');
    const count = h.requestCount();
    const n = workbooks().length;
    await assert.rejects(run({ filePath: path, dataConnectionRules: [{ match: { server: 'nowhere.example.com' }, set: { server: 'x' } }] }), (e: unknown) => TableauError.is(e, 'invalidArgument') && /matches no data connection/.test(e.message));
    await assert.rejects(run({ filePath: path, dataConnectionRules: [prodRule] }), (e: unknown) => TableauError.is(e, 'invalidArgument') && /no password was found \(environment variable PROD_DB_PASSWORD\)/.test(e.message));
    await assert.rejects(run({ filePath: path, dataConnectionRules: [{ ...prodRule, via: 'rest' }], dataConnectionPasswords: new Map([[0, PASSWORD]]) }), (e: unknown) => TableauError.is(e, 'invalidArgument') && /cannot change dbname/.test(e.message));
    assert.equal(h.requestCount(), count, 'not one request');
    assert.equal(workbooks().length, n);
  });

  it('refuses a package whose .twb is damaged before upload, the source untouched', async () => {
    const bytes = buildZip([
      { name: 'Sales.twb', data: workbookXml([POSTGRES]).replace('</workbook>', '<oops>'), method: 'deflate' },
      { name: 'Data/Extracts/Sales.hyper', data: hyperBytes(4096) },
    ]);
    const path = h.tmp.file('Damaged.twbx', bytes);
    const count = h.requestCount();
    // The inspection's lenient parser may or may not refuse it first; either way it is an invalidFile before upload.
    await assert.rejects(run({ filePath: path, dataConnectionRules: [{ match: { server: 'db.example.com' }, set: { server: 'db.prod' } }] }), (e: unknown) => TableauError.is(e, 'invalidFile'));
    assert.equal(h.requestCount(), count);
    assert.ok(fs.readFileSync(path).equals(bytes));
  });

  it("changes a connection through Update Connection after publish (route 'rest'), the file sent as it is", async () => {
    const path = h.tmp.file('Rest Route.tds', datasourceXml([POSTGRES]));
    const rule: DataConnectionRule = { match: { server: 'db.example.com' }, set: { server: 'db.rest.example.com', port: '6432' }, credentials: { username: 'svc_rest', password: { secret: 'rest' } }, via: 'rest' };
    const r = await run({ filePath: path, dataConnectionRules: [rule], dataConnectionPasswords: new Map([[0, PASSWORD]]) });
    const item = stored(r.item.id);
    assert.equal(item.sha256, sha256File(path), 'uploaded unchanged');
    const conn = item.connections?.find((c) => c.type === 'postgres');
    assert.deepEqual([conn?.serverAddress, conn?.serverPort, conn?.userName, conn?.passwordSha256, conn?.embedPassword], ['db.rest.example.com', '6432', 'svc_rest', sha(PASSWORD), true]);
    assert.equal(r.connectionChanges?.[0].route, 'rest');
    assert.deepEqual(r.connectionChanges?.[0].updatedConnectionIds, [conn?.id]);
    assert.equal(h.sim.state().counters.requests['PUT /api/{v}/sites/{site}/datasources/{id}/connections/{cid}'], 1);
  });

  it('switches a published data source reference to one on the target site, and refuses one that is not there', async () => {
    const ds = await run({ filePath: h.tmp.file('Sales Prod.tds', datasourceXml([POSTGRES])) });
    const wb = h.tmp.file('On Published.twb', sqlproxyWorkbook('Sales Dev', 'SalesDev'));
    const rule = (to: string): DataConnectionRule => ({ match: { publishedDataSource: 'Sales Dev' }, set: { publishedDataSource: to } });
    const r = await run({ filePath: wb, dataConnectionRules: [rule('Sales Prod')] });
    const conn = stored(r.item.id).connections?.find((c) => c.type === 'sqlproxy');
    assert.equal(conn?.dbname, stored(ds.item.id).contentUrl);
    assert.equal(conn?.publishedDataSource, 'Sales Prod');

    const count = workbooks().length;
    await assert.rejects(run({ filePath: wb, name: 'On Missing', dataConnectionRules: [rule('Sales Nowhere')] }), (e: unknown) => TableauError.is(e, 'notFound') && /"Sales Nowhere", which does not exist on the target site/.test(e.message));
    // Without a rule, the server itself refuses a reference it cannot resolve.
    await assert.rejects(run({ filePath: wb, name: 'Unresolved' }), (e: unknown) => TableauError.is(e, 'publishFailed'));
    assert.equal(workbooks().length, count);
  });

  it('finds a published data source whose name Tableau cannot filter on (a comma, an ampersand) in the whole listing', async () => {
    // Tableau's filter syntax has no escape: `name:eq:Sales\, EMEA` is an invalid expression, not a match.
    for (const name of ['Sales, EMEA', 'R&D Prod']) {
      const ds = await run({ filePath: h.tmp.file(`${name}.tds`, datasourceXml([POSTGRES])) });
      const wb = h.tmp.file(`On ${name}.twb`, sqlproxyWorkbook('Sales Dev', 'SalesDev'));
      const r = await run({ filePath: wb, dataConnectionRules: [{ match: { publishedDataSource: 'Sales Dev' }, set: { publishedDataSource: name } }] });
      const conn = stored(r.item.id).connections?.find((c) => c.type === 'sqlproxy');
      assert.equal(conn?.dbname, stored(ds.item.id).contentUrl, name);
      assert.equal(conn?.publishedDataSource, name);
    }
  });

  it('fails the connection check for an unreachable host unless skipConnectionCheck', async () => {
    const path = h.tmp.file('Unreachable.twb', workbookXml([{ ...POSTGRES, server: 'db.unreachable.example.com' }]));
    await assert.rejects(run({ filePath: path }), (e: unknown) => TableauError.is(e, 'connectionCheckFailed'));
    const r = await run({ filePath: path, skipConnectionCheck: true });
    assert.equal(stored(r.item.id).connections?.[0].serverAddress, 'db.unreachable.example.com');
  });

  it('Query and Update Connection: shapes, and an unknown connection id is 404', async () => {
    const r = await run({ filePath: h.tmp.file('Query Me.twb', workbookXml([POSTGRES])) });
    const conns = await queryConnections(h.conn.client, 'workbook', r.item.id);
    assert.deepEqual(conns.map((c) => [c.type, c.serverAddress, c.serverPort, c.userName]), [['postgres', 'db.example.com', '5432', 'analyst']]);
    const updated = await updateConnection(h.conn.client, 'workbook', r.item.id, conns[0].id, { serverAddress: 'DB.Other.example.com', userName: 'u2', password: PASSWORD, embedPassword: true });
    assert.deepEqual([updated.serverAddress, updated.userName, updated.embedPassword], ['db.other.example.com', 'u2', true]);
    await assert.rejects(updateConnection(h.conn.client, 'workbook', r.item.id, '00000000-0000-4000-a000-000000000000', { serverPort: '1' }), (e: unknown) => TableauError.is(e, 'notFound') && (e as TableauError).code === '404020');
  });
});
