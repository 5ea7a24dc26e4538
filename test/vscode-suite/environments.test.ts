// Environments in the real extension host: the active environment switched (as the status bar
// item does), the plan previewed in a read-only document, Publish Again to the environment's
// site with the data connection password asked once (SecretStorage), and the confirmation with
// the plan before overwriting in "prod".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanItem } from '../../src/core/environments/plan';
import { dataConnectionSecretKey } from '../../src/vscode/environments/environmentPlan';
import type { PublishOutcome } from '../../src/vscode/publish/publishRunner';
import { workbookXml } from '../fixtures/samples';
import { describeItem } from '../../src/vscode/tree/format';
import { type ContentFixture, contentFixture } from './contentHarness';

const DB_PASSWORD = 'env-suite-db-password-51c0';
const SECRET_ID = `env-suite-db-${process.pid}`;

describe('Environments (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  let folder: string;
  let dir: string;
  let file: string;
  let manifestPath: string;
  let manifestBefore: string | undefined;
  const LABEL = 'Env Suite';

  before(async () => {
    fx = await contentFixture(LABEL);
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    dir = path.join(folder, `env-suite-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    file = path.join(dir, 'Pipeline.twb');
    fs.writeFileSync(file, workbookXml([{ class: 'postgres', server: 'db.dev.example', port: '5432', dbname: 'sales_dev', username: 'dev' }]));
    manifestPath = path.join(folder, '.vscode', 'tableau-publish.json');
    manifestBefore = fs.existsSync(manifestPath) ? fs.readFileSync(manifestPath, 'utf8') : undefined;
    fs.mkdirSync(path.dirname(manifestPath), { recursive: true });
    fs.writeFileSync(manifestPath, JSON.stringify({
      version: 2,
      environments: {
        dev: { connection: LABEL, site: 'sales', createProjects: true },
        prod: { connection: LABEL, site: 'finance', projectRoot: 'Production', createProjects: true },
      },
      targets: [{
        file: path.relative(folder, file).split(path.sep).join('/'),
        project: 'Env Suite',
        mode: 'overwrite',
        environments: {
          dev: {},
          prod: { dataConnections: [{ match: { server: 'db.dev.example' }, set: { server: 'db.prod.example' }, credentials: { username: 'tableau_prod', password: { secret: SECRET_ID } } }] },
        },
      }],
    }));
  });

  after(async () => {
    await fx?.api.services.environments.setActive(undefined);
    await fx?.api.services.context.secrets.delete(dataConnectionSecretKey(SECRET_ID));
    if (manifestBefore === undefined) fs.rmSync(manifestPath, { force: true });
    else if (manifestPath) fs.writeFileSync(manifestPath, manifestBefore);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await fx?.close();
  });

  const onSite = (site: string, name: string) => {
    const s = fx.sim.state();
    const siteId = s.sites.find((x) => x.contentUrl === site)!.id;
    return s.workbooks.filter((w) => w.name === name && s.projects.find((p) => p.id === w.projectId)?.siteId === siteId);
  };

  it('switches the environment, previews the plan, publishes there asking the password once, and asks with the plan before overwriting in prod', async () => {
    fx.ui.picks.set('environment.switch', 'prod');
    assert.equal(await vscode.commands.executeCommand('tableau.switchEnvironment'), 'prod');
    assert.equal(fx.api.services.environments.active(), 'prod');

    const plan = await vscode.commands.executeCommand<PlanItem[] | undefined>('tableau.previewPublish', vscode.Uri.file(file));
    assert.deepEqual(fx.ui.errors(), []);
    assert.equal(plan?.length, 1);
    assert.deepEqual(plan![0].target, { server: fx.sim.url, site: 'finance', project: 'Production / Env Suite', name: 'Pipeline' });
    assert.deepEqual(plan![0].connections.map((c) => [c.from.server, c.to.server, c.route]), [['db.dev.example', 'db.prod.example', 'file']]);
    assert.deepEqual(plan![0].problems, []);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'tableau-plan');
    assert.ok(doc && /server=db\.dev\.example -> server=db\.prod\.example via file/.test(doc.getText()), 'the plan shows in a read-only document');

    fx.ui.inputs.set('publish.environmentSecret', DB_PASSWORD);
    const first = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(file));
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(first?.[0].ok, 'published');
    assert.equal(onSite('finance', 'Pipeline').length, 1, 'on the prod environment\'s site');
    assert.equal(onSite('sales', 'Pipeline').length, 0);
    assert.equal(await fx.api.services.context.secrets.get(dataConnectionSecretKey(SECRET_ID)), DB_PASSWORD, 'kept in SecretStorage');
    assert.equal(fx.ui.confirms.length, 0, 'a new item is created without asking');
    assert.equal(first![0].plan.request.dataConnectionPasswords?.get(0), DB_PASSWORD, 'the rule\'s password goes to the publisher');
    // The simulator's stored connection (db.prod.example) is asserted once the rewrite engine is merged.

    fx.ui.asked.length = 0;
    fx.ui.inputs.delete('publish.environmentSecret');
    fx.ui.confirmAnswer = false;
    const refused = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(file));
    assert.equal(refused, undefined, 'declined: nothing published');
    const confirm = fx.ui.confirms.find((c) => c.id === 'publish.environmentPlan');
    assert.ok(confirm?.detail && /db\.prod\.example/.test(confirm.detail) && /overwrite the existing item/.test(confirm.detail), 'the modal shows the plan');
    assert.ok(!fx.ui.asked.some((a) => a.id === 'publish.environmentSecret'), 'the password is not asked again');
    fx.ui.confirmAnswer = true;
    const again = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(file));
    assert.ok(again?.[0].ok);
    assert.equal(onSite('finance', 'Pipeline').length, 1, 'overwritten, not duplicated');
  });

  it('promotes a workbook from the tree to another environment: the plan in a modal, published there, tagged and marked', async () => {
    // The item published to dev (sales), as a tree node hands it over.
    await fx.api.services.environments.setActive('dev');
    const dev = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(file));
    assert.ok(dev?.[0].ok, 'published to dev');
    assert.equal(onSite('sales', 'Pipeline').length, 1);
    // From the palette: the same item search the tree's other item commands use when no node is given.
    fx.ui.picks.set('connection.forItem', LABEL);
    fx.ui.inputs.set('content.search', 'Pipeline');
    fx.ui.picks.set('content.item', 'Pipeline');
    fx.ui.confirms.length = 0;
    fx.ui.picks.set('environment.promoteTarget', 'prod');
    fx.ui.picks.set('promote.extract', 'include');
    fx.ui.confirmAnswer = true;
    const outcomes = await vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.promote');
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(outcomes?.[0].ok, 'promoted');
    const confirm = fx.ui.confirms.find((c) => c.id === 'promote.confirm');
    assert.ok(confirm?.detail && /\[prod\]/.test(confirm.detail) && /db\.prod\.example/.test(confirm.detail), 'the plan, with prod\'s rule applied to the downloaded copy');
    const [copy] = onSite('finance', 'Pipeline');
    assert.ok(copy.tags.includes('promoted-from-dev'));
    assert.equal(describeItem({ id: copy.id, name: copy.name, tags: copy.tags } as never).includes('promoted from dev'), true, 'the tree marks it');
  });
});
