import { createHash } from 'node:crypto';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonLines, runCli as run, type Run } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { CLI } from '../../support/cliRunner';
import { DB_PASSWORD, DEV_PG, ENV_PAT, envManifest, envSimConfig, ORDERS_PROXY, PROD_PAT } from '../../support/envFixture';
import { twbxBytes } from '../../fixtures/samples';
import { startSimulator, type RunningSimulator } from '../../simulator/index';

describe('CLI environments: plan, publish --env, promote (against the simulator)', function () {
  this.timeout(60_000);
  let sim: RunningSimulator;
  let tmp: ReturnType<typeof tempDir>;
  let n = 0;
  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run "npm run build" first`);
    sim = await startSimulator({ config: { ...envSimConfig(), groups: [{ name: 'Finance', site: 'prod' }] } });
    tmp = tempDir('tp-env-');
  });
  after(async () => {
    await sim.close();
    tmp.cleanup();
  });

  const baseEnv = (): Record<string, string> => ({ TABLEAU_PAT_NAME: ENV_PAT.name, TABLEAU_PAT_SECRET: ENV_PAT.secret, PROD_DB_PASSWORD: DB_PASSWORD });
  /** A fresh workspace with the manifest and a workbook on the dev database. */
  const workspace = (manifest: Record<string, unknown>, files: Record<string, Buffer> = { 'Pipeline.twbx': twbxBytes([DEV_PG]) }): string => {
    const dir = path.join(tmp.dir, `ws${n++}`);
    fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.vscode', 'tableau-publish.json'), JSON.stringify(manifest));
    for (const [f, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), b);
    return dir;
  };
  const siteItems = (site: string, name: string) => {
    const s = sim.state();
    const siteId = s.sites.find((x) => x.contentUrl === site)!.id;
    return [...s.workbooks, ...s.datasources].filter((i) => i.name === name && s.projects.find((p) => p.id === i.projectId)?.siteId === siteId);
  };
  const noSecrets = (r: Run): void => {
    for (const s of [ENV_PAT.secret, DB_PASSWORD]) assert.ok(!(r.stdout + r.stderr).includes(s), 'no secret in the output');
  };

  it('plan --env prod: the target under the project root, the host change, the embedded login (not its password); exit 0', async () => {
    const cwd = workspace(envManifest(sim.url, sim.url));
    const r = await run(['plan', '--env', 'prod'], { env: baseEnv(), cwd });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /\[prod\] .* site "prod" \/ Production \/ Sales \/ Pipeline/);
    assert.match(r.stdout, /mode overwrite: create \(new\)/);
    assert.match(r.stdout, /connection 1 \(postgres\): server=db\.dev\.example dbname=sales_dev -> server=db\.prod\.example dbname=sales via file/);
    assert.match(r.stdout, /credentials for db\.prod\.example: tableau_prod, password from environment variable PROD_DB_PASSWORD/);
    assert.match(r.stdout, /tags: sales/);
    assert.match(r.stdout, /1 item\(s\) can go/);
    noSecrets(r);
    assert.equal(siteItems('prod', 'Pipeline').length, 0, 'plan publishes nothing');

    const j = await run(['plan', '--env', 'prod', '--json'], { env: baseEnv(), cwd });
    assert.equal(j.code, 0);
    const [item, summary] = jsonLines(j.stdout);
    assert.equal(item.event, 'plan');
    assert.deepEqual(item.target, { server: sim.url, site: 'prod', project: 'Production / Sales', name: 'Pipeline' });
    assert.equal(item.exists, false);
    assert.deepEqual((item.connections as { to: unknown }[])[0].to, { server: 'db.prod.example', dbname: 'sales' });
    assert.deepEqual(summary, { event: 'planSummary', ok: true, items: 1, refused: 0 });
    noSecrets(j);
  });

  it('plan exits 2 and publish --env publishes nothing when something cannot go: missing variable, unknown environment, unmatched rule, missing project', async () => {
    const cwd = workspace(envManifest(sim.url, sim.url));
    const { PROD_DB_PASSWORD: _, ...withoutPassword } = baseEnv();
    const missing = await run(['plan', '--env', 'prod', '--json'], { env: withoutPassword, cwd });
    assert.equal(missing.code, 2);
    const [item] = jsonLines(missing.stdout);
    assert.deepEqual((item.problems as { code: string }[]).map((p) => p.code), ['missingSecret']);
    assert.match(JSON.stringify(item.problems), /PROD_DB_PASSWORD is not set/);
    const pub = await run(['publish', '--env', 'prod'], { env: withoutPassword, cwd });
    assert.equal(pub.code, 2);
    assert.match(pub.stdout, /FAILS \(missingSecret\)/);
    assert.equal(siteItems('prod', 'Pipeline').length, 0, 'nothing published');

    const unknown = await run(['plan', '--env', 'staging'], { env: baseEnv(), cwd });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown environment "staging": the manifest has dev, prod/);

    // A workbook whose connections the prod rule does not match, and a project root that is not there.
    const other = workspace(
      envManifest(sim.url, sim.url, { target: { project: 'Nowhere' } }),
      { 'Pipeline.twbx': twbxBytes([{ ...DEV_PG, server: 'db.other.example' }]) },
    );
    const r = await run(['publish', '--env', 'prod', '--json'], { env: baseEnv(), cwd: other });
    assert.equal(r.code, 2);
    const codes = (jsonLines(r.stdout)[0].problems as { code: string }[]).map((p) => p.code);
    assert.deepEqual(codes, ['ruleMatchesNothing', 'projectMissing']);
    assert.equal(siteItems('prod', 'Pipeline').length, 0);
  });

  it('publish --env prod runs what the plan shows: to the prod site, under the root, tagged; then the plan says overwrite', async () => {
    const cwd = workspace(envManifest(sim.url, sim.url));
    const r = await run(['publish', '--env', 'prod', '--json'], { env: baseEnv(), cwd });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = jsonLines(r.stdout);
    const published = lines.find((l) => l.event === 'published')!;
    assert.equal(published.environment, 'prod');
    assert.equal(published.site, 'prod');
    assert.equal(published.project, 'Production / Sales');
    const [wb] = siteItems('prod', 'Pipeline');
    assert.ok(wb, 'published on the prod site');
    assert.deepEqual(siteItems('dev', 'Pipeline'), [], 'not on dev');
    assert.ok(sim.state().workbooks.find((w) => w.id === wb.id)!.tags.includes('sales'));
    // What the server stored: the file's connection rewritten before upload, the login embedded (password only as its hash).
    const pg = sim.state().workbooks.find((w) => w.id === wb.id)!.connections?.find((c) => c.type === 'postgres');
    assert.equal(pg?.serverAddress, 'db.prod.example');
    assert.equal(pg?.dbname, 'sales');
    assert.equal(pg?.userName, 'tableau_prod');
    assert.equal(pg?.embedPassword, true);
    assert.equal(pg?.passwordSha256, createHash('sha256').update(DB_PASSWORD).digest('hex'));
    assert.deepEqual((published.connectionChanges as { route: string }[] | undefined)?.map((c) => c.route), ['file']);
    noSecrets(r);
    const again = await run(['plan', '--env', 'prod'], { env: baseEnv(), cwd });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /overwrite the existing item \(exists\)/);
  });

  it('plan refuses a "rest" route for a field outside Update Connection, and a published data source missing on the target site', async () => {
    const manifest = envManifest(sim.url, sim.url, {
      target: {
        environments: {
          prod: {
            dataConnections: [
              { match: { server: 'db.dev.example' }, set: { server: 'db.prod.example', dbname: 'sales' }, via: 'rest' },
              { match: { publishedDataSource: 'Orders' }, set: { publishedDataSource: 'Orders (Prod)' } },
            ],
          },
        },
      },
    });
    const cwd = workspace(manifest, { 'Pipeline.twbx': twbxBytes([DEV_PG, ORDERS_PROXY]) });
    const r = await run(['plan', '--env', 'prod', '--json'], { env: baseEnv(), cwd });
    assert.equal(r.code, 2, r.stderr);
    const problems = jsonLines(r.stdout)[0].problems as { code: string; message: string }[];
    assert.deepEqual(problems.map((p) => p.code), ['restFieldNotChangeable', 'publishedDataSourceMissing']);
    assert.match(problems[0].message, /dbname/);
    assert.match(problems[1].message, /"Orders \(Prod\)" does not exist on site "prod"/);
  });

  it('plan --env lists the permission changes and the after-publish steps (text and --json); an unknown grantee or a refresh of a file without extract cannot go (exit 2)', async () => {
    const rules = { permissions: [{ group: 'Finance', template: 'Viewer' }], checkViews: true };
    const cwd = workspace(envManifest(sim.url, sim.url, { target: { options: { tags: ['sales'], ...rules } } }));
    const r = await run(['plan', '--env', 'prod'], { env: baseEnv(), cwd });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /\n  permissions: add group "Finance": Read Allow\n  permissions: add group "Finance": Filter Allow\n/);
    assert.match(r.stdout, /after publish: render every view \(check views\)/);
    const j = await run(['plan', '--env', 'prod', '--json'], { env: baseEnv(), cwd });
    const [item] = jsonLines(j.stdout);
    const perms = (item.settings as { permissions: unknown[] }).permissions;
    assert.equal(perms.length, 6, 'the Viewer template for workbooks: six capabilities');
    const finance = sim.state().groups.find((g) => g.name === 'Finance')!.id;
    assert.deepEqual(perms[0], { on: 'item', action: 'add', grantee: { type: 'group', id: finance, name: 'Finance' }, capability: 'Read', mode: 'Allow' });
    assert.deepEqual(item.afterPublish, ['checkViews']);

    const before = sim.state().workbooks.length;
    const bad = workspace(envManifest(sim.url, sim.url, { target: { options: { owner: 'someone', permissions: [{ group: 'Ghosts', template: 'Viewer' }], refresh: true } } }));
    const refused = await run(['plan', '--env', 'prod', '--json'], { env: baseEnv(), cwd: bad });
    assert.equal(refused.code, 2, refused.stderr + refused.stdout);
    const problems = jsonLines(refused.stdout)[0].problems as { code: string; message: string }[];
    assert.deepEqual(problems.map((p) => p.code), ['unknownGrantee', 'nothingToRefresh']);
    assert.match(problems[0].message, /no user named "someone"/);
    assert.match(problems[1].message, /"Pipeline\.twbx" has no extract/);
    const pub = await run(['publish', '--env', 'prod'], { env: baseEnv(), cwd: bad });
    assert.equal(pub.code, 2);
    assert.match(pub.stdout, /FAILS \(unknownGrantee\)/);
    assert.equal(sim.state().workbooks.length, before, 'nothing published');
  });

  it('promote --from dev --to prod "Sales / Pipeline": downloaded from dev, planned with prod\'s rules, published to prod under the root, tagged promoted-from-dev', async () => {
    const cwd = workspace(envManifest(sim.url, sim.url));
    const dev = await run(['publish', '--env', 'dev'], { env: baseEnv(), cwd });
    assert.equal(dev.code, 0, dev.stderr + dev.stdout);
    const [source] = siteItems('dev', 'Pipeline');
    const before = sim.state().counters.signIns[ENV_PAT.name] ?? 0;
    const r = await run(['promote', '--from', 'dev', '--to', 'prod', 'Sales / Pipeline', '--json'], { env: baseEnv(), cwd });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = jsonLines(r.stdout);
    const plan = lines.find((l) => l.event === 'plan')!;
    assert.deepEqual(plan.target, { server: sim.url, site: 'prod', project: 'Production / Sales', name: 'Pipeline' });
    assert.equal((plan.connections as unknown[]).length, 1, 'the manifest target\'s prod rule applies to the downloaded copy');
    const published = lines.find((l) => l.event === 'published')!;
    assert.equal(published.promotedFrom, 'dev');
    assert.equal(published.sourceId, source.id);
    const target = sim.state().workbooks.find((w) => w.id === published.id)!;
    assert.ok(target.tags.includes('promoted-from-dev'));
    assert.equal((sim.state().counters.signIns[ENV_PAT.name] ?? 0) - before, 2, 'one sign-in per environment (dev site, prod site)');
    noSecrets(r);
  });

  it('promote refuses a copy that would still point at the source environment\'s host, and publishes nothing', async () => {
    const manifest = envManifest(sim.url, sim.url, {
      targets: [],
    });
    // dev's own rule sends connections to db.dev.example; prod has no rule for it.
    (manifest.environments as Record<string, Record<string, unknown>>).dev.dataConnections = [{ match: { class: 'postgres' }, set: { server: 'db.dev.example' } }];
    const cwd = workspace(manifest);
    const seed = workspace(envManifest(sim.url, sim.url, { target: { name: 'Leaky' } }));
    assert.equal((await run(['publish', '--env', 'dev'], { env: baseEnv(), cwd: seed })).code, 0);
    const r = await run(['promote', '--from', 'dev', '--to', 'prod', 'Sales / Leaky', '--json'], { env: baseEnv(), cwd });
    assert.equal(r.code, 2, r.stderr + r.stdout);
    const plan = jsonLines(r.stdout).find((l) => l.event === 'plan')!;
    assert.deepEqual((plan.problems as { code: string }[]).map((p) => p.code), ['sourceHostRemains']);
    assert.match(JSON.stringify(plan.problems), /still point at db\.dev\.example/);
    assert.equal(siteItems('prod', 'Leaky').length, 0);
  });

  it('promote --project and --all in one run each; between two simulators (another server, its own credential variables)', async () => {
    const other = await startSimulator({ config: envSimConfig({ sites: ['prod'], pat: PROD_PAT, projects: [{ site: 'prod', path: 'Production/Sales' }] }) });
    try {
      const manifest = envManifest(sim.url, other.url, { prodPrefix: 'TABLEAU_PROD_' });
      const cwd = workspace(manifest, { 'Pipeline.twbx': twbxBytes([DEV_PG]) });
      assert.equal((await run(['publish', '--env', 'dev'], { env: baseEnv(), cwd })).code, 0);
      const env = { ...baseEnv(), TABLEAU_PROD_PAT_NAME: PROD_PAT.name, TABLEAU_PROD_PAT_SECRET: PROD_PAT.secret };
      const all = await run(['promote', '--from', 'dev', '--to', 'prod', '--all', '--json'], { env, cwd });
      assert.equal(all.code, 0, all.stderr + all.stdout);
      assert.ok(other.state().workbooks.some((w) => w.name === 'Pipeline' && w.tags.includes('promoted-from-dev')), 'on the other server');
      assert.equal(other.state().counters.signIns[PROD_PAT.name], 1);
      const byProject = await run(['promote', '--from', 'dev', '--to', 'prod', '--project', 'Sales', '--json'], { env, cwd });
      assert.equal(byProject.code, 0, byProject.stderr + byProject.stdout);
      const promoted = jsonLines(byProject.stdout).filter((l) => l.event === 'published');
      assert.ok(promoted.length >= 1 && promoted.every((l) => l.site === 'prod'));
      for (const r of [all, byProject]) assert.ok(!(r.stdout + r.stderr).includes(PROD_PAT.secret));
    } finally {
      await other.close();
    }
  });
});
