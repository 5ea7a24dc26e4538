/** Sample files for the after-publish suites: workbooks with named sheets, and workbooks that use a published data source. */
import type { SampleDataConnection } from '../fixtures/samples';
import { datasourceElement } from '../fixtures/samples';

/** A .twb with these worksheets whose data is `conns` (optionally with an extract). */
export function sheetsTwb(sheets: string[], conns: SampleDataConnection[] = [{ class: 'textscan', dbname: 'Data/orders.csv' }], extract = false): string {
  return `<?xml version='1.0' encoding='utf-8' ?>
<workbook original-version='18.1' source-build='2024.1.0' version='18.1'>
  <datasources>${datasourceElement('Sales', conns, extract)}</datasources>
  <worksheets>${sheets.map((s) => `<worksheet name='${s}' />`).join('')}</worksheets>
</workbook>
`;
}

/** A workbook's connection to a published data source, as Tableau writes it (class sqlproxy, the name in server-ds-friendly-name). */
export function publishedSource(name: string, contentUrl = name.replace(/[^A-Za-z0-9]/g, '')): SampleDataConnection {
  // The sample writer prints every key as an attribute: this one is Tableau's, not a DataConnection field.
  return Object.assign({ class: 'sqlproxy', server: 'localhost', dbname: contentUrl }, { 'server-ds-friendly-name': name }) as SampleDataConnection;
}
