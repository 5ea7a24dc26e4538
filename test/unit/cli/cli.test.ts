import * as assert from 'node:assert/strict';
import { jsonLines, runCli as run, waitFor, type Run } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { PUB_PAT, PUB_SITE, startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';

describe('CLI (node dist/cli.js against the simulator)', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-cli-')));
  after(() => cli.close());
  const noSecret = (r: Run): void => assert.ok(!(r.stdout + r.stderr).includes(PUB_PAT.secret), 'the PAT secret never appears');

  it('prints help (mentioning the environment for secrets) and the version', async () => {
    const h = await run(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /TABLEAU_PAT_SECRET/);
    assert.match(h.stdout, /never from flags/);
    const v = await run(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+/);
  });

  it('refuses secrets given as flags, without echoing them', async () => {
    for (const flag of ['--password=hunter2-secret', '--token-secret', '--pat-secret', '--jwt']) {
      const r = await run(['publish', 'x.twbx', flag, 'hunter2-secret'], { env: cli.env });
      assert.equal(r.code, 2, flag);
      assert.match(r.stderr, /environment/);
      assert.ok(!r.stderr.includes('hunter2-secret'));
    }
  });

  it('exits 2 on usage errors and 3 without credentials or with bad ones', async () => {
    assert.equal((await run(['publish', 'a.twbx', '--mode', 'sideways'], { env: cli.env })).code, 2);
    assert.equal((await run(['frobnicate'], { env: cli.env })).code, 2);
    const none = await run(['signin', '--check'], { env: { TABLEAU_SERVER: cli.sim.url } });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /TABLEAU_PAT_NAME/);
    const bad = await run(['signin', '--check'], { env: { ...cli.env, TABLEAU_PAT_SECRET: 'wrong-secret-value' } });
    assert.equal(bad.code, 3);
    assert.ok(!bad.stderr.includes('wrong-secret-value'));
  });

  it('signs in with --check and signs out', async () => {
    const r = await run(['signin', '--check', '--json'], { env: cli.env });
    assert.equal(r.code, 0);
    const [line] = jsonLines(r.stdout);
    assert.equal(line.event, 'signedIn');
    assert.equal(line.site, PUB_SITE);
    assert.equal(cli.sim.state().counters.liveSessions, 0);
    noSecret(r);
  });

  it('publishes a batch of 10 files with one sign-in', async () => {
    const files = Array.from({ length: 10 }, (_, i) => (i % 2 ? cli.tmp.file(`batch/Book ${i}.twbx`, twbxBytes()) : cli.tmp.file(`batch/Data ${i}.hyper`, hyperBytes(20_000 + i, i))));
    const before = cli.sim.state().counters.signIns[PUB_PAT.name] ?? 0;
    const r = await run(['publish', ...files, '--project', 'Finance / Monthly', '--json', '--concurrency', '3', '--verbose'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    assert.equal(lines.length, 10);
    assert.ok(lines.every((l) => l.event === 'published'));
    assert.equal((cli.sim.state().counters.signIns[PUB_PAT.name] ?? 0) - before, 1);
    const monthly = cli.sim.state().projects.find((p) => p.name === 'Monthly')!;
    const items = [...cli.sim.state().workbooks, ...cli.sim.state().datasources].filter((x) => x.projectId === monthly.id && /^(Book|Data) \d$/.test(x.name));
    assert.equal(items.length, 10);
    assert.equal(cli.sim.state().counters.liveSessions, 0, 'signed out at the end');
    noSecret(r);
  });

  it('lists projects, workbooks and views', async () => {
    const p = await run(['ls', 'projects', '--json'], { env: cli.env });
    assert.equal(p.code, 0);
    assert.ok(jsonLines(p.stdout).some((l) => l.path === 'Finance / Monthly'));
    const w = await run(['ls', 'workbooks', '--project', 'Finance / Monthly'], { env: cli.env });
    assert.equal(w.code, 0);
    assert.match(w.stdout, /Finance \/ Monthly \/ Book 1\t/);
    const v = await run(['ls', 'views', '--project', 'Finance / Monthly', '--json'], { env: cli.env });
    assert.equal(v.code, 0);
    assert.ok(jsonLines(v.stdout).every((l) => l.kind === 'view' && typeof l.workbook === 'string' && /^Book/.test(l.workbook)));
  });

  it('exits 6 for an invalid file, 4 for a conflict or a missing project', async () => {
    const empty = cli.tmp.file('Empty.twbx', '');
    assert.equal((await run(['publish', empty], { env: cli.env })).code, 6);
    const f = cli.tmp.file('Conflict.twbx', twbxBytes());
    assert.equal((await run(['publish', f, '--project', 'Publish'], { env: cli.env })).code, 0);
    const again = await run(['publish', f, '--project', 'Publish'], { env: cli.env });
    assert.equal(again.code, 4);
    assert.equal((await run(['publish', f, '--project', 'Publish', '--mode', 'overwrite'], { env: cli.env })).code, 0);
    assert.equal((await run(['publish', f, '--project', 'No / Such'], { env: cli.env })).code, 4);
  });

  it('exits non-zero when a listing answer is not Tableau\'s (a DOCTYPE document without <projects>)', async () => {
    const body = '<?xml version="1.0"?><!DOCTYPE html><tsResponse xmlns="http://tableau.com/api"><pagination pageNumber="1" pageSize="1000" totalAvailable="0"/></tsResponse>';
    cli.sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { status: 200, body, contentType: 'application/xml' } });
    try {
      const r = await run(['ls', 'projects'], { env: cli.env });
      assert.equal(r.code, 5, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /DOCTYPE, which Tableau's REST API never does/);
      assert.match(r.stderr, /check the server address/);
    } finally {
      cli.sim.clearFaults();
    }
    cli.sim.injectFault({ match: { method: 'GET', pathPattern: '/projects$' }, action: { status: 200, body: body.replace('<!DOCTYPE html>', ''), contentType: 'application/xml' } });
    try {
      const r = await run(['ls', 'projects'], { env: cli.env });
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /no <projects> element/);
    } finally {
      cli.sim.clearFaults();
    }
  });

  it('says --skip-connection-check applies to workbooks only when given for a data source', async () => {
    const f = cli.tmp.file('Skip Check.hyper', hyperBytes(5000));
    const r = await run(['publish', f, '--project', 'Publish', '--skip-connection-check'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Skip Check\.hyper is a data source: --skip-connection-check applies to workbooks only/);
    const w = cli.tmp.file('Skip Check.twbx', twbxBytes());
    const rw = await run(['publish', w, '--project', 'Publish', '--skip-connection-check'], { env: cli.env });
    assert.equal(rw.code, 0, rw.stderr);
    assert.doesNotMatch(rw.stderr, /applies to workbooks only/);
  });

  it('does not present or tag an item that Tableau\'s publish answer names instead of the one published', async () => {
    const projectId = cli.sim.state().projects.find((x) => x.name === 'Publish')!.id;
    const body = `<tsResponse xmlns="http://tableau.com/api"><workbook id="0d0e0a0d-0000-4000-a000-00000000beef" name="Someone Else" contentUrl="Other" webpageUrl="https://elsewhere.example/#/workbooks/9"><project id="${projectId}" name="Publish"/><owner id="u"/></workbook></tsResponse>`;
    cli.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { status: 201, body, contentType: 'application/xml' } });
    const tags = (): number => cli.sim.state().counters.requests['PUT /api/{v}/sites/{site}/workbooks/{id}/tags'] ?? 0;
    const before = tags();
    try {
      const f = cli.tmp.file('Mine.twbx', twbxBytes());
      const r = await run(['publish', f, '--project', 'Publish', '--tags', 'x', '--json'], { env: cli.env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(tags(), before, 'no tag request for the other item');
      assert.doesNotMatch(r.stdout, /elsewhere\.example|beef/);
      const [line] = jsonLines(r.stdout);
      assert.equal(line.id, undefined);
      assert.equal(line.name, undefined);
      assert.match(String(line.answerMismatch), /names the workbook "Someone Else", not "Mine"/);
      assert.match(r.stderr, /tags were not added/);
    } finally {
      cli.sim.clearFaults();
    }
  });

  it('takes project, name and mode from the manifest', async () => {
    const ws = tempDir('tp-ws-');
    try {
      ws.file('.vscode/tableau-publish.json', JSON.stringify({ version: 1, targets: [{ file: 'reports/*.twbx', connection: 'sim', site: PUB_SITE, project: 'Finance / Monthly', name: 'From Manifest', mode: 'overwrite' }] }));
      ws.file('reports/Q3.twbx', twbxBytes());
      const r = await run(['publish', 'reports/Q3.twbx', '--json'], { env: cli.env, cwd: ws.dir });
      assert.equal(r.code, 0, r.stderr);
      const [line] = jsonLines(r.stdout);
      assert.equal(line.name, 'From Manifest');
      assert.equal(line.project, 'Finance / Monthly');
      assert.equal(line.mode, 'overwrite');
    } finally {
      ws.cleanup();
    }
  });

  // The server holds the matched request and never answers, so the signal always lands while the
  // CLI waits on it, however loaded the machine is: no timing guess decides where it lands.
  async function interruptAt(fault: { method: string; pathPattern: string }, args: string[]): Promise<Run> {
    cli.sim.injectFault({ match: fault, action: { hang: true } });
    const fired = cli.sim.state().counters.faultsFired;
    try {
      return await run(args, { env: cli.env, onSpawn: (kill) => void waitFor(() => cli.sim.state().counters.faultsFired > fired, 30_000, 'the held request').then(() => kill('SIGINT'), () => kill('SIGKILL')) });
    } finally {
      cli.sim.clearFaults();
    }
  }

  it('cancels cleanly on SIGINT mid-publish (exit 130, nothing published, signed out)', async () => {
    const f = cli.tmp.file('Interrupted.hyper', hyperBytes(3 * 1024 * 1024));
    const r = await interruptAt({ method: 'POST', pathPattern: '/datasources$' }, ['publish', f, '--project', 'Publish']);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Cancelling/);
    assert.doesNotMatch(r.stderr, /error:/, 'a cancel is not reported as a failure');
    assert.ok(r.ms < 15_000, `exited in ${r.ms} ms`);
    assert.ok(!cli.sim.state().datasources.some((d) => d.name === 'Interrupted'));
    assert.equal(cli.sim.state().counters.liveSessions, 0, 'signed out');
  });

  it('cancels cleanly on SIGINT during sign-in, without waiting for the hung server', async () => {
    const f = cli.tmp.file('Never.twbx', twbxBytes());
    const r = await interruptAt({ method: 'POST', pathPattern: '/auth/signin$' }, ['publish', f, '--project', 'Publish']);
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.ms < 10_000, `exited in ${r.ms} ms`);
    assert.ok(!cli.sim.state().workbooks.some((w) => w.name === 'Never'));
  });

  it('cancels cleanly on SIGINT while listing', async () => {
    const r = await interruptAt({ method: 'GET', pathPattern: '/workbooks$' }, ['ls', 'workbooks']);
    assert.equal(r.code, 130, r.stderr);
    assert.equal(cli.sim.state().counters.liveSessions, 0, 'signed out');
  });
});
