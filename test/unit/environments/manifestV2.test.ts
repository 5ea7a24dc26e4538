import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { needsConfirm } from '../../../src/core/environments/definitions';
import { environmentOf, environmentVariables, hostsOf, relativeToRoot, resolveTarget, underRoot } from '../../../src/core/environments/resolve';
import { TableauError } from '../../../src/core/errors';
import { loadManifest, parseManifest, saveManifest, upsertTarget } from '../../../src/core/publish/manifest';
import { tempDir } from '../../support/files';
import { envManifest } from '../../support/envFixture';

const rejects = (re: RegExp) => (e: unknown): boolean => TableauError.is(e, 'invalidArgument') && re.test(e.message);

describe('manifest version 2: environments', () => {
  const tmp = tempDir('tp-mfv2-');
  after(() => tmp.cleanup());

  it('reads environments, per-target overrides and rules; a version 1 file reads as it is and is written as version 2 on save', async () => {
    const m = parseManifest(JSON.stringify(envManifest('https://dev.example', 'https://prod.example')));
    assert.equal(m.version, 2);
    assert.deepEqual(m.environments!.prod, { connection: 'Prod', server: 'https://prod.example', site: 'prod', projectRoot: 'Production' });
    const t = m.targets[0];
    assert.equal(t.connection, undefined, 'a target published through environments has no connection of its own');
    assert.deepEqual(t.environments!.prod.dataConnections![0].credentials, { username: 'tableau_prod', password: { secret: 'prod-db', env: 'PROD_DB_PASSWORD' } });

    const v1 = { version: 1, targets: [{ file: 'a.twbx', connection: 'c', site: '', project: 'P', mode: 'overwrite' }] };
    const file = path.join(tmp.dir, '.vscode', 'tableau-publish.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(v1));
    const read = await loadManifest(file);
    assert.deepEqual(read, v1, 'version 1 read unchanged');
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).version, 1, 'reading never rewrites the file');
    await saveManifest(file, upsertTarget(read!, { file: 'b.twbx', connection: 'c', site: '', project: 'P', mode: 'overwrite' }));
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(saved.version, 2);
    assert.equal(saved.targets.length, 2);
    // Environments survive a save that adds a target.
    await saveManifest(file, upsertTarget(m, { file: 'c.twbx', connection: 'c', site: '', project: 'P', mode: 'overwrite', environment: 'dev' }));
    assert.deepEqual((await loadManifest(file))!.environments, m.environments);
  });

  it('takes a password only as a reference: {secret, env}; a literal password is refused wherever it is', () => {
    const withPassword = (password: unknown): string =>
      JSON.stringify({ version: 2, environments: { prod: { site: '', dataConnections: [{ match: { server: 'a' }, credentials: { username: 'u', password } }] } }, targets: [] });
    assert.equal(parseManifest(withPassword({ env: 'PW' })).environments!.prod.dataConnections![0].credentials!.password.env, 'PW');
    assert.throws(() => parseManifest(withPassword('hunter2')), rejects(/looks like a secret/));
    assert.throws(() => parseManifest(withPassword({ env: 'not a name' })), rejects(/password\.env must be an environment variable name/));
    assert.throws(() => parseManifest(withPassword({ value: 'hunter2' })), rejects(/looks like a secret|not a known setting/));
    // Outside a rule's credentials, "password" and "credentials" keys stay refused.
    assert.throws(() => parseManifest(JSON.stringify({ version: 2, environments: { prod: { site: '', credentials: { env: 'X' } } }, targets: [] })), rejects(/credentials looks like a secret/));
    assert.throws(() => parseManifest(JSON.stringify({ version: 2, environments: { prod: { site: '', password: { env: 'X' } } }, targets: [] })), rejects(/password looks like a secret/));
  });

  it('names what is wrong: an unknown environment in a target, a target without connection or environments', () => {
    const doc = envManifest('a', 'b') as { targets: Record<string, unknown>[] };
    doc.targets[0].environments = { staging: {} };
    assert.throws(() => parseManifest(JSON.stringify(doc)), rejects(/\$\.targets\[0\]\.environments\.staging is not one of the manifest's environments \(dev, prod\)/));
    assert.throws(() => parseManifest(JSON.stringify({ version: 2, targets: [{ file: 'a.twbx', project: 'P', mode: 'overwrite' }] })), rejects(/\$\.targets\[0\]\.connection is missing/));
    assert.throws(() => parseManifest(JSON.stringify({ version: 2, environments: { dev: { site: '' } }, targets: [{ file: 'a.twbx', connection: 'c', site: '', project: 'P', mode: 'overwrite', environment: 'qa' }] })), rejects(/environment is not one/));
  });

  it('resolves a target for an environment: project under the root, overrides win, options merged, environment rules kept apart', () => {
    const m = parseManifest(JSON.stringify({
      version: 2,
      environments: { prod: { site: 'p', projectRoot: 'Production / Team//A', options: { tags: ['env'], asJob: true }, dataConnections: [{ match: { class: 'snowflake' }, set: { warehouse: 'PROD_WH' } }] } },
      targets: [{ file: 'a.twbx', project: 'Sales', mode: 'createnew', options: { tags: ['t'] }, dataConnections: [{ match: { server: 'x' }, set: { server: 'y' } }], environments: { prod: { name: 'A (Prod)', mode: 'overwrite', options: { description: 'prod copy' } } } }],
    }));
    const r = resolveTarget(m, 'prod', m.targets[0]);
    assert.equal(r.projectPath, 'Production / Team//A / Sales');
    assert.equal(r.name, 'A (Prod)');
    assert.equal(r.mode, 'overwrite');
    assert.deepEqual(r.options, { tags: ['t'], asJob: true, description: 'prod copy' });
    assert.deepEqual(r.rules, [{ match: { server: 'x' }, set: { server: 'y' } }]);
    assert.deepEqual(r.sharedRules.map((x) => x.set), [{ warehouse: 'PROD_WH' }]);
    assert.throws(() => environmentOf(m, 'dev'), (e) => TableauError.is(e, 'invalidArgument') && /Unknown environment "dev": the manifest has prod/.test(e.message));
    assert.equal(underRoot(undefined, 'A'), 'A');
    assert.equal(relativeToRoot('Production', 'production / Sales / Q1'), 'Sales / Q1');
    assert.equal(relativeToRoot('Production', 'Sales'), undefined);
    assert.deepEqual(hostsOf([{ match: { class: 'x' }, set: { server: 'DB.dev' } }, { match: { class: 'y' }, set: { dbname: 'z' } }]), ['db.dev']);
  });

  it('reads an environment\'s CLI credentials from its prefix, and asks before overwriting in prod by default', () => {
    const vars = { TABLEAU_PAT_NAME: 'dev', TABLEAU_PAT_SECRET: 's1', TABLEAU_PROD_PAT_NAME: 'prod', TABLEAU_PROD_PAT_SECRET: 's2', TABLEAU_CA_FILE: '/ca.pem', HTTPS_PROXY: 'http://proxy' };
    assert.equal(environmentVariables({}, vars), vars);
    const prod = environmentVariables({ envPrefix: 'TABLEAU_PROD_' }, vars);
    assert.equal(prod.TABLEAU_PAT_NAME, 'prod');
    assert.equal(prod.TABLEAU_PAT_SECRET, 's2');
    assert.equal(prod.TABLEAU_CA_FILE, '/ca.pem');
    assert.equal(prod.HTTPS_PROXY, 'http://proxy');
    assert.ok(!Object.values(prod).includes('s1'), 'the default credentials do not leak into another environment');
    assert.equal(needsConfirm('prod', {}), true);
    assert.equal(needsConfirm('Production-EU', {}), true);
    assert.equal(needsConfirm('dev', {}), false);
    assert.equal(needsConfirm('prod', { confirm: false }), false);
    assert.equal(needsConfirm('qa', { confirm: true }), true);
  });
});
