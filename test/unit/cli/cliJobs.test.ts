/**
 * `publish --as-job` against a server that answers jobs in Tableau's recorded shapes and whose
 * search index lags (publishConfig: indexLagMs): success names the item, a failed job is a
 * failure with its notes, and a job that never ends stops at --job-timeout.
 */
import * as assert from 'node:assert/strict';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { PUB_PAT, PUB_SITE, publishConfig, startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { twbxBytes } from '../../fixtures/samples';
import { startSimulator } from '../../simulator/index';

describe('CLI: --as-job against Tableau-shaped jobs and a lagging search index', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-cli-jobs-')));
  after(() => cli.close());

  it('reports success with the item once the job has ended', async () => {
    const file = cli.tmp.file('Async Book.twbx', twbxBytes());
    const r = await run(['publish', file, '--project', 'Publish', '--as-job', '--json'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const [line] = jsonLines(r.stdout);
    assert.equal(line.event, 'published');
    assert.equal(line.name, 'Async Book');
    assert.ok(line.jobId);
    assert.equal(line.id, cli.sim.state().workbooks.find((w) => w.name === 'Async Book')!.id);
  });

  it('reports a failed job as a failure with its notes', async () => {
    cli.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { jobFinishCode: 1, jobNotes: 'Login failed for user.' } });
    const file = cli.tmp.file('Failing Book.twbx', twbxBytes());
    const r = await run(['publish', file, '--project', 'Publish', '--as-job', '--json'], { env: cli.env });
    assert.equal(r.code, 5, r.stderr + r.stdout);
    const [line] = jsonLines(r.stdout);
    assert.equal(line.event, 'failed');
    assert.equal(line.reason, 'jobFailed');
    assert.match(String(line.message), /Login failed for user/);
    assert.match(r.stderr, /Login failed for user/);
    assert.ok(!cli.sim.state().workbooks.some((w) => w.name === 'Failing Book'));
  });

  it('stops at --job-timeout with the job id, saying the job may still finish', async () => {
    const sim = await startSimulator({ config: publishConfig({ jobDurationMs: 60 * 60_000 }) });
    try {
      const env = { TABLEAU_SERVER: sim.url, TABLEAU_SITE: PUB_SITE, TABLEAU_PAT_NAME: PUB_PAT.name, TABLEAU_PAT_SECRET: PUB_PAT.secret };
      const file = cli.tmp.file('Endless Book.twbx', twbxBytes());
      const r = await run(['publish', file, '--project', 'Publish', '--as-job', '--job-timeout', '300ms', '--json'], { env });
      assert.equal(r.code, 5, r.stderr + r.stdout);
      const [line] = jsonLines(r.stdout);
      assert.equal(line.reason, 'jobTimeout');
      const jobId = sim.state().jobs[0].id;
      assert.equal(line.jobId, jobId);
      assert.match(String(line.message), new RegExp(`${jobId}[\\s\\S]*may still finish on the server`));
      assert.match(r.stderr, /--job-timeout/);
    } finally {
      await sim.close();
    }
  });

  it('refuses a --job-timeout that is not a duration', async () => {
    for (const bad of ['soon', '0', '-5m', '49h']) {
      const r = await run(['publish', 'a.twbx', '--as-job', '--job-timeout', bad], { env: cli.env });
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--job-timeout/);
    }
  });
});
