// The plan in the real extension host: Preview Publish lists the permission changes and the owner
// change a target's settings would make (and an unknown grantee as a problem), and the confirmation
// before overwriting a data source in "prod" names the workbooks that use it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanItem } from '../../src/core/environments/plan';
import type { PublishOutcome } from '../../src/vscode/publish/publishRunner';
import { publishedSource, sheetsTwb } from '../support/afterPublishSamples';
import { datasourceXml, POSTGRES } from '../fixtures/samples';
import { type ContentFixture, contentFixture, workspaceScratch } from './contentHarness';

describe('The plan shows permission changes and the impact of an overwrite (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  let scratch: ReturnType<typeof workspaceScratch> | undefined;
  const LABEL = 'Plan Suite';
  const files: Record<string, string> = {};

  before(async () => {
    fx = await contentFixture(LABEL, { groups: [{ name: 'Plan Readers', site: 'sales' }] });
    scratch = workspaceScratch('plan-suite');
    files.board = path.join(scratch.dir, 'Plan Board.twb');
    fs.writeFileSync(files.board, sheetsTwb(['Overview', 'Detail']));
    files.orders = path.join(scratch.dir, 'Plan Orders.tds');
    fs.writeFileSync(files.orders, datasourceXml([POSTGRES]));
    files.user = path.join(scratch.dir, 'Uses Orders.twb');
    fs.writeFileSync(files.user, sheetsTwb(['Overview'], [publishedSource('Plan Orders')]));
  });

  after(async () => {
    await fx?.api.services.environments.setActive(undefined);
    scratch?.restore();
    await fx?.close();
  });

  const writeManifest = (boardOptions: Record<string, unknown>): void => {
    const rel = (f: string): string => path.relative(scratch!.folder, f).split(path.sep).join('/');
    fs.mkdirSync(path.dirname(scratch!.manifestPath), { recursive: true });
    fs.writeFileSync(scratch!.manifestPath, JSON.stringify({
      version: 2,
      environments: { prod: { connection: LABEL, site: 'sales', createProjects: true } },
      targets: [
        { file: rel(files.board), project: 'Plan Suite', mode: 'overwrite', options: boardOptions, environments: { prod: {} } },
        { file: rel(files.orders), project: 'Plan Suite', mode: 'overwrite', environments: { prod: {} } },
        { file: rel(files.user), project: 'Plan Suite', mode: 'overwrite', environments: { prod: {} } },
      ],
    }, null, 2));
  };
  const planDoc = (name: string): string | undefined => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'tableau-plan' && d.uri.path.includes(name))?.getText();
  /** The next text of an open plan document (bounded: a document that never changes fails the test). */
  const planDocChange = (name: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`the plan document of ${name} did not change`));
      }, 10_000);
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== 'tableau-plan' || !e.document.uri.path.includes(name)) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e.document.getText());
      });
    });

  it('Preview Publish lists the permission additions and the new owner; an unknown grantee cannot go', async () => {
    writeManifest({ owner: 'bob', permissions: [{ group: 'Plan Readers', template: 'Viewer' }] });
    await fx.api.services.environments.setActive('prod');
    const plan = await vscode.commands.executeCommand<PlanItem[] | undefined>('tableau.previewPublish', vscode.Uri.file(files.board));
    assert.deepEqual(fx.ui.errors(), []);
    assert.deepEqual(plan?.[0].problems, []);
    assert.deepEqual(plan![0].settings?.permissions?.map((c) => `${c.action} ${c.grantee.name} ${c.capability} ${c.mode}`).slice(0, 2), ['add Plan Readers Read Allow', 'add Plan Readers Filter Allow']);
    const text = planDoc('Plan Board') ?? '';
    assert.match(text, /permissions: add group "Plan Readers": Read Allow/, text);
    assert.match(text, /owner: set to "bob"/, text);

    writeManifest({ permissions: [{ group: 'Nobody Here', template: 'Viewer' }] });
    // The open plan document is updated by its content provider after the command returns.
    const updated = planDocChange('Plan Board');
    const refused = await vscode.commands.executeCommand<PlanItem[] | undefined>('tableau.previewPublish', vscode.Uri.file(files.board));
    assert.deepEqual(refused?.[0].problems.map((p) => p.code), ['unknownGrantee']);
    assert.match(await updated, /FAILS \(unknownGrantee\).*no group named "Nobody Here"/);
  });

  it('before overwriting a data source in prod, the confirmation with the plan names the workbooks that use it', async () => {
    writeManifest({});
    await fx.api.services.environments.setActive('prod');
    const publishAgain = (f: string) => vscode.commands.executeCommand<PublishOutcome[] | undefined>('tableau.publishAgain', vscode.Uri.file(f));
    assert.ok((await publishAgain(files.orders))?.[0].ok, 'the data source, new');
    assert.ok((await publishAgain(files.user))?.[0].ok, 'a workbook that uses it');
    fx.ui.confirms.length = 0;
    fx.ui.confirmAnswer = false;
    try {
      assert.equal(await publishAgain(files.orders), undefined, 'declined: nothing overwritten');
    } finally {
      fx.ui.confirmAnswer = true;
    }
    const confirm = fx.ui.confirms.find((c) => c.id === 'publish.environmentPlan');
    assert.match(confirm?.detail ?? '', /impact: 1 workbook uses this data source: Uses Orders \(Plan Suite, owner [^)]+\)\./, confirm?.detail);
  });
});
