import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { inspectPackage } from '../../../src/core/package/inspect';
import { publish } from '../../../src/core/publish/publisher';
import { applyTargetSettings, previewTargetSettings, resolveTargetSettings, SettingsStepError, type TargetSettings } from '../../../src/core/publish/settings';
import { PUB_PAT, startPublishHarness, type Harness } from '../../support/simFixture';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };
const SHEETS = ['Overview', 'Detail', 'Scratch'];

describe('publish: settings and permissions as code', function () {
  let h: Harness;
  let projectId = '';
  before(async () => {
    ({ h, projectId } = await startPublishHarness({
      users: [
        { name: 'pub-user', password: 'pub-user-password', siteRole: 'SiteAdministratorCreator' },
        { name: 'alice', siteRole: 'Creator' },
        { name: 'render-bot', siteRole: 'Viewer' },
      ],
      groups: [{ name: 'Sales', site: 'pub' }, { name: 'Finance, EMEA', site: 'pub' }],
      pats: [{ name: PUB_PAT.name, secret: PUB_PAT.secret, user: 'pub-user' }],
      // The preview finds items by name: a lagging search index is the publisher's concern, tested elsewhere.
      indexLagMs: 0,
    }));
  });
  after(() => h.close());
  afterEach(() => h.sim.clearFaults());

  const state = () => h.sim.state();
  const writes = (): number => Object.entries(state().counters.requests).filter(([k]) => /^(PUT|DELETE|POST) .*(permissions|tags|workbooks\/\{id\}$|datasources\/\{id\}$)/.test(k)).reduce((a, [, n]) => a + n, 0);
  const userId = (name: string) => state().users.find((u) => u.name === name)!.id;
  const groupId = (name: string) => state().groups.find((g) => g.name === name)!.id;

  /** Publishes as the CLI does: resolve first (errors before upload), publish, then apply. */
  async function publishWith(file: string, s: TargetSettings, extra: { hiddenViews?: string[]; mode?: 'createnew' | 'overwrite' } = {}) {
    const info = await inspectPackage(file);
    const resolved = await resolveTargetSettings(h.conn.client, info.kind, s, fast);
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: extra.mode ?? 'overwrite', hiddenViews: extra.hiddenViews, thumbnailsUserId: resolved.thumbnailsUserId, thumbnailsGroupId: resolved.thumbnailsGroupId }, { ...fast, inspection: info });
    const applied = await applyTargetSettings(h.conn.client, resolved, r.item, projectId, fast);
    return { r, applied };
  }

  it('applies owner, tags, thumbnails user and a group template; a second run sends nothing', async () => {
    const f = h.tmp.file('Board.twbx', twbxBytes(undefined, { sheets: SHEETS }));
    const s: TargetSettings = {
      owner: 'alice',
      thumbnailsUser: 'render-bot',
      tags: ['finance', 'q3'],
      permissions: [{ group: 'Sales', template: 'Viewer', capabilities: { ExportData: 'Deny' } }, { user: 'alice', capabilities: { Write: 'Allow' } }],
    };
    const { r, applied } = await publishWith(f, s, { hiddenViews: ['Scratch'] });
    const wb = state().workbooks.find((w) => w.id === r.item.id)!;
    assert.equal(wb.ownerId, userId('alice'));
    assert.deepEqual(wb.tags, ['finance', 'q3']);
    assert.equal(wb.thumbnailsUserId, userId('render-bot'));
    assert.deepEqual(wb.views.map((v) => v.name), ['Overview', 'Detail'], 'the hidden view is not listed');
    const rules = state().permissions.filter((p) => p.on === r.item.id);
    const sales = rules.find((p) => p.grantee === `group:${groupId('Sales')}`)!;
    assert.deepEqual(sales.capabilities, { Read: 'Allow', Filter: 'Allow', ViewComments: 'Allow', AddComment: 'Allow', ExportImage: 'Allow', ExportData: 'Deny' });
    assert.deepEqual(rules.find((p) => p.grantee === `user:${userId('alice')}`)!.capabilities, { Write: 'Allow' });
    assert.ok(applied.changes.includes('owner: set to "alice"'), applied.changes.join('\n'));
    assert.ok(applied.changes.some((c) => c === 'permissions: add group "Sales": ExportData Deny'), applied.changes.join('\n'));

    const before = writes();
    const again = await publishWith(f, s, { hiddenViews: ['Scratch'] });
    assert.deepEqual(again.applied.changes, []);
    assert.equal(again.applied.writes, 0);
    assert.equal(writes(), before, 'the second run sends no settings or permissions request');
  });

  it('changes only what differs: a flipped mode is deleted then added, a dropped capability deleted, other tags removed on request', async () => {
    const f = h.tmp.file('Ops.twbx', twbxBytes(undefined, { sheets: SHEETS }));
    await publishWith(f, { tags: ['a', 'b'], permissions: [{ group: 'Sales', capabilities: { Read: 'Allow', Filter: 'Allow' } }] }, { mode: 'createnew' });
    const { r, applied } = await publishWith(f, { tags: ['b', 'c'], removeOtherTags: true, permissions: [{ group: 'Sales', capabilities: { Read: 'Deny' } }] });
    assert.deepEqual(applied.changes.sort(), [
      'permissions: add group "Sales": Read Deny',
      'permissions: remove group "Sales": Filter Allow',
      'permissions: remove group "Sales": Read Allow',
      'tags: add "c"',
      'tags: remove "a"',
    ]);
    assert.deepEqual(state().workbooks.find((w) => w.id === r.item.id)!.tags.sort(), ['b', 'c']);
    assert.deepEqual(state().permissions.find((p) => p.on === r.item.id)!.capabilities, { Read: 'Deny' });
  });

  it("sets a project's default permissions and a data source's rules; a group name with a comma is found", async () => {
    const f = h.tmp.file('Orders.hyper', hyperBytes(4096));
    // A target whose glob matches workbooks and data sources: views and thumbnails are a workbook's, ignored here.
    const s: TargetSettings = {
      thumbnailsUser: 'render-bot',
      permissions: [{ group: 'Finance, EMEA', template: 'Interactor' }],
      projectDefaultPermissions: { workbooks: [{ group: 'Sales', template: 'Viewer' }], datasources: [{ group: 'Sales', capabilities: { Connect: 'Allow' } }] },
    };
    const { r } = await publishWith(f, s, { mode: 'createnew', hiddenViews: ['Sheet 1'] });
    const perms = state().permissions;
    assert.deepEqual(perms.find((p) => p.on === r.item.id)!.capabilities, { Read: 'Allow', Connect: 'Allow', ExportXml: 'Allow' });
    assert.equal(perms.find((p) => p.on === `${projectId}/workbooks`)!.capabilities.Filter, 'Allow');
    assert.deepEqual(perms.find((p) => p.on === `${projectId}/datasources`)!.capabilities, { Connect: 'Allow' });
  });

  it('renders thumbnails as a group, and changes a data source\'s owner (Update Data Source)', async () => {
    const f = h.tmp.file('Grouped.twbx', twbxBytes(undefined, { sheets: SHEETS }));
    const { r } = await publishWith(f, { thumbnailsGroup: 'Sales' }, { mode: 'createnew' });
    const wb = state().workbooks.find((w) => w.id === r.item.id)!;
    assert.equal(wb.thumbnailsGroupId, groupId('Sales'));
    assert.equal(wb.thumbnailsUserId, undefined);
    const d = h.tmp.file('Owned.hyper', hyperBytes(4096));
    const ds = await publishWith(d, { owner: 'alice' }, { mode: 'createnew' });
    assert.equal(state().datasources.find((x) => x.id === ds.r.item.id)!.ownerId, userId('alice'));
    assert.deepEqual(ds.applied.changes, ['owner: set to "alice"']);
    assert.equal(state().counters.requests['PUT /api/{v}/sites/{site}/datasources/{id}'], 1);
  });

  it('refuses bad input before anything is published', async () => {
    const f = h.tmp.file('Bad.twbx', twbxBytes(undefined, { sheets: SHEETS }));
    const publishes = () => state().counters.requests['POST /api/{v}/sites/{site}/workbooks'] ?? 0;
    const n = publishes();
    const refuse = async (s: TargetSettings, reason: string, re: RegExp, hiddenViews?: string[]) =>
      assert.rejects(publishWith(f, s, { hiddenViews, mode: 'createnew' }), (e) => TableauError.is(e, reason as never) && re.test(e.message));
    await refuse({ owner: 'nobody' }, 'notFound', /no user named "nobody"/);
    await refuse({ permissions: [{ group: 'Ghosts', template: 'Viewer' }] }, 'notFound', /no group named "Ghosts"/);
    await refuse({ thumbnailsGroup: 'Nope' }, 'notFound', /no group named "Nope"/);
    await refuse({ permissions: [{ group: 'Sales', capabilities: { Connect: 'Allow' } }] }, 'invalidArgument', /Connect.*not a capability Tableau has for workbooks/);
    await refuse({ permissions: [{ group: 'Sales', capabilities: { Read: 'Maybe' as never } }] }, 'invalidArgument', /"Allow" or "Deny"/);
    await refuse({ permissions: [{ group: 'Sales', user: 'alice', template: 'Viewer' }] }, 'invalidArgument', /exactly one grantee/);
    await refuse({ thumbnailsUser: 'alice', thumbnailsGroup: 'Sales' }, 'invalidArgument', /not both/);
    await refuse({}, 'invalidArgument', /no sheet named "Sheet 9"/, ['Sheet 9']);
    assert.equal(publishes(), n, 'nothing was published');
  });

  it('reports a failed step after a successful publish as settingsNotApplied, naming the step', async () => {
    const f = h.tmp.file('Half.twbx', twbxBytes(undefined, { sheets: SHEETS }));
    h.sim.injectFault({ match: { method: 'PUT', pathPattern: '/permissions$' }, action: { status: 500 } });
    const e = await publishWith(f, { tags: ['ok'], permissions: [{ group: 'Sales', template: 'Viewer' }] }, { mode: 'createnew' }).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof SettingsStepError, String(e));
    assert.equal(e.reason, 'settingsNotApplied');
    assert.equal(e.step, 'permissions');
    assert.match(e.message, /"Half" was published, but its permissions could not be applied/);
    assert.ok(state().workbooks.some((w) => w.name === 'Half' && w.tags.includes('ok')), 'published, tags applied before the failing step');
  });

  it('previews the changes without sending them (the dry run and the plan)', async () => {
    const f = h.tmp.file('Preview.twbx', twbxBytes(undefined, { sheets: SHEETS }));
    await publishWith(f, { tags: ['x'] }, { mode: 'createnew' });
    const before = writes();
    const p = await previewTargetSettings(h.conn.client, 'workbook', { owner: 'alice', tags: ['x', 'y'], permissions: [{ group: 'Sales', template: 'Viewer' }] }, { name: 'Preview', projectId }, fast);
    assert.equal(p.exists, true);
    assert.deepEqual(p.changes.slice(0, 2), ['owner: set to "alice"', 'tags: add "y"']);
    assert.equal(p.changes.filter((c) => c.startsWith('permissions: add group "Sales"')).length, 6);
    const fresh = await previewTargetSettings(h.conn.client, 'workbook', { tags: ['x'] }, { name: 'Not Yet', projectId }, fast);
    assert.deepEqual(fresh, { exists: false, resolved: fresh.resolved, plan: fresh.plan, changes: ['tags: add "x"'] });
    assert.equal(writes(), before, 'nothing sent');
  });
});
