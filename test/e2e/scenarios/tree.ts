// Browsing: the Tableau view shows the demo site's projects, a workbook's views, the next
// page of a big project after "Load more...", and "Filter by Name…" narrows the tree.
import * as assert from 'node:assert/strict';
import { type Scenario } from '../scenario';
import { addDemoConnection, expandRow, openTableauView, scrollTreeTo, shot, treeLabels, treeRow, waitFor } from './steps';

export const tree: Scenario = {
  name: 'tree',
  timeoutMs: 150_000,
  async run(ctx) {
    const { workbench: wb } = ctx;
    await wb.waitForExtensionHost();
    await addDemoConnection(ctx);
    await openTableauView(wb);

    // Connection > its own site ("Sales", listed first) > top-level projects.
    await expandRow(wb, 'Demo Sales', 1);
    await expandRow(wb, 'Sales', 2);
    for (const p of ['Default', 'Marketing', 'Sales']) await treeRow(wb, p, 3).waitFor({ state: 'visible', timeout: 20_000 });
    // Other sites the admin can reach are listed under the connection too.
    for (const s of ['Default', 'Finance']) await treeRow(wb, s, 2).waitFor({ state: 'visible' });

    // Project > nested projects and a workbook > its views.
    await expandRow(wb, 'Sales', 3);
    for (const p of ['EMEA', 'Americas', 'Archive']) await treeRow(wb, p, 4).waitFor({ state: 'visible', timeout: 20_000 });
    await expandRow(wb, 'Sales Overview', 4);
    for (const v of ['Summary', 'Map', 'Top Accounts']) await treeRow(wb, v, 5).waitFor({ state: 'visible', timeout: 20_000 });
    await shot(wb, 'tree-workbook-views', 'tree-views');

    // "Sales / Archive" holds 130 workbooks: the first page (100) ends with "Load more...".
    await expandRow(wb, 'Archive', 4);
    await treeRow(wb, 'Archived Report 001', 5).waitFor({ state: 'visible', timeout: 20_000 });
    const loadMore = treeRow(wb, 'Load more...', 5);
    await scrollTreeTo(wb, loadMore, '"Load more..."');
    const shownText = (await loadMore.innerText()).replace(/\s+/g, ' ');
    assert.match(shownText, /100 shown/, `"Load more..." row reads "${shownText}"`);
    assert.equal(await treeRow(wb, 'Archived Report 101', 5).count(), 0, 'item 101 is shown before "Load more..."');
    await shot(wb, 'tree-load-more');
    await loadMore.click();
    const last = treeRow(wb, 'Archived Report 130', 5);
    await scrollTreeTo(wb, last, '"Archived Report 130" (the second page)');
    assert.equal(await treeRow(wb, 'Load more...', 5).count(), 0, '"Load more..." still shown after the last page');

    // Filter by name: only "Pipeline" workbooks and the projects holding them remain.
    await wb.runCommand('Tableau: Filter by Name…');
    await wb.answerInput('content.filter', 'Pipeline');
    await waitFor(async () => (await treeRow(wb, 'Marketing', 3).count()) === 0, 20_000, 'the filter left the "Marketing" project in the tree');
    await wb.page.locator('[id="workbench.view.extension.tableau"]', { hasText: 'Showing names containing "Pipeline"' }).waitFor({ timeout: 10_000 });
    await expandRow(wb, 'Sales', 3);
    await expandRow(wb, 'EMEA', 4);
    await expandRow(wb, 'UK', 5);
    await treeRow(wb, 'UK Pipeline 1', 6).waitFor({ state: 'visible', timeout: 20_000 });
    const labels = await treeLabels(wb);
    for (const gone of ['Sales Overview', 'Archived Report 001', 'Campaign Results']) {
      assert.ok(!labels.includes(gone), `filtered tree still shows "${gone}": ${JSON.stringify(labels)}`);
    }
    await shot(wb, 'tree-filtered', 'tree-filter');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
