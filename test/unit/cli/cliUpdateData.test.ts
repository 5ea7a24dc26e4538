/** `tableau-publish update-data`: the common cases, an actions file, and the refusals, against the simulator. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { hyperBytes, tdsxBytes } from '../../fixtures/samples';

describe('CLI: update-data (incremental update of a published Hyper data source)', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => {
    cli = await startCliSimulator('tp-cli-update-');
    for (const f of [cli.tmp.file('Orders.hyper', hyperBytes(30_000, 1)), cli.tmp.file('Sales.tdsx', tdsxBytes())]) {
      const r = await run(['publish', f, '--project', 'Publish'], { env: cli.env });
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => cli.close());

  const applied = () => cli.sim.state().dataUpdates ?? [];

  it('--upsert TABLE --on KEY: one upsert on the key, reported as JSON with the job', async () => {
    const file = cli.tmp.file('changes.hyper', hyperBytes(8_000, 2));
    const r = await run(['update-data', file, '--datasource', 'Publish / Orders', '--upsert', 'Extract.Orders', '--on', 'id', '--json'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const [line] = jsonLines(r.stdout);
    assert.equal(line.event, 'dataUpdated');
    assert.equal(line.name, 'Orders');
    const rec = applied().find((u) => u.requestId === line.requestId);
    assert.ok(rec, 'applied on the server');
    assert.equal(rec.jobId, line.jobId);
    assert.deepEqual(rec.actions, [{
      action: 'upsert', 'source-schema': 'Extract', 'source-table': 'Orders', 'target-schema': 'Extract', 'target-table': 'Orders',
      condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
    }]);
  });

  it('--insert TABLE and --actions FILE, in text mode; --request-id is Tableau\'s RequestID', async () => {
    const file = cli.tmp.file('more.hyper', hyperBytes(6_000, 3));
    const r1 = await run(['update-data', file, '--datasource', 'Orders', '--insert', 'Extract.Extract', '--request-id', 'nightly-2026-12-01'], { env: cli.env });
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /Updated data source "Orders" from more\.hyper \(insert;/);
    assert.equal(applied().filter((u) => u.requestId === 'nightly-2026-12-01').length, 1);
    // The same run again (a retry after a failure the user saw): Tableau runs it once.
    const again = await run(['update-data', file, '--datasource', 'Orders', '--insert', 'Extract.Extract', '--request-id', 'nightly-2026-12-01'], { env: cli.env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(applied().filter((u) => u.requestId === 'nightly-2026-12-01').length, 1);

    const actions = cli.tmp.file('actions.json', JSON.stringify({ actions: [{ action: 'delete', 'target-table': 'Extract', condition: { op: 'lt', 'target-col': 'Date', const: { type: 'date', v: '2024-01-01' } } }] }));
    const r2 = await run(['update-data', file, '--datasource', 'Publish / Orders', '--actions', actions, '--json'], { env: cli.env });
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(applied().find((u) => u.requestId === jsonLines(r2.stdout)[0].requestId)?.actions.length, 1);
  });

  it('takes the data source and actions from a "mode": "update" manifest target', async () => {
    const root = cli.tmp.dir;
    const file = cli.tmp.file('orders-delta.hyper', hyperBytes(5_000, 5));
    fs.mkdirSync(path.join(root, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(root, '.vscode', 'tableau-publish.json'), JSON.stringify({
      version: 1,
      targets: [
        { file: '*.twbx', connection: 'Sim', site: 'pub', project: 'Publish', mode: 'overwrite' },
        { file: 'orders-*.hyper', connection: 'Sim', site: 'pub', project: 'Publish', name: 'Orders', mode: 'update', upsert: { table: 'Extract.Extract', on: ['id', 'day'] } },
      ],
    }));
    const r = await run(['update-data', file, '--json'], { env: cli.env, cwd: root });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const rec = applied().find((u) => u.requestId === jsonLines(r.stdout)[0].requestId);
    assert.deepEqual((rec?.actions[0] as { condition: unknown }).condition, {
      op: 'and', args: [{ op: 'eq', 'target-col': 'id', 'source-col': 'id' }, { op: 'eq', 'target-col': 'day', 'source-col': 'day' }],
    });
    const other = await run(['update-data', cli.tmp.file('else.hyper', hyperBytes(1_000, 6)), '--json'], { env: cli.env, cwd: root });
    assert.equal(other.code, 2);
    assert.match(String(jsonLines(other.stdout)[0].message), /needs --datasource "Project \/ Name", or a "mode": "update" target/);
  });

  it('refuses what cannot work before sending it', async () => {
    const file = cli.tmp.file('c.hyper', hyperBytes(2_000, 4));
    const none = await run(['update-data', file, '--datasource', 'Orders'], { env: cli.env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /exactly one of --actions FILE, --insert TABLE, --upsert TABLE --on KEY/);
    const noKey = await run(['update-data', file, '--datasource', 'Orders', '--upsert', 'Orders'], { env: cli.env });
    assert.equal(noKey.code, 2);
    const bad = cli.tmp.file('bad.json', JSON.stringify({ actions: [{ action: 'merge', 'target-table': 'x' }] }));
    const badActions = await run(['update-data', file, '--datasource', 'Orders', '--actions', bad, '--json'], { env: cli.env });
    assert.equal(badActions.code, 2);
    assert.match(String(jsonLines(badActions.stdout)[0].message), /actions\.0\.action must be one of/);
    const tdsx = await run(['update-data', file, '--datasource', 'Publish / Sales', '--insert', 'Orders', '--json'], { env: cli.env });
    assert.equal(tdsx.code, 4, tdsx.stderr);
    assert.equal(jsonLines(tdsx.stdout)[0].reason, 'notUpdatable');
    const missing = await run(['update-data', file, '--datasource', 'Publish / Nope', '--insert', 'Orders'], { env: cli.env });
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /No data source "Nope" in project "Publish"/);
  });
});
