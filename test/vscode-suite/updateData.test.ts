// Update Published Data… in the real extension host: from the palette (the .hyper and the data
// source picked) with an actions file, and from a .hyper as the Explorer passes it with an insert;
// the simulator records each update once, in Tableau's documented shape; bad actions are refused
// before anything is sent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hyperBytes } from '../fixtures/samples';
import { type ContentFixture, contentFixture } from './contentHarness';

interface UpdateResult { requestId: string; jobId: string; datasource: { id: string; name: string } }

describe('Update Published Data (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  let folder: string;
  let dir: string;
  const LABEL = 'Update Suite';
  const rel = (file: string): string => path.relative(folder, file).split(path.sep).join('/');

  before(async () => {
    fx = await contentFixture(LABEL);
    fx.ui.picks.set('connection.forItem', LABEL);
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    dir = path.join(folder, `update-suite-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
  });

  after(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await fx?.close();
  });

  it('applies an actions file to a data source found by name, once', async () => {
    const hyper = path.join(dir, 'bookings-delta.hyper');
    fs.writeFileSync(hyper, hyperBytes(20_000, 3));
    const actions = [{ action: 'delete', 'target-table': 'Extract', 'target-schema': 'Extract', condition: { op: 'lt', 'target-col': 'Date', const: { type: 'date', v: '2024-01-01' } } }];
    const actionsFile = path.join(dir, 'rolling-window.json');
    fs.writeFileSync(actionsFile, JSON.stringify({ actions }));
    fx.ui.picks.set('update.file', rel(hyper));
    fx.ui.inputs.set('content.search', 'Bookings Extract');
    fx.ui.picks.set('content.item', 'Bookings Extract');
    fx.ui.picks.set('update.actions', 'file');
    fx.ui.picks.set('update.actionsFile', rel(actionsFile));
    const r = await vscode.commands.executeCommand<UpdateResult | undefined>('tableau.updatePublishedData');
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(r, 'the command returns the update');
    const applied = (fx.sim.state().dataUpdates ?? []).filter((u) => u.requestId === r.requestId);
    assert.equal(applied.length, 1);
    assert.deepEqual(applied[0].actions, actions);
    assert.equal(applied[0].payloadBytes, 20_000);
  });

  it('inserts from a .hyper given as the Explorer would, and refuses a bad actions file without sending anything', async () => {
    const hyper = path.join(dir, 'more.hyper');
    fs.writeFileSync(hyper, hyperBytes(8_000, 4));
    fx.ui.inputs.set('content.search', 'Bookings Extract');
    fx.ui.picks.set('content.item', 'Bookings Extract');
    fx.ui.picks.set('update.actions', 'insert');
    fx.ui.inputs.set('update.table', 'Extract.Extract');
    const r = await vscode.commands.executeCommand<UpdateResult | undefined>('tableau.updatePublishedData', vscode.Uri.file(hyper));
    assert.ok(r);
    assert.equal((fx.sim.state().dataUpdates ?? []).filter((u) => u.requestId === r.requestId)[0].actions.length, 1);

    const bad = path.join(dir, 'bad-actions.json');
    fs.writeFileSync(bad, JSON.stringify({ actions: [{ action: 'merge', 'target-table': 'Extract' }] }));
    const before = (fx.sim.state().dataUpdates ?? []).length;
    const uploads = fx.sim.state().uploads.length;
    fx.ui.picks.set('update.actions', 'file');
    fx.ui.picks.set('update.actionsFile', rel(bad));
    const refused = await vscode.commands.executeCommand<UpdateResult | undefined>('tableau.updatePublishedData', vscode.Uri.file(hyper));
    assert.equal(refused, undefined);
    const errors = fx.ui.errors();
    assert.ok(errors.some((e) => /Update Published Data failed:.*actions\.0\.action must be one of/.test(e)), errors.join('\n'));
    assert.equal((fx.sim.state().dataUpdates ?? []).length, before);
    assert.equal(fx.sim.state().uploads.length, uploads, 'nothing uploaded');
  });
});
