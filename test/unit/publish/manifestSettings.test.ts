import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { validateManifest } from '../../../src/core/publish/manifest';

const target = (options: Record<string, unknown>) => ({ version: 1, targets: [{ file: 'a.twbx', connection: 'c', site: '', project: 'P', mode: 'overwrite', options }] });

describe('manifest: settings and permissions options', () => {
  it('keeps owner, thumbnails, removeOtherTags, permission rules and project default rules', () => {
    const options = {
      owner: 'alice',
      thumbnailsGroup: 'Renderers',
      removeOtherTags: true,
      permissions: [{ group: 'Sales', template: 'Viewer', capabilities: { ExportData: 'Deny' } }, { user: 'bob', capabilities: { Write: 'Allow' } }],
      projectDefaultPermissions: { workbooks: [{ group: 'Sales', template: 'Interactor' }], datasources: [{ group: 'Sales', capabilities: { Connect: 'Allow' } }] },
    };
    assert.deepEqual(validateManifest(target(options)).targets[0].options, options);
  });

  it('names the JSON path of a bad setting', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ permissions: [{ group: 'Sales', user: 'bob', template: 'Viewer' }] }, /permissions\[0\] must name exactly one grantee/],
      [{ permissions: [{ group: 'Sales', template: 'Owner' }] }, /permissions\[0\]\.template must be one of Viewer, Interactor, Editor, Administrator/],
      [{ permissions: [{ group: 'Sales', capabilities: { Fly: 'Allow' } }] }, /permissions\[0\]\.capabilities\.Fly is not a Tableau capability/],
      [{ permissions: [{ group: 'Sales', capabilities: { Read: 'allow' } }] }, /capabilities\.Read must be "Allow" or "Deny"/],
      [{ permissions: [{ group: 'Sales' }] }, /sets no capability/],
      [{ permissions: [{ group: 'Sales', template: 'Viewer', role: 'x' }] }, /permissions\[0\]\.role is not a known setting/],
      [{ projectDefaultPermissions: { flows: [] } }, /projectDefaultPermissions\.flows is not a known setting/],
      [{ thumbnailsUser: 'a', thumbnailsGroup: 'b' }, /not both/],
      [{ owner: '' }, /options\.owner must be a name/],
      [{ removeOtherTags: 'yes' }, /removeOtherTags must be true or false/],
    ];
    for (const [options, re] of cases) {
      assert.throws(() => validateManifest(target(options)), (e) => TableauError.is(e, 'invalidArgument') && re.test(e.message), JSON.stringify(options));
    }
  });
});
