import * as assert from 'node:assert/strict';
import { documentName, formatAddress, parseAddress, type TableauAddress } from '../../../src/vscode/revisions/tableauUri';

describe('tableau: file system addresses', () => {
  it('round-trips server addresses (current and revision N, default site, names with spaces and slashes)', () => {
    const cases: TableauAddress[] = [
      { where: 'server', connectionId: 'c1', siteContentUrl: '', kind: 'workbook', id: 'a-b', docName: 'Sales.twb', normalized: false },
      { where: 'server', connectionId: 'c1', siteContentUrl: 'sales', kind: 'datasource', id: 'x', revision: 12, docName: 'Orders (revision 12).tds', normalized: true },
    ];
    // vscode.Uri.from keeps the path it is given as its .path, so the address comes back whole.
    for (const a of cases) assert.deepEqual(parseAddress(formatAddress(a).path, formatAddress(a).query), a);
    assert.equal(formatAddress(cases[1]).path, '/server/c1/sales/datasource/x/r12/Orders (revision 12).tds');
  });

  it('round-trips local addresses, the file path in the query', () => {
    const a: TableauAddress = { where: 'local', filePath: '/work/My Files/Sales & Co.twbx', docName: 'Sales & Co 100%/x.twb', normalized: true };
    assert.deepEqual(parseAddress(formatAddress(a).path, formatAddress(a).query), a);
    assert.equal(formatAddress(a).path, '/local/Sales & Co 100%25%2Fx.twb');
  });

  it('refuses what is not an address: unknown kinds, bad revisions, missing parts, broken escapes', () => {
    for (const [path, query] of [
      ['/server/c/~/flow/id/current/x.tfl', ''],
      ['/server/c/~/workbook/id/r-1/x.twb', ''],
      ['/server/c/~/workbook/id/x.twb', ''],
      ['/server/c/%E0%A4%A/workbook/id/current/x.twb', ''],
      ['/local/x.twb', ''],
      ['/elsewhere/x.twb', ''],
    ]) assert.equal(parseAddress(path, query), undefined, path);
  });

  it('names the document after the item, with the document extension and no path characters', () => {
    assert.equal(documentName('Sales / Q3: "final"', 'workbook'), 'Sales _ Q3_ _final_.twb');
    assert.equal(documentName('', 'datasource'), 'document.tds');
  });
});
