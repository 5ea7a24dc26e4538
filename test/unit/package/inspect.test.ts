import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { TableauError } from '../../../src/core/errors';
import { inspectPackage } from '../../../src/core/package/inspect';
import { buildZip } from '../../fixtures/zipWriter';
import { datasourceXml, hyperBytes, POSTGRES, tdsxBytes, TEXTFILE, twbxBytes, workbookXml } from '../../fixtures/samples';
import { tempDir } from '../../support/files';

const SHADOW_LIKE = 'root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n';
const isInvalid = (pattern: RegExp) => (e: unknown) => TableauError.is(e, 'invalidFile') && pattern.test((e as Error).message);

describe('inspectPackage', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('reads a .twbx: kind, inner document and connections', async () => {
    const p = tmp.file('Sales Report.twbx', twbxBytes([POSTGRES, TEXTFILE], { twbName: 'Other name.twb' }));
    const info = await inspectPackage(p);
    assert.equal(info.kind, 'workbook');
    assert.equal(info.fileType, 'twbx');
    assert.equal(info.size, fs.statSync(p).size);
    assert.equal(info.isExtract, false);
    assert.equal(info.innerDocumentName, 'Other name.twb');
    assert.equal(info.dataConnectionsParsed, true);
    assert.deepEqual(info.dataConnections, [
      { ...POSTGRES, needsCredentials: true, isOAuth: false },
      { class: 'textscan', dbname: 'Data/orders.csv', server: undefined, port: undefined, username: undefined, authentication: undefined, needsCredentials: false, isOAuth: false },
    ]);
  });

  it('treats a packaged extract as needing no credentials, and spots OAuth', async () => {
    const oauth = { class: 'snowflake', server: 'acme.snowflakecomputing.com', authentication: 'oauth' };
    const p = tmp.file('x.tdsx', tdsxBytes([POSTGRES], { extract: true }));
    const info = await inspectPackage(p);
    assert.equal(info.kind, 'datasource');
    assert.deepEqual(
      info.dataConnections.map((c) => [c.class, c.needsCredentials]),
      [['postgres', false], ['hyper', false]],
    );
    const tds = await inspectPackage(tmp.file('o.tds', datasourceXml([oauth])));
    assert.equal(tds.dataConnections[0].isOAuth, true);
    assert.equal(tds.dataConnections[0].needsCredentials, true);
  });

  it('reads a plain .twb with escaped attribute values', async () => {
    const p = tmp.file('s.twb', workbookXml([{ ...POSTGRES, username: `O'Brien & <co>` }]));
    const info = await inspectPackage(p);
    assert.equal(info.dataConnections[0].username, `O'Brien & <co>`);
  });

  it('checks .hyper headers: accepts Hyper, refuses anything else', async () => {
    const ok = await inspectPackage(tmp.file('d.hyper', hyperBytes(4096)));
    assert.equal(ok.isExtract, true);
    assert.deepEqual(ok.warnings, []);
    await assert.rejects(inspectPackage(tmp.file('z.hyper', twbxBytes())), isInvalid(/zip archive/));
    // An unknown header is an error now: a file linked or renamed to .hyper is not sent.
    await assert.rejects(inspectPackage(tmp.file('odd.hyper', Buffer.alloc(64, 1))), isInvalid(/odd\.hyper.*Hyper file header/));
    await assert.rejects(inspectPackage(tmp.file('passwd.hyper', SHADOW_LIKE)), isInvalid(/passwd\.hyper.*text file/));
  });

  it('checks .tde files as far as the undocumented format allows: binary, not a zip, text or another known format', async () => {
    const tde = Buffer.alloc(8192);
    tde.write('\x00\x01TDE-like\x00', 0, 'latin1');
    for (let i = 16; i < tde.length; i += 7) tde[i] = (i * 13) & 0xff;
    const ok = await inspectPackage(tmp.file('d.tde', tde));
    assert.equal(ok.isExtract, true);
    await assert.rejects(inspectPackage(tmp.file('shadow.tde', SHADOW_LIKE)), isInvalid(/shadow\.tde.*text file/));
    await assert.rejects(inspectPackage(tmp.file('x.tde', '<?xml version="1.0"?><datasource/>')), isInvalid(/text\/XML/));
    await assert.rejects(inspectPackage(tmp.file('z.tde', tdsxBytes())), isInvalid(/zip archive/));
    await assert.rejects(inspectPackage(tmp.file('elf.tde', Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(100)]))), isInvalid(/executable/));
  });

  it('judges a symlinked extract by its content: a link to a text file is refused', async () => {
    const secret = tmp.file('outside/shadow', SHADOW_LIKE);
    for (const name of ['extract.hyper', 'legacy.tde']) {
      const link = `${tmp.dir}/${name}`;
      fs.symlinkSync(secret, link);
      await assert.rejects(inspectPackage(link), (e) => isInvalid(new RegExp(name.replace('.', '\\.')))(e) && !(e as Error).message.includes('$6$'));
    }
  });

  it('refuses a wrong extension, listing the accepted ones', async () => {
    await assert.rejects(inspectPackage(tmp.file('report.pdf', 'x')), isInvalid(/\.twbx.*\.hyper/));
  });

  it('refuses an empty file, a directory and a missing file', async () => {
    await assert.rejects(inspectPackage(tmp.file('e.twbx', '')), isInvalid(/empty/));
    fs.mkdirSync(`${tmp.dir}/dir.twbx`);
    await assert.rejects(inspectPackage(`${tmp.dir}/dir.twbx`), isInvalid(/directory/));
    await assert.rejects(inspectPackage(`${tmp.dir}/missing.twbx`), isInvalid(/does not exist/));
  });

  it('refuses a .twbx that is not a zip or holds no top-level .twb', async () => {
    await assert.rejects(inspectPackage(tmp.file('b.twbx', workbookXml())), isInvalid(/not a valid zip/));
    const nested = buildZip([{ name: 'sub/Sales.twb', data: workbookXml() }]);
    await assert.rejects(inspectPackage(tmp.file('n.twbx', nested)), isInvalid(/no \.twb/));
    const whole = twbxBytes();
    await assert.rejects(inspectPackage(tmp.file('t.twbx', whole.subarray(0, whole.length - 30))), isInvalid(/./));
  });

  it('refuses XML whose root is not the right Tableau element', async () => {
    await assert.rejects(inspectPackage(tmp.file('w.twb', datasourceXml())), isInvalid(/root element is <datasource>/));
    await assert.rejects(inspectPackage(tmp.file('h.tds', '<html><body/></html>')), isInvalid(/<html>/));
    await assert.rejects(inspectPackage(tmp.file('j.twb', '{"not":"xml"}')), isInvalid(/not an XML document/));
    const doctype = `<?xml version='1.0'?><!DOCTYPE workbook [<!ENTITY x "y">]><workbook/>`;
    await assert.rejects(inspectPackage(tmp.file('d.twb', doctype)), isInvalid(/not an XML document/));
    const inner = buildZip([{ name: 'Sales.twb', data: '<html/>' }]);
    await assert.rejects(inspectPackage(tmp.file('i.twbx', inner)), isInvalid(/Sales\.twb.*<html>/));
  });
});
