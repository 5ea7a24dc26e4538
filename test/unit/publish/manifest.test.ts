import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../../../src/core/errors';
import { findTargets, isGlob, loadManifest, matchesGlob, parseManifest, saveManifest, upsertTarget, type ManifestTarget } from '../../../src/core/publish/manifest';
import { resolveProjectPath, splitProjectPath } from '../../../src/core/publish/projectPath';
import { assertInsideWorkspace } from '../../../src/core/publish/workspacePath';
import { tempDir } from '../../support/files';
import { startHarness, type Harness } from '../../support/simFixture';

const target: ManifestTarget = { file: 'reports/Sales.twbx', connection: 'prod', site: 'sales', project: 'Finance / Monthly', mode: 'overwrite', options: { showTabs: true, tags: ['q1'] } };
const rejectsAt = (where: RegExp) => (e: unknown) => TableauError.is(e, 'invalidArgument') && where.test((e as Error).message);

describe('publish manifest', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('saves and loads targets, and finds them by path or glob', async () => {
    const file = path.join(tmp.dir, '.vscode', 'tableau-publish.json');
    assert.equal(await loadManifest(file), undefined);
    let m = upsertTarget({ version: 1, targets: [] }, target);
    m = upsertTarget(m, { file: 'extracts/**/*.hyper', connection: 'prod', site: 'sales', project: 'Data', mode: 'append' });
    m = upsertTarget(m, { ...target, mode: 'createnew' }); // same file+connection+site: replaced
    await saveManifest(file, m);
    const back = await loadManifest(file);
    assert.deepEqual(back, { ...m, version: 2 }, 'saving writes version 2, the targets unchanged');
    assert.equal(back!.targets.length, 2);
    assert.equal(findTargets(back!, 'reports/Sales.twbx')[0].mode, 'createnew');
    assert.equal(findTargets(back!, 'extracts/2024/q1/orders.hyper')[0].project, 'Data');
    assert.equal(findTargets(back!, 'extracts/orders.hyper').length, 1);
    assert.equal(findTargets(back!, 'reports/Other.twbx').length, 0);
    assert.ok(!fs.readdirSync(path.dirname(file)).some((f) => f.endsWith('.tmp')));
  });

  it('matches *, ** and ? like a simple glob', () => {
    assert.ok(matchesGlob('*.twbx', 'a b.twbx'));
    assert.ok(!matchesGlob('*.twbx', 'dir/a.twbx'));
    assert.ok(matchesGlob('**/*.twbx', 'a.twbx'));
    assert.ok(matchesGlob('**/*.twbx', 'x/y/a.twbx'));
    assert.ok(matchesGlob('Q?.hyper', 'Q1.hyper'));
    assert.ok(!matchesGlob('Q?.hyper', 'Q10.hyper'));
    assert.ok(!matchesGlob('a+b.twb', 'aab.twb'));
    assert.ok(matchesGlob('*.twbx', '.hidden.twbx'), 'dot-files match, as before');
  });

  it('reads {a,b} and [abc] as users expect (VS Code and most tools do)', () => {
    assert.ok(matchesGlob('{sales,finance}/*.twbx', 'sales/Q1.twbx'));
    assert.ok(matchesGlob('{sales,finance}/*.twbx', 'finance/Q1.twbx'));
    assert.ok(!matchesGlob('{sales,finance}/*.twbx', 'hr/Q1.twbx'));
    assert.ok(matchesGlob('Q[123].hyper', 'Q2.hyper'));
    assert.ok(!matchesGlob('Q[123].hyper', 'Q4.hyper'));
    assert.ok(isGlob('{a,b}.twbx') && isGlob('[ab].twbx') && !isGlob('reports/Sales.twbx'));
    const m = parseManifest(JSON.stringify({ version: 1, targets: [{ ...target, file: 'reports/{Sales,Costs}.twbx' }] }));
    assert.equal(findTargets(m, 'reports/Costs.twbx').length, 1);
    assert.equal(findTargets(m, 'reports/Other.twbx').length, 0);
  });

  it('keeps a leading ! and +(...) groups literal, as before', () => {
    assert.ok(!matchesGlob('!*.twbx', 'a.twbx'), 'no negation: a pattern never selects "everything else"');
    assert.ok(matchesGlob('!*.twbx', '!a.twbx'));
    assert.ok(matchesGlob('Sales*(1).twbx', 'Sales copy(1).twbx'));
    assert.ok(!matchesGlob('Sales*(1).twbx', 'Sales11.twbx'));
    assert.ok(!isGlob('Report (1).twbx') && !isGlob('a|b.twbx'));
  });

  it('refuses a brace that would expand to ".." (the manifest stays inside the workspace)', () => {
    for (const file of ['{..,x}/a.twbx', 'reports/{x,..}/a.twbx']) {
      assert.throws(() => parseManifest(JSON.stringify({ version: 1, targets: [{ ...target, file }] })), rejectsAt(/"\.\.": not allowed/), file);
    }
  });

  it('names the JSON path of what is wrong', () => {
    assert.throws(() => parseManifest('{'), rejectsAt(/\$ is not valid JSON/));
    assert.throws(() => parseManifest('{"version":3,"targets":[]}'), rejectsAt(/\$\.version/));
    assert.throws(() => parseManifest(JSON.stringify({ version: 1, targets: [target, { ...target, mode: 'sideways' }] })), rejectsAt(/\$\.targets\[1\]\.mode/));
    assert.throws(() => parseManifest(JSON.stringify({ version: 1, targets: [{ ...target, project: undefined }] })), rejectsAt(/\$\.targets\[0\]\.project is missing/));
    assert.throws(() => parseManifest(JSON.stringify({ version: 1, targets: [{ ...target, options: { showTabs: 'yes' } }] })), rejectsAt(/\$\.targets\[0\]\.options\.showTabs/));
    assert.throws(() => parseManifest(JSON.stringify({ version: 1, targets: [{ ...target, colour: 'red' }] })), rejectsAt(/\$\.targets\[0\]\.colour is not a known/));
  });

  it('refuses anything that looks like a secret, on load and on save', async () => {
    for (const key of ['password', 'patSecret', 'token', 'credentials']) {
      assert.throws(() => parseManifest(JSON.stringify({ version: 1, targets: [{ ...target, [key]: 'x' }] })), rejectsAt(/looks like a secret/), key);
    }
    const bad = { version: 1, targets: [{ ...target, options: { ...target.options, password: 'p' } }] } as never;
    await assert.rejects(saveManifest(path.join(tmp.dir, 'x.json'), bad), rejectsAt(/\$\.targets\[0\]\.options\.password/));
    assert.ok(!fs.existsSync(path.join(tmp.dir, 'x.json')));
  });
});

