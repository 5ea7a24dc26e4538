import * as assert from 'node:assert/strict';
import type { DataConnectionRule } from '../../../src/core/connections/rules';
import { clientLookup } from '../../../src/core/environments/lookup';
import { planItem, type PlanInput, type PlanLookup } from '../../../src/core/environments/plan';
import { planLines, planSummary } from '../../../src/core/environments/planText';
import type { SettingsPlan } from '../../../src/core/environments/planSettings';
import type { DownstreamImpact } from '../../../src/core/api/metadata';
import { publish } from '../../../src/core/publish/publisher';
import { parseDataConnections } from '../../../src/core/package/tableauXml';
import { clientStack, pat } from '../../support/simFixture';
import { tempDir } from '../../support/files';
import { DEV_PG, ENV_PAT, envSimConfig, ORDERS_PROXY } from '../../support/envFixture';
import { twbxBytes, workbookXml, tdsxBytes, TEXTFILE } from '../../fixtures/samples';
import { startSimulator } from '../../simulator/index';

const CONNS = parseDataConnections(workbookXml([DEV_PG, ORDERS_PROXY]), false);

function lookup(over: Partial<{ projects: string[]; items: string[]; datasources: string[]; settings: SettingsPlan; impact: DownstreamImpact }> = {}): PlanLookup {
  const projects = over.projects ?? ['Production / Sales'];
  return {
    projectExists: async (p) => projects.includes(p),
    itemExists: async (_k, p, n) => (over.items ?? []).includes(`${p} / ${n}`),
    dataSourceExists: async (n) => (over.datasources ?? ['Orders']).includes(n),
    settings: async () => over.settings ?? {},
    impact: async () => over.impact,
  };
}

const PROD_RULE: DataConnectionRule = { match: { class: 'postgres', server: 'db.dev.example' }, set: { server: 'db.prod.example', dbname: 'sales' }, credentials: { username: 'tp', password: { env: 'PW' } } };

function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    file: '/w/Pipeline.twbx', kind: 'workbook', dataConnections: CONNS, environment: 'prod', server: 'https://tableau.example', site: 'prod',
    projectPath: 'Production / Sales', name: 'Pipeline', mode: 'overwrite', createProjects: false, rules: [PROD_RULE],
    secrets: { missing: (r) => (r.env === 'PW' ? undefined : `environment variable ${r.env} is not set`), describe: (r) => `environment variable ${r.env}` },
    ...over,
  };
}

const codes = (p: { problems: { code: string }[] }): string[] => p.problems.map((x) => x.code);

