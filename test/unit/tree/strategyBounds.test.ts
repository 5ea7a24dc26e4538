/** The tree's page-by-page listing (projectNameFilter) ends however the server numbers its pages. */
import * as assert from 'node:assert/strict';
import type { Page, Project, Workbook } from '../../../src/core/models';
import { ProjectNameFilterStrategy, type ContentClient } from '../../../src/vscode/tree/contentStrategies';

describe('tree: bounded page-by-page listing', () => {
  it('a server that always says page 1 of 1e9 and never sends this project\'s items: the loop ends at the page cap', async () => {
    let calls = 0;
    const other: Workbook = { id: 'w', name: 'Elsewhere', project: { id: 'other', name: 'Other' } } as Workbook;
    const client = {
      listWorkbooks: async (): Promise<Page<Workbook>> => {
        calls++;
        return { items: [other], pagination: { pageNumber: 1, pageSize: 100, totalAvailable: 1_000_000_000 } };
      },
    } as unknown as ContentClient;
    const strategy = new ProjectNameFilterStrategy(async () => client, 100);
    const project: Project = { id: 'mine', name: 'Mine' } as Project;
    const slice = await strategy.workbooks(project, 10);
    assert.deepEqual(slice.items, []);
    assert.equal(slice.hasMore, false);
    assert.equal(calls, 2000, 'pages of 100 up to the 200,000-item listing limit');
  });
});
