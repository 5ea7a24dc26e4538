import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contextValueFor } from '../../../src/vscode/tree/contentModel';

// The tree's menus are data in package.json: these tests read it and evaluate the
// `viewItem` part of each when-clause against the context values the nodes really set.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const itemMenus: { command: string; when: string; group?: string }[] = pkg.contributes.menus['view/item/context'];

/** Evaluates `viewItem == x` or `viewItem =~ /re/` from a when-clause; other terms are taken as true. */
function matchesViewItem(when: string, contextValue: string): boolean {
  const eq = /viewItem == ([\w.]+)/.exec(when);
  if (eq) return eq[1] === contextValue;
  const re = /viewItem =~ \/(.+?)\/(\s|$)/.exec(when);
  if (re) return new RegExp(re[1]).test(contextValue);
  return true;
}

const kinds = ['connection', 'site', 'project', 'workbook', 'datasource', 'view'] as const;
const allValues = (readOnly: boolean): string[] => [
  ...kinds.map((k) => contextValueFor(k, readOnly)),
  contextValueFor('datasource', readOnly) + '.extract',
];
const shownFor = (command: string, value: string): boolean => itemMenus.some((m) => m.command === command && matchesViewItem(m.when, value));

describe('content tree menus (package.json)', () => {
  const mutating = ['tableau.publish', 'tableau.createProject', 'tableau.deleteContent', 'tableau.refreshExtract'];

  it('shows no mutating action on a read-only connection', () => {
    for (const command of mutating) {
      for (const value of allValues(true)) assert.equal(shownFor(command, value), false, `${command} shown on ${value}`);
    }
  });

  it('shows the mutating actions where they apply on a writable connection', () => {
    assert.ok(shownFor('tableau.publish', 'project'));
    assert.ok(shownFor('tableau.createProject', 'site'));
    assert.ok(shownFor('tableau.createProject', 'project'));
    assert.ok(shownFor('tableau.deleteContent', 'workbook'));
    assert.ok(shownFor('tableau.deleteContent', 'datasource.extract'));
    assert.ok(shownFor('tableau.refreshExtract', 'datasource.extract'));
    assert.equal(shownFor('tableau.refreshExtract', 'datasource'), false, 'no extract refresh without an extract');
    assert.equal(shownFor('tableau.deleteContent', 'project'), false);
  });

  it('keeps reading actions on read-only connections', () => {
    for (const value of ['workbook.readonly', 'datasource.readonly', 'view.readonly', 'project.readonly']) {
      assert.ok(shownFor('tableau.openInBrowser', value), `open on ${value}`);
      assert.ok(shownFor('tableau.copyName', value), `copy on ${value}`);
    }
    assert.ok(shownFor('tableau.download', 'workbook.readonly'));
    assert.ok(shownFor('tableau.download', 'datasource.readonly.extract'));
  });

  it('has a title in package.nls.json for every %key% of the view, menus and tasks', () => {
    const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
    const text = JSON.stringify(pkg.contributes);
    for (const m of text.matchAll(/%([\w.]+)%/g)) assert.ok(nls[m[1]], `package.nls.json lacks ${m[1]}`);
  });

  it('ships the icons the tree and the activity bar use', () => {
    for (const name of ['workbook', 'datasource', 'project', 'view']) {
      for (const theme of ['light', 'dark']) {
        const svg = fs.readFileSync(path.join(root, 'media', `${name}-${theme}.svg`), 'utf8');
        assert.match(svg, /^<svg [^>]*viewBox="0 0 16 16"/);
      }
    }
    const container = pkg.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'tableau');
    assert.ok(fs.existsSync(path.join(root, container.icon)));
  });
});
