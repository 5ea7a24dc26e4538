// "Publish to Tableau" in the real extension host: the palette/Explorer command with the
// ui seam answering every prompt, Publish Again from the manifest, tasks, cancellation,
// and the trust rule for a manifest naming someone else's connection.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PublishOutcome } from '../../src/vscode/publish/publishRunner';
import { datasourceXml, hyperBytes, POSTGRES, workbookXml } from '../fixtures/samples';
import { makeSamples, type SampleFiles } from '../sandbox/makeSamples';
import { type ContentFixture, contentFixture, workspaceScratch } from './contentHarness';

const DB_PASSWORD = 'db-password-for-suite-3b9d';

describe('Publish to Tableau (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  let folder: string;
  let dir: string;
  let samples: SampleFiles;
  let manifestPath: string;
  const LABEL = 'Publish Suite';

  let scratch: ReturnType<typeof workspaceScratch> | undefined;

  before(async () => {
    fx = await contentFixture(LABEL);
    scratch = workspaceScratch('publish-suite');
    ({ folder, dir, manifestPath } = scratch);
    samples = await makeSamples(dir);
  });

  after(async () => {
    scratch?.restore();
    await fx?.close();
  });

  beforeEach(() => {
    fx.ui.asked.length = 0;
    fx.ui.notes.length = 0;
    fx.ui.confirms.length = 0;
    fx.ui.offered.clear();
    fx.ui.notifyAnswer = () => undefined;
    fx.ui.picks.set('publish.connection', LABEL);
  });

  const emea = (): string => fx.sim.state().projects.find((p) => p.name === 'EMEA')!.id;
  const rel = (file: string): string => path.relative(folder, file).split(path.sep).join('/');
  /** A new publish's prompts answered by id: project, name (when asked), Create new, options, tags, database credentials. */
  const answerNew = (a: { project: string; name?: string; options?: string[]; tags?: string; credentials?: 'embed' | 'skip' }): void => {
    fx.ui.picks.set('publish.project', a.project);
    if (a.name !== undefined) fx.ui.inputs.set('publish.name', a.name);
    fx.ui.picks.set('publish.mode', 'createnew');
    fx.ui.picks.set('publish.options', a.options ?? []);
    if (a.tags !== undefined) fx.ui.inputs.set('publish.tags', a.tags);
    if (a.credentials) fx.ui.picks.set('publish.dbCredentials', a.credentials);
  };

  it('publishes a packaged workbook with name, mode, options and embedded database credentials', async () => {
    answerNew({ project: 'Sales/EMEA', name: 'Suite Superstore', options: ['showTabs'], credentials: 'embed' });
    fx.ui.inputs.set('publish.dbUsername', 'analyst');
    fx.ui.inputs.set('publish.dbPassword', DB_PASSWORD);
    fx.ui.notifyAnswer = (_m, actions) => actions.find((a) => a === 'Remember for Publish Again');

    const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', vscode.Uri.file(samples.twbx));
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(outcomes && outcomes.length === 1 && outcomes[0].ok, 'published');
    const wb = fx.sim.state().workbooks.find((w) => w.name === 'Suite Superstore');
    assert.ok(wb, 'the simulator holds the workbook');
    assert.equal(wb.projectId, emea());
    assert.equal(wb.showTabs, true);
    assert.ok(fx.ui.offered.get('publish.options')?.includes('skipConnectionCheck'), 'a workbook is offered the connection check skip');
    assert.equal(wb.size, fs.statSync(samples.twbx).size);
    const done = fx.ui.notes.find((n) => n.kind === 'info' && n.message.startsWith('Published "Suite Superstore"'));
    assert.ok(done, 'a success message');
    assert.ok(done.actions.includes('Open in browser') && done.actions.includes('Reveal in tree'));

    // Remembered in the manifest, without any secret.
    const manifest = fs.readFileSync(manifestPath, 'utf8');
    assert.ok(!manifest.includes(DB_PASSWORD) && !manifest.includes(fx.sim.demoPat!.secret), 'no secret in the manifest');
    const entry = JSON.parse(manifest).targets.find((t: { file: string }) => t.file === rel(samples.twbx));
    assert.deepEqual(entry, { file: rel(samples.twbx), connection: LABEL, site: 'sales', project: 'Sales / EMEA', name: 'Suite Superstore', mode: 'overwrite', options: { showTabs: true } });
    assert.ok(!JSON.stringify(fx.ui.notes).includes(DB_PASSWORD), 'no secret in any message');
  });

  it('publishes again in one step, reusing the saved database credentials', async () => {
    const before = fx.sim.state().workbooks.find((w) => w.name === 'Suite Superstore')!;
    fx.ui.asked.length = 0;
    const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(samples.twbx));
    assert.deepEqual(fx.ui.errors(), []);
    assert.deepEqual(fx.ui.asked, [], 'no prompt at all');
    assert.ok(outcomes?.[0]?.ok);
    const same = fx.sim.state().workbooks.filter((w) => w.name === 'Suite Superstore');
    assert.equal(same.length, 1, 'overwritten, not duplicated');
    assert.equal(same[0].id, before.id);
    const sent = outcomes[0].plan.request.connectionCredentials;
    assert.equal(sent?.[0]?.username, 'analyst');
    assert.equal(sent?.[0]?.embed, true);
  });

  it('asks before overwriting, naming what gets replaced; declining publishes nothing', async () => {
    const publishes = (): number => Object.entries(fx.sim.state().counters.requests).filter(([k]) => k.startsWith('POST') && k.endsWith('/workbooks')).reduce((n, [, v]) => n + v, 0);
    const before = publishes();
    fx.ui.picks.set('publish.connection', LABEL);
    fx.ui.picks.set('publish.project', 'Sales/EMEA');
    fx.ui.inputs.set('publish.name', 'Suite Superstore');
    fx.ui.picks.set('publish.mode', 'overwrite');
    fx.ui.confirmAnswer = false;
    try {
      const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', vscode.Uri.file(samples.twbx));
      assert.equal(outcomes, undefined);
    } finally {
      fx.ui.confirmAnswer = true;
    }
    assert.ok(fx.ui.asked.some((a) => a.id === 'publish.mode' && a.text.includes('"Suite Superstore" already exists in Sales / EMEA')), 'the mode pick says it exists');
    assert.equal(fx.ui.confirms.length, 1);
    assert.match(fx.ui.confirms[0].message, /Replace the workbook "Suite Superstore" in Sales \/ EMEA on Publish Suite\?/);
    assert.equal(publishes(), before, 'nothing sent');
  });

  it('publishes several data sources from a multi-select, each under its file name', async () => {
    answerNew({ project: 'Marketing', credentials: 'skip' });
    const uris = [vscode.Uri.file(samples.tds), vscode.Uri.file(samples.tdsx)];
    // The listing the tree and the pickers share, loaded (and cached) before the publish.
    const { sites } = fx.api.services;
    const marketing = fx.sim.state().projects.find((p) => p.name === 'Marketing')!.id;
    const listed = async (): Promise<string[]> =>
      (await sites.model(fx.profile, 'sales').projectChildren(marketing)).flatMap((e) => (e.kind === 'datasource' ? [e.datasource.name] : []));
    assert.ok(!(await listed()).includes('Orders Extract'));
    const changed: unknown[] = [];
    const sub = sites.onDidChangeSite((site) => changed.push(site));
    let outcomes: PublishOutcome[] | undefined;
    try {
      outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', uris[0], uris);
    } finally {
      sub.dispose();
    }
    assert.deepEqual(fx.ui.errors(), []);
    assert.equal(outcomes?.filter((o) => o.ok).length, 2);
    assert.deepEqual(changed, [{ profileId: fx.profile.id, siteContentUrl: 'sales' }], "one 'site changed' for two files on one site");
    assert.ok((await listed()).includes('Orders Extract'), 'the shared listing was refetched before the tree was told');
    const names = fx.sim.state().datasources.filter((d) => d.projectId === marketing).map((d) => d.name).sort();
    assert.ok(names.includes('Orders') && names.includes('Orders Extract'), `data sources in Marketing: ${names.join(', ')}`);
    assert.ok(!fx.ui.askedIds().includes('publish.name'), 'no name prompt for a multi-select');
    // skipConnectionCheck and showTabs are Publish Workbook parameters: a data source is not offered them.
    assert.deepEqual(fx.ui.offered.get('publish.options'), ['asJob', 'description', 'tags', 'moreSettings']);
  });

  it('tags what it publishes when asked, and remembers the tags for Publish Again', async () => {
    answerNew({ project: 'Marketing', name: 'Suite Tagged Orders', options: ['tags'], tags: ' finance, monthly ,, finance', credentials: 'skip' });
    fx.ui.notifyAnswer = (_m, actions) => actions.find((a) => a === 'Remember for Publish Again');

    const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', vscode.Uri.file(samples.tds));
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(outcomes?.[0]?.ok, 'published');
    const ds = fx.sim.state().datasources.find((d) => d.name === 'Suite Tagged Orders');
    assert.ok(ds, 'the simulator holds the data source');
    assert.deepEqual([...(ds.tags ?? [])].sort(), ['finance', 'monthly']);
    const entry = JSON.parse(fs.readFileSync(manifestPath, 'utf8')).targets.find((t: { file: string }) => t.file === rel(samples.tds));
    assert.deepEqual(entry?.options, { tags: ['finance', 'monthly'] });
  });

  it('asks for database credentials once per host, naming it, and sends each answer only to its host', async () => {
    const attacker = { class: 'postgres', server: 'attacker.example', port: '5432', dbname: 'x', username: 'u', authentication: 'username-password' };
    const twb = path.join(dir, 'Two Hosts.twb');
    const tds = path.join(dir, 'Two Host Source.tds');
    fs.writeFileSync(twb, workbookXml([POSTGRES, attacker]));
    fs.writeFileSync(tds, datasourceXml([POSTGRES, attacker]));
    // Every answer depends on the host its prompt names.
    const hostOf = (prompt: string): string => (prompt.includes('attacker.example') ? 'attacker' : prompt.includes('db.example.com') ? 'db' : 'unknown');
    answerNew({ project: 'Sales', credentials: 'embed' });
    fx.ui.inputs.set('publish.dbUsername', (o) => `user-${hostOf(o.prompt ?? '')}`);
    fx.ui.inputs.set('publish.dbPassword', (o) => `${DB_PASSWORD}-${hostOf(o.prompt ?? '')}`);
    for (const [file, name] of [[twb, 'Suite Two Hosts'], [tds, 'Suite Two Host Source']]) {
      fx.ui.asked.length = 0;
      fx.ui.inputs.set('publish.name', name);
      const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', vscode.Uri.file(file));
      assert.deepEqual(fx.ui.errors(), []);
      const o = outcomes?.[0];
      assert.ok(o?.ok, `published ${path.basename(file)}: ${o && !o.ok ? String(o.error) : JSON.stringify(fx.ui.asked)}`);
      const asked = fx.ui.asked.filter((a) => a.id === 'publish.dbCredentials').map((a) => a.text);
      assert.equal(asked.length, 2, `one credentials prompt per host: ${JSON.stringify(fx.ui.asked)}`);
      assert.deepEqual(asked.map(hostOf).sort(), ['attacker', 'db']);
      assert.ok(fx.ui.asked.filter((a) => a.id === 'publish.dbPassword').every((a) => hostOf(a.text) !== 'unknown'), 'each password prompt names its host');
    }
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
    const expected = [['attacker.example', 'user-attacker', sha(`${DB_PASSWORD}-attacker`)], ['db.example.com', 'user-db', sha(`${DB_PASSWORD}-db`)]];
    const wb = fx.sim.state().workbooks.find((w) => w.name === 'Suite Two Hosts');
    const ds = fx.sim.state().datasources.find((d) => d.name === 'Suite Two Host Source');
    for (const item of [wb, ds]) {
      assert.ok(item, 'published');
      assert.deepEqual(item.credentials?.map((c) => [c.serverAddress, c.username, c.passwordSha256]).sort(), expected, `${item.name}: each login bound to its own host`);
    }
  });

  it('refuses a file that is not what its extension says, before asking anything', async () => {
    const bad = path.join(dir, 'Broken.twbx');
    fs.writeFileSync(bad, 'this is not a zip archive');
    fx.ui.asked.length = 0;
    const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', vscode.Uri.file(bad));
    assert.equal(outcomes, undefined);
    assert.deepEqual(fx.ui.asked, [], 'no prompt for a refused file');
    const err = fx.ui.notes.find((n) => n.kind === 'error');
    assert.ok(err && /Broken\.twbx/.test(err.message), `a plain refusal naming the file: ${JSON.stringify(fx.ui.notes)}`);
    assert.ok(!fx.sim.state().workbooks.some((w) => w.name === 'Broken'));
  });

  it('offers the remembered target as a task', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'tableau-publish' });
    const mine = tasks.find((t) => t.definition.file === rel(samples.twbx));
    assert.ok(mine, `a tableau-publish task for the remembered file among: ${tasks.map((t) => t.name).join(', ')}`);
    assert.match(mine.name, /Publish .*Superstore.* to Publish Suite \/ Sales \/ EMEA/);
  });

  it('runs the remembered target as a task in a terminal, without prompts', async () => {
    const before = fx.sim.state().workbooks.find((w) => w.name === 'Suite Superstore')!.updatedAt;
    const task = (await vscode.tasks.fetchTasks({ type: 'tableau-publish' })).find((t) => t.definition.file === rel(samples.twbx));
    assert.ok(task);
    const ended = new Promise<number | undefined>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the task did not end within 30 s')), 30_000);
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.file !== task.definition.file) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await ended, 0, 'exit code 0');
    assert.deepEqual(fx.ui.asked, [], 'a task never prompts');
    const after = fx.sim.state().workbooks.filter((w) => w.name === 'Suite Superstore');
    assert.equal(after.length, 1);
    assert.notEqual(after[0].updatedAt, before, 'published again');
  });

  it('auto-publishes a remembered file once it stops changing (setting on)', async () => {
    const config = vscode.workspace.getConfiguration('tableau');
    await config.update('autoPublish', true, vscode.ConfigurationTarget.Workspace);
    try {
      // Let the watcher pick up the setting, then rewrite the file (same bytes, new mtime).
      await new Promise((r) => setTimeout(r, 500));
      const before = fx.sim.state().workbooks.find((w) => w.name === 'Suite Superstore')!.updatedAt;
      fs.writeFileSync(samples.twbx, fs.readFileSync(samples.twbx));
      const deadline = Date.now() + 20_000;
      let updated = before;
      while (Date.now() < deadline && updated === before) {
        await new Promise((r) => setTimeout(r, 250));
        updated = fx.sim.state().workbooks.find((w) => w.name === 'Suite Superstore')!.updatedAt;
      }
      assert.notEqual(updated, before, 'published again after the file settled');
      assert.deepEqual(fx.ui.errors(), []);
    } finally {
      await config.update('autoPublish', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('turning auto-publish off stops a publish under way: the file is not held, and nothing is shown as an error', async function () {
    this.timeout(90_000);
    const config = vscode.workspace.getConfiguration('tableau');
    const updatedAt = (): string | undefined => fx.sim.state().workbooks.find((w) => w.name === 'Suite Superstore')!.updatedAt;
    const fired = (): number => fx.sim.state().counters.faultsFired;
    const until = async (done: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 25_000;
      while (!done()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await config.update('autoPublish', true, vscode.ConfigurationTarget.Workspace);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const before = updatedAt();
      const firedBefore = fired();
      // The first auto-publish reaches Tableau and is never answered.
      fx.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$', nth: 1 }, action: { hang: true } });
      fs.writeFileSync(samples.twbx, fs.readFileSync(samples.twbx));
      await until(() => fired() > firedBefore, 'the auto-publish reached the server');
      // Off stops it; on again, the next change publishes. A run left going would hold the file.
      await config.update('autoPublish', false, vscode.ConfigurationTarget.Workspace);
      await new Promise((r) => setTimeout(r, 500));
      await config.update('autoPublish', true, vscode.ConfigurationTarget.Workspace);
      await new Promise((r) => setTimeout(r, 500));
      fs.writeFileSync(samples.twbx, fs.readFileSync(samples.twbx));
      await until(() => updatedAt() !== before, 'published again after the stopped run');
      assert.deepEqual(fx.ui.errors(), [], 'a stopped auto-publish is not a failure');
    } finally {
      fx.sim.clearFaults();
      await config.update('autoPublish', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('asks, showing the host, before following a manifest that names a connection the user does not have', async () => {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    manifest.targets.push({ file: rel(samples.hyper), connection: 'Somebody Else', site: 'sales', project: 'Sales', mode: 'overwrite' });
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    fx.ui.picks.set('connection.forManifest', LABEL);
    fx.ui.confirmAnswer = false;
    try {
      const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(samples.hyper));
      assert.equal(outcomes, undefined);
    } finally {
      fx.ui.confirmAnswer = true;
    }
    assert.equal(fx.ui.confirms.length, 1);
    assert.ok(fx.ui.confirms[0].message.includes(new URL(fx.sim.url).host), `the host is shown: ${fx.ui.confirms[0].message}`);
    assert.ok(fx.ui.confirms[0].message.includes(samples.hyper), `the full path of the file is shown: ${fx.ui.confirms[0].message}`);
    assert.ok(!fx.sim.state().datasources.some((d) => d.name === path.basename(samples.hyper, '.hyper')), 'nothing published');
    assert.deepEqual(fx.ui.errors(), [], 'declining is not a failure');
  });

  it('Publish All refuses a remembered file that links out of the workspace, and a manifest path with ".."', async () => {
    const saved = fs.readFileSync(manifestPath, 'utf8');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-outside-'));
    try {
      const real = path.join(outside, 'Board-Q3.hyper');
      fs.writeFileSync(real, hyperBytes(4096));
      const link = path.join(dir, 'Linked Board.hyper');
      fs.symlinkSync(real, link);
      const target = { connection: LABEL, site: 'sales', project: 'Sales', mode: 'overwrite' };
      const publishes = (): number => Object.entries(fx.sim.state().counters.requests).filter(([k]) => k.startsWith('POST') && /\/(datasources|workbooks|fileUploads)$/.test(k)).reduce((n, [, v]) => n + v, 0);
      const before = publishes();

      fs.writeFileSync(manifestPath, JSON.stringify({ version: 1, targets: [{ file: rel(link), ...target }] }));
      assert.equal(await vscode.commands.executeCommand('tableau.publishAll'), undefined);
      assert.ok(fx.ui.errors().some((m) => m.includes('outside the workspace') && m.includes(fs.realpathSync(real))), `the link is refused: ${JSON.stringify(fx.ui.errors())}`);

      fx.ui.notes.length = 0;
      fs.writeFileSync(manifestPath, JSON.stringify({ version: 1, targets: [{ file: '../../../root/Documents/Board-Q3.twbx', ...target }] }));
      assert.equal(await vscode.commands.executeCommand('tableau.publishAll'), undefined);
      assert.ok(fx.ui.errors().some((m) => /targets\[0\]\.file must stay inside the workspace/.test(m)), `the path is refused: ${JSON.stringify(fx.ui.errors())}`);
      assert.deepEqual(fx.ui.confirms, [], 'refused before any prompt');
      assert.equal(publishes(), before, 'nothing sent');
    } finally {
      fs.writeFileSync(manifestPath, saved);
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('does not present or tag an item when Tableau answers about another one', async () => {
    answerNew({ project: 'Sales', name: 'Suite Answered Elsewhere', options: ['tags'], tags: 'mismatch-tag', credentials: 'skip' });
    fx.ui.notifyAnswer = (_m, actions) => actions.find((a) => a === 'Open in browser');
    const other = fx.sim.state().workbooks[0];
    fx.sim.injectFault({
      match: { method: 'POST', pathPattern: '/workbooks$' },
      action: {
        status: 201,
        contentType: 'application/xml',
        body:
          `<tsResponse xmlns="http://tableau.com/api"><workbook id="${other.id}" name="Someone Else's Book" contentUrl="Other" ` +
          `webpageUrl="https://elsewhere.example/#/workbooks/1"><project id="${other.projectId}" name="Elsewhere"/><owner id="u"/></workbook></tsResponse>`,
      },
    });
    try {
      const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', vscode.Uri.file(samples.twb));
      assert.ok(outcomes?.[0]?.ok && outcomes[0].result.mismatch, 'the publisher flags the answer');
      const warned = fx.ui.notes.find((n) => n.kind === 'warning' && /answer is about another item/.test(n.message));
      assert.ok(warned, `a warning: ${JSON.stringify(fx.ui.notes)}`);
      assert.ok(!warned.message.includes("Someone Else's Book"), 'the other item is not named as the published one');
      assert.ok(!fx.ui.notes.some((n) => n.message.startsWith('Published')), 'no success message naming the answer');
      assert.ok(!fx.ui.notes.some((n) => n.actions.includes('Open in browser')), 'nothing offered to open');
      assert.ok(!fx.sim.state().workbooks.some((w) => (w.tags ?? []).includes('mismatch-tag')), 'the answer\'s item was not tagged');
    } finally {
      fx.sim.clearFaults();
    }
  });

  it('cancels an upload cleanly: nothing published, no error shown', async () => {
    answerNew({ project: 'Sales', name: 'Never Published' });
    fx.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { hang: true } });
    const { executePlans } = await import('../../src/vscode/publish/publishRunner');
    const { inspectPackage } = await import('../../src/core/package/inspect');
    const info = await inspectPackage(samples.twb);
    const sales = fx.sim.state().projects.find((p) => p.name === 'Sales')!.id;
    const ac = new AbortController();
    const reports: string[] = [];
    const running = executePlans(
      fx.api.services,
      [{ info, target: { profile: fx.profile, siteContentUrl: 'sales', projectId: sales, projectPath: ['Sales'] }, request: { filePath: samples.twb, name: 'Never Published', projectId: sales, mode: 'createnew' } }],
      { report: (m) => reports.push(m) },
      ac.signal,
    );
    setTimeout(() => ac.abort(), 300);
    const [outcome] = await running;
    fx.sim.clearFaults();
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.cancelled, true);
    assert.ok(!fx.sim.state().workbooks.some((w) => w.name === 'Never Published'));
    assert.deepEqual(fx.ui.errors(), []);
  });
});
