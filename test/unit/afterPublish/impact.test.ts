/**
 * Impact before overwrite: the Metadata API names the workbooks that use a published data source
 * (lineage from the workbooks' sqlproxy connections), says so when it is off, and its schema subset
 * is Tableau's type and field names, executed by graphql-js.
 */
import * as assert from 'node:assert/strict';
import { buildSchema, parse, validate } from 'graphql';
import { describeImpact, DOWNSTREAM_WORKBOOKS_QUERY, downstreamWorkbooks } from '../../../src/core/api/metadata';
import { overwriteImpact } from '../../../src/core/publish/afterPublish';
import { publish } from '../../../src/core/publish/publisher';
import { METADATA_SDL } from '../../simulator/metadataApi';
import { PUB_SITE, startPublishHarness, type Harness } from '../../support/simFixture';
import { publishedSource, sheetsTwb } from '../../support/afterPublishSamples';
import { datasourceXml, POSTGRES } from '../../fixtures/samples';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };

describe('impact before overwrite: the Metadata API', function () {
  let h: Harness;
  let projectId = '';
  let dsId = '';
  before(async () => {
    // No search-index lag here: the overwrite lookup below is by name (the publisher's own lookups cover the lag).
    ({ h, projectId } = await startPublishHarness({ indexLagMs: 0 }));
    const ds = await publish(h.conn.client, { filePath: h.tmp.file('Orders.tds', datasourceXml([POSTGRES])), projectId, mode: 'createnew' }, fast);
    dsId = ds.item.id;
    await publish(h.conn.client, { filePath: h.tmp.file('Sales Board.twb', sheetsTwb(['Overview'], [publishedSource('Orders')])), projectId, mode: 'createnew' }, fast);
    // By content URL only (an older workbook that names no friendly name).
    await publish(h.conn.client, { filePath: h.tmp.file('Ops.twb', sheetsTwb(['Ops'], [{ class: 'sqlproxy', server: 'localhost', dbname: 'Orders' }])), projectId, mode: 'createnew' }, fast);
    // A published data source reference must resolve on the site (the server refuses one that doesn't).
    await publish(h.conn.client, { filePath: h.tmp.file('Returns.tds', datasourceXml([POSTGRES])), projectId, mode: 'createnew' }, fast);
    await publish(h.conn.client, { filePath: h.tmp.file('Unrelated.twb', sheetsTwb(['Other'], [publishedSource('Returns')])), projectId, mode: 'createnew' }, fast);
  });
  after(() => h.close());

  const metadata = async (query: string, variables?: Record<string, unknown>) => {
    const token = (await h.conn.session.ensureSignedIn()).token;
    const res = await fetch(`${h.sim.url}/api/metadata/graphql`, { method: 'POST', headers: { 'X-Tableau-Auth': token, 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } };
  };

  it('lists the workbooks downstream of a data source, with project and owner', async () => {
    const impact = await downstreamWorkbooks(h.conn.client, dsId);
    assert.ok(impact.available);
    assert.equal(impact.total, 2);
    assert.deepEqual(impact.workbooks.map((w) => w.name).sort(), ['Ops', 'Sales Board']);
    for (const w of impact.workbooks) {
      assert.equal(w.projectName, 'Publish');
      assert.equal(w.owner, 'pub-user');
    }
    assert.match(describeImpact(impact), /^2 workbooks use this data source: (Ops|Sales Board) \(Publish, owner pub-user\); /);
  });

  it('finds the data source an overwrite would replace, and nothing when there is none', async () => {
    const found = await overwriteImpact(h.conn.client, 'Orders', projectId);
    assert.equal(found?.datasourceId, dsId);
    assert.equal(found?.impact.available && found.impact.total, 2);
    assert.equal(await overwriteImpact(h.conn.client, 'Not Published Yet', projectId), undefined);
  });

  it('bounds the list it keeps, and says how many more there are', async () => {
    const impact = await downstreamWorkbooks(h.conn.client, dsId, { maxWorkbooks: 1 });
    assert.ok(impact.available);
    assert.equal(impact.workbooks.length, 1);
    assert.equal(impact.total, 2);
    assert.match(describeImpact(impact), /, and 1 more\.$/);
  });

  it('says the Metadata API is off, and goes on', async () => {
    await fetch(`${h.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: false }) });
    try {
      const impact = await downstreamWorkbooks(h.conn.client, dsId);
      assert.equal(impact.available, false);
      assert.match(describeImpact(impact), /Metadata API is not enabled.*Going on\.$/);
    } finally {
      await fetch(`${h.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: true }) });
    }
  });

  it('says a server without a Metadata API gives no answer, and goes on', async () => {
    h.sim.injectFault({ match: { method: 'POST', pathPattern: '^/api/metadata/graphql$' }, action: { status: 404 } });
    const impact = await downstreamWorkbooks(h.conn.client, dsId);
    assert.equal(impact.available, false);
  });

  it("executes the client's query against Tableau's type and field names (graphql-js validation, no text matching)", async () => {
    const schema = buildSchema(METADATA_SDL);
    assert.deepEqual(validate(schema, parse(DOWNSTREAM_WORKBOOKS_QUERY)), []);
    const typo = await metadata('{ publishedDatasources { luid downstreamWorkbook { name } } }');
    assert.match(typo.body.errors?.[0].message ?? '', /Cannot query field "downstreamWorkbook" on type "PublishedDatasource"/);
    const reverse = await metadata('query($n: String) { workbooks(filter: { name: $n }) { name projectName upstreamDatasources { luid name } } }', { n: 'Sales Board' });
    assert.deepEqual(reverse.body.data, { workbooks: [{ name: 'Sales Board', projectName: 'Publish', upstreamDatasources: [{ luid: dsId, name: 'Orders' }] }] });
    const noAuth = await fetch(`${h.sim.url}/api/metadata/graphql`, { method: 'POST', body: JSON.stringify({ query: '{ workbooks { name } }' }) });
    assert.equal(noAuth.status, 401);
  });
});
