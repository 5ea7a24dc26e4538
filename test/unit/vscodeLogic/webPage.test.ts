/** Open in Browser / Copy Web URL: the page Tableau gives, never one built from the LUID. */
import * as assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../../src/vscode/connections/connectionManager';
import { webPageOf, type WebPageItem } from '../../../src/vscode/connections/webPage';
import { hyperBytes, workbookXml, TEXTFILE } from '../../fixtures/samples';
import { publish } from '../../../src/core/publish/publisher';
import { PUB_SITE, startPublishHarness, type Harness } from '../../support/simFixture';

describe('web pages of items (webPageOf, against the simulator)', function () {
  this.timeout(30_000);
  let h: Harness;
  let projectId = '';
  let gets = 0;
  before(async () => ({ h, projectId } = await startPublishHarness()));
  after(() => h.close());

  const connections = {
    getClient: async () => {
      gets++;
      return h.conn.client;
    },
  };
  const item = (over: Partial<WebPageItem>): WebPageItem => ({
    profile: { id: 'p', serverUrl: h.sim.url } as unknown as ConnectionProfile,
    siteContentUrl: PUB_SITE,
    kind: 'workbook',
    id: '',
    ...over,
  });

  it('asks for a workbook\'s or data source\'s page when the item came without one, and opens Tableau\'s address', async () => {
    const wb = await publish(h.conn.client, { filePath: h.tmp.file('Web Page.twb', workbookXml([TEXTFILE])), projectId, mode: 'createnew' });
    const ds = await publish(h.conn.client, { filePath: h.tmp.file('Web Page.hyper', hyperBytes(4096)), projectId, mode: 'createnew' });
    gets = 0;
    const w = await webPageOf(connections, item({ kind: 'workbook', id: wb.item.id }));
    const d = await webPageOf(connections, item({ kind: 'datasource', id: ds.item.id }));
    assert.equal(gets, 2, 'each item was asked for');
    assert.equal(w.exact, true);
    assert.match(w.url, new RegExp(`^${h.sim.url}/#/site/${PUB_SITE}/workbooks/\\d+$`));
    assert.match(d.url, new RegExp(`^${h.sim.url}/#/site/${PUB_SITE}/datasources/\\d+$`));
    assert.ok(!w.url.includes(wb.item.id) && !d.url.includes(ds.item.id), 'not addressed by LUID');
    assert.equal(w.url, (await h.conn.client.getWorkbook(wb.item.id)).webpageUrl);
  });

  it('uses the page the tree\'s listing carried without asking; refuses one on another origin', async () => {
    // Unfiltered: a filtered listing lags a fresh publish (the simulator's search index).
    const listed = (await h.conn.client.allWorkbooks()).find((w) => w.name === 'Web Page')!;
    assert.ok(listed.webpageUrl, 'listings carry webpageUrl');
    gets = 0;
    assert.deepEqual(await webPageOf(connections, item({ id: listed.id, webpageUrl: listed.webpageUrl })), { url: listed.webpageUrl, exact: true });
    assert.equal(gets, 0);
    // A link elsewhere is not opened on the server's word: the item is asked for again.
    assert.deepEqual(await webPageOf(connections, item({ id: listed.id, webpageUrl: 'https://phish.example/#/workbooks/1' })), { url: listed.webpageUrl, exact: true });
    assert.equal(gets, 1);
    // A flow the tree listed with its page: that page, nothing asked.
    gets = 0;
    const flowPage = `${h.sim.url}/#/site/${PUB_SITE}/flows/1007`;
    assert.deepEqual(await webPageOf(connections, item({ kind: 'flow', id: 'f', webpageUrl: flowPage })), { url: flowPage, exact: true });
    assert.equal(gets, 0);
  });

  it('a project (the REST API gives no page for one) opens the site\'s projects; a view its content URL', async () => {
    gets = 0;
    assert.deepEqual(await webPageOf(connections, item({ kind: 'project', id: projectId })), { url: `${h.sim.url}/#/site/${PUB_SITE}/projects`, exact: false });
    assert.deepEqual(await webPageOf(connections, item({ kind: 'view', id: 'v', contentUrl: 'WebPage/sheets/Sheet 1' })), { url: `${h.sim.url}/#/site/${PUB_SITE}/views/WebPage/Sheet 1`, exact: true });
    assert.equal(gets, 0);
  });
});
