import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../../../src/core/errors';
import { findTargets, globToRegExp, loadManifest, parseManifest, saveManifest, upsertTarget, type ManifestTarget } from '../../../src/core/publish/manifest';
import { resolveProjectPath, splitProjectPath } from '../../../src/core/publish/projectPath';
import { tempDir } from '../../fixtures/samples';
import { startHarness, type Harness } from '../../fixtures/publishHarness';

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
    assert.deepEqual(back, m);
    assert.equal(back!.targets.length, 2);
    assert.equal(findTargets(back!, 'reports/Sales.twbx')[0].mode, 'createnew');
    assert.equal(findTargets(back!, 'extracts/2024/q1/orders.hyper')[0].project, 'Data');
    assert.equal(findTargets(back!, 'extracts/orders.hyper').length, 1);
    assert.equal(findTargets(back!, 'reports/Other.twbx').length, 0);
    assert.ok(!fs.readdirSync(path.dirname(file)).some((f) => f.endsWith('.tmp')));
  });

  it('matches *, ** and ? like a simple glob', () => {
    assert.ok(globToRegExp('*.twbx').test('a b.twbx'));
    assert.ok(!globToRegExp('*.twbx').test('dir/a.twbx'));
    assert.ok(globToRegExp('**/*.twbx').test('a.twbx'));
    assert.ok(globToRegExp('**/*.twbx').test('x/y/a.twbx'));
    assert.ok(globToRegExp('Q?.hyper').test('Q1.hyper'));
    assert.ok(!globToRegExp('Q?.hyper').test('Q10.hyper'));
    assert.ok(!globToRegExp('a+b.twb').test('aab.twb'));
  });

  it('names the JSON path of what is wrong', () => {
    assert.throws(() => parseManifest('{'), rejectsAt(/\$ is not valid JSON/));
    assert.throws(() => parseManifest('{"version":2,"targets":[]}'), rejectsAt(/\$\.version/));
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
