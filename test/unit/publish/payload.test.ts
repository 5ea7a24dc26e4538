import * as assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { TableauError } from '../../../src/core/errors';
import { globalRedactor } from '../../../src/core/logger';
import { dataSourcePayload, workbookPayload, xmlAttr } from '../../../src/core/publish/payload';
import { SchemaReferee } from '../../support/schemaReferee';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true });

describe('publish payload', () => {
  it('escapes every special character, with &#39; for the apostrophe', () => {
    assert.equal(xmlAttr(`a'b"c&d<e>f\ng`), 'a&#39;b&quot;c&amp;d&lt;e&gt;f&#10;g');
    assert.throws(() => xmlAttr('bell\u0007'), (e) => TableauError.is(e, 'invalidArgument'));
  });

  it('builds a workbook payload whose values parse back exactly', () => {
    const name = `Q1 'Sales' & "Margins" <draft> — 売上 ✓`;
    const xml = workbookPayload({
      name,
      projectId: 'p-1',
      showTabs: true,
      description: 'line 1\nline 2',
      hiddenViews: ['Sheet & 2'],
      connectionCredentials: [{ serverAddress: 'db.example.com', serverPort: '5432', username: 'u', password: `pa'ss"word` }],
    });
    assert.ok(!xml.includes('&apos;'));
    const doc = parser.parse(xml);
    const wb = doc.tsRequest.workbook;
    assert.equal(wb.name, name);
    assert.equal(wb.showTabs, 'true');
    assert.equal(wb.description, 'line 1\nline 2');
    assert.equal(wb.project.id, 'p-1');
    assert.equal(wb.views.view.name, 'Sheet & 2');
    assert.equal(wb.views.view.hidden, 'true');
    const c = wb.connections.connection;
    assert.equal(c.serverAddress, 'db.example.com');
    assert.deepEqual(c.connectionCredentials, { name: 'u', password: `pa'ss"word`, embed: 'true' });
    // The password is now known to the redactor.
    assert.ok(!globalRedactor.redact(`x pa'ss"word y`).includes(`pa'ss"word`));
  });

  it('builds a data source payload', () => {
    const xml = dataSourcePayload({ name: 'Orders', projectId: 'p', description: 'D', connectionCredentials: [{ serverAddress: 'db.example.com', username: 'u', password: 'secret-pw', embed: false }] });
    assert.equal(
      xml,
      '<tsRequest><datasource name="Orders" description="D"><connectionCredentials name="u" password="secret-pw" embed="false"/><project id="p"/></datasource></tsRequest>',
    );
    assert.throws(() => dataSourcePayload({ name: '  ', projectId: 'p' }), (e) => TableauError.is(e, 'invalidArgument'));
  });

  it('ties each login of a data source on several hosts to its host, never one login for all', () => {
    const xml = dataSourcePayload({
      name: 'Joined',
      projectId: 'p',
      connectionCredentials: [
        { serverAddress: 'db.example.com', serverPort: '5432', username: 'a', password: 'pw-a' },
        { serverAddress: 'wh.example.com', serverPort: '5439', username: 'b', password: 'pw-b', embed: false },
      ],
    });
    assert.equal(
      xml,
      '<tsRequest><datasource name="Joined"><project id="p"/><connections>' +
        '<connection serverAddress="db.example.com" serverPort="5432"><connectionCredentials name="a" password="pw-a" embed="true"/></connection>' +
        '<connection serverAddress="wh.example.com" serverPort="5439"><connectionCredentials name="b" password="pw-b" embed="false"/></connection>' +
        '</connections></datasource></tsRequest>',
    );
  });

  it('ties a single login to its host when the data source names several hosts (the others get nothing)', () => {
    const xml = dataSourcePayload({
      name: 'Joined',
      projectId: 'p',
      hostsInFile: 2,
      connectionCredentials: [{ serverAddress: 'db.corp.internal', serverPort: '5432', username: 'a', password: 'pw-a' }],
    });
    assert.equal(
      xml,
      '<tsRequest><datasource name="Joined"><project id="p"/><connections>' +
        '<connection serverAddress="db.corp.internal" serverPort="5432"><connectionCredentials name="a" password="pw-a" embed="true"/></connection>' +
        '</connections></datasource></tsRequest>',
    );
  });

  it("puts the children in the order of Tableau's schema (connections, then project, then views)", async function () {
    this.timeout(20_000);
    const referee = await SchemaReferee.load([]);
    const wb = workbookPayload({
      name: 'W',
      projectId: '6f1d1b7e-1f5b-4b7e-9a53-0c5c1a1e0b11',
      hiddenViews: ['Hidden'],
      connectionCredentials: [{ serverAddress: 'db', serverPort: '5432', username: 'u', password: 'p' }],
    });
    assert.deepEqual(referee.check(wb), { status: 'valid', errors: [] }, wb);
    const ds = dataSourcePayload({ name: 'D', projectId: '6f1d1b7e-1f5b-4b7e-9a53-0c5c1a1e0b11', connectionCredentials: [{ serverAddress: 'db', username: 'u', password: 'p' }] });
    assert.deepEqual(referee.check(ds), { status: 'valid', errors: [] }, ds);
  });
});
