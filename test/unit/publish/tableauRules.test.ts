// Errors, permissions and limits as Tableau has them (issue #12 points 4-6, #13 finding 12),
// through the client and publisher against the simulator.
import * as assert from 'node:assert/strict';
import { TableauClient } from '../../../src/core/api/client';
import { TableauRestApi, type ApiRequest } from '../../../src/core/api/restApi';
import { scopesFor } from '../../../src/core/auth/jwt';
import { TableauSession } from '../../../src/core/auth/session';
import { TableauError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http/httpClient';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import { chunkSizeFor, MAX_FILE_CHUNK_COUNT, publish } from '../../../src/core/publish/publisher';
import { connect, PUB_PAT, PUB_SITE, type Connected, startPublishHarness, type Harness } from '../../support/simFixture';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };
const APP = { clientId: 'rules-client', secretId: 'rules-secret-id', secretValue: 'rules-connected-app-secret-0123456789abcdef' };
const BOB_PAT = { name: 'bob-pat', secret: 'bob-pat-secret-0a1b2c3d' };
const LEAD_PAT = { name: 'lead-pat', secret: 'lead-pat-secret-4e5f6a7b' };
const NS = 'xmlns="http://tableau.com/api"';

/** A client whose publish requests are recorded (the publisher's only way to the wire). */
function recording(client: TableauClient): { client: TableauClient; sent: ApiRequest[] } {
  const sent: ApiRequest[] = [];
  const spy = Object.create(client) as TableauClient;
  spy.request = (req) => {
    sent.push(req);
    return client.request(req);
  };
  return { client: spy, sent };
}

