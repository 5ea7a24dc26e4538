/**
 * The plan's settings part against the simulator: the permission additions and deletions the apply
 * step would send (read with GET …/permissions, as the apply reads them), none once applied, an
 * unknown grantee as a problem, owner and tag changes, and the workbooks an overwrite of a data
 * source touches (the simulator's Metadata API, lineage from the published connections).
 */
import * as assert from 'node:assert/strict';
import { clientLookup } from '../../../src/core/environments/lookup';
import { planItem, type PlanInput } from '../../../src/core/environments/plan';
import { planLines } from '../../../src/core/environments/planText';
import { addPermissions } from '../../../src/core/api/settingsApi';
import { publish } from '../../../src/core/publish/publisher';
import { applyTargetSettings, resolveTargetSettings, type TargetSettings } from '../../../src/core/publish/settings';
import { PUB_SITE, startPublishHarness, type Harness } from '../../support/simFixture';
import { publishedSource, sheetsTwb } from '../../support/afterPublishSamples';
import { datasourceXml, POSTGRES } from '../../fixtures/samples';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };

describe('environments: the plan lists settings, permission changes and the impact of an overwrite', function () {
  let h: Harness;
  let projectId = '';
  let wbId = '';
  before(async () => {
    ({ h, projectId } = await startPublishHarness({
      indexLagMs: 0,
      users: [
        { name: 'pub-user', password: 'pub-user-password', siteRole: 'SiteAdministratorCreator' },
        { name: 'alice', siteRole: 'Creator' },
      ],
      groups: [{ name: 'Sales', site: PUB_SITE }],
    }));
    await publish(h.conn.client, { filePath: h.tmp.file('Orders.tds', datasourceXml([POSTGRES])), projectId, mode: 'createnew' }, fast);
    wbId = (await publish(h.conn.client, { filePath: h.tmp.file('Board.twb', sheetsTwb(['Overview'], [publishedSource('Orders')])), projectId, mode: 'createnew', tags: ['old'] }, fast)).item.id;
  });
  after(() => h.close());

  const input = (over: Partial<PlanInput>): PlanInput => ({
    file: '/w/Board.twb', kind: 'workbook', dataConnections: [], environment: 'prod', server: h.sim.url, site: PUB_SITE, projectPath: 'Publish', name: 'Board',
    mode: 'overwrite', createProjects: false, rules: [], secrets: { missing: () => undefined, describe: () => '' }, ...over,
  });
  const codes = (p: { problems: { code: string }[] }): string[] => p.problems.map((x) => x.code);

  it('lists exactly the permission additions and deletions, owner and tag changes; none once applied', async () => {
    // Sales can already Read, and is denied ExportData, which Viewer allows.
    const sales = (await resolveTargetSettings(h.conn.client, 'workbook', { permissions: [{ group: 'Sales', capabilities: { Read: 'Allow' } }] })).rules[0].desired[0].grantee;
    await addPermissions(h.conn.client, { kind: 'workbook', id: wbId }, [
      { action: 'add', grantee: sales, capability: 'Read', mode: 'Allow' },
      { action: 'add', grantee: sales, capability: 'ExportData', mode: 'Deny' },
    ]);
    const settings: TargetSettings = { owner: 'alice', tags: ['board'], removeOtherTags: true, thumbnailsUser: 'alice', permissions: [{ group: 'Sales', template: 'Viewer' }] };
    const lookup = clientLookup(h.conn.client);
    const p = await planItem(input({ settings }), lookup);
    assert.deepEqual(codes(p), []);
    assert.equal(p.action, 'overwrite');
    const s = p.settings!;
    assert.deepEqual(s.owner, { from: 'pub-user', to: 'alice' });
    assert.deepEqual(s.thumbnails, { user: 'alice' });
    assert.deepEqual(s.tags, { add: ['board'], remove: ['old'] });
    const changes = s.permissions!.map((c) => `${c.on} ${c.action} ${c.grantee.type}:${c.grantee.name} ${c.capability} ${c.mode}`);
    assert.deepEqual(changes, [
      'item delete group:Sales ExportData Deny',
      ...['Filter', 'ViewComments', 'AddComment', 'ExportImage', 'ExportData'].map((c) => `item add group:Sales ${c} Allow`),
    ]);
    const text = planLines(p).join('\n');
    assert.match(text, /owner: "pub-user" -> "alice"/);
    assert.match(text, /permissions: remove group "Sales": ExportData Deny\n  permissions: add group "Sales": Filter Allow/);
    assert.ok(!/Read Allow/.test(text), 'a capability already in place is not listed');
    assert.equal(h.sim.state().permissions.find((x) => x.on === wbId)!.capabilities.ExportData, 'Deny', 'a plan writes nothing');

    const resolved = await resolveTargetSettings(h.conn.client, 'workbook', settings);
    await applyTargetSettings(h.conn.client, resolved, await h.conn.client.getWorkbook(wbId), projectId);
    const again = await planItem(input({ settings }), lookup);
    assert.deepEqual(again.settings, { thumbnails: { user: 'alice' }, tags: { add: [], remove: [] }, permissions: [] });
    assert.match(planLines(again).join('\n'), /permissions: no changes \(the rules are already in place\)/);
  });

  it('a new item: every declared rule is an addition; an unknown grantee or owner is a problem, and nothing can go', async () => {
    const fresh = await planItem(input({ name: 'Not Yet', settings: { permissions: [{ user: 'alice', capabilities: { Read: 'Allow' } }] } }), clientLookup(h.conn.client));
    assert.equal(fresh.action, 'create');
    assert.deepEqual(fresh.settings?.permissions?.map((c) => `${c.action} ${c.grantee.name} ${c.capability}`), ['add alice Read']);
    for (const settings of [{ permissions: [{ group: 'Ghosts', template: 'Viewer' as const }] }, { owner: 'nobody' }]) {
      const p = await planItem(input({ settings }), clientLookup(h.conn.client));
      assert.deepEqual(codes(p), ['unknownGrantee']);
      assert.equal(p.action, 'refused');
      assert.match(p.problems[0].message, /there is no (group named "Ghosts"|user named "nobody")/);
      assert.match(planLines(p).join('\n'), /FAILS \(unknownGrantee\)/);
    }
    const bad = await planItem(input({ settings: { permissions: [{ group: 'Sales', capabilities: { Connect: 'Allow' } }] } }), clientLookup(h.conn.client));
    assert.deepEqual(codes(bad), ['invalidSetting']);
  });

  it('overwriting a data source: names the workbooks that use it; failOnImpact refuses; the Metadata API off is said, and refuses nothing', async () => {
    const ds = input({ kind: 'datasource', file: '/w/Orders.tds', name: 'Orders', afterPublish: { failOnImpact: false } });
    const p = await planItem(ds, clientLookup(h.conn.client));
    assert.deepEqual(codes(p), []);
    assert.ok(p.impact?.available);
    assert.equal(p.impact.total, 1);
    // The owner as it is now (the first test may have made alice the owner).
    const owner = h.sim.state().users.find((u) => u.id === h.sim.state().workbooks.find((w) => w.id === wbId)!.ownerId)!.name;
    assert.deepEqual(p.impact.workbooks.map((w) => [w.name, w.projectName, w.owner]), [['Board', 'Publish', owner]]);
    assert.match(planLines(p).join('\n'), new RegExp(`impact: 1 workbook uses this data source: Board \\(Publish, owner ${owner}\\)\\.`));
    const refused = await planItem({ ...ds, afterPublish: { failOnImpact: true } }, clientLookup(h.conn.client));
    assert.deepEqual(codes(refused), ['impactRefused']);
    assert.equal((await planItem({ ...ds, mode: 'append' }, clientLookup(h.conn.client))).impact, undefined, 'an append replaces nothing');

    await fetch(`${h.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: false }) });
    try {
      const off = await planItem({ ...ds, afterPublish: { failOnImpact: true } }, clientLookup(h.conn.client));
      assert.deepEqual(codes(off), []);
      assert.equal(off.impact?.available, false);
      assert.match(planLines(off).join('\n'), /impact: Could not check which workbooks use this data source: the Metadata API is not enabled.*Going on\./);
    } finally {
      await fetch(`${h.sim.url}/_sim/metadata-api`, { method: 'POST', body: JSON.stringify({ site: PUB_SITE, enabled: true }) });
    }
  });
});
