import * as assert from 'node:assert/strict';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { PUB_PAT, PUB_SITE, startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { twbxBytes } from '../../fixtures/samples';

const SHEETS = ['Overview', 'Detail', 'Scratch'];

describe('CLI publish: settings and permissions as code, --dry-run, exit code 7', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => {
    cli = await startCliSimulator('tp-clisettings-', {
      users: [
        { name: 'pub-user', password: 'pub-user-password', siteRole: 'SiteAdministratorCreator' },
        { name: 'alice', siteRole: 'Creator' },
      ],
      groups: [{ name: 'Sales', site: PUB_SITE }],
      pats: [{ name: PUB_PAT.name, secret: PUB_PAT.secret, user: 'pub-user' }],
      indexLagMs: 0,
    });
  });
  after(() => cli.close());
  const state = () => cli.sim.state();
  const writes = (): number => Object.entries(state().counters.requests).filter(([k]) => /^(PUT|DELETE) .*(permissions|tags|workbooks\/\{id\}$)/.test(k)).reduce((a, [, n]) => a + n, 0);

  function workspace(options: Record<string, unknown>) {
    const ws = tempDir('tp-setws-');
    ws.file('.vscode/tableau-publish.json', JSON.stringify({ version: 1, targets: [{ file: '*.twbx', connection: 'sim', site: PUB_SITE, project: 'Publish', mode: 'overwrite', options }] }));
    return ws;
  }

  it('documents the settings flags and exit code 7 in --help', async () => {
    const h = await run(['--help']);
    for (const s of ['--owner', '--thumbnails-user', '--thumbnails-group', '--remove-other-tags', '--dry-run', 'exit code 7']) assert.ok(h.stdout.includes(s), s);
  });

  it('applies --owner and --tags --remove-other-tags from the command line', async () => {
    const f = cli.tmp.file('Flags Book.twbx', twbxBytes(undefined, { sheets: SHEETS }));
    assert.equal((await run(['publish', f, '--project', 'Publish', '--tags', 'a,b'], { env: cli.env })).code, 0);
    const r = await run(['publish', f, '--project', 'Publish', '--mode', 'overwrite', '--owner', 'alice', '--tags', 'b,c', '--remove-other-tags', '--json'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonLines(r.stdout)[0].settingsChanges, ['owner: set to "alice"', 'tags: add "c"', 'tags: remove "a"']);
    const wb = state().workbooks.find((w) => w.name === 'Flags Book')!;
    assert.deepEqual(wb.tags, ['b', 'c']);
    assert.equal(wb.ownerId, state().users.find((u) => u.name === 'alice')!.id);
  });

  it('applies the manifest settings and rules, lists the changes, and sends nothing the second time', async () => {
    const ws = workspace({ hiddenViews: ['Scratch'], tags: ['board'], owner: 'alice', permissions: [{ group: 'Sales', template: 'Viewer' }] });
    try {
      ws.file('Board.twbx', twbxBytes(undefined, { sheets: SHEETS }));
      const dry = await run(['publish', 'Board.twbx', '--json', '--dry-run'], { env: cli.env, cwd: ws.dir });
      assert.equal(dry.code, 0, dry.stderr);
      const planned = jsonLines(dry.stdout)[0];
      assert.equal(planned.event, 'planned');
      assert.equal(planned.exists, false);
      assert.ok((planned.changes as string[]).includes('owner: set to "alice"'));
      assert.equal(state().workbooks.find((w) => w.name === 'Board'), undefined, 'a dry run publishes nothing');

      const r = await run(['publish', 'Board.twbx', '--json'], { env: cli.env, cwd: ws.dir });
      assert.equal(r.code, 0, r.stderr);
      const line = jsonLines(r.stdout)[0];
      assert.deepEqual(line.tags, ['board']);
      assert.ok((line.settingsChanges as string[]).includes('permissions: add group "Sales": Read Allow'));
      const wb = state().workbooks.find((w) => w.name === 'Board')!;
      assert.deepEqual(wb.hiddenViews, ['Scratch']);
      assert.equal(wb.ownerId, state().users.find((u) => u.name === 'alice')!.id);
      assert.equal(state().permissions.find((p) => p.on === wb.id)!.capabilities.Read, 'Allow');

      const before = writes();
      const again = await run(['publish', 'Board.twbx', '--json'], { env: cli.env, cwd: ws.dir });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(jsonLines(again.stdout)[0].settingsChanges, []);
      assert.equal(writes(), before, 'the second publish sends no settings or permissions request');
      const dryAgain = await run(['publish', 'Board.twbx', '--json', '--dry-run'], { env: cli.env, cwd: ws.dir });
      assert.deepEqual(jsonLines(dryAgain.stdout)[0].changes, []);
    } finally {
      ws.cleanup();
    }
  });

  it('refuses an unknown owner, grantee, capability or view before publishing (exit 4 / 2)', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ owner: 'nobody' }, 4, /no user named "nobody"/],
      [{ permissions: [{ group: 'Ghosts', template: 'Viewer' }] }, 4, /no group named "Ghosts"/],
      [{ permissions: [{ group: 'Sales', capabilities: { Connect: 'Allow' } }] }, 2, /not a capability Tableau has for workbooks/],
      [{ hiddenViews: ['Nope'] }, 2, /no sheet named "Nope"/],
    ];
    for (const [options, code, re] of cases) {
      const ws = workspace(options);
      try {
        ws.file('Refused.twbx', twbxBytes(undefined, { sheets: SHEETS }));
        const r = await run(['publish', 'Refused.twbx'], { env: cli.env, cwd: ws.dir });
        assert.equal(r.code, code, r.stderr);
        assert.match(r.stderr, re);
      } finally {
        ws.cleanup();
      }
    }
    assert.equal(state().workbooks.find((w) => w.name === 'Refused'), undefined, 'nothing was published');
  });

  it('exits 7 when the publish succeeded but a step after it failed, naming the step', async () => {
    const ws = workspace({ permissions: [{ group: 'Sales', template: 'Viewer' }] });
    try {
      ws.file('Half Done.twbx', twbxBytes(undefined, { sheets: SHEETS }));
      cli.sim.injectFault({ match: { method: 'PUT', pathPattern: '/permissions$' }, action: { status: 500 } });
      const r = await run(['publish', 'Half Done.twbx', '--json'], { env: cli.env, cwd: ws.dir });
      assert.equal(r.code, 7, r.stderr);
      const lines = jsonLines(r.stdout);
      assert.ok(lines.some((l) => l.event === 'published' && l.settingsFailedStep === 'permissions'), r.stdout);
      assert.ok(lines.some((l) => l.event === 'settingsFailed' && l.step === 'permissions' && l.exitCode === 7), r.stdout);
      assert.match(r.stderr, /"Half Done" was published, but its permissions could not be applied/);
      assert.ok(state().workbooks.some((w) => w.name === 'Half Done'), 'published');
    } finally {
      cli.sim.clearFaults();
      ws.cleanup();
    }
  });
});
