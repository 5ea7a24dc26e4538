import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TableauError } from '../../../src/core/errors';
import { loadManifest, parseManifest, saveManifest, upsertTarget } from '../../../src/core/publish/manifest';
import { actionsOfTarget } from '../../../src/core/publish/manifestUpdate';

const base = { connection: 'Prod', site: 'sales', project: 'Sales', name: 'Orders', mode: 'update' };

describe('manifest: "mode": "update" targets', () => {
  it('keeps update targets apart from publish targets, and writes them back among the targets', async () => {
    const doc = {
      version: 1,
      targets: [
        { file: 'a.twbx', connection: 'Prod', site: 'sales', project: 'Sales', mode: 'overwrite' },
        { ...base, file: 'exports/orders-*.hyper', actions: [{ action: 'insert', 'source-table': 'Extract', 'target-table': 'Extract' }] },
      ],
    };
    const m = parseManifest(JSON.stringify(doc));
    assert.equal(m.targets.length, 1, 'publish targets never see mode "update"');
    assert.equal(m.updates?.length, 1);
    assert.deepEqual(actionsOfTarget(m.updates![0]).actions, (doc.targets[1] as { actions: unknown }).actions);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-mu-'));
    try {
      const file = path.join(dir, '.vscode', 'tableau-publish.json');
      // A publish target added from VS Code keeps the update targets.
      await saveManifest(file, upsertTarget(m, { file: 'b.twbx', connection: 'Prod', site: 'sales', project: 'Sales', mode: 'overwrite' }));
      const again = await loadManifest(file);
      assert.deepEqual(again?.updates, m.updates);
      assert.equal(again?.targets.length, 2);
      assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { targets: unknown[] }).targets.length, 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a version 2 manifest keeps its environments and its update targets both when a target is saved', async () => {
    const doc = {
      version: 2,
      environments: { prod: { connection: 'Prod', site: 'sales' } },
      targets: [
        { file: 'a.twbx', project: 'Sales', mode: 'overwrite', environments: { prod: {} } },
        { ...base, file: 'exports/orders.hyper', insert: 'Extract.Extract' },
      ],
    };
    const m = parseManifest(JSON.stringify(doc));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-mu2-'));
    try {
      const file = path.join(dir, '.vscode', 'tableau-publish.json');
      await saveManifest(file, upsertTarget(m, { file: 'b.twbx', connection: 'Prod', site: 'sales', project: 'Sales', mode: 'overwrite' }));
      const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; environments?: unknown; targets: { file: string }[] };
      assert.equal(written.version, 2);
      assert.deepEqual(written.environments, doc.environments);
      assert.deepEqual(written.targets.map((t) => t.file), ['a.twbx', 'b.twbx', 'exports/orders.hyper']);
      const again = await loadManifest(file);
      assert.equal(again?.updates?.length, 1);
      assert.deepEqual(Object.keys(again?.environments ?? {}), ['prod']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['no actions', { ...base, file: 'x.hyper' }, /needs exactly one of "actions", "insert", "upsert"/],
    ['two kinds of actions', { ...base, file: 'x.hyper', insert: 'Extract', upsert: { table: 'Extract', on: ['id'] } }, /exactly one of/],
    ['actions Tableau does not document', { ...base, file: 'x.hyper', actions: [{ action: 'merge' }] }, /\$\.targets\[0\]\.actions.*must be one of/],
    ['an upsert without keys', { ...base, file: 'x.hyper', upsert: { table: 'Extract', on: [] } }, /needs the key column/],
    ['a path out of the workspace', { ...base, file: '../x.hyper', insert: 'Extract' }, /\$\.targets\[0\]\.file/],
    ['no data source name', { ...base, name: undefined, file: 'x.hyper', insert: 'Extract' }, /\$\.targets\[0\]\.name is missing/],
  ];
  for (const [what, t, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseManifest(JSON.stringify({ version: 1, targets: [t] })), (e) => TableauError.is(e, 'invalidArgument') && message.test(e.message));
    });
  }
});
