// The content tree's commands in the real extension host, driven from the palette path
// (ui seam answers the prompts) against a demo simulator.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Job, Project } from '../../src/core/models';
import { type ContentFixture, contentFixture } from './contentHarness';

interface SearchResult {
  kind: string;
  id: string;
  name: string;
  projectPath?: string[];
  revealed: boolean;
}

describe('Tableau content tree (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  const LABEL = 'Tree Suite';

  before(async () => {
    fx = await contentFixture(LABEL);
    fx.ui.picks.set('connection.forItem', LABEL);
  });

  after(async () => {
    await fx?.close();
  });

  beforeEach(() => {
    fx.ui.notes.length = 0;
    fx.ui.confirms.length = 0;
  });

  const search = async (text: string, pick: string): Promise<SearchResult | undefined> => {
    fx.ui.inputs.set('content.search', text);
    fx.ui.picks.set('content.item', pick);
    return vscode.commands.executeCommand<SearchResult | undefined>('tableau.searchContent');
  };

  it('contributes the Tableau view and its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['tableau.searchContent', 'tableau.filterContent', 'tableau.publish', 'tableau.download', 'tableau.deleteContent', 'tableau.loadMore']) {
      assert.ok(commands.includes(id), `${id} registered`);
    }
    await vscode.commands.executeCommand('tableau.content.focus');
  });

  it('searches the site and reveals a workbook beyond the first page of its project', async () => {
    const found = await search('Archived Report 125', 'Archived Report 125');
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(found, 'a search result');
    assert.equal(found.kind, 'workbook');
    assert.deepEqual(found.projectPath, ['Sales', 'Archive']);
    const wb = fx.sim.state().workbooks.find((w) => w.name === 'Archived Report 125');
    assert.equal(found.id, wb?.id);
    assert.equal(found.revealed, true, 'the tree expanded Sales > Archive and loaded more until it showed the workbook');
  });

  it('copies the LUID, and opens and copies the web page Tableau gives for a found item (a project: the site\'s projects)', async () => {
    fx.ui.inputs.set('content.search', 'Campaign Results');
    fx.ui.picks.set('content.item', 'Campaign Results');
    const copied = await vscode.commands.executeCommand<string>('tableau.copyLuid');
    const wb = fx.sim.state().workbooks.find((w) => w.name === 'Campaign Results');
    assert.ok(wb);
    assert.equal(copied, wb.id);
    assert.equal(await vscode.env.clipboard.readText(), wb.id);

    // The page Tableau gives for it (a repository number), asked for since the pick came without
    // one; never an address built from the LUID, which Tableau's web UI does not use.
    fx.ui.picks.set('content.item', 'Campaign Results');
    await vscode.commands.executeCommand('tableau.openInBrowser');
    const page = fx.ui.opened.at(-1);
    assert.match(page ?? '', new RegExp(`^${fx.sim.url}/#/site/sales/workbooks/\\d+$`));
    assert.ok(!page?.includes(wb.id), `opened ${page}`);
    fx.ui.inputs.set('content.search', 'Campaign Results');
    fx.ui.picks.set('content.item', 'Campaign Results');
    assert.equal(await vscode.commands.executeCommand<string>('tableau.copyWebUrl'), page);

    // A project has no page in the REST API: the site's projects open instead.
    fx.ui.inputs.set('content.search', 'Archive');
    fx.ui.picks.set('content.item', 'Archive');
    await vscode.commands.executeCommand('tableau.openInBrowser');
    assert.equal(fx.ui.opened.at(-1), `${fx.sim.url}/#/site/sales/projects`);
  });

  it('creates a nested project, then reveals it', async () => {
    fx.ui.picks.set('content.projectParent', 'Sales/EMEA');
    fx.ui.inputs.set('publish.newProjectName', 'Nordics');
    const created = await vscode.commands.executeCommand<Project | undefined>('tableau.createProject');
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(created);
    assert.ok(fx.ui.asked.some((a) => a.id === 'publish.newProjectName' && a.text.includes('Sales / EMEA')), 'the name prompt names the parent');
    const emea = fx.sim.state().projects.find((p) => p.name === 'EMEA');
    const stored = fx.sim.state().projects.find((p) => p.id === created.id);
    assert.equal(stored?.name, 'Nordics');
    assert.equal(stored?.parentProjectId, emea?.id);
    const found = await search('Nordics', 'Nordics');
    assert.equal(found?.revealed, true);
  });

  it('downloads a workbook into the workspace, streamed to disk', async () => {
    fx.ui.inputs.set('content.search', 'Sales Overview');
    fx.ui.picks.set('content.item', 'Sales Overview');
    const saved = await vscode.commands.executeCommand<string | undefined>('tableau.download');
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(saved, 'a saved path');
    try {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.equal(path.dirname(saved), folder);
      assert.match(path.basename(saved), /^Sales Overview( \(\d+\))?\.twbx?$/);
      const wb = fx.sim.state().workbooks.find((w) => w.name === 'Sales Overview');
      assert.equal(fs.statSync(saved).size, wb?.size);
      assert.deepEqual(fs.readdirSync(folder!).filter((f) => f.endsWith('.tableau-download')), [], 'no temporary file left');
    } finally {
      fs.rmSync(saved, { force: true });
    }
  });

  it('stops a download over tableau.maxDownloadMB, names the setting and leaves nothing half-written', async () => {
    const config = vscode.workspace.getConfiguration('tableau');
    await config.update('maxDownloadMB', 1, vscode.ConfigurationTarget.Global);
    // The change resets the connections (new limits); let that settle before downloading.
    await new Promise((r) => setTimeout(r, 300));
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const before = fs.readdirSync(folder).sort();
    try {
      // Chunked, so the size is only learnt while writing: some bytes reach the temporary file first.
      fx.sim.injectFault({ match: { method: 'GET', pathPattern: '/workbooks/[^/]+/content$' }, action: { bodyBytes: 3 * 1024 * 1024, chunked: true, contentType: 'application/octet-stream' } });
      fx.ui.inputs.set('content.search', 'Sales Overview');
      fx.ui.picks.set('content.item', 'Sales Overview');
      const saved = await vscode.commands.executeCommand<string | undefined>('tableau.download');
      assert.equal(saved, undefined);
      assert.ok(fx.ui.errors().some((m) => /larger than 1 MiB.*tableau\.maxDownloadMB/.test(m)), fx.ui.errors().join('\n'));
      assert.deepEqual(fs.readdirSync(folder).sort(), before, 'no partial or temporary file left');
    } finally {
      fx.sim.clearFaults();
      fx.ui.notes.length = 0;
      await config.update('maxDownloadMB', undefined, vscode.ConfigurationTarget.Global);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('refreshes an extract and waits for the job', async () => {
    fx.ui.inputs.set('content.search', 'Bookings Extract');
    fx.ui.picks.set('content.item', 'Bookings Extract');
    const job = await vscode.commands.executeCommand<Job | undefined>('tableau.refreshExtract');
    assert.deepEqual(fx.ui.errors(), []);
    assert.ok(job);
    assert.equal(job.finishCode, 0);
    assert.ok(fx.sim.state().jobs.some((j) => j.id === job.id && j.completedAt));
  });

  it('shows the job\'s notes when an extract refresh fails on the server', async () => {
    fx.sim.injectFault({ match: { pathPattern: '/refresh$' }, action: { jobFinishCode: 1, jobNotes: 'Login failed for user.' } });
    fx.ui.inputs.set('content.search', 'Bookings Extract');
    fx.ui.picks.set('content.item', 'Bookings Extract');
    const job = await vscode.commands.executeCommand<Job | undefined>('tableau.refreshExtract');
    assert.equal(job, undefined);
    const errors = fx.ui.errors();
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /Extract refresh failed:.*Login failed for user/);
  });

  it('deletes only after a confirmation that names the item and its project', async () => {
    const target = fx.sim.state().workbooks.find((w) => w.name === 'Americas Bookings 3');
    assert.ok(target);
    fx.ui.inputs.set('content.search', 'Americas Bookings 3');
    fx.ui.picks.set('content.item', 'Americas Bookings 3');

    fx.ui.confirmAnswer = false;
    assert.equal(await vscode.commands.executeCommand<boolean>('tableau.deleteContent'), false);
    assert.ok(fx.sim.state().workbooks.some((w) => w.id === target.id), 'declined: still there');
    assert.equal(fx.ui.confirms.length, 1);
    assert.match(fx.ui.confirms[0].message, /workbook "Americas Bookings 3" from project "Sales \/ Americas" on Tree Suite/);

    fx.ui.confirmAnswer = true;
    const changed: unknown[] = [];
    const sub = fx.api.services.sites.onDidChangeSite((site) => changed.push(site));
    try {
      assert.equal(await vscode.commands.executeCommand<boolean>('tableau.deleteContent'), true);
    } finally {
      sub.dispose();
    }
    assert.ok(!fx.sim.state().workbooks.some((w) => w.id === target.id), 'deleted on the server');
    assert.deepEqual(changed, [{ profileId: fx.profile.id, siteContentUrl: 'sales' }], 'the tree is told the site changed');
  });

  it('does not offer a read-only connection for mutating commands', async () => {
    await fx.api.services.connectionAdmin.setReadOnly(fx.profile.id, true);
    try {
      fx.ui.inputs.set('content.search', 'Campaign Results');
      fx.ui.picks.set('content.item', 'Campaign Results');
      const before = fx.sim.state().workbooks.length;
      // The connection pick lists writable connections only: nothing to choose here.
      fx.ui.picks.set('connection.forItem', undefined);
      assert.equal(await vscode.commands.executeCommand<boolean>('tableau.deleteContent'), false);
      assert.equal(fx.sim.state().workbooks.length, before);
      assert.equal(fx.ui.confirms.length, 0, 'never asked to confirm');
    } finally {
      fx.ui.picks.set('connection.forItem', LABEL);
      await fx.api.services.connectionAdmin.setReadOnly(fx.profile.id, false);
    }
  });

  it('filters the view by name: only matching items and their projects stay revealable', async () => {
    await vscode.commands.executeCommand('tableau.filterContent', 'pipeline');
    try {
      const match = await search('UK Pipeline 3', 'UK Pipeline 3');
      assert.equal(match?.revealed, true, 'a matching workbook is in the filtered tree');
      const other = await search('Campaign Results', 'Campaign Results');
      assert.equal(other?.revealed, false, 'a workbook outside the filter is not in the tree');
    } finally {
      await vscode.commands.executeCommand('tableau.clearFilter');
    }
    const back = await search('Campaign Results', 'Campaign Results');
    assert.equal(back?.revealed, true, 'shown again once the filter is cleared');
  });
});
