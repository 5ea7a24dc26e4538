/** `tableau-publish update-data` on a data source with several connections: the connection chosen, or a clear error. */
import * as assert from 'node:assert/strict';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { hyperBytes, tdsxBytes, type SampleDataConnection } from '../../fixtures/samples';

const HYPER_A: SampleDataConnection = { class: 'hyper', dbname: 'Data/Extracts/a.hyper' };
const HYPER_B: SampleDataConnection = { class: 'hyper', dbname: 'Data/Extracts/b.hyper' };
const PG: SampleDataConnection = { class: 'postgres', server: 'pg.corp.example', port: '5432', dbname: 'sales', username: 'reader' };

describe('CLI: update-data chooses the connection of a data source with several', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-cli-update-conn-')));
  after(() => cli.close());

  /** A published .hyper (live-to-Hyper), then its content replaced by a document with these connections. */
  async function multi(name: string, conns: SampleDataConnection[]): Promise<{ id: string; connections: { id: string; type: string }[] }> {
    for (const [f, mode] of [[cli.tmp.file(`${name}.hyper`, hyperBytes(5_000, 1)), 'createnew'], [cli.tmp.file(`${name}.tdsx`, tdsxBytes(conns)), 'overwrite']] as const) {
      const r = await run(['publish', f, '--project', 'Publish', '--mode', mode], { env: cli.env });
      assert.equal(r.code, 0, r.stderr);
    }
    const ds = cli.sim.state().datasources.find((d) => d.name === name)!;
    return { id: ds.id, connections: ds.connections ?? [] };
  }

  it('goes to the only Hyper connection without --connection', async () => {
    const ds = await multi('One Hyper', [HYPER_A, PG]);
    const hyper = ds.connections.find((c) => c.type === 'hyper')!;
    const r = await run(['update-data', cli.tmp.file('rows.hyper', hyperBytes(3_000, 2)), '--datasource', 'Publish / One Hyper', '--insert', 'Extract.Extract', '--json'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(jsonLines(r.stdout)[0].connectionId, hyper.id);
    assert.equal((cli.sim.state().dataUpdates ?? []).filter((u) => u.datasourceId === ds.id && u.connectionId === hyper.id).length, 1);
  });

  it('several Hyper connections: exit 2 naming them and --connection, nothing uploaded; --connection then works', async () => {
    const ds = await multi('Two Hypers', [HYPER_A, HYPER_B, PG]);
    const uploads = cli.sim.state().uploads.length;
    const file = cli.tmp.file('rows2.hyper', hyperBytes(3_000, 3));
    const r = await run(['update-data', file, '--datasource', 'Publish / Two Hypers', '--insert', 'Extract.Extract'], { env: cli.env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /"Two Hypers" has 3 connections, 2 of them Hyper connections/);
    assert.match(r.stderr, /--connection ID/);
    for (const c of ds.connections.filter((x) => x.type === 'hyper')) assert.ok(r.stderr.includes(c.id), `names ${c.id}`);
    assert.equal(cli.sim.state().uploads.length, uploads, 'nothing uploaded');
    const chosen = ds.connections.filter((x) => x.type === 'hyper')[1];
    const ok = await run(['update-data', file, '--datasource', 'Publish / Two Hypers', '--insert', 'Extract.Extract', '--connection', chosen.id, '--json'], { env: cli.env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(jsonLines(ok.stdout)[0].connectionId, chosen.id);
  });
});