describe('Tableau rules: errors, permissions, limits and answers', function () {
  let h: Harness;
  let projectId = '';
  const extra: Connected[] = [];
  before(async () => {
    ({ h, projectId } = await startPublishHarness({
      users: [
        { name: 'pub-user', password: 'pub-user-password', siteRole: 'SiteAdministratorCreator' },
        { name: 'bob', password: 'bob-password', siteRole: 'Creator' },
        { name: 'lead', password: 'lead-password', siteRole: 'Creator' },
      ],
      pats: [
        { name: PUB_PAT.name, secret: PUB_PAT.secret, user: 'pub-user' },
        { name: BOB_PAT.name, secret: BOB_PAT.secret, user: 'bob' },
        { name: LEAD_PAT.name, secret: LEAD_PAT.secret, user: 'lead' },
      ],
      projects: [
        { site: PUB_SITE, path: 'Default' },
        { site: PUB_SITE, path: 'Publish' },
        { site: PUB_SITE, path: 'Finance/Monthly', leaders: ['lead'] },
        { site: PUB_SITE, path: 'Bobs', owner: 'bob' },
      ],
      connectedApps: [{ ...APP, enabled: true }],
      failConnectionCheck: ['db.unreachable.example'],
      connectionCheckError: '403007',
      maxFileChunkCount: 3,
    }));
  });
  after(async () => {
    for (const c of extra) await c.close();
    await h.close();
  });
  afterEach(() => h.sim.clearFaults());
  const as = (pat: { name: string; secret: string }): Connected => {
    const c = connect(h.sim.url, { pat });
    extra.push(c);
    return c;
  };
  const tagRequests = (): number =>
    (h.sim.state().counters.requests['PUT /api/{v}/sites/{site}/workbooks/{id}/tags'] ?? 0) + (h.sim.state().counters.requests['PUT /api/{v}/sites/{site}/datasources/{id}/tags'] ?? 0);

  describe('403007 and skipConnectionCheck', () => {
    const unreachable = [{ serverAddress: 'db.unreachable.example', serverPort: '5432', username: 'u', password: 'p', embed: true }];

    it('a workbook whose connection fails (403007 "failed to establish a connection") is a connection failure, not a name clash', async () => {
      const p = h.tmp.file('Unreachable.twbx', twbxBytes());
      const e = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', connectionCredentials: unreachable }, fast).then(
        () => assert.fail('expected the connection check to fail'),
        (x: unknown) => x as TableauError,
      );
      assert.ok(TableauError.is(e, 'connectionCheckFailed'), `${e.reason}: ${e.message}`);
      assert.equal(e.code, '403007');
      assert.match(e.message, /failed to establish a connection/);
      assert.doesNotMatch(e.message, /already exists/);
      const skipped = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew', connectionCredentials: unreachable, skipConnectionCheck: true }, fast);
      assert.equal(skipped.item.name, 'Unreachable');
    });

    it('a data source that exists (403007 "already exists") is a name clash', async () => {
      const d = h.tmp.file('Twice.hyper', hyperBytes(2000));
      await publish(h.conn.client, { filePath: d, projectId, mode: 'createnew' }, fast);
      await assert.rejects(publish(h.conn.client, { filePath: d, projectId, mode: 'createnew' }, fast), (e) => TableauError.is(e, 'alreadyExists') && e.code === '403007');
    });

    it('never sends skipConnectionCheck for a data source (Tableau has no such parameter there)', async () => {
      const { client, sent } = recording(h.conn.client);
      const d = h.tmp.file('NoSkip.hyper', hyperBytes(2000));
      await publish(client, { filePath: d, projectId, mode: 'createnew', skipConnectionCheck: true }, fast);
      const post = sent.find((r) => r.method === 'POST' && /datasources$/.test(r.path));
      assert.ok(post, 'the publish request was sent');
      assert.equal(post.query?.skipConnectionCheck, undefined);
      const w = h.tmp.file('Skip.twbx', twbxBytes());
      await publish(client, { filePath: w, projectId, mode: 'createnew', skipConnectionCheck: true }, fast);
      assert.equal(sent.find((r) => r.method === 'POST' && /workbooks$/.test(r.path))?.query?.skipConnectionCheck, true, 'still sent for workbooks');
    });
  });

  it('a connected app publish session may tag what it publishes (tableau:workbook_tags:update, tableau:datasource_tags:update)', async () => {
    const http = new HttpClient();
    const api = new TableauRestApi({ server: parseServerAddress(h.sim.url), http });
    const credential = { kind: 'connectedApp' as const, ...APP, username: 'pub-user' };
    const session = new TableauSession({ api, credential, siteContentUrl: PUB_SITE, scopes: scopesFor('publish') });
    const oldNames = new TableauSession({ api, credential, siteContentUrl: PUB_SITE, scopes: [...scopesFor('read'), 'tableau:workbooks:update', 'tableau:tags:create'] });
    try {
      const client = new TableauClient(session);
      const w = await publish(client, { filePath: h.tmp.file('App Tagged.twbx', twbxBytes()), projectId, mode: 'createnew', tags: ['app'] }, fast);
      assert.deepEqual(w.warnings, []);
      assert.deepEqual(w.tags, ['app']);
      const d = await publish(client, { filePath: h.tmp.file('App Tagged.hyper', hyperBytes(2000)), projectId, mode: 'createnew', tags: ['app'] }, fast);
      assert.deepEqual(d.tags, ['app']);
      await assert.rejects(new TableauClient(oldNames).addTags('workbook', w.item.id, ['x']), (e) => TableauError.is(e, 'forbidden'));
    } finally {
      await session.signOut().catch(() => undefined);
      await oldNames.signOut().catch(() => undefined);
      await http.close();
    }
  });

  describe('who may create a project', () => {
    it('a top-level project needs a site or server administrator, and the message says so', async () => {
      const bob = as(BOB_PAT);
      const e = await bob.client.createProject({ name: 'Bob Top' }).then(
        () => assert.fail('expected a refusal'),
        (x: unknown) => x as TableauError,
      );
      assert.ok(TableauError.is(e, 'forbidden'));
      assert.match(e.message, /Only a site or server administrator can create a top-level project/);
      const admin = await h.conn.client.createProject({ name: 'Admin Top' });
      assert.equal(admin.parentProjectId, undefined);
    });

    it('the owner or a project leader creates nested projects in theirs (leadership is inherited), nobody else', async () => {
      const all = await h.conn.client.allProjects();
      const id = (name: string): string => all.find((p) => p.name === name)!.id;
      const bob = as(BOB_PAT);
      const lead = as(LEAD_PAT);
      assert.equal((await bob.client.createProject({ name: 'Bob Nested', parentProjectId: id('Bobs') })).name, 'Bob Nested');
      const led = await lead.client.createProject({ name: 'Led', parentProjectId: id('Monthly') });
      assert.equal((await lead.client.createProject({ name: 'Led Below', parentProjectId: led.id })).name, 'Led Below');
      const refused = (e: unknown): boolean => TableauError.is(e, 'forbidden') && /its owner, its project leaders and site or server administrators/.test(e.message);
      await assert.rejects(lead.client.createProject({ name: 'Above Mine', parentProjectId: id('Finance') }), refused);
      await assert.rejects(bob.client.createProject({ name: 'Not Mine', parentProjectId: id('Monthly') }), refused);
    });
  });

  describe('upload limits', () => {
    it('raises the chunk size so a file fits in 1000 chunks, and refuses a file that cannot', () => {
      const size = 5_000_000_000;
      const c = chunkSizeFor(size, 1024 * 1024);
      assert.ok(Math.ceil(size / c) <= MAX_FILE_CHUNK_COUNT, `${Math.ceil(size / c)} chunks`);
      assert.equal(chunkSizeFor(10_000, 1000, 3), 3334);
      assert.equal(chunkSizeFor(10_000, 5000, 3), 5000, 'a bigger chunk asked for stays');
      assert.throws(() => chunkSizeFor(1000 * 64 * 1024 * 1024, 1), (e) => TableauError.is(e, 'invalidFile'));
    });

    it('keeps to the upload session\'s maxFileChunkCount; the simulator refuses one chunk more', async () => {
      const d = h.tmp.file('Many Chunks.hyper', hyperBytes(10_000));
      const r = await publish(h.conn.client, { filePath: d, projectId, mode: 'createnew' }, { ...fast, singleRequestLimit: 1000, chunkSize: 1000 });
      assert.equal(r.chunks, 3);
      assert.equal(h.sim.state().datasources.find((x) => x.id === r.item.id)?.size, 10_000);

      const up = await h.conn.client.initiateFileUpload();
      assert.equal(up.maxFileChunkCount, 3);
      const chunk = (): Promise<unknown> => {
        const boundary = 'b0undary';
        const body = `--${boundary}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n\r\n--${boundary}\r\nContent-Disposition: name="tableau_file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n--${boundary}--\r\n`;
        return h.conn.client.request({ method: 'PUT', path: `sites/{siteId}/fileUploads/${encodeURIComponent(up.uploadSessionId)}`, body, contentType: `multipart/mixed; boundary=${boundary}`, replaySafe: true });
      };
      for (let i = 0; i < 3; i++) await chunk();
      await assert.rejects(chunk(), (e) => TableauError.is(e, 'badRequest') && e.status === 400 && /limited to 3 blocks/.test(e.message));
    });
  });

  describe('answers that are not Tableau\'s', () => {
    const xml = (inner: string): { status: number; body: string; contentType: string } => ({ status: 200, body: `<?xml version="1.0"?><tsResponse ${NS}>${inner}</tsResponse>`, contentType: 'application/xml' });
    const notTableau = (e: unknown): boolean => TableauError.is(e, 'notTableauResponse') && /check the server address/.test(e.message);

    it('refuses a listing without its collection element, but reads an empty one', async () => {
      h.sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: xml('<pagination pageNumber="1" pageSize="100" totalAvailable="0"/>') });
      await assert.rejects(h.conn.client.allProjects(), notTableau);
      h.sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: xml('<pagination pageNumber="1" pageSize="100" totalAvailable="0"/><projects/>') });
      assert.deepEqual(await h.conn.client.allProjects(), []);
      h.sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { status: 200, body: '{"pagination":{"pageNumber":"1","pageSize":"100","totalAvailable":"0"},"projects":{}}', contentType: 'application/json' } });
      assert.deepEqual(await h.conn.client.allProjects(), []);
    });

    it('refuses sign-in, tags, project, upload and publish answers without their element', async () => {
      const fresh = as(PUB_PAT);
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/auth/signin$' }, action: xml('') });
      await assert.rejects(fresh.session.ensureSignedIn(), notTableau);
      const w = await publish(h.conn.client, { filePath: h.tmp.file('Answers.twbx', twbxBytes()), projectId, mode: 'createnew' }, fast);
      h.sim.injectFault({ match: { method: 'PUT', pathPattern: '/tags$' }, action: xml('') });
      await assert.rejects(h.conn.client.addTags('workbook', w.item.id, ['x']), notTableau);
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/projects$' }, action: xml('') });
      await assert.rejects(h.conn.client.createProject({ name: 'Answerless' }), notTableau);
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/fileUploads$' }, action: xml('') });
      await assert.rejects(h.conn.client.initiateFileUpload(), notTableau);
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { ...xml(''), status: 201 } });
      await assert.rejects(publish(h.conn.client, { filePath: h.tmp.file('Answers.twbx', twbxBytes()), projectId, mode: 'overwrite' }, fast), notTableau);
    });

    it('refuses serverInfo, switchSite, job and item answers without their element', async () => {
      const http = new HttpClient();
      try {
        h.sim.injectFault({ match: { method: 'GET', pathPattern: '/serverInfo$' }, action: xml('') });
        await assert.rejects(new TableauRestApi({ server: parseServerAddress(h.sim.url), http }).serverInfo(), notTableau);
      } finally {
        await http.close();
      }
      const fresh = as(PUB_PAT);
      const auth = await fresh.session.ensureSignedIn();
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/auth/switchSite$' }, action: xml('') });
      await assert.rejects(fresh.session.api.switchSite(auth.token, 'elsewhere'), notTableau);
      h.sim.injectFault({ match: { method: 'GET', pathPattern: '/jobs/' }, action: xml('') });
      await assert.rejects(h.conn.client.getJob('7c3d599e-949f-44c3-94a1-f30ba85757e4'), notTableau);
      h.sim.injectFault({ match: { method: 'GET', pathPattern: '/workbooks/[^/]+$' }, action: xml('') });
      await assert.rejects(h.conn.client.getWorkbook('7c3d599e-949f-44c3-94a1-f30ba85757e4'), notTableau);
      h.sim.injectFault({ match: { method: 'GET', pathPattern: '/views$' }, action: xml('<pagination pageNumber="1" pageSize="100" totalAvailable="0"/>') });
      await assert.rejects(h.conn.client.listWorkbookViews('7c3d599e-949f-44c3-94a1-f30ba85757e4'), notTableau);
    });
  });

  describe('a publish answer naming another item', () => {
    const answer = (name: string, project: string): { status: number; body: string; contentType: string } => ({
      status: 201,
      contentType: 'application/xml',
      body: `<tsResponse ${NS}><workbook id="0d0e0a0d-0000-4000-a000-00000000beef" name="${name}" contentUrl="Other" webpageUrl="https://elsewhere.example/#/workbooks/1"><project id="${project}" name="Elsewhere"/><owner id="u"/></workbook></tsResponse>`,
    });

    it('is not tagged, and says so', async () => {
      const before = tagRequests();
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: answer('Other Book', projectId) });
      const r = await publish(h.conn.client, { filePath: h.tmp.file('Mine.twbx', twbxBytes()), projectId, mode: 'createnew', tags: ['t'] }, fast);
      assert.equal(tagRequests(), before, 'no tag request to the item the answer names');
      assert.equal(r.tags, undefined);
      assert.ok(r.warnings.some((w) => /names the workbook "Other Book", not "Mine"/.test(w) && /tags were not added/.test(w)), r.warnings.join('\n'));

      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: answer('Mine', '11111111-2222-4333-a444-555555555555') });
      const other = await publish(h.conn.client, { filePath: h.tmp.file('Mine.twbx', twbxBytes()), projectId, mode: 'overwrite', tags: ['t'] }, fast);
      assert.equal(tagRequests(), before);
      assert.ok(other.warnings.some((w) => /not in the target project/.test(w)), other.warnings.join('\n'));
    });

    it('a name differing only in case or surrounding spaces is the same item', async () => {
      const real = await publish(h.conn.client, { filePath: h.tmp.file('Cased.twbx', twbxBytes()), projectId, mode: 'createnew' }, fast);
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { ...answer(' cased ', projectId.toUpperCase()), body: answer(' cased ', projectId.toUpperCase()).body.replace('0d0e0a0d-0000-4000-a000-00000000beef', real.item.id) } });
      const before = tagRequests();
      const r = await publish(h.conn.client, { filePath: h.tmp.file('Cased.twbx', twbxBytes()), projectId, mode: 'overwrite', tags: ['same'] }, fast);
      assert.deepEqual(r.warnings, []);
      assert.equal(tagRequests(), before + 1);
    });
  });
});