describe('publish manifest: paths stay in the workspace', () => {
  const tmp = tempDir('tp-mfpath-');
  after(() => tmp.cleanup());
  const ws = path.join(tmp.dir, 'ws');
  const outside = path.join(tmp.dir, 'outside');
  const manifestOf = (file: string): string => JSON.stringify({ version: 1, targets: [{ ...target, file }] });
  const isInvalidFile = (e: unknown): boolean => TableauError.is(e, 'invalidFile');

  it('refuses ".." and absolute paths in a target, naming the entry', () => {
    for (const file of ['../../../root/Documents/Board-Q3.twbx', 'reports/../../x.twbx', '..', '/etc/Board.twbx', 'C:\\Users\\x.twbx', 'c:/x.twbx', '..\\x.twbx', '\\\\server\\share\\x.twbx']) {
      assert.throws(() => parseManifest(manifestOf(file)), rejectsAt(/\$\.targets\[0\]\.file (must be a path relative|must stay inside)/), file);
    }
    for (const file of ['reports/Sales.twbx', '**/*.hyper', 'a..b/x..y.twbx', './x.twbx']) assert.equal(parseManifest(manifestOf(file)).targets[0].file, file);
  });

  it('never matches a file outside the workspace, even with "**"', () => {
    const m = parseManifest(manifestOf('**/*.twbx'));
    assert.equal(findTargets(m, 'x/a.twbx').length, 1);
    assert.equal(findTargets(m, '../other/a.twbx').length, 0);
    assert.equal(findTargets(m, path.resolve('/abs/a.twbx')).length, 0);
  });

  it('says where JSON is broken without quoting the text', () => {
    const text = 'PATH=/usr/bin:/sbin\u0000SNTLENVVALUE=hunter2hunter2\u0000';
    assert.throws(() => parseManifest(text), (e) => rejectsAt(/not valid JSON/)(e) && !/PATH|usr|hunter2|SNTL/.test((e as Error).message));
    assert.throws(() => parseManifest('{\n  "version": 1,\n  x'), (e) => rejectsAt(/not valid JSON \(line 3, column 3\)/)(e));
  });

  it('refuses a manifest (or .vscode folder) that is a symlink out of the workspace, and reads one that stays inside', async () => {
    const secretFile = tmp.file('outside/environ', 'PATH=/usr/bin\u0000SNTLENV=hunter2hunter2\u0000');
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    const mf = path.join(ws, '.vscode', 'tableau-publish.json');
    fs.symlinkSync(secretFile, mf);
    await assert.rejects(loadManifest(mf, { workspaceRoot: ws }), (e) => isInvalidFile(e) && /outside the workspace/.test((e as Error).message) && !/hunter2|PATH=/.test((e as Error).message));
    fs.unlinkSync(mf);
    // The folder itself linked elsewhere.
    fs.rmSync(path.join(ws, '.vscode'), { recursive: true });
    fs.mkdirSync(path.join(outside, 'dotvscode'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'dotvscode', 'tableau-publish.json'), manifestOf('a.twbx'));
    fs.symlinkSync(path.join(outside, 'dotvscode'), path.join(ws, '.vscode'));
    await assert.rejects(loadManifest(mf, { workspaceRoot: ws }), isInvalidFile);
    fs.unlinkSync(path.join(ws, '.vscode'));
    // A link that stays inside is fine; a missing manifest is still "none".
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, 'shared.json'), manifestOf('a.twbx'));
    fs.symlinkSync(path.join(ws, 'shared.json'), mf);
    assert.equal((await loadManifest(mf, { workspaceRoot: ws }))?.targets[0].file, 'a.twbx');
    assert.equal(await loadManifest(path.join(ws, 'none.json'), { workspaceRoot: ws }), undefined);
  });

  it('refuses a target file whose real path leaves the workspace', async () => {
    const real = tmp.file('outside/Board-Q3.twbx', 'x');
    fs.mkdirSync(path.join(ws, 'reports'), { recursive: true });
    const link = path.join(ws, 'reports', 'Board.twbx');
    fs.symlinkSync(real, link);
    await assert.rejects(assertInsideWorkspace(ws, link), (e) => isInvalidFile(e) && (e as Error).message.includes(real));
    await assert.rejects(assertInsideWorkspace(ws, path.join(ws, '..', 'outside', 'Board-Q3.twbx')), isInvalidFile);
    const inner = tmp.file('ws/reports/Real.twbx', 'x');
    fs.symlinkSync(inner, path.join(ws, 'reports', 'Alias.twbx'));
    await assertInsideWorkspace(ws, path.join(ws, 'reports', 'Alias.twbx'));
    await assertInsideWorkspace(ws, path.join(ws, 'reports', 'Missing.twbx'));
  });
});

