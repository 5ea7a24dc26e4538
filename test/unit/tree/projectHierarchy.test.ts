import * as assert from 'node:assert/strict';
import type { Project } from '../../../src/core/models';
import { formatBytes } from '../../../src/core/display';
import { describeItem, formatDate } from '../../../src/vscode/tree/format';
import { ProjectHierarchy } from '../../../src/vscode/tree/projectHierarchy';

const p = (id: string, name: string, parentProjectId?: string): Project => ({ id, name, parentProjectId });

describe('project hierarchy', () => {
  it('nests projects by parent id and sorts siblings by name, case-insensitively', () => {
    const h = new ProjectHierarchy([p('q1', 'Q1', 'm'), p('f', 'finance'), p('m', 'Monthly', 'f'), p('a', 'Archive', 'f'), p('s', 'Sales')]);
    assert.deepEqual(h.roots.map((e) => e.project.name), ['finance', 'Sales']);
    assert.deepEqual(h.get('f')!.children.map((e) => e.project.name), ['Archive', 'Monthly']);
    assert.deepEqual(h.get('q1')!.path, ['finance', 'Monthly', 'Q1']);
    assert.equal(h.displayPath('q1'), 'finance / Monthly / Q1');
    assert.deepEqual(h.chain('q1'), ['f', 'm', 'q1']);
    assert.deepEqual(h.all().map((e) => e.project.id), ['f', 'a', 'm', 'q1', 's']);
  });

  it('shows a project whose parent is not visible, and breaks parent cycles, at the top level', () => {
    const h = new ProjectHierarchy([p('x', 'Orphan', 'hidden'), p('a', 'A', 'b'), p('b', 'B', 'a')]);
    assert.equal(h.size, 3);
    const all = h.all().map((e) => e.project.id).sort();
    assert.deepEqual(all, ['a', 'b', 'x'], 'every project appears exactly once');
    assert.ok(h.roots.some((e) => e.project.id === 'x'));
  });
});

describe('tree item descriptions', () => {
  it('formats sizes and dates for humans and ignores junk', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(250 * 1024 * 1024), '250 MB');
    assert.equal(formatBytes(undefined), undefined);
    assert.equal(formatBytes(-1), undefined);
    assert.equal(formatDate('2026-01-02T10:00:00Z'), '2026-01-02');
    assert.equal(formatDate('not a date'), undefined);
  });

  it('describes an item by owner, update day and size, with what the server gave', () => {
    assert.equal(describeItem({ id: '1', name: 'W', owner: { id: 'u', name: 'bob' }, updatedAt: '2026-03-04T00:00:00Z', size: 2048 }), 'bob · updated 2026-03-04 · 2.0 KB');
    assert.equal(describeItem({ id: '1', name: 'W' }), '');
  });
});
