/**
 * Publish…'s "More settings…" against the simulator, with a vscode stub: the owner, the thumbnails
 * user or group and permission rules are picked from the site's users and groups (by prompt id), a
 * typed name the site does not have stops the flow before anything is published, and the choices
 * reach the simulator through the same after-publish code as a manifest target's. The Published
 * panel shows the workbook's preview image above the view thumbnails, or says why it cannot.
 */
import * as assert from 'node:assert/strict';
import type * as OptionsModule from '../../../src/vscode/publish/publishOptions';
import type * as RunnerModule from '../../../src/vscode/publish/publishRunner';
import type * as PanelModule from '../../../src/vscode/publish/publishedPanel';
import type { Services } from '../../../src/vscode/services/services';
import type { PublishTarget } from '../../../src/vscode/publish/target';
import { TableauError } from '../../../src/core/errors';
import { inspectPackage } from '../../../src/core/package/inspect';
import { installVscodeStub } from '../../support/vscodeStub';
import { PUB_SITE, startPublishHarness, type Harness } from '../../support/simFixture';
import { sheetsTwb } from '../../support/afterPublishSamples';

describe('Publish…: More settings… (owner, thumbnails, permissions) and the Published panel preview', function () {
  let stub: ReturnType<typeof installVscodeStub>;
  let options: typeof OptionsModule;
  let runner: typeof RunnerModule;
  let panel: typeof PanelModule;
  let h: Harness;
  let projectId = '';
  let services: Services;
  let target: PublishTarget;
  /** Answers by prompt id: a list is used one answer per call (a prompt asked again). */
  const answers = new Map<string, (string | string[])[]>();
  const asked: string[] = [];
  const webviews: { html: string }[] = [];

  before(async () => {
    stub = installVscodeStub({
      ViewColumn: { Beside: -2 },
      workspace: { getConfiguration: () => ({ get: (_k: string, d: unknown) => d }) },
      window: {
        createWebviewPanel: () => {
          const webview = { html: '', cspSource: 'vscode-webview://x' };
          webviews.push(webview);
          return { webview, reveal() {}, onDidDispose: () => ({ dispose() {} }) };
        },
      },
    });
    options = await import('../../../src/vscode/publish/publishOptions');
    runner = await import('../../../src/vscode/publish/publishRunner');
    panel = await import('../../../src/vscode/publish/publishedPanel');
    ({ h, projectId } = await startPublishHarness({
      indexLagMs: 0,
      users: [
        { name: 'pub-user', password: 'pub-user-password', siteRole: 'SiteAdministratorCreator' },
        { name: 'alice', siteRole: 'Creator' },
      ],
      groups: [{ name: 'Analysts', site: PUB_SITE }],
    }));
    const logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    const answer = (id: string): string | string[] | undefined => {
      asked.push(id);
      const list = answers.get(id);
      return list && list.length > 1 ? list.shift() : list?.[0];
    };
    services = {
      logger,
      connections: { getClient: () => Promise.resolve(h.conn.client) },
      sites: { siteChanged: () => undefined },
      ui: {
        confirm: () => Promise.resolve(true),
        input: (id: string, o: { value?: string }) => Promise.resolve((answer(id) as string | undefined) ?? o.value),
        notify: () => Promise.resolve(undefined),
        pick: async (id: string, items: readonly { id?: string }[] | Promise<readonly { id?: string }[]>) => {
          const list = await items;
          const a = answer(id);
          if (Array.isArray(a)) return list.filter((i) => i.id && a.includes(i.id));
          return list.find((i) => i.id === a);
        },
      },
    } as unknown as Services;
    target = { profile: { id: 'p', label: 'Demo' }, siteContentUrl: PUB_SITE, projectId, projectPath: ['Publish'] } as unknown as PublishTarget;
  });
  after(async () => {
    stub.restore();
    await h.close();
  });
  beforeEach(() => {
    answers.clear();
    asked.length = 0;
  });

  it('asks nothing more when "More settings…" is not chosen', async () => {
    const file = h.tmp.file('Plain.twb', sheetsTwb(['A']));
    answers.set('publish.mode', ['createnew']).set('publish.options', [[]]);
    const choices = await options.askChoices(services, await inspectPackage(file), target, false);
    assert.equal(choices?.settings, undefined);
    assert.deepEqual(asked, ['publish.mode', 'publish.options']);
  });

  it('picks the owner, the thumbnails group and two permission rules from the site, and they reach the simulator', async () => {
    const file = h.tmp.file('Board.twb', sheetsTwb(['Funnel', 'Spend']));
    answers
      .set('publish.mode', ['createnew'])
      .set('publish.options', [['moreSettings']])
      .set('publish.owner', ['user:alice'])
      .set('publish.thumbnails', ['group:Analysts'])
      .set('publish.permissionGrantee', ['group:Analysts', 'user:alice', 'none'])
      .set('publish.permissionTemplate', ['Interactor', 'Viewer']);
    const info = await inspectPackage(file);
    const choices = await options.askChoices(services, info, target, false);
    assert.deepEqual(choices?.settings, {
      owner: 'alice',
      thumbnailsGroup: 'Analysts',
      permissions: [{ group: 'Analysts', template: 'Interactor' }, { user: 'alice', template: 'Viewer' }],
    });
    const { settings, ...rest } = choices!;
    const plan = { info, target, request: { filePath: file, projectId, ...rest }, settings };
    const [o] = await runner.executePlans(services, [plan], { report() {} }, new AbortController().signal);
    assert.ok(o.ok, o.ok ? '' : String(o.error));
    assert.equal(o.settingsError, undefined);
    const st = h.sim.state();
    const wb = st.workbooks.find((w) => w.name === 'Board')!;
    const alice = st.users.find((u) => u.name === 'alice')!;
    const group = st.groups.find((g) => g.name === 'Analysts')!;
    assert.equal(wb.ownerId, alice.id, 'the owner, by LUID');
    assert.equal(wb.thumbnailsGroupId, group.id, 'the thumbnails group went with the publish');
    const rules = st.permissions.filter((p) => p.on === wb.id);
    assert.equal(rules.find((p) => p.grantee === `group:${group.id}`)?.capabilities.WebAuthoring, 'Allow', 'Interactor');
    assert.equal(rules.find((p) => p.grantee === `user:${alice.id}`)?.capabilities.Read, 'Allow', 'Viewer');
    assert.equal(rules.find((p) => p.grantee === `user:${alice.id}`)?.capabilities.WebAuthoring, undefined);
  });

  it('keeps everything as is with the skip items', async () => {
    const file = h.tmp.file('Keep.twb', sheetsTwb(['A']));
    answers.set('publish.mode', ['createnew']).set('publish.options', [['moreSettings']]).set('publish.owner', ['keep']).set('publish.thumbnails', ['keep']).set('publish.permissionGrantee', ['none']);
    const choices = await options.askChoices(services, await inspectPackage(file), target, false);
    assert.ok(choices);
    assert.equal(choices.settings, undefined);
    assert.deepEqual(asked.slice(2), ['publish.owner', 'publish.thumbnails', 'publish.permissionGrantee'], 'each step was offered and skipped');
  });

  it('refuses a typed owner the site does not have before anything is published', async () => {
    const file = h.tmp.file('Nobody.twb', sheetsTwb(['A']));
    // The listing fails (as for a user who may not list users): only typing the name is offered.
    h.sim.injectFault({ match: { method: 'GET', pathPattern: '/users$' }, action: { status: 403 }, times: 1 });
    answers.set('publish.mode', ['createnew']).set('publish.options', [['moreSettings']]).set('publish.owner', ['otherUser']).set('publish.granteeName', ['no-such-user']);
    const before = h.sim.state().workbooks.length;
    await assert.rejects(options.askChoices(services, await inspectPackage(file), target, false), (e: unknown) => TableauError.is(e, 'notFound') && /no user named "no-such-user"/.test((e as Error).message));
    assert.equal(h.sim.state().workbooks.length, before, 'nothing published');
  });

  it('shows the workbook preview image above the view thumbnails, and a note when it cannot be fetched', async () => {
    const wb = h.sim.state().workbooks.find((w) => w.name === 'Board')!;
    const result = { kind: 'workbook', item: { id: wb.id, name: wb.name } } as never;
    const p = await panel.showPublishedPanel(services, [{ target, result }]);
    assert.ok(p);
    const html = webviews.at(-1)!.html;
    assert.equal(html.match(/data-testid="workbook-preview"/g)?.length, 1);
    assert.match(html, /<img class="preview-image" alt="Preview of Board" src="data:image\/png;base64,iVBORw0KGgo/);
    assert.ok(html.indexOf('workbook-preview') < html.indexOf('class="view'), 'above the views');
    assert.equal(html.match(/class="view-thumb"/g)?.length, 2);

    h.sim.injectFault({ match: { method: 'GET', pathPattern: '/previewImage$' }, action: { status: 403 }, times: 1 });
    await panel.showPublishedPanel(services, [{ target, result }]);
    const broken = webviews.at(-1)!.html;
    assert.doesNotMatch(broken, /data-testid="workbook-preview"/);
    assert.match(broken, /data-testid="workbook-preview-missing">The workbook preview could not be fetched: /);
    assert.equal(broken.match(/class="view-thumb"/g)?.length, 2, 'the views are still shown');
  });
});
