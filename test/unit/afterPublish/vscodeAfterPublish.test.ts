/**
 * The VS Code side of #17 against the simulator, with a vscode stub: the Published panel's document
 * (no script, images only as data: URIs, names escaped), view tooltips with the view's image (fetched
 * once, cached; a broken view keeps its plain tooltip), and the overwrite confirmation naming the
 * workbooks that use a data source (prompt publish.overwriteImpact), or saying the Metadata API is off.
 */
import * as assert from 'node:assert/strict';
import type * as PanelModule from '../../../src/vscode/publish/publishedPanel';
import type * as ThumbsModule from '../../../src/vscode/tree/viewThumbnails';
import type * as OptionsModule from '../../../src/vscode/publish/publishOptions';
import type * as RunnerModule from '../../../src/vscode/publish/publishRunner';
import type { ViewNode } from '../../../src/vscode/tree/nodes/viewNode';
import type { Services } from '../../../src/vscode/services/services';
import type { PublishTarget } from '../../../src/vscode/publish/target';
import { inspectPackage } from '../../../src/core/package/inspect';
import { publish } from '../../../src/core/publish/publisher';
import { installVscodeStub } from '../../support/vscodeStub';
import { PUB_SITE, startPublishHarness, type Harness } from '../../support/simFixture';
import { publishedSource, sheetsTwb } from '../../support/afterPublishSamples';
import { datasourceXml, TEXTFILE, tdsxBytes } from '../../fixtures/samples';

class MarkdownString {
  constructor(public value = '', readonly supportThemeIcons = false) {}
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
}

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };

