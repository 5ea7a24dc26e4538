/**
 * The schema referee (test/support/schemaReferee.ts, run over the whole suite by the root
 * hooks) catches real breaks, lets Tableau's own recorded deviations through, and records
 * only the client's documents and the simulator's own answers.
 */
import * as assert from 'node:assert/strict';
import { currentSchemaRecorder, installSchemaRecorder } from '../../simulator/schemaTap';
import { describeFailures, judge, SchemaCollector } from '../../support/rootHooks';
import { SchemaReferee, withTableauNamespace } from '../../support/schemaReferee';
import { type SimConfig, startSimulator } from '../../simulator/index';
import { startSignedIn } from '../../support/simFixture';
import { api, signIn } from '../../support/wire';

const NS = 'xmlns="http://tableau.com/api"';
const P = '6f1d1b7e-1f5b-4b7e-9a53-0c5c1a1e0b11';

describe('schema referee (Tableau ts-api_3_29.xsd)', function () {
  this.timeout(30_000);
  let referee: SchemaReferee;
  before(async () => {
    referee = await SchemaReferee.load();
  });

  it('reports a workbook payload with project before connections (the order workbookType forbids)', () => {
    const bad = `<tsRequest><workbook name="W"><project id="${P}"/><connections><connection serverAddress="db"><connectionCredentials name="u" password="p"/></connection></connections></workbook></tsRequest>`;
    const v = referee.check(bad);
    assert.equal(v.status, 'invalid');
    assert.equal(v.errors[0].path, 'tsRequest/workbook/connections');
    assert.match(v.errors[0].message, /connections.*not expected/);
    const good = `<tsRequest><workbook name="W"><connections><connection serverAddress="db"><connectionCredentials name="u" password="p"/></connection></connections><project id="${P}"/></workbook></tsRequest>`;
    assert.deepEqual(referee.check(good), { status: 'valid', errors: [] });
  });

  it('reports an answer missing a required attribute, a wrong id and a broken document', () => {
    const noCode = referee.check(`<tsResponse ${NS}><error><summary>Bad</summary><detail>x</detail></error></tsResponse>`);
    assert.equal(noCode.status, 'invalid');
    assert.match(noCode.errors[0].message, /attribute 'code' is required/);
    assert.equal(noCode.errors[0].path, 'tsResponse/error');
    const notLuid = referee.check(`<tsResponse ${NS}><project id="p-1" name="X"/></tsResponse>`);
    assert.equal(notLuid.status, 'invalid');
    assert.match(notLuid.errors[0].message, /'id'.*resourceIdType|pattern/);
    assert.equal(referee.check(`<tsResponse ${NS}><project>`).status, 'invalid');
  });

  it("allows serverInfo as Tableau answers it (TSC server_info_get.xml), and nothing else in it", async () => {
    const tsc = `<tsResponse ${NS}><serverInfo><productVersion build="10100.16.1024.2100">10.1.0</productVersion><restApiVersion>3.10</restApiVersion></serverInfo></tsResponse>`;
    const v = referee.check(tsc);
    assert.equal(v.status, 'allowed');
    assert.match(v.errors[0].allowedBy!.evidence, /server_info_get\.xml/);
    const broken = referee.check(`<tsResponse ${NS}><serverInfo><restApiVersion>3.10</restApiVersion></serverInfo></tsResponse>`);
    assert.equal(broken.status, 'invalid');
    const strict = await SchemaReferee.load([]);
    assert.equal(strict.check(tsc).status, 'invalid', 'without the allow-list');
  });

  it('validates a tsRequest with the namespace added when it has none (Tableau takes both)', () => {
    assert.equal(withTableauNamespace('<tsRequest><credentials/></tsRequest>'), `<tsRequest ${NS}><credentials/></tsRequest>`);
    assert.equal(withTableauNamespace(`<?xml version="1.0"?><tsRequest ${NS}/>`), `<?xml version="1.0"?><tsRequest ${NS}/>`);
    const signIn = `<tsRequest><credentials personalAccessTokenName="n" personalAccessTokenSecret="s"><site contentUrl=""/></credentials></tsRequest>`;
    assert.equal(referee.check(signIn).status, 'valid');
  });

  it('fails the run with each broken kind of document shown once', () => {
    const c = new SchemaCollector();
    const bad = `<tsRequest><datasource name="D"><project id="${P}"/><connectionCredentials name="u"/></datasource></tsRequest>`;
    c.record({ kind: 'request', text: bad, where: `POST /api/3.23/sites/${P}/datasources` });
    c.record({ kind: 'request', text: bad, where: `POST /api/3.23/sites/${P}/datasources` });
    c.record({ kind: 'answer', text: `<tsResponse ${NS}><site id="${P}" name="S" contentUrl=""/></tsResponse>`, where: 'GET /x' });
    const report = judge(referee, c);
    assert.deepEqual([report.total, report.distinct, report.allowed, report.invalid.length], [3, 2, 0, 1]);
    const text = describeFailures(report);
    assert.match(text, /request POST \/api\/3\.23\/sites\/\{id\}\/datasources \(1 document/);
    assert.match(text, /tsRequest\/datasource\/connectionCredentials: .*not expected/);
    assert.ok(text.includes(bad));
  });
});

describe("schema referee: the simulator's XML for every read", function () {
  this.timeout(60_000);

  it('answers every listing, item, session and error in XML that the schema accepts', async () => {
    const referee = await SchemaReferee.load();
    const sim = await startSimulator({ demo: true });
    try {
      const pat = sim.demoPat!;
      const auth = await signIn(sim, { personalAccessTokenName: pat.name, personalAccessTokenSecret: pat.secret }, pat.site);
      const get = async (path: string): Promise<string> => {
        const res = await fetch(api(sim, path.replace('{site}', auth.siteId)), { headers: { 'X-Tableau-Auth': auth.token } });
        return res.text();
      };
      const first = (xml: string, tag: string): string => new RegExp(`<${tag} id="([^"]+)"`).exec(xml)![1];
      const workbooks = await get('sites/{site}/workbooks?pageSize=3');
      const datasources = await get('sites/{site}/datasources?pageSize=3');
      const answers: Record<string, string> = {
        serverInfo: await fetch(api(sim, 'serverInfo')).then((r) => r.text()),
        session: await get('sessions/current'),
        sites: await get('sites'),
        users: await get('sites/{site}/users'),
        projects: await get('sites/{site}/projects?pageSize=5'),
        workbooks,
        workbook: await get(`sites/{site}/workbooks/${first(workbooks, 'workbook')}`),
        workbookViews: await get(`sites/{site}/workbooks/${first(workbooks, 'workbook')}/views`),
        siteViews: await get('sites/{site}/views?pageSize=3'),
        datasources,
        datasource: await get(`sites/{site}/datasources/${first(datasources, 'datasource')}`),
        notFound: await get('sites/{site}/workbooks/00000000-0000-0000-0000-000000000000'),
        badPage: await get('sites/{site}/projects?pageSize=0'),
      };
      const verdicts = Object.entries(answers).map(([name, xml]) => [name, referee.check(xml).status]);
      const allowed = ['serverInfo', 'siteViews'];
      assert.deepEqual(verdicts, Object.keys(answers).map((name) => [name, allowed.includes(name) ? 'allowed' : 'valid']));
    } finally {
      await sim.close();
    }
  });
});

describe('schema recorder in the simulator', function () {
  this.timeout(30_000);
  // The suite's own recorder (root hooks), put back after each test here.
  let outer: ReturnType<typeof currentSchemaRecorder>;
  before(() => {
    outer = currentSchemaRecorder();
  });
  let c: SchemaCollector;
  beforeEach(() => {
    c = new SchemaCollector();
    installSchemaRecorder(c);
  });
  afterEach(() => installSchemaRecorder(outer));

  it("records the client's XML bodies and the simulator's answers, not hand-made bodies or faults", async () => {
    const config: SimConfig = { users: [{ name: 'ann', password: 'pw-ann', siteRole: 'Creator' }], projects: [{ path: 'Default' }] };
    const { sim, auth, projectId } = await startSignedIn(config, { name: 'ann', password: 'pw-ann' }, 'Default');
    try {
      const body = `<tsRequest><project name="Made by hand" parentProjectId="${projectId}"/></tsRequest>`;
      const headers = { 'X-Tableau-Auth': auth.token, 'Content-Type': 'text/xml' };
      await fetch(api(sim, `sites/${auth.siteId}/projects`), { method: 'POST', headers, body });
      assert.deepEqual([...c.documents.values()].map((d) => d.kind), ['answer'], 'a hand-made body is not the client\'s');
      const clientBody = body.replace('Made by hand', 'From the client');
      await fetch(api(sim, `sites/${auth.siteId}/projects`), { method: 'POST', headers: { ...headers, 'User-Agent': 'tableau-publisher/0.1.0 (node)' }, body: clientBody });
      assert.ok(c.documents.has(clientBody), 'the client\'s body is recorded');
      const before = c.total;
      const jsonBefore = c.jsonAnswers;
      sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { status: 503 } });
      const faulted = await fetch(api(sim, `sites/${auth.siteId}/projects`), { headers: { 'X-Tableau-Auth': auth.token } });
      assert.equal(faulted.status, 503);
      assert.equal(c.total, before, 'a fault\'s answer is the test\'s, not the simulator\'s');
      await fetch(api(sim, `sites/${auth.siteId}/projects`), { headers: { 'X-Tableau-Auth': auth.token, Accept: 'application/json' } });
      assert.deepEqual([c.total, c.jsonAnswers], [before, jsonBefore + 1], 'JSON answers are counted, not recorded');
    } finally {
      await sim.close();
    }
  });
});
