/** `publish --dry-run` shows what overwriting a data source touches (the Metadata API), as the publish would, and refuses with failOnImpact. */
import * as assert from 'node:assert/strict';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { PUB_SITE, startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { publishedSource, sheetsTwb } from '../../support/afterPublishSamples';
import { datasourceXml, POSTGRES } from '../../fixtures/samples';
import { EXIT } from '../../../src/cli/exitCodes';

describe('CLI publish --dry-run: the impact of overwriting a data source', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => {
    cli = await startCliSimulator('tp-dryimpact-', { indexLagMs: 0 });
    const ds = cli.tmp.file('Orders.tds', datasourceXml([POSTGRES]));
    assert.equal((await run(['publish', ds, '--project', 'Publish'], { env: cli.env })).code, 0);
    const wb = cli.tmp.file('Sales Board.twb', sheetsTwb(['Overview'], [publishedSource('Orders')]));
    assert.equal((await run(['publish', wb, '--project', 'Publish'], { env: cli.env })).code, 0);
  });
  after(() => cli.close());

  function workspace(options: Record<string, unknown>) {
    const ws = tempDir('tp-dryimpact-ws-');
    ws.file('.vscode/tableau-publish.json', JSON.stringify({ version: 1, targets: [{ file: '*.tds', connection: 'sim', site: PUB_SITE, project: 'Publish', mode: 'overwrite', options }] }));
    ws.file('Orders.tds', datasourceXml([POSTGRES]));
    return ws;
  }

  it('names the workbooks that use the data source, and publishes nothing', async () => {
    const ws = workspace({ tags: ['orders'] });
    try {
      const updatedBefore = cli.sim.state().datasources.find((d) => d.name === 'Orders')!.updatedAt;
      const r = await run(['publish', 'Orders.tds', '--dry-run', '--json'], { env: cli.env, cwd: ws.dir });
      assert.equal(r.code, 0, r.stderr);
      const lines = jsonLines(r.stdout);
      assert.equal(lines[0].event, 'planned');
      const impact = lines.find((l) => l.event === 'impact');
      assert.ok(impact, r.stdout);
      assert.equal(impact.total, 1);
      assert.deepEqual((impact.workbooks as { name: string }[]).map((w) => w.name), ['Sales Board']);
      const text = await run(['publish', 'Orders.tds', '--dry-run'], { env: cli.env, cwd: ws.dir });
      assert.match(text.stdout, /Orders\.tds: 1 workbook uses this data source: Sales Board \(Publish, owner pub-user\)\./);
      assert.equal(cli.sim.state().datasources.find((d) => d.name === 'Orders')!.updatedAt, updatedBefore, 'a dry run publishes nothing');
    } finally {
      ws.cleanup();
    }
  });

  it('with failOnImpact in the manifest: refuses as the publish would (exit 8)', async () => {
    const ws = workspace({ failOnImpact: true });
    try {
      const r = await run(['publish', 'Orders.tds', '--dry-run'], { env: cli.env, cwd: ws.dir });
      assert.equal(r.code, EXIT.impactRefused, r.stderr + r.stdout);
      assert.match(r.stderr, /Not overwriting the data source "Orders" in "Publish": 1 workbook uses it/);
    } finally {
      ws.cleanup();
    }
  });

  it('with --fail-on-impact on the command line: refuses as the publish would (exit 8), the manifest silent on it', async () => {
    const ws = workspace({});
    try {
      const r = await run(['publish', 'Orders.tds', '--dry-run', '--fail-on-impact'], { env: cli.env, cwd: ws.dir });
      assert.equal(r.code, EXIT.impactRefused, r.stderr + r.stdout);
      assert.match(r.stderr, /Not overwriting the data source "Orders" in "Publish": 1 workbook uses it/);
      const plain = cli.tmp.file('Orders.tds', datasourceXml([POSTGRES]));
      const flags = await run(['publish', plain, '--project', 'Publish', '--mode', 'overwrite', '--dry-run', '--fail-on-impact'], { env: cli.env });
      assert.equal(flags.code, EXIT.impactRefused, 'without any manifest too: ' + flags.stderr + flags.stdout);
    } finally {
      ws.cleanup();
    }
  });
});
