import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { publish } from '../../../src/core/publish/publisher';
import { connect, PUB_PAT, type Connected, startPublishHarness, type Harness } from '../../support/simFixture';
import { datasourceXml, hyperBytes, POSTGRES, twbxBytes } from '../../fixtures/samples';

const VIEWER_PAT = { name: 'viewer-pat', secret: 'viewer-pat-secret-77e1c0' };
const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };

describe('publish: tags, views, description and embedded credentials', function () {
  let h: Harness;
  let viewer: Connected;
  let projectId = '';
  before(async () => {
    ({ h, projectId } = await startPublishHarness({
      users: [
        { name: 'pub-user', password: 'pub-user-password', siteRole: 'SiteAdministratorCreator' },
        { name: 'view-user', password: 'view-user-password', siteRole: 'Viewer' },
      ],
      pats: [
        { name: PUB_PAT.name, secret: PUB_PAT.secret, user: 'pub-user' },
        { name: VIEWER_PAT.name, secret: VIEWER_PAT.secret, user: 'view-user' },
      ],
    }));
    viewer = connect(h.sim.url, { pat: VIEWER_PAT });
  });
  after(async () => {
    await viewer.close();
    await h.close();
  });
  afterEach(() => h.sim.clearFaults());

  const wb = (id: string) => h.sim.state().workbooks.find((w) => w.id === id)!;
  const ds = (id: string) => h.sim.state().datasources.find((d) => d.id === id)!;

  it('adds tags after a publish, to workbooks and (as a job) to data sources', async () => {
    const p = h.tmp.file('Tagged.twbx', twbxBytes());
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', tags: ['finance', ' q3 ', 'finance', "it's <ok>"] }, fast);
    assert.deepEqual(wb(r.item.id).tags, ['finance', 'q3', "it's <ok>"]);
    assert.deepEqual(r.tags, ['finance', 'q3', "it's <ok>"]);
    assert.equal(r.requests, 2, 'the publish, then one tags request');
    const again = await publish(h.conn.client, { filePath: p, projectId, mode: 'overwrite', tags: ['q4'] }, fast);
    assert.deepEqual(wb(again.item.id).tags, ['finance', 'q3', "it's <ok>", 'q4'], 'an overwrite keeps the tags and adds new ones');
    const read = await h.conn.client.getWorkbook(r.item.id);
    assert.deepEqual(read.tags, ['finance', 'q3', "it's <ok>", 'q4']);

    const d = h.tmp.file('Tagged Extract.hyper', hyperBytes(10_000));
    const job = await publish(h.conn.client, { filePath: d, projectId, mode: 'createnew', asJob: true, tags: ['extract'] }, fast);
    assert.ok(job.jobId);
    assert.deepEqual(ds(job.item.id).tags, ['extract']);
  });

  it('publishes without a tags request when no tags are given', async () => {
    const p = h.tmp.file('Untagged.twbx', twbxBytes());
    const before = h.sim.state().counters.requests['PUT /api/{v}/sites/{site}/workbooks/{id}/tags'] ?? 0;
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', tags: [' '] }, fast);
    assert.equal(r.requests, 1);
    assert.equal(r.tags, undefined);
    assert.equal(h.sim.state().counters.requests['PUT /api/{v}/sites/{site}/workbooks/{id}/tags'] ?? 0, before);
  });

  it('reports tags that could not be added as a warning; the item stays published', async () => {
    const p = h.tmp.file('Half Tagged.twbx', twbxBytes());
    h.sim.injectFault({ match: { method: 'PUT', pathPattern: '/tags$' }, action: { status: 500 } });
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', tags: ['x'] }, fast);
    assert.ok(wb(r.item.id), 'published');
    assert.deepEqual(wb(r.item.id).tags, []);
    assert.equal(r.tags, undefined);
    assert.ok(r.warnings.some((w) => /published, but its tags \(x\) could not be added/.test(w)), r.warnings.join('\n'));
  });

  it('refuses tags from a Viewer (addTags), and answers the item tags to a publisher', async () => {
    const p = h.tmp.file('Viewer Target.twbx', twbxBytes());
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, fast);
    await assert.rejects(viewer.client.addTags('workbook', r.item.id, ['nope']), (e) => TableauError.is(e, 'forbidden'));
    assert.deepEqual(await h.conn.client.addTags('workbook', r.item.id, ['yes', 'yes']), ['yes']);
    await assert.rejects(h.conn.client.addTags('datasource', r.item.id, ['x']), (e) => TableauError.is(e, 'notFound'));
    await assert.rejects(h.conn.client.addTags('workbook', r.item.id, ['  ']), (e) => TableauError.is(e, 'invalidArgument'));
  });

  it('carries hidden views, showTabs, description and connection credentials to the server', async () => {
    const p = h.tmp.file('Options.twbx', twbxBytes([POSTGRES], { sheets: ['Sheet 1', 'Sheet 2', 'Scratch'] }));
    const r = await publish(h.conn.client, {
      filePath: p, projectId, mode: 'createnew', showTabs: false, description: 'Quarterly & "final"', hiddenViews: ['Sheet 2', 'Scratch'],
      connectionCredentials: [{ serverAddress: 'db.example.com', serverPort: '5432', username: 'analyst', password: 'pg-pass-123', embed: false }],
    }, fast);
    const s = wb(r.item.id);
    assert.equal(s.showTabs, false);
    assert.equal(s.description, 'Quarterly & "final"');
    assert.deepEqual(s.hiddenViews, ['Sheet 2', 'Scratch']);
    assert.equal(s.credentials.length, 1);
    assert.deepEqual({ ...s.credentials[0], passwordSha256: undefined }, { serverAddress: 'db.example.com', serverPort: '5432', username: 'analyst', embed: false, passwordSha256: undefined });

    const t = h.tmp.file('Live.tds', datasourceXml([POSTGRES]));
    const d = await publish(h.conn.client, { filePath: t, projectId, mode: 'createnew', connectionCredentials: [{ username: 'analyst', password: 'pg-pass-123' }] }, fast);
    assert.equal(ds(d.item.id).credentials[0].username, 'analyst');
    assert.equal(ds(d.item.id).credentials[0].embed, true);
  });
});