describe('VS Code after publish: Published panel, view tooltips, overwrite impact', function () {
  let stub: ReturnType<typeof installVscodeStub>;
  let panel: typeof PanelModule;
  let thumbs: typeof ThumbsModule;
  let options: typeof OptionsModule;
  let runner: typeof RunnerModule;
  const notices: string[] = [];
  let h: Harness;
  let projectId = '';
  let services: Services;
  const confirms: { id: string; message: string; detail?: string }[] = [];
  const answers: Record<string, string> = {};

  before(async () => {
    stub = installVscodeStub({
      MarkdownString,
      workspace: { getConfiguration: () => ({ get: (_k: string, d: unknown) => d }) },
    });
    panel = await import('../../../src/vscode/publish/publishedPanel');
    thumbs = await import('../../../src/vscode/tree/viewThumbnails');
    options = await import('../../../src/vscode/publish/publishOptions');
    runner = await import('../../../src/vscode/publish/publishRunner');
    ({ h, projectId } = await startPublishHarness({ brokenViews: ['Broken'], indexLagMs: 0 }));
    const logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    services = {
      logger,
      connections: { getClient: () => Promise.resolve(h.conn.client) },
      sites: { siteChanged: () => undefined },
      ui: {
        confirm: (id: string, message: string, _action: string, opts?: { detail?: string }) => {
          confirms.push({ id, message, detail: opts?.detail });
          return Promise.resolve(true);
        },
        input: (id: string, o: { value?: string }) => Promise.resolve(answers[id] ?? o.value),
        notify: (_kind: string, message: string) => {
          notices.push(message);
          return Promise.resolve(undefined);
        },
        pick: (id: string, items: readonly { id?: string }[]) => Promise.resolve(id === 'publish.options' ? [] : items.find((i) => i.id === answers[id])),
      },
    } as unknown as Services;
  });
  after(async () => {
    stub.restore();
    await h.close();
  });

  it('builds a Published document with no script, data: images only, and escaped names', () => {
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const html = panel.publishedHtml(
      [{ name: 'Q3 <b>', where: 'Demo · Sales', views: [{ view: { id: '1', name: 'Map "west"' }, png }, { view: { id: '2', name: 'Broken' }, error: undefined }] }],
      'vscode-webview://x',
    );
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    assert.match(csp, /default-src 'none'; img-src data:; style-src vscode-webview:\/\/x 'nonce-[^']+';/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /<h2>Q3 &lt;b&gt;<\/h2>/);
    assert.match(html, /alt="Map &quot;west&quot;" src="data:image\/png;base64,iVBORw0KGgo/);
    assert.doesNotMatch(html, /src="(?!data:)/, 'no image from anywhere but a data: URI');
  });

  it('gives a view tooltip its image once (cached), and leaves a broken view as it was', async () => {
    const r = await publish(h.conn.client, { filePath: h.tmp.file('Tooltip.twb', sheetsTwb(['Good', 'Broken'])), projectId, mode: 'createnew' }, fast);
    const views = await h.conn.client.listWorkbookViews(r.item.id);
    const cache = new thumbs.ViewThumbnails(services);
    const node = (v: (typeof views)[number]) => ({ scope: { profile: { id: 'p' }, siteContentUrl: PUB_SITE }, view: v }) as unknown as ViewNode;
    const key = 'GET /api/{v}/sites/{site}/views/{id}/image';
    const before = h.sim.state().counters.requests[key] ?? 0;
    const item = await cache.resolve({ tooltip: new MarkdownString('**Good**') as never }, node(views[0]));
    const md = item.tooltip as unknown as MarkdownString;
    assert.match(md.value, /^\*\*Good\*\*\n\n!\[Image of the view\]\(data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]+\|width=320\)$/);
    await cache.resolve({ tooltip: new MarkdownString('**Good**') as never }, node(views[0]));
    assert.equal((h.sim.state().counters.requests[key] ?? 0) - before, 1, 'the second hover uses the cached image');
    const plain = new MarkdownString('**Broken**');
    const broken = await cache.resolve({ tooltip: plain as never }, node(views[1]));
    assert.equal(broken.tooltip, plain);
  });

  it('names the workbooks that use a data source in the overwrite confirmation (publish.overwriteImpact)', async () => {
    const dsFile = h.tmp.file('Used Orders.tds', datasourceXml([TEXTFILE]));
    await publish(h.conn.client, { filePath: dsFile, projectId, mode: 'createnew' }, fast);
    await publish(h.conn.client, { filePath: h.tmp.file('Uses Orders.twb', sheetsTwb(['A'], [publishedSource('Used Orders')])), projectId, mode: 'createnew' }, fast);
    const target = { profile: { id: 'p', label: 'Demo' }, siteContentUrl: PUB_SITE, projectId, projectPath: ['Publish'] } as unknown as PublishTarget;
    Object.assign(answers, { 'publish.mode': 'overwrite' });
    confirms.length = 0;
    const choices = await options.askChoices(services, await inspectPackage(dsFile), target, false);
    assert.equal(choices?.mode, 'overwrite');
    assert.equal(confirms.length, 1);
    assert.equal(confirms[0].id, 'publish.overwriteImpact');
    assert.match(confirms[0].message, /Replace the data source "Used Orders" in Publish on Demo\? 1 workbook uses this data source: Uses Orders \(Publish, owner pub-user\)\./);

    await fetch(`${h.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: false }) });
    try {
      confirms.length = 0;
      await options.askChoices(services, await inspectPackage(dsFile), target, false);
      assert.equal(confirms[0].id, 'publish.replace');
      assert.match(confirms[0].detail ?? '', /Could not check which workbooks use this data source: the Metadata API is not enabled/);
    } finally {
      await fetch(`${h.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: true }) });
    }
  });

  it("refreshes the extract after a publish when the manifest target asks (refresh), and a failed refresh leaves the publish a success", async () => {
    const target = { profile: { id: 'p', label: 'Demo' }, siteContentUrl: PUB_SITE, projectId, projectPath: ['Publish'] } as unknown as PublishTarget;
    const file = h.tmp.file('Manifest Refresh.tdsx', tdsxBytes(undefined, { extract: true }));
    const plan = { info: await inspectPackage(file), target, request: { filePath: file, projectId, mode: 'overwrite' as const }, refresh: true };
    const messages: string[] = [];
    const [ok] = await runner.executePlans(services, [plan], { report: (m) => messages.push(m) }, new AbortController().signal);
    assert.ok(ok.ok);
    const job = h.sim.state().jobs.find((j) => j.type === 'RefreshExtract' && j.completedAt);
    assert.ok(job, 'a refresh job ran to its end');
    assert.ok(messages.some((m) => /refreshing the extract/.test(m)));

    h.sim.injectFault({ match: { method: 'POST', pathPattern: '/datasources/[^/]+/refresh$' }, action: { jobFinishCode: 1, jobNotes: 'Login failed for user analyst.' } });
    notices.length = 0;
    const [again] = await runner.executePlans(services, [plan], { report: () => undefined }, new AbortController().signal);
    assert.ok(again.ok, 'the publish itself succeeded');
    assert.match(notices.join('\n'), /Published "Manifest Refresh", but the extract refresh failed: .*Login failed for user analyst\./);
  });
});
