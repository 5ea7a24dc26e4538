// After publish (#17) in a real workbench: publishing a workbook opens the "Published" panel with
// the workbook's preview image and the thumbnails of its views (the webview holds one data: PNG each), and overwriting a data
// source that a published workbook uses asks a confirmation (prompt publish.overwriteImpact)
// whose message names that workbook, as the Metadata API answers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Frame } from 'playwright-core';
import { createClient } from '../../../src/core/createClient';
import { publish } from '../../../src/core/publish/publisher';
import { resolveProjectPath } from '../../../src/core/publish/projectPath';
import { type Scenario } from '../scenario';
import { addDemoConnection, answerNewWorkbookPrompts, answerPublishTarget, shot, waitFor } from './steps';
import { PUBLISH_PROJECT, simWorkbook } from './publishFromExplorer';

const WORKBOOK = 'Panel Preview';
const DATASOURCE = 'Impact Orders';
const USER_WORKBOOK = 'Impact Board';

const TEXT_CONNECTION = "<connection class='textscan' dbname='Data/orders.csv' />";
function datasourceXml(): string {
  return `<?xml version='1.0' encoding='utf-8' ?>\n<datasource formatted-name='${DATASOURCE}' inline='true' version='18.1'>${TEXT_CONNECTION}</datasource>\n`;
}
function dependentWorkbookXml(): string {
  return `<?xml version='1.0' encoding='utf-8' ?>
<workbook version='18.1'><datasources><datasource caption='${DATASOURCE}' name='sqlproxy.1' version='18.1'>
<connection class='sqlproxy' server='localhost' dbname='ImpactOrders' server-ds-friendly-name='${DATASOURCE}' /></datasource></datasources>
<worksheets><worksheet name='Orders by Week' /></worksheets></workbook>
`;
}

/** The frames of the Published webview whose document holds view thumbnails. */
async function thumbnailFrames(frames: Frame[]): Promise<{ frame: Frame; srcs: string[] }[]> {
  const found: { frame: Frame; srcs: string[] }[] = [];
  for (const frame of frames) {
    const srcs = await frame.locator('img.view-thumb').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? '')).catch(() => [] as string[]);
    if (srcs.length) found.push({ frame, srcs });
  }
  return found;
}

export const publishedPanelImpact: Scenario = {
  name: 'publishedPanelImpact',
  timeoutMs: 180_000,
  async run(ctx) {
    const { workbench: wb, samples, simulator } = ctx;
    await wb.waitForExtensionHost();
    await addDemoConnection(ctx);

    // 1. Publish a workbook: the Published panel shows a thumbnail per view.
    fs.copyFileSync(samples.twbx, path.join(ctx.workspace, `${WORKBOOK}.twbx`));
    await wb.explorerContextMenu(`${WORKBOOK}.twbx`, 'Publish to Tableau…');
    await answerPublishTarget(wb, PUBLISH_PROJECT);
    await answerNewWorkbookPrompts(wb, WORKBOOK);
    await wb.waitForNotification(new RegExp(`Published "${WORKBOOK}"`), 60_000);
    const published = simWorkbook(ctx, WORKBOOK);
    assert.ok(published, 'the workbook was not published');
    let shown: { frame: Frame; srcs: string[] }[] = [];
    await waitFor(async () => (shown = await thumbnailFrames(wb.page.frames())).length > 0, 30_000, 'the Published panel shows no view thumbnails');
    const srcs = shown[0].srcs;
    assert.equal(srcs.length, published.views.length, `one thumbnail per view (${published.views.map((v) => v.name).join(', ')})`);
    for (const src of srcs) assert.match(src, /^data:image\/png;base64,iVBORw0KGgo/, 'each thumbnail is a PNG data: URI (no remote load)');
    // Above the thumbnails: the workbook's preview image (Query Workbook Preview Image), also a data: PNG.
    const previews = await shown[0].frame.locator('[data-testid="workbook-preview"] img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? ''));
    assert.equal(previews.length, 1, 'one workbook preview image');
    assert.match(previews[0], /^data:image\/png;base64,iVBORw0KGgo/);
    await shot(wb, 'publishedPanelImpact-panel');

    // 2. Another user publishes a data source and a workbook that uses it (a sqlproxy connection).
    const bob = createClient({ server: simulator.url, credential: { kind: 'pat', tokenName: 'bob-pat', tokenSecret: 'bob-pat-secret-41c2' }, siteContentUrl: simulator.demoPat!.site });
    try {
      const project = await resolveProjectPath(bob.client, PUBLISH_PROJECT);
      const dir = fs.mkdtempSync(path.join(path.dirname(ctx.workspace), 'impact-'));
      const dsFile = path.join(dir, `${DATASOURCE}.tds`);
      const wbFile = path.join(dir, `${USER_WORKBOOK}.twb`);
      fs.writeFileSync(dsFile, datasourceXml());
      fs.writeFileSync(wbFile, dependentWorkbookXml());
      await publish(bob.client, { filePath: dsFile, projectId: project.id, mode: 'createnew' });
      await publish(bob.client, { filePath: wbFile, projectId: project.id, mode: 'createnew' });
    } finally {
      await bob.close();
    }

    // 3. Overwrite the data source from VS Code: the confirmation names the workbook that uses it.
    fs.writeFileSync(path.join(ctx.workspace, `${DATASOURCE}.tds`), datasourceXml());
    await wb.explorerContextMenu(`${DATASOURCE}.tds`, 'Publish to Tableau…');
    await answerPublishTarget(wb, PUBLISH_PROJECT);
    await wb.answerInput('publish.name', DATASOURCE);
    await wb.answerPick('publish.mode', 'overwrite');
    const confirm = await wb.answerConfirm('publish.overwriteImpact');
    assert.match(confirm.message ?? '', /1 workbook uses this data source: Impact Board \(Marketing, owner Bob Builder\)/);
    await wb.acceptPick('publish.options');
    await wb.waitForNotification(new RegExp(`Published "${DATASOURCE}"`), 60_000);
    await shot(wb, 'publishedPanelImpact-overwritten');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
