// Prep flows and update-data connections in the real extension host: Publish… of a .tfl (name
// asked, an existing flow replaced after a confirmation), Publish Again of a manifest target whose
// file is a .tflx (published as a flow), and Update Published Data… on a data source with several
// Hyper connections (the connection asked by its own prompt, the update sent to that one).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { publish } from '../../src/core/publish/publisher';
import { createHash } from 'node:crypto';
import { flowBytes, sqlConnection } from '../fixtures/flows';
import { hyperBytes, tdsxBytes } from '../fixtures/samples';
import { type ContentFixture, contentFixture, workspaceScratch } from './contentHarness';

interface FlowOutcomeLike { ok: boolean; flow?: { id: string; name: string }; plan?: { mode: string } }
interface UpdateResult { requestId: string; connectionId?: string }

describe('Prep flows and update connections (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  let ws: ReturnType<typeof workspaceScratch>;
  const LABEL = 'Flow Suite';
  const rel = (file: string): string => path.relative(ws.folder, file).split(path.sep).join('/');
  const simFlows = (name: string) => (fx.sim.state().flows ?? []).filter((f) => f.name === name);

  before(async () => {
    fx = await contentFixture(LABEL);
    ws = workspaceScratch('flow-suite');
  });

  after(async () => {
    ws?.restore();
    await fx?.close();
  });

  it('publishes a .tfl through Publish…, and replaces it after a confirmation the second time', async () => {
    const file = path.join(ws.dir, 'clean-orders.tfl');
    fs.writeFileSync(file, flowBytes());
    fx.ui.picks.set('publish.connection', LABEL);
    fx.ui.picks.set('publish.project', 'Sales');
    fx.ui.inputs.set('flow.name', 'Suite Clean Orders');
    const first = await vscode.commands.executeCommand<FlowOutcomeLike[] | undefined>('tableau.publish', vscode.Uri.file(file));
    assert.deepEqual(fx.ui.errors(), []);
    assert.equal(first?.[0]?.ok, true, JSON.stringify(first));
    assert.equal(simFlows('Suite Clean Orders').length, 1);
    assert.equal(fx.ui.confirms.filter((c) => c.id === 'flow.replace').length, 0, 'a new flow is not a replacement');
    const second = await vscode.commands.executeCommand<FlowOutcomeLike[] | undefined>('tableau.publish', vscode.Uri.file(file));
    assert.equal(second?.[0]?.ok, true);
    assert.equal(second?.[0]?.flow?.id, first?.[0]?.flow?.id, 'overwritten in place');
    assert.equal(fx.ui.confirms.filter((c) => c.id === 'flow.replace').length, 1);
    assert.equal(simFlows('Suite Clean Orders').length, 1);
  });

  it('Publish… of a flow with a database input asks its login once (by prompt id), sends it in Publish Flow and keeps it for the next publish', async () => {
    const file = path.join(ws.dir, 'db-orders.tfl');
    fs.writeFileSync(file, flowBytes({ connections: { c1: sqlConnection('pg.suite.example', { port: '5432' }) } }));
    const password = 'flow-suite-db-secret';
    fx.ui.picks.set('publish.connection', LABEL);
    fx.ui.picks.set('publish.project', 'Sales');
    fx.ui.inputs.set('flow.name', 'Suite Db Orders');
    fx.ui.picks.set('publish.dbCredentials', 'embed');
    fx.ui.inputs.set('publish.dbUsername', 'etl_suite');
    fx.ui.inputs.set('publish.dbPassword', password);
    const asked = (): number => fx.ui.asked.filter((a) => a.id === 'publish.dbPassword').length;
    const before = asked();
    const first = await vscode.commands.executeCommand<FlowOutcomeLike[] | undefined>('tableau.publish', vscode.Uri.file(file));
    assert.deepEqual(fx.ui.errors(), []);
    assert.equal(first?.[0]?.ok, true, JSON.stringify(first));
    const [stored] = simFlows('Suite Db Orders');
    const sha = createHash('sha256').update(password).digest('hex');
    assert.deepEqual(stored.credentials, [{ serverAddress: 'pg.suite.example', serverPort: '5432', username: 'etl_suite', embed: true, passwordSha256: sha }]);
    assert.equal(asked(), before + 1, 'the password was asked once');
    const second = await vscode.commands.executeCommand<FlowOutcomeLike[] | undefined>('tableau.publish', vscode.Uri.file(file));
    assert.equal(second?.[0]?.ok, true);
    assert.equal(asked(), before + 1, 'kept in SecretStorage: not asked again');
    assert.equal(simFlows('Suite Db Orders')[0].credentials[0]?.passwordSha256, sha);
  });

  it('Publish Again publishes a manifest target whose file is a .tflx as a flow', async () => {
    const file = path.join(ws.dir, 'nightly.tflx');
    fs.writeFileSync(file, flowBytes({ packaged: true }));
    fs.mkdirSync(path.dirname(ws.manifestPath), { recursive: true });
    fs.writeFileSync(ws.manifestPath, JSON.stringify({ version: 1, targets: [{ file: rel(file), connection: LABEL, site: fx.sim.demoPat!.site, project: 'Sales', name: 'Suite Nightly', mode: 'overwrite' }] }, null, 2));
    const outcomes = await vscode.commands.executeCommand<FlowOutcomeLike[] | undefined>('tableau.publishAgain', vscode.Uri.file(file));
    assert.deepEqual(fx.ui.errors(), []);
    assert.equal(outcomes?.length, 1);
    assert.equal(outcomes?.[0].ok, true);
    const stored = simFlows('Suite Nightly');
    assert.equal(stored.length, 1);
    assert.equal(stored[0].fileType, 'tflx');
  });

  it('Update Published Data… asks which Hyper connection of a data source with several, and updates that one', async () => {
    const client = await fx.api.services.connections.getClient(fx.profile.id, { siteContentUrl: fx.sim.demoPat!.site, purpose: 'publish' });
    const projectId = (await client.allProjects()).find((p) => p.name === 'Sales' && !p.parentProjectId)!.id;
    const hyper = path.join(ws.dir, 'Two Hypers Suite.hyper');
    fs.writeFileSync(hyper, hyperBytes(4_000, 2));
    await publish(client, { filePath: hyper, projectId, mode: 'createnew' });
    const tdsx = path.join(ws.dir, 'Two Hypers Suite.tdsx');
    fs.writeFileSync(tdsx, tdsxBytes([{ class: 'hyper', dbname: 'Data/a.hyper' }, { class: 'hyper', dbname: 'Data/b.hyper' }]));
    await publish(client, { filePath: tdsx, projectId, mode: 'overwrite' });
    const ds = fx.sim.state().datasources.find((d) => d.name === 'Two Hypers Suite')!;
    const conns = ds.connections ?? [];
    assert.equal(conns.length, 2);

    const rows = path.join(ws.dir, 'rows.hyper');
    fs.writeFileSync(rows, hyperBytes(3_000, 5));
    fx.ui.picks.set('connection.forItem', LABEL);
    fx.ui.inputs.set('content.search', 'Two Hypers Suite');
    fx.ui.picks.set('content.item', 'Two Hypers Suite');
    fx.ui.picks.set('update.actions', 'insert');
    fx.ui.inputs.set('update.table', 'Extract.Extract');
    fx.ui.picks.set('update.connection', conns[1].id);
    const r = await vscode.commands.executeCommand<UpdateResult | undefined>('tableau.updatePublishedData', vscode.Uri.file(rows));
    assert.deepEqual(fx.ui.errors(), []);
    assert.deepEqual(fx.ui.offered.get('update.connection')?.slice().sort(), conns.map((c) => c.id).sort());
    assert.equal(r?.connectionId, conns[1].id);
    const applied = (fx.sim.state().dataUpdates ?? []).filter((u) => u.requestId === r?.requestId);
    assert.equal(applied.length, 1);
    assert.equal(applied[0].connectionId, conns[1].id);
  });
});
