/** The tree's page-by-page listing (projectNameFilter) ends however the server numbers its pages. */
import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import type { Page, Project, Workbook } from '../../../src/core/models';
import { maxListItemsFrom } from '../../../src/vscode/connections/httpOptions';
import { ProjectNameFilterStrategy, type ContentClient } from '../../../src/vscode/tree/contentStrategies';

describe('tree: bounded page-by-page listing', () => {
  const other: Workbook = { id: 'w', name: 'Elsewhere', project: { id: 'other', name: 'Other' } } as Workbook;
  const project: Project = { id: 'mine', name: 'Mine' } as Project;
  /** A server that always says page 1 of 1e9 and never sends this project's items. */
  function endless(listLimits?: ContentClient['listLimits']): { client: ContentClient; calls: () => number } {
    let calls = 0;
    const client = {
      listLimits,
      listWorkbooks: async (): Promise<Page<Workbook>> => {
        calls++;
        return { items: [other], pagination: { pageNumber: 1, pageSize: 100, totalAvailable: 1_000_000_000 } };
      },
    } as unknown as ContentClient;
    return { client, calls: () => calls };
  }

  it('ends at the default cap (200,000 items in pages of 100) with an error naming the setting', async () => {
    const { client, calls } = endless();
    const strategy = new ProjectNameFilterStrategy(async () => client, 100);
    await assert.rejects(strategy.workbooks(project, 10), (e) => TableauError.is(e, 'responseTooLarge') && /tableau\.maxListItems/.test((e as Error).message));
    assert.equal(calls(), 2000, 'pages of 100 up to the 200,000-item listing limit');
  });

  it('follows the client\'s tableau.maxListItems and names it when hit', async () => {
    const { client, calls } = endless({ maxItems: 500, limitName: 'the setting tableau.maxListItems' });
    const strategy = new ProjectNameFilterStrategy(async () => client, 100);
    await assert.rejects(strategy.workbooks(project, 10), (e) => TableauError.is(e, 'responseTooLarge') && /500 items at most.*raise the setting tableau\.maxListItems/.test((e as Error).message));
    assert.equal(calls(), 5);
    const again = await strategy.workbooks(project, 10);
    assert.deepEqual([again.items, again.hasMore, calls()], [[], false, 5], 'a capped listing asks no more');
  });

  it('tableau.maxListItems from settings.json: a whole number of at least 1, else the default', () => {
    assert.equal(maxListItemsFrom(5000), 5000);
    assert.equal(maxListItemsFrom(2500.7), 2500);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000', null, undefined]) assert.equal(maxListItemsFrom(bad), undefined, String(bad));
  });
});
