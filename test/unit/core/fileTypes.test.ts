import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../../../src/core/errors';
import { PUBLISHABLE_EXTENSIONS } from '../../../src/core/models';
import { fileTypeOf } from '../../../src/core/package/inspect';
import { FLOW_EXTENSIONS } from '../../../src/core/publish/flowPublisher';

// package.json cannot import code: its menus say which files get "Publish" with a regex in
// each `when` clause. These tests hold every such regex to the core's one list.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };

const allFileTypeClauses = Object.entries(pkg.contributes.menus).flatMap(([menu, items]) =>
  items.filter((i) => /resource(Extname|Filename|Path|LangId)/.test(i.when ?? '')).map((i) => ({ menu, command: i.command, when: i.when! })),
);
// Update Published Data reads its rows from a .hyper only (an incremental update's payload), not from every publishable file.
const UPDATE_DATA = 'tableau.updatePublishedData';
// Compare with Server works on the documents only (an extract has no document to compare).
const DOCUMENT_COMMANDS = new Set(['tableau.compareWithServer']);
const fileTypeClauses = allFileTypeClauses.filter((c) => c.command !== UPDATE_DATA && !DOCUMENT_COMMANDS.has(c.command));

/** The regex of `resourceExtname =~ /.../flags` in a when clause. */
function extnameRegex(when: string): RegExp {
  const m = /resourceExtname =~ \/(.+?)\/([a-z]*)(\s|$)/.exec(when);
  assert.ok(m, `"${when}" tests the file type with resourceExtname =~ /.../`);
  return new RegExp(m[1], m[2]);
}

describe('publishable file types: one list', () => {
  it('the menus offer Publish on every file type the core publishes', () => {
    assert.ok(fileTypeClauses.length >= 5, 'the explorer and editor menus test the file type');
    for (const c of fileTypeClauses) {
      const re = extnameRegex(c.when);
      for (const ext of PUBLISHABLE_EXTENSIONS) {
        assert.ok(re.test(ext) && re.test(ext.toUpperCase()), `${c.menu} ${c.command}: ${ext} matches ${re}`);
      }
    }
  });

  it('Update Published Data is offered on .hyper files only', () => {
    const clauses = allFileTypeClauses.filter((c) => c.command === UPDATE_DATA);
    assert.ok(clauses.length >= 1, 'the Explorer menu offers Update Published Data');
    for (const c of clauses) {
      const re = extnameRegex(c.when);
      assert.ok(re.test('.hyper') && re.test('.HYPER'), `${c.menu}: ${c.when}`);
      for (const other of ['.tde', '.tdsx', '.twbx', '.hyperx', '']) assert.equal(re.test(other), false, `${c.menu}: "${other}"`);
    }
  });

  it('the menus offer it on no other file type', () => {
    for (const c of fileTypeClauses) {
      const alternatives = /\((.+)\)/.exec(extnameRegex(c.when).source)?.[1].split('|').map((a) => `.${a}`);
      // Prep flows publish through the flow publisher, from the same menus.
      assert.deepEqual(alternatives?.slice().sort(), [...PUBLISHABLE_EXTENSIONS, ...FLOW_EXTENSIONS].sort(), `${c.menu} ${c.command}: ${c.when}`);
      const re = extnameRegex(c.when);
      for (const other of ['.xlsx', '.twbxx', '.tdsx.bak', '.json', '.tw', '']) assert.equal(re.test(other), false, `${c.menu} ${c.command}: "${other}"`);
    }
  });

  it('Compare with Server is offered on exactly the workbook and data source documents', () => {
    const clauses = allFileTypeClauses.filter((c) => DOCUMENT_COMMANDS.has(c.command));
    assert.deepEqual(clauses.map((c) => c.menu).sort(), ['editor/title', 'explorer/context']);
    for (const c of clauses) {
      const re = extnameRegex(c.when);
      for (const ext of ['.twb', '.TWBX', '.tds', '.tdsx']) assert.ok(re.test(ext), `${c.menu}: ${ext}`);
      for (const other of ['.hyper', '.tde', '.xlsx', '.twbxx']) assert.equal(re.test(other), false, `${c.menu}: ${other}`);
    }
  });

  it('package inspection accepts exactly the list', () => {
    for (const ext of PUBLISHABLE_EXTENSIONS) {
      const t = fileTypeOf(`/tmp/Sales${ext.toUpperCase()}`);
      assert.equal(`.${t.fileType}`, ext);
      assert.equal(t.kind, ext === '.twb' || ext === '.twbx' ? 'workbook' : 'datasource');
    }
    assert.throws(
      () => fileTypeOf('/tmp/Sales.xlsx'),
      (e) => TableauError.is(e, 'invalidFile') && e.message.includes(PUBLISHABLE_EXTENSIONS.join(', ')),
    );
  });
});
