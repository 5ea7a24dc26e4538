// Publish… with an active environment (real extension host): no connection is asked; the project
// is picked on the environment's site and remembered relative to its project root; the
// environment's data connection rule rewrites the file; More settings… adds the owner and a
// permission rule; "prod" shows the plan before overwriting; the remembered target names the
// environment and goes there again with Publish Again. With no environment active, Publish…
// asks for the connection as before.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PublishOutcome } from '../../src/vscode/publish/publishRunner';
import { workbookXml } from '../fixtures/samples';
import { type ContentFixture, contentFixture, workspaceScratch } from './contentHarness';
import { Queue } from './scriptedUi';

describe('Publish… through the active environment (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  let scratch: ReturnType<typeof workspaceScratch> | undefined;
  let file = '';
  let rel = '';
  const LABEL = 'Env Publish Suite';
  const NAME = `Env Publish ${process.pid}`;

  before(async () => {
    fx = await contentFixture(LABEL);
    scratch = workspaceScratch('env-publish-suite');
    file = path.join(scratch.dir, 'Ledger.twb');
    rel = path.relative(scratch.folder, file).split(path.sep).join('/');
    fs.writeFileSync(file, workbookXml([{ class: 'postgres', server: 'db.dev.example', port: '5432', dbname: 'ledger', username: 'dev' }]));
    fs.mkdirSync(path.dirname(scratch.manifestPath), { recursive: true });
    fs.writeFileSync(scratch.manifestPath, JSON.stringify({
      version: 2,
      environments: {
        dev: { connection: LABEL, site: 'sales' },
        prod: { connection: LABEL, site: 'finance', projectRoot: 'Finance', dataConnections: [{ match: { server: 'db.dev.example' }, set: { server: 'db.prod.example' } }] },
      },
      targets: [],
    }, null, 2));
  });

  after(async () => {
    await fx?.api.services.environments.setActive(undefined);
    scratch?.restore();
    await fx?.close();
  });

  const onSite = (site: string) => {
    const s = fx.sim.state();
    const siteId = s.sites.find((x) => x.contentUrl === site)!.id;
    return s.workbooks.filter((w) => w.name === NAME && s.projects.find((p) => p.id === w.projectId)?.siteId === siteId);
  };
  const publish = () => vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publish', vscode.Uri.file(file));

  it('publishes to the environment\'s site and project root with its data connection rule and More settings…, and remembers the environment', async () => {
    await fx.api.services.environments.setActive('prod');
    fx.ui.asked.length = 0;
    fx.ui.picks.set('publish.project', 'Finance/Quarterly');
    fx.ui.inputs.set('publish.name', NAME);
    fx.ui.picks.set('publish.mode', 'createnew');
    fx.ui.picks.set('publish.options', ['moreSettings']);
    fx.ui.picks.set('publish.owner', 'user:bob');
    fx.ui.picks.set('publish.thumbnails', 'keep');
    fx.ui.picks.set('publish.permissionGrantee', new Queue<string | undefined>('group:All Users', 'none'));
    fx.ui.picks.set('publish.permissionTemplate', 'Viewer');
    fx.ui.notifyAnswer = (_m, actions) => actions.find((a) => /Remember/.test(a));
    const outcomes = await publish();
    fx.ui.notifyAnswer = () => undefined;
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(outcomes?.[0]?.ok, 'published');
    assert.ok(!fx.ui.askedIds().includes('publish.connection'), 'the environment names the connection');
    const offered = fx.ui.offered.get('publish.project') ?? [];
    assert.ok(offered.includes('Finance/Quarterly') && offered.every((id) => id === 'create' || id?.startsWith('Finance/')), `only projects inside the root: ${offered.join(', ')}`);

    const [wb] = onSite('finance');
    assert.ok(wb, 'on the prod environment\'s site');
    assert.equal(onSite('sales').length, 0);
    const st = fx.sim.state();
    assert.equal(st.projects.find((p) => p.id === wb.projectId)?.name, 'Quarterly');
    assert.deepEqual(wb.connections?.map((c) => c.serverAddress), ['db.prod.example'], 'the environment\'s rule rewrote the connection');
    assert.equal(wb.ownerId, st.users.find((u) => u.name === 'bob')!.id, 'More settings…: the owner');
    const allUsers = st.groups.find((g) => g.siteId === wb.siteId && g.name === 'All Users')!;
    assert.equal(st.permissions.find((p) => p.on === wb.id && p.grantee === `group:${allUsers.id}`)?.capabilities.Read, 'Allow', 'More settings…: the Viewer rule');

    const manifest = JSON.parse(fs.readFileSync(scratch!.manifestPath, 'utf8'));
    const remembered = manifest.targets.find((t: { file: string }) => t.file === rel);
    assert.ok(remembered, `remembered: ${JSON.stringify(manifest.targets)}`);
    assert.equal(remembered.connection, undefined, 'through the environment, not a connection of its own');
    assert.equal(remembered.environment, 'prod');
    assert.equal(remembered.project, 'Quarterly', 'relative to the project root');
    assert.equal(remembered.name, NAME);
    assert.equal(remembered.options.owner, 'bob');
    assert.deepEqual(remembered.options.permissions, [{ group: 'All Users', template: 'Viewer' }]);
  });

  it('asks with the plan before overwriting in prod, and Publish Again goes to the remembered environment when none is active', async () => {
    fx.ui.confirms.length = 0;
    fx.ui.picks.set('publish.mode', 'overwrite');
    fx.ui.picks.set('publish.options', []);
    const again = await publish();
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(again?.[0]?.ok);
    const plan = fx.ui.confirms.find((c) => c.id === 'publish.environmentPlan');
    assert.ok(plan?.detail && /db\.prod\.example/.test(plan.detail), 'the plan, with the rule, in the modal');
    assert.deepEqual(fx.ui.confirms.filter((c) => c.id === 'publish.replace' || c.id === 'publish.overwriteImpact'), [], 'one confirmation: the plan, not a replace question before it');
    assert.equal(onSite('finance').length, 1, 'overwritten, not duplicated');

    await fx.api.services.environments.setActive(undefined);
    fx.ui.confirms.length = 0;
    const remembered = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(file));
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(remembered?.[0]?.ok);
    assert.equal(remembered[0].plan.target.siteContentUrl, 'finance', 'the environment it was remembered with');
    assert.ok(fx.ui.confirms.some((c) => c.id === 'publish.environmentPlan'), 'prod still asks first');
  });

  it('asks for the connection as before when no environment is active', async () => {
    await fx.api.services.environments.setActive(undefined);
    fx.ui.asked.length = 0;
    fx.ui.picks.set('publish.connection', undefined);
    const outcomes = await publish();
    assert.equal(outcomes, undefined, 'stopped at the connection pick');
    assert.deepEqual(fx.ui.askedIds(), ['publish.connection']);
  });
});
