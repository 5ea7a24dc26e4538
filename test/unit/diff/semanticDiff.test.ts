import * as assert from 'node:assert/strict';
import { diffDocuments } from '../../../src/core/diff/compare';
import { renderMarkdown, renderText, toJson } from '../../../src/core/diff/render';
import { normalizedXml, parseDocument } from '../../../src/core/diff/xmlTree';
import { TableauError } from '../../../src/core/errors';
import { DEFAULT_SPEC, workbookDocument } from '../../fixtures/tableauWorkbook';

const labels = { left: 'local', right: 'server' };

describe('semantic diff of workbooks', () => {
  it('finds no difference between two saves that differ only in noise (thumbnails, build stamps, attribute order, whitespace)', () => {
    const a = workbookDocument({ build: '20241.24.0312.0830', thumbnailSeed: 1 });
    const b = workbookDocument({ build: '20242.24.0711.1636', thumbnailSeed: 9, reorderRoot: true }).replace(/\n\s+/g, '\n');
    assert.notEqual(a, b);
    const r = diffDocuments(a, b, labels);
    assert.equal(r.same, true, renderText(r));
    assert.deepEqual(r.changes, []);
  });

  it('names a changed calculated field with both formulas', () => {
    const a = workbookDocument();
    const b = workbookDocument({ calcs: { ...DEFAULT_SPEC.calcs, 'Profit Ratio': 'SUM([Profit])/NULLIF(SUM([Sales]),0)' } });
    const r = diffDocuments(a, b, labels);
    assert.equal(r.same, false);
    const c = r.changes.find((x) => x.category === 'calculatedField');
    assert.ok(c, renderText(r));
    assert.equal(c.name, 'Profit Ratio');
    assert.equal(c.in, 'Orders');
    assert.equal(c.kind, 'changed');
    assert.deepEqual(c.details, ['formula: SUM([Profit])/SUM([Sales]) → SUM([Profit])/NULLIF(SUM([Sales]),0)']);
    // Only that: the data source is not also reported for the same change.
    assert.equal(r.changes.length, 1, renderText(r));
    assert.match(renderText(r), /~ Profit Ratio \(Orders\)\n\s+formula: SUM\(\[Profit\]\)\/SUM\(\[Sales\]\) → /);
    const md = renderMarkdown(r, 'Sales');
    assert.ok(md.includes('- **Profit Ratio** (Orders): changed\n  - formula: ` SUM([Profit])/SUM([Sales]) ` → ` SUM([Profit])/NULLIF(SUM([Sales]),0) `'), md);
  });

  it('reports added and removed worksheets, dashboards objects, parameters, filters and connections', () => {
    const a = workbookDocument();
    const b = workbookDocument({
      sheets: [
        { ...DEFAULT_SPEC.sheets[0], filterMembers: ['East'], mark: 'Circle' },
        { name: 'Map', rows: '[federated.orders].[avg:Latitude:qk]', cols: '[federated.orders].[avg:Longitude:qk]', mark: 'Map' },
      ],
      dashboards: { Overview: ['Sales by Region', 'Map'], Detail: ['Map'] },
      params: { 'Top N': { value: '20', min: 1, max: 50 }, Threshold: { value: '5' } },
      calcs: { 'Profit Ratio': DEFAULT_SPEC.calcs['Profit Ratio'], Margin: '[Profit] - [Cost]' },
      server: 'db2.example.com',
    });
    const r = diffDocuments(a, b, labels);
    const find = (category: string, name: string) => r.changes.find((c) => c.category === category && c.name === name);
    assert.equal(find('worksheet', 'Profit Trend')?.kind, 'removed');
    assert.equal(find('worksheet', 'Map')?.kind, 'added');
    assert.deepEqual(find('worksheet', 'Sales by Region')?.details, ['mark type added: Circle', 'mark type removed: Bar']);
    assert.equal(find('filter', 'Region')?.kind, 'changed');
    assert.equal(find('filter', 'Region')?.in, 'Sales by Region');
    assert.deepEqual(find('dashboard', 'Overview')?.details, ['object added: Map', 'object removed: Profit Trend']);
    assert.equal(find('dashboard', 'Detail')?.kind, 'added');
    assert.deepEqual(find('parameter', 'Top N')?.details, ['value: 10 → 20']);
    assert.equal(find('parameter', 'Threshold')?.kind, 'added');
    assert.equal(find('calculatedField', 'Order Size')?.kind, 'removed');
    assert.equal(find('calculatedField', 'Margin')?.kind, 'added');
    assert.deepEqual(find('dataSource', 'Orders')?.details, [
      'connection added: postgres db2.example.com:5432 / sales as analyst',
      'connection removed: postgres db.example.com:5432 / sales as analyst',
    ]);
    const json = toJson(r);
    assert.equal(json.same, false);
    assert.equal(JSON.parse(JSON.stringify(json)).changes.length, r.changes.length);
  });

  it('shows a field by its caption on the shelves, not its internal name', () => {
    const r = diffDocuments(workbookDocument(), workbookDocument({ sheets: [{ ...DEFAULT_SPEC.sheets[1], rows: '[federated.orders].[sum:Sales:qk]' }, DEFAULT_SPEC.sheets[0]] }), labels);
    const ws = r.changes.find((c) => c.name === 'Profit Trend');
    assert.deepEqual(ws?.details, ['rows: Profit Ratio → Sales']);
  });

  it('normalizes: thumbnails, manifest and version stamps gone, attributes sorted, entities kept as written', () => {
    const xml = normalizedXml(parseDocument(workbookDocument(), 'test'));
    assert.doesNotMatch(xml, /thumbnail|document-format-change-manifest|source-build|source-platform| version=/);
    assert.match(xml, /<workbook original-version="18.1" xmlns:user="http:\/\/www.tableausoftware.com\/xml\/user">/);
    assert.match(xml, /member="&quot;East&quot;"/);
    assert.match(xml, /formula="IF \[Quantity\] &gt; 10 THEN &apos;Large&apos; ELSE &apos;Small&apos; END"/);
  });

  it('refuses a non-XML or broken document with a clear invalidFile error', () => {
    assert.throws(() => diffDocuments('<workbook><worksheets></workbook>', workbookDocument(), labels), (e) => TableauError.is(e, 'invalidFile') && /local is not well-formed XML/.test(e.message));
  });

  it('compares data source documents (.tds)', () => {
    const tds = (server: string, calc: string) => `<?xml version='1.0' encoding='utf-8' ?>
<datasource formatted-name='Orders' inline='true' version='18.1'>
  <connection class='federated'><named-connections><named-connection name='p'><connection class='postgres' dbname='sales' server='${server}' /></named-connection></named-connections></connection>
  <column caption='Big' datatype='boolean' name='[Calculation_1]' role='dimension' type='nominal'><calculation class='tableau' formula='${calc}' /></column>
</datasource>`;
    const r = diffDocuments(tds('a', '[Sales] &gt; 100'), tds('b', '[Sales] &gt; 200'), labels);
    assert.equal(r.kind, 'datasource');
    assert.deepEqual(r.changes.map((c) => [c.category, c.name, c.details[0]]), [
      ['calculatedField', 'Big', 'formula: [Sales] > 100 → [Sales] > 200'],
      ['dataSource', 'Orders', 'connection added: postgres b / sales'],
    ]);
  });
});
