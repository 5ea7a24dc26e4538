// Settings and permissions as code through the extension's Publish Again: the manifest target's
// hidden views, tags, owner and a permission rule reach the simulator; the outcome lists the
// changes; a second run changes nothing; an unknown grantee stops the publish before the upload.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PublishOutcome } from '../../src/vscode/publish/publishRunner';
import { twbxBytes } from '../fixtures/samples';
import { type ContentFixture, contentFixture, workspaceScratch } from './contentHarness';

describe('Publish settings and permissions from the manifest (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  let scratch: ReturnType<typeof workspaceScratch> | undefined;
  let folder = '';
  let file = '';
  let manifestPath = '';
  const LABEL = 'Settings Suite';

  before(async () => {
    fx = await contentFixture(LABEL, { groups: [{ name: 'Marketing Team', site: 'sales' }] });
    scratch = workspaceScratch('settings-suite');
    ({ folder, manifestPath } = scratch);
    file = path.join(scratch.dir, 'Campaign Board.twbx');
    fs.writeFileSync(file, twbxBytes(undefined, { sheets: ['Funnel', 'Spend', 'Scratch'] }));
  });

  after(async () => {
    scratch?.restore();
    await fx?.close();
  });

  const writeTarget = (options: Record<string, unknown>): void => {
    const rel = path.relative(folder, file).split(path.sep).join('/');
    fs.mkdirSync(path.dirname(manifestPath), { recursive: true });
    fs.writeFileSync(manifestPath, JSON.stringify({ version: 1, targets: [{ file: rel, connection: LABEL, site: 'sales', project: 'Marketing', mode: 'overwrite', options }] }, null, 2));
  };
  const publishAgain = () => vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(file));

  it('applies hidden views, tags, owner and a permission rule, then changes nothing on a second run', async () => {
    writeTarget({ hiddenViews: ['Scratch'], tags: ['campaign', 'q3'], owner: 'bob', permissions: [{ group: 'Marketing Team', template: 'Viewer', capabilities: { ExportData: 'Deny' } }] });
    const outcomes = await publishAgain();
    assert.deepEqual(fx.ui.errors(), []);
    const o = outcomes?.[0];
    assert.ok(o?.ok, 'published');
    assert.ok(o.settings?.changes.includes('owner: set to "bob"'), JSON.stringify(o.settings?.changes));
    const st = fx.sim.state();
    const wb = st.workbooks.find((w) => w.name === 'Campaign Board')!;
    assert.deepEqual(wb.hiddenViews, ['Scratch']);
    assert.deepEqual(wb.views.map((v) => v.name), ['Funnel', 'Spend']);
    assert.deepEqual(wb.tags, ['campaign', 'q3']);
    assert.equal(wb.ownerId, st.users.find((u) => u.name === 'bob')!.id);
    const group = st.groups.find((g) => g.name === 'Marketing Team')!;
    assert.equal(st.permissions.find((p) => p.on === wb.id && p.grantee === `group:${group.id}`)?.capabilities.ExportData, 'Deny');

    const again = await publishAgain();
    assert.ok(again?.[0]?.ok);
    assert.deepEqual(again[0].settings?.changes, [], 'nothing to change the second time');
  });

  it('stops before the upload when a grantee does not exist', async () => {
    writeTarget({ permissions: [{ group: 'No Such Group', template: 'Viewer' }] });
    const before = fx.sim.state().workbooks.find((w) => w.name === 'Campaign Board')!.updatedAt;
    const outcomes = await publishAgain();
    assert.equal(outcomes?.[0]?.ok, false);
    assert.equal(fx.sim.state().workbooks.find((w) => w.name === 'Campaign Board')!.updatedAt, before, 'not published again');
  });
});
