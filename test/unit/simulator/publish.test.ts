import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { RunningSimulator, SimConfig } from '../../simulator/index';
import { startSignedIn } from '../../support/simFixture';
import { api, type Auth, datasourcePayload, filePart, getJson, multipart, payloadPart, post, signIn, sleep, workbookPayload, type Json } from '../../support/wire';

const config: SimConfig = {
  users: [
    { name: 'ann', password: 'pw-ann', siteRole: 'Creator' },
    { name: 'ben', password: 'pw-ben', siteRole: 'Creator' },
    { name: 'vic', password: 'pw-vic', siteRole: 'Viewer' },
  ],
  projects: [{ path: 'Default' }, { path: 'Finance/Monthly' }],
  jobDurationMs: 300,
  maxRequestBytes: 256 * 1024,
  failConnectionCheck: ['db.unreachable.example'],
};

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('simulator: publishing and file uploads', () => {
  let sim: RunningSimulator;
  let ann: Auth;
  let projectId: string;
  before(async () => ({ sim, auth: ann, projectId } = await startSignedIn(config, { name: 'ann', password: 'pw-ann' }, 'Monthly')));
  after(() => sim.close());

  const publishWb = (a: Auth, query: string, parts: Parameters<typeof multipart>[0]) => {
    const mp = multipart(parts);
    return post(sim, a, `sites/{site}/workbooks?${query}`, mp.body, mp.contentType);
  };

  it('publishes a workbook with plain Content-Disposition, records size and sha256, streams it back', async () => {
    const bytes = randomBytes(50_000);
    const res = await publishWb(ann, 'workbookType=twbx', [
      payloadPart(workbookPayload('Sales &#39;24', projectId, '<views><view name="Overview"/><view name="Hidden" hidden="true"/></views>')),
      filePart('tableau_workbook', 'Sales.twbx', bytes),
    ]);
    assert.equal(res.status, 201, res.text);
    const wb = res.body.workbook;
    assert.equal(wb.name, "Sales '24");
    assert.equal(wb.project.id, projectId);
    assert.deepEqual(wb.views.view.map((v: { name: string }) => v.name), ['Overview']);
    const st = sim.state().workbooks.find((w) => w.id === wb.id)!;
    assert.equal(st.size, bytes.length);
    assert.equal(st.sha256, sha(bytes));
    assert.equal(st.ownerId, ann.userId);
    const back = await fetch(api(sim, `sites/${ann.siteId}/workbooks/${wb.id}/content`), { headers: { 'X-Tableau-Auth': ann.token } });
    assert.equal(sha(Buffer.from(await back.arrayBuffer())), sha(bytes));
  });

  it("takes TSC's form-data disposition with filename=\"\" on the payload part", async () => {
    const bytes = Buffer.from("<?xml version='1.0' encoding='utf-8' ?><workbook/>");
    const res = await publishWb(ann, 'workbookType=twb', [
      payloadPart(workbookPayload('Form Data', projectId), true),
      filePart('tableau_workbook', 'Form Data.twb', bytes, true),
    ]);
    assert.equal(res.status, 201, res.text);
    assert.equal(sim.state().workbooks.find((w) => w.name === 'Form Data')!.sha256, sha(bytes));
  });

  it('refuses what Tableau refuses: type, extension, payload, project, exists, Viewer', async () => {
    const file = filePart('tableau_workbook', 'X.twbx', 'zip');
    const cases: [string, Parameters<typeof multipart>[0], number, string][] = [
      ['', [payloadPart(workbookPayload('A', projectId)), file], 400, '400000'],
      ['workbookType=twb', [payloadPart(workbookPayload('A', projectId)), file], 400, '400000'],
      ['workbookType=twbx', [payloadPart('<tsRequest><workbook name="A"><project id="x"/></tsRequest>'), file], 400, '400000'],
      ['workbookType=twbx', [payloadPart('<tsRequest><workbook name="It&apos;s"/></tsRequest>'), file], 400, '400000'],
      ['workbookType=twbx', [payloadPart(workbookPayload('A', '00000000-0000-0000-0000-000000000000')), file], 404, '404005'],
      ['workbookType=twbx', [payloadPart(workbookPayload('A', projectId))], 400, '400000'],
      ['workbookType=twbx', [payloadPart(workbookPayload("Sales '24", projectId)), file], 409, '409004'],
    ];
    for (const [q, parts, status, code] of cases) {
      const res = await publishWb(ann, q, parts);
      assert.equal(res.status, status, `${q}: ${res.text}`);
      assert.equal(res.body.error.code, code, q);
    }
    const vic = await signIn(sim, { name: 'vic', password: 'pw-vic' });
    assert.equal((await publishWb(vic, 'workbookType=twbx', [payloadPart(workbookPayload('V', projectId)), file])).status, 403);
    const notMultipart = await post(sim, ann, 'sites/{site}/workbooks?workbookType=twbx', 'x', 'application/octet-stream');
    assert.equal(notMultipart.status, 400);
    assert.ok(!sim.state().workbooks.some((w) => w.name === 'A' || w.name === 'V'));
  });

  it('overwrite keeps the id and takes the new bytes; only the owner or an admin may overwrite', async () => {
    const first = await publishWb(ann, 'workbookType=twb', [payloadPart(workbookPayload('Ow', projectId)), filePart('tableau_workbook', 'Ow.twb', 'one')]);
    const again = await publishWb(ann, 'workbookType=twb&overwrite=true', [payloadPart(workbookPayload('Ow', projectId)), filePart('tableau_workbook', 'Ow.twb', 'two!')]);
    assert.equal(again.status, 201);
    assert.equal(again.body.workbook.id, first.body.workbook.id);
    assert.equal(sim.state().workbooks.find((w) => w.id === first.body.workbook.id)!.size, 4);
    const ben = await signIn(sim, { name: 'ben', password: 'pw-ben' });
    const stolen = await publishWb(ben, 'workbookType=twb&overwrite=true', [payloadPart(workbookPayload('Ow', projectId)), filePart('tableau_workbook', 'Ow.twb', 'ben')]);
    assert.equal(stolen.status, 403);
  });

  it('data source modes: 403007 exists, 400054 append non-extract, append needs an existing one', async () => {
    const pub = (query: string, name: string, fileName: string, bytes = 'data') => {
      const mp = multipart([payloadPart(datasourcePayload(name, projectId)), filePart('tableau_datasource', fileName, bytes)]);
      return post(sim, ann, `sites/{site}/datasources?${query}`, mp.body, mp.contentType);
    };
    assert.equal((await pub('datasourceType=hyper', 'Orders', 'orders.hyper')).status, 201);
    const dup = await pub('datasourceType=hyper', 'Orders', 'orders.hyper');
    assert.equal(dup.status, 403);
    assert.equal(dup.body.error.code, '403007');
    assert.equal((await pub('datasourceType=tds&append=true', 'Orders', 'orders.tds')).body.error.code, '400054');
    assert.equal((await pub('datasourceType=hyper&append=true', 'Nope', 'n.hyper')).status, 404);
    const app = await pub('datasourceType=hyper&append=true', 'Orders', 'more.hyper', 'more data');
    assert.equal(app.status, 201);
    assert.equal(app.body.datasource.hasExtracts, true);
    assert.equal((await pub('datasourceType=hyper&overwrite=true', 'Orders', 'orders.hyper')).status, 201);
    assert.equal((await pub('datasourceType=hyper&overwrite=true&append=true', 'Orders', 'orders.hyper')).status, 400);
    assert.equal(sim.state().datasources.filter((d) => d.name === 'Orders').length, 1);
  });

  it('connection check fails with 403132 unless skipConnectionCheck=true', async () => {
    const conn = '<connections><connection serverAddress="db.unreachable.example" serverPort="5432"><connectionCredentials name="u" password="p" embed="true"/></connection></connections>';
    const parts = () => [payloadPart(workbookPayload('Conn', projectId, conn)), filePart('tableau_workbook', 'Conn.twb', 'x')];
    const bad = await publishWb(ann, 'workbookType=twb', parts());
    assert.equal(bad.body.error.code, '403132');
    assert.equal((await publishWb(ann, 'workbookType=twb&skipConnectionCheck=true', parts())).status, 201);
  });

  it('skipConnectionCheck is a workbook parameter: a data source publish ignores it', async () => {
    const payload = datasourcePayload('Unreachable DS', projectId).replace('</datasource>', '<connections><connection serverAddress="db.unreachable.example" serverPort="5432"/></connections></datasource>');
    const mp = multipart([payloadPart(payload), filePart('tableau_datasource', 'u.tds', 'x')]);
    const res = await post(sim, ann, 'sites/{site}/datasources?datasourceType=tds&skipConnectionCheck=true', mp.body, mp.contentType);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, '403132');
  });

  it('a file part above the request limit is refused with 413 and leaves nothing behind', async () => {
    const res = await publishWb(ann, 'workbookType=twbx', [payloadPart(workbookPayload('Huge', projectId)), filePart('tableau_workbook', 'Huge.twbx', randomBytes(300 * 1024))]);
    assert.equal(res.status, 413);
    assert.ok(!sim.state().workbooks.some((w) => w.name === 'Huge'));
  });

  it('fileUploads: two chunks, cumulative size, commit, no reuse, unknown id → 404', async () => {
    const init = await post(sim, ann, 'sites/{site}/fileUploads', '', 'text/xml');
    assert.equal(init.status, 201);
    const id: string = init.body.fileUpload.uploadSessionId;
    assert.equal(init.body.fileUpload.fileSize, '0');
    const chunks = [randomBytes(200 * 1024), randomBytes(100 * 1024)];
    for (const c of chunks) {
      const mp = multipart([payloadPart(''), filePart('tableau_file', 'file', c)]);
      const res = await fetch(api(sim, `sites/${ann.siteId}/fileUploads/${id}`), { method: 'PUT', headers: { 'X-Tableau-Auth': ann.token, 'Content-Type': mp.contentType }, body: mp.body });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<fileUpload uploadSessionId="[^"]+" fileSize="1"\/>/);
    }
    assert.equal(sim.state().uploads.find((u) => u.id === id)!.size, 300 * 1024);
    const commit = multipart([payloadPart(workbookPayload('Chunked', projectId))]);
    const res = await post(sim, ann, `sites/{site}/workbooks?workbookType=twbx&uploadSessionId=${encodeURIComponent(id)}`, commit.body, commit.contentType);
    assert.equal(res.status, 201, res.text);
    const st = sim.state().workbooks.find((w) => w.name === 'Chunked')!;
    assert.equal(st.size, 300 * 1024);
    assert.equal(st.sha256, sha(Buffer.concat(chunks)));
    const reuse = await post(sim, ann, `sites/{site}/workbooks?workbookType=twbx&overwrite=true&uploadSessionId=${encodeURIComponent(id)}`, commit.body, commit.contentType);
    assert.equal(reuse.body.error.code, '400011');
    const mp = multipart([payloadPart(''), filePart('tableau_file', 'file', 'x')]);
    const unknown = await fetch(api(sim, `sites/${ann.siteId}/fileUploads/nope`), { method: 'PUT', headers: { 'X-Tableau-Auth': ann.token, 'Content-Type': mp.contentType }, body: mp.body });
    assert.equal(unknown.status, 404);
  });

  it('asJob: answers 202 with a job that progresses and completes with finishCode 0', async () => {
    const res = await publishWb(ann, 'workbookType=twb&asJob=true', [payloadPart(workbookPayload('Async', projectId)), filePart('tableau_workbook', 'Async.twb', 'async')]);
    assert.equal(res.status, 202, res.text);
    const job = res.body.job;
    assert.equal(job.type, 'PublishWorkbook');
    assert.equal(job.mode, 'Asynchronous');
    assert.equal(job.progress, '0');
    assert.ok(!sim.state().workbooks.some((w) => w.name === 'Async'), 'committed before the job ended');
    let last: Json;
    for (let i = 0; i < 40; i++) {
      last = (await getJson(sim, ann, `sites/{site}/jobs/${job.id}`)).body.job;
      if (last.completedAt) break;
      await sleep(50);
    }
    assert.equal(last.finishCode, '0');
    assert.equal(last.progress, '100');
    assert.ok(sim.state().workbooks.some((w) => w.name === 'Async'));
  });

  it('refresh creates a RefreshExtract job; a second one while queued → 409093', async () => {
    const d = sim.state().datasources.find((x) => x.name === 'Orders')!;
    const r1 = await post(sim, ann, `sites/{site}/datasources/${d.id}/refresh`, '<tsRequest/>', 'text/xml');
    assert.equal(r1.status, 202);
    assert.equal(r1.body.job.type, 'RefreshExtract');
    const r2 = await post(sim, ann, `sites/{site}/datasources/${d.id}/refresh`, '<tsRequest/>', 'text/xml');
    assert.equal(r2.body.error.code, '409093');
  });

  it('delete: owner can, others 403, then 404', async () => {
    const w = sim.state().workbooks.find((x) => x.name === 'Form Data')!;
    const ben = await signIn(sim, { name: 'ben', password: 'pw-ben' });
    const del = (a: Auth) => fetch(api(sim, `sites/${a.siteId}/workbooks/${w.id}`), { method: 'DELETE', headers: { 'X-Tableau-Auth': a.token } });
    assert.equal((await del(ben)).status, 403);
    assert.equal((await del(ann)).status, 204);
    assert.equal((await del(ann)).status, 404);
  });
});