describe('environments: the plan', () => {
  it('says where, create or overwrite, each connection change with its route and why, and the embedded login by reference', async () => {
    const p = await planItem(input({ tags: ['a'], description: 'd', hiddenViews: ['S'] }), lookup({ items: ['Production / Sales / Pipeline'] }));
    assert.deepEqual(codes(p), []);
    assert.equal(p.action, 'overwrite');
    assert.equal(p.exists, true);
    assert.deepEqual(p.connections, [{ connection: 0, class: 'postgres', from: { server: 'db.dev.example', dbname: 'sales_dev' }, to: { server: 'db.prod.example', dbname: 'sales' }, route: 'file', why: 'rewritten in the file before upload, so the published item never points at the old values', rule: 1 }]);
    assert.deepEqual(p.credentials, [{ host: 'db.prod.example', username: 'tp', passwordFrom: 'environment variable PW', embed: true, rule: 1 }]);
    const text = planLines(p).join('\n');
    assert.match(text, /mode overwrite: overwrite the existing item \(exists\)/);
    assert.match(text, /connection 1 \(postgres\): server=db\.dev\.example dbname=sales_dev -> server=db\.prod\.example dbname=sales via file/);
    assert.match(text, /tags: a\n  description: d\n  hidden views: S/);
    assert.equal(planSummary([p]), '1 item(s) can go.');
    const created = await planItem(input({ createProjects: true }), lookup({ projects: [] }));
    assert.deepEqual(codes(created), []);
    assert.deepEqual(created.project, { exists: false, willCreate: true });
    assert.match(planLines(created).join('\n'), /project "Production \/ Sales" is missing: it will be created/);
  });

  it('lists every failure at once: unmatched rule, missing secret, rest route outside Update Connection, missing published data source, host left in place, missing project', async () => {
    const rules: DataConnectionRule[] = [
      { match: { server: 'db.nowhere' }, set: { server: 'x' } },
      { match: { class: 'postgres' }, set: { dbname: 'sales' }, credentials: { username: 'u', password: { env: 'NOPE' } }, via: 'rest' },
      { match: { publishedDataSource: 'Orders' }, set: { publishedDataSource: 'Orders (Prod)' } },
    ];
    const p = await planItem(input({ rules }), lookup({ projects: [] }));
    assert.deepEqual(codes(p), ['ruleMatchesNothing', 'restFieldNotChangeable', 'missingSecret', 'projectMissing', 'publishedDataSourceMissing']);
    assert.equal(p.action, 'refused');
    assert.equal(p.exists, undefined);
    assert.match(p.problems[2].message, /NOPE is not set/);
    assert.match(planLines(p).join('\n'), /FAILS \(publishedDataSourceMissing\): The published data source "Orders \(Prod\)" does not exist on site "prod"/);
    assert.equal(planSummary([p]), '1 of 1 item(s) cannot go: nothing was published.');
    // The rule that matched still shows its change: the plan says all of what it would do.
    assert.deepEqual(p.connections.map((c) => c.route), ['rest', 'file']);

    const stays = await planItem(input({ rules: [{ match: { server: 'db.dev.example' }, set: { dbname: 'sales' } }] }), lookup());
    assert.deepEqual(codes(stays), ['sourceHostRemains']);
    const promoted = await planItem(input({ rules: [], sourceHosts: ['DB.DEV.example'] }), lookup());
    assert.deepEqual(codes(promoted), ['sourceHostRemains']);
    assert.match(promoted.problems[0].message, /still point at DB\.DEV\.example, a host of the environment the content comes from/);
    const overlap = await planItem(input({ rules: [PROD_RULE, { match: { class: 'postgres' }, set: { port: '1' } }] }), lookup());
    assert.deepEqual(codes(overlap), ['rulesOverlap']);
    const exists = await planItem(input({ mode: 'createnew' }), lookup({ items: ['Production / Sales / Pipeline'] }));
    assert.deepEqual(codes(exists), ['itemExists']);
  });

  it('applies environment rules where they match and never over a target rule; none of them has to match', async () => {
    const shared: DataConnectionRule[] = [
      { match: { class: 'postgres' }, set: { port: '6543' } },
      { match: { class: 'snowflake' }, set: { warehouse: 'PROD_WH' } },
    ];
    const p = await planItem(input({ sharedRules: shared }), lookup());
    assert.deepEqual(codes(p), []);
    assert.deepEqual(p.rules, [PROD_RULE], 'the postgres rule of the target wins; the snowflake one matches nothing here');
    const only = await planItem(input({ rules: [], sharedRules: shared }), lookup());
    assert.deepEqual(only.connections.map((c) => c.to), [{ port: '6543' }]);
  });

  it('shows the settings, the impact of overwriting a data source and the after-publish steps; failOnImpact and a refresh without extract cannot go', async () => {
    const settings: SettingsPlan = {
      owner: { from: 'ann', to: 'bob' },
      thumbnails: { group: 'Renderers' },
      tags: { add: ['q3'], remove: ['old'] },
      permissions: [
        { on: 'item', action: 'delete', grantee: { type: 'group', id: 'g1', name: 'Sales' }, capability: 'ExportData', mode: 'Deny' },
        { on: 'projectDefaultWorkbooks', action: 'add', grantee: { type: 'user', id: 'u1', name: 'cy' }, capability: 'Read', mode: 'Allow' },
      ],
    };
    const impact: DownstreamImpact = { available: true, total: 2, workbooks: [{ name: 'Board', projectName: 'Sales', owner: 'ann' }, { name: 'Ops' }] };
    const items = { items: ['Production / Sales / Orders'], settings, impact };
    const ds = input({ kind: 'datasource', name: 'Orders', rules: [], settings: { owner: 'bob' }, afterPublish: { refresh: true, checkViews: true }, hasExtract: true });
    const p = await planItem(ds, lookup(items));
    assert.deepEqual(codes(p), []);
    assert.deepEqual(p.settings, settings);
    assert.deepEqual(p.impact, impact);
    assert.deepEqual(p.afterPublish, ['refresh'], 'views are a workbook\'s: no check of a data source\'s');
    const text = planLines(p).join('\n');
    assert.match(text, /\n  owner: "ann" -> "bob"\n  thumbnails rendered as group "Renderers"\n  tag changes: add "q3", remove "old"\n/);
    assert.match(text, /\n  permissions: remove group "Sales": ExportData Deny\n  project default permissions \(workbooks\): add user "cy": Read Allow\n/);
    assert.match(text, /\n  impact: 2 workbooks use this data source: Board \(Sales, owner ann\); Ops\.\n  after publish: refresh the extract and wait for the job$/);

    const refused = await planItem({ ...ds, afterPublish: { failOnImpact: true, refresh: true }, hasExtract: false }, lookup(items));
    assert.deepEqual(codes(refused), ['impactRefused', 'nothingToRefresh']);
    assert.match(refused.problems[0].message, /Not overwriting the data source "Orders" in "Production \/ Sales": 2 workbooks use it \("failOnImpact": true\)/);
    const off = await planItem({ ...ds, afterPublish: { failOnImpact: true } }, lookup({ ...items, impact: { available: false, why: 'the Metadata API is not enabled' } }));
    assert.deepEqual(codes(off), [], 'an impact that cannot be known refuses nothing');
    assert.match(planLines(off).join('\n'), /impact: Could not check which workbooks use this data source: the Metadata API is not enabled\. Going on\./);
    const wb = await planItem(input({ settings: { permissions: [] }, afterPublish: { checkViews: true } }), lookup({ ...items, items: ['Production / Sales / Pipeline'], settings: { permissions: [] } }));
    assert.equal(wb.impact, undefined, 'a workbook has no downstream workbooks');
    assert.deepEqual(wb.afterPublish, ['checkViews']);
    assert.match(planLines(wb).join('\n'), /permissions: no changes \(the rules are already in place\)\n  after publish: render every view/);
  });

  it('asks the target site through a client: projects, items and published data sources', async function () {
    this.timeout(30_000);
    const sim = await startSimulator({ config: envSimConfig() });
    const tmp = tempDir('tp-plan-');
    const s = clientStack(sim.url, pat(ENV_PAT.name, ENV_PAT.secret), 'prod');
    try {
      const projectId = sim.state().projects.find((x) => x.name === 'Sales' && sim.state().sites.find((si) => si.id === x.siteId)?.contentUrl === 'prod')!.id;
      await publish(s.client, { filePath: tmp.file('Pipeline.twbx', twbxBytes([DEV_PG])), projectId, mode: 'overwrite' });
      await publish(s.client, { filePath: tmp.file('Orders.tdsx', tdsxBytes([TEXTFILE])), projectId, mode: 'overwrite' });
      const l = clientLookup(s.client);
      assert.equal(await l.projectExists('Production / Sales'), true);
      assert.equal(await l.projectExists('Production / Nope'), false);
      assert.equal(await l.itemExists('workbook', 'Production / Sales', 'Pipeline'), true);
      assert.equal(await l.itemExists('datasource', 'Production / Sales', 'Pipeline'), false, 'a workbook is not a data source');
      assert.equal(await l.itemExists('workbook', 'Default', 'Pipeline'), false);
      assert.equal(await l.dataSourceExists('Orders'), true);
      assert.equal(await l.dataSourceExists('Orders (Prod)'), false);
      const p = await planItem(input(), l);
      assert.deepEqual(codes(p), []);
      assert.equal(p.action, 'overwrite');
    } finally {
      await s.close();
      await sim.close();
      tmp.cleanup();
    }
  });
});