describe('project paths', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('splits paths, keeping "//" as a slash in a name', () => {
    assert.deepEqual(splitProjectPath(' Finance / Monthly '), ['Finance', 'Monthly']);
    assert.deepEqual(splitProjectPath('Budget 2024//25 / Q1'), ['Budget 2024/25', 'Q1']);
    assert.throws(() => splitProjectPath('A / / B'), (e) => TableauError.is(e, 'invalidArgument'));
  });

  it('resolves a nested project, case-insensitively when unambiguous', async () => {
    const p = await resolveProjectPath(h.conn.client, 'Finance / Monthly');
    assert.equal(p.name, 'Monthly');
    assert.equal((await resolveProjectPath(h.conn.client, 'finance / monthly')).id, p.id);
    await assert.rejects(resolveProjectPath(h.conn.client, 'Finance / Weekly'), (e) => TableauError.is(e, 'notFound') && /Finance \/ Weekly/.test((e as Error).message));
  });

  it('creates missing levels when asked', async () => {
    const p = await resolveProjectPath(h.conn.client, 'Finance / Weekly / W1', { create: true });
    const state = h.sim.state().projects;
    const weekly = state.find((x) => x.name === 'Weekly');
    assert.ok(weekly);
    assert.equal(state.find((x) => x.id === p.id)?.parentProjectId, weekly.id);
    assert.equal(weekly.parentProjectId, state.find((x) => x.name === 'Finance')?.id);
  });
});
