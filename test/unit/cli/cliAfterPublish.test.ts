/**
 * The CLI's steps around a publish: --refresh (and wait), --check-views (exit code 7 naming each
 * view that cannot render), the impact list before overwriting a data source and --fail-on-impact
 * (exit code 8), and the manifest's refresh / checkViews options.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { PUB_SITE, startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { datasourceXml, POSTGRES, tdsxBytes } from '../../fixtures/samples';
import { publishedSource, sheetsTwb } from '../../support/afterPublishSamples';

describe('CLI: after publish (--refresh, --check-views) and impact before overwrite', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-cli-after-')));
  after(() => cli.close());
  afterEach(async () => {
    cli.sim.clearFaults();
    await fetch(`${cli.sim.url}/_sim/broken-views`, { method: 'POST', body: JSON.stringify({ names: [] }) });
  });

  it('--refresh refreshes the extract after publishing and waits for the job', async () => {
    const file = cli.tmp.file('Refreshed.tdsx', tdsxBytes(undefined, { extract: true }));
    const r = await run(['publish', file, '--project', 'Publish', '--refresh', '--json'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = jsonLines(r.stdout);
    assert.deepEqual(lines.map((l) => l.event), ['published', 'refreshed']);
    const job = cli.sim.state().jobs.find((j) => j.id === lines[1].jobId)!;
    assert.equal(job.type, 'RefreshExtract');
    assert.ok(job.completedAt, 'the CLI waited until the job had ended');
  });

  it('--refresh that fails on the server: published, the step failed with the job notes, exit code 7', async () => {
    cli.sim.injectFault({ match: { method: 'POST', pathPattern: '/datasources/[^/]+/refresh$' }, action: { jobFinishCode: 1, jobNotes: 'Login failed for user analyst.' } });
    const file = cli.tmp.file('Refresh Fails.tdsx', tdsxBytes(undefined, { extract: true }));
    const r = await run(['publish', file, '--project', 'Publish', '--refresh', '--json'], { env: cli.env });
    assert.equal(r.code, 7, r.stderr + r.stdout);
    const [published, failed] = jsonLines(r.stdout);
    assert.equal(published.event, 'published');
    assert.equal(failed.event, 'afterPublishFailed');
    assert.equal(failed.step, 'refresh');
    assert.match(String(failed.message), /Login failed for user analyst\./);
    assert.match(r.stderr, /published, but the extract refresh failed/);
  });

  it('--refresh of a file with no extract is refused before anything is published', async () => {
    const file = cli.tmp.file('Live Only.tds', datasourceXml([POSTGRES]));
    const r = await run(['publish', file, '--project', 'Publish', '--refresh'], { env: cli.env });
    assert.equal(r.code, 2, r.stderr + r.stdout);
    assert.match(r.stderr, /has no extract, so there is nothing to refresh/);
    assert.ok(!cli.sim.state().datasources.some((d) => d.name === 'Live Only'), 'nothing was published');
  });

  it('--check-views names each view that cannot render and exits 7; all rendering exits 0', async () => {
    await fetch(`${cli.sim.url}/_sim/broken-views`, { method: 'POST', body: JSON.stringify({ names: ['Broken Map'] }) });
    const file = cli.tmp.file('Smoke Test.twb', sheetsTwb(['Overview', 'Broken Map']));
    const r = await run(['publish', file, '--project', 'Publish', '--check-views'], { env: cli.env });
    assert.equal(r.code, 7, r.stderr + r.stdout);
    assert.match(r.stdout, /Published workbook "Smoke Test"/);
    assert.match(r.stderr, /Smoke Test\.twb: published, but 1 of 2 views cannot render: "Broken Map" \(Tableau error 400074\)/);
    assert.doesNotMatch(r.stderr, /"Overview"/);

    const good = cli.tmp.file('All Good.twb', sheetsTwb(['Overview', 'Detail']));
    const ok = await run(['publish', good, '--project', 'Publish', '--check-views', '--json'], { env: cli.env });
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    const checked = jsonLines(ok.stdout).find((l) => l.event === 'viewsChecked')!;
    assert.deepEqual((checked.views as { name: string; renders: boolean }[]).map((v) => [v.name, v.renders]), [['Overview', true], ['Detail', true]]);
  });

  it('lists the workbooks that use a data source before overwriting it; --fail-on-impact refuses (exit 8)', async () => {
    const ds = cli.tmp.file('Shared Orders.tds', datasourceXml([POSTGRES]));
    assert.equal((await run(['publish', ds, '--project', 'Publish'], { env: cli.env })).code, 0);
    const wb = cli.tmp.file('Orders Board.twb', sheetsTwb(['Overview'], [publishedSource('Shared Orders')]));
    assert.equal((await run(['publish', wb, '--project', 'Publish'], { env: cli.env })).code, 0);

    const r = await run(['publish', ds, '--project', 'Publish', '--mode', 'overwrite'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Shared Orders\.tds: 1 workbook uses this data source: Orders Board \(Publish, owner pub-user\)\./);

    const before = cli.sim.state().datasources.find((d) => d.name === 'Shared Orders')!.updatedAt;
    const refused = await run(['publish', ds, '--project', 'Publish', '--mode', 'overwrite', '--fail-on-impact', '--json'], { env: cli.env });
    assert.equal(refused.code, 8, refused.stderr + refused.stdout);
    const lines = jsonLines(refused.stdout);
    assert.equal(lines[0].event, 'impact');
    assert.deepEqual((lines[0].workbooks as { name: string }[]).map((w) => w.name), ['Orders Board']);
    assert.equal(lines[1].reason, 'impactRefused');
    assert.equal(cli.sim.state().datasources.find((d) => d.name === 'Shared Orders')!.updatedAt, before, 'not overwritten');
  });

  it('says the Metadata API is off and overwrites anyway', async () => {
    const ds = cli.tmp.file('Quiet Orders.tds', datasourceXml([POSTGRES]));
    assert.equal((await run(['publish', ds, '--project', 'Publish'], { env: cli.env })).code, 0);
    // The overwrite's lookup is a filtered listing: wait out the simulator's search-index lag (200 ms), or
    // the data source just published is not found yet and there is nothing to check (as on Tableau).
    await new Promise((resolve) => setTimeout(resolve, 400));
    await fetch(`${cli.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: false }) });
    try {
      const r = await run(['publish', ds, '--project', 'Publish', '--mode', 'overwrite', '--fail-on-impact'], { env: cli.env });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /warn: Quiet Orders\.tds: Could not check which workbooks use this data source: the Metadata API is not enabled/);
    } finally {
      await fetch(`${cli.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: true }) });
    }
  });

  it('takes refresh from the manifest (options.refresh)', async () => {
    const root = cli.tmp.file('ws/.keep', '');
    const ws = path.dirname(root);
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'Manifest Extract.tdsx'), tdsxBytes(undefined, { extract: true }));
    fs.writeFileSync(path.join(ws, '.vscode', 'tableau-publish.json'), JSON.stringify({
      version: 1,
      targets: [{ file: 'Manifest Extract.tdsx', connection: 'ci', site: PUB_SITE, project: 'Publish', mode: 'overwrite', options: { refresh: true } }],
    }));
    const r = await run(['publish', 'Manifest Extract.tdsx', '--json'], { env: cli.env, cwd: ws });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(jsonLines(r.stdout).map((l) => l.event), ['published', 'refreshed']);
  });
});
