import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
import { rewritePackage } from '../../../src/core/connections/packageRewrite';
import { rewriteDocument } from '../../../src/core/connections/rewrite';
import type { DataConnectionRule } from '../../../src/core/connections/rules';
import { TableauError } from '../../../src/core/errors';
import type { ByteSource } from '../../../src/core/publish/multipart';
import { hyperBytes, POSTGRES, workbookXml } from '../../fixtures/samples';
import { buildZip, type TestZipOptions } from '../../fixtures/zipWriter';
import { tempDir } from '../../support/files';
import { zipEntries } from '../../support/unzip';

const toProd: DataConnectionRule[] = [{ match: { server: 'db.example.com' }, set: { server: 'db.prod.example.com', warehouse: 'WH "1" & <co>' } }];

async function collect(src: ByteSource, start = 0, end = src.size, readSize = 1 << 20): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of src.stream(start, end, { readSize })) parts.push(Buffer.from(b));
  return Buffer.concat(parts);
}

interface RawEntry {
  name: string;
  crc32: number;
  /** Local header plus compressed bytes, exactly as in the archive. */
  raw: Buffer;
  data: Buffer;
}

/** Every entry of a zip as yauzl (an independent reader) sees it. */
async function entriesOf(zipBytes: Buffer): Promise<RawEntry[]> {
  return (await zipEntries(await yauzl.fromBufferPromise(zipBytes, { lazyEntries: true }))).map(({ entry: e, data }) => {
    const headLen = 30 + zipBytes.readUInt16LE(e.relativeOffsetOfLocalHeader + 26) + zipBytes.readUInt16LE(e.relativeOffsetOfLocalHeader + 28);
    return { name: e.fileName, crc32: e.crc32, raw: zipBytes.subarray(e.relativeOffsetOfLocalHeader, e.relativeOffsetOfLocalHeader + headLen + e.compressedSize), data };
  });
}

describe('connection rewrite: the document', () => {
  it('changes only the values the rules name, keeps every other byte, quote style and BOM', () => {
    const original = '\ufeff' + workbookXml([POSTGRES]).replace(`port='5432'`, `port="5432"`);
    const r = rewriteDocument(Buffer.from(original), [{ match: { server: 'db.example.com' }, set: { server: 'db.prod.example.com', port: '6543', warehouse: `W'1 & "x"` } }]);
    const expected = original
      .replace(`server='db.example.com'`, `server='db.prod.example.com'`)
      .replace(`port="5432"`, `port="6543"`)
      .replace(`authentication='username-password'`, `authentication='username-password' warehouse='W&#39;1 &amp; &quot;x&quot;'`);
    assert.equal(r.bytes.toString('utf8'), expected);
    assert.deepEqual(r.bytes.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]), 'the BOM stays');
    assert.deepEqual(r.changes.map((c) => [c.ruleIndex, c.route, c.changes.map((x) => `${x.field}:${x.from ?? ''}→${x.to}`)]), [
      [0, 'file', ['server:db.example.com→db.prod.example.com', 'port:5432→6543', `warehouse:→W'1 & "x"`]],
    ]);
  });

  it('refuses a rewrite that would leave another connection on the host the rules move away from', () => {
    const other = { ...POSTGRES, dbname: 'finance' };
    const bytes = Buffer.from(workbookXml([POSTGRES, other]));
    assert.throws(
      () => rewriteDocument(bytes, [{ match: { server: 'db.example.com', dbname: 'sales' }, set: { server: 'db.prod.example.com' } }]),
      (e: unknown) => TableauError.is(e, 'invalidArgument') && /another postgres connection to db.example.com \(database finance\) matches no rule/.test(e.message),
    );
    // With a rule for each, both move.
    const r = rewriteDocument(bytes, [{ match: { dbname: 'sales' }, set: { server: 'db.prod.example.com' } }, { match: { dbname: 'finance' }, set: { server: 'db.prod.example.com' } }]);
    assert.equal(r.changes.length, 2);
  });

  it('leaves the document alone for a rule going through the REST API, and reports it with that route', () => {
    const bytes = Buffer.from(workbookXml([POSTGRES]));
    const r = rewriteDocument(bytes, [{ match: { server: 'db.example.com' }, set: { server: 'db.prod' }, via: 'rest' }]);
    assert.equal(r.bytes, bytes);
    assert.equal(r.changes[0].route, 'rest');
  });

  it('points a sqlproxy connection at another published data source: dbname, friendly name and repository-location', () => {
    const doc = `<?xml version='1.0' encoding='utf-8' ?>
<workbook><datasources><datasource caption='Sales' inline='true' name='sqlproxy.1' version='18.1'>
  <repository-location derived-from='https://tab/t/dev/datasources/SalesDev?rev=1.0' id='SalesDev' path='/t/dev/datasources' revision='1.0' site='dev' />
  <connection channel='https' class='sqlproxy' dbname='SalesDev' directory='/dataserver' port='443' server='tab' server-ds-friendly-name='Sales Dev'><relation name='sqlproxy' table='[sqlproxy]' type='table' /></connection>
</datasource></datasources></workbook>`;
    const r = rewriteDocument(Buffer.from(doc), [{ match: { publishedDataSource: 'Sales Dev' }, set: { publishedDataSource: 'Sales Prod' } }], {
      publishedDataSources: new Map([['Sales Prod', { name: 'Sales Prod', contentUrl: 'SalesProd' }]]),
    });
    const expected = doc.replace(`id='SalesDev'`, `id='SalesProd'`).replace(`dbname='SalesDev'`, `dbname='SalesProd'`).replace(`server-ds-friendly-name='Sales Dev'`, `server-ds-friendly-name='Sales Prod'`);
    assert.equal(r.bytes.toString(), expected);
    assert.throws(
      () => rewriteDocument(Buffer.from(doc), [{ match: { publishedDataSource: 'Sales Dev' }, set: { publishedDataSource: 'Nowhere' } }], { publishedDataSources: new Map() }),
      (e: unknown) => TableauError.is(e, 'notFound') && /Nowhere.*does not exist on the target site/.test(e.message),
    );
  });

  it('refuses what it cannot rewrite byte for byte: UTF-16, another declared encoding, a damaged document, a DOCTYPE', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(workbookXml([POSTGRES]), 'utf16le')]);
    const cases: [string, Buffer, RegExp][] = [
      ['UTF-16', utf16, /UTF-16/],
      ['latin1', Buffer.from(workbookXml([POSTGRES]).replace(`encoding='utf-8'`, `encoding='iso-8859-1'`)), /declares the encoding "iso-8859-1"/],
      ['bad UTF-8', Buffer.concat([Buffer.from(workbookXml([POSTGRES])), Buffer.from([0xc3, 0x28])]), /not valid UTF-8/],
      ['damaged', Buffer.from(workbookXml([POSTGRES]).replace('</workbook>', '')), /not well-formed/],
      ['doctype', Buffer.from(`<?xml version='1.0'?><!DOCTYPE workbook [<!ENTITY x "y">]><workbook><connection class='postgres' server='db.example.com'/></workbook>`), /not well-formed/],
    ];
    for (const [what, bytes, message] of cases) {
      assert.throws(() => rewriteDocument(bytes, toProd), (e: unknown) => TableauError.is(e, 'invalidFile') && message.test(e.message), what);
    }
  });
});

describe('connection rewrite: the package', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  const variants: [string, TestZipOptions, boolean][] = [
    ['a plain zip', {}, false],
    ['ZIP64 records', { zip64: true }, false],
    ['data descriptors', {}, true],
  ];
  for (const [what, opts, descriptors] of variants) {
    it(`copies every other entry raw and rewrites only the document (${what})`, async () => {
      const twb = workbookXml([POSTGRES], { extract: true });
      const src = buildZip(
        [
          { name: 'Data/Extracts/Sales.hyper', data: hyperBytes(300_000), dataDescriptor: descriptors },
          { name: 'Sales.twb', data: twb, method: 'deflate', dataDescriptor: descriptors },
          { name: 'Image/logo.png', data: Buffer.alloc(5000, 7), method: 'deflate', dataDescriptor: descriptors },
        ],
        opts,
      );
      const file = tmp.file(`Sales ${what}.twbx`, src);
      const before = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      const pkg = await rewritePackage(file, 'Sales.twb', toProd, { maxDocumentBytes: 1 << 20 });
      const out = await collect(pkg, 0, pkg.size, 4096);
      assert.equal(out.length, pkg.size, 'the length promised before upload is the length streamed');

      const [a, b] = [await entriesOf(src), await entriesOf(out)];
      assert.deepEqual(b.map((e) => e.name), a.map((e) => e.name), 'same entries, same order');
      for (const [i, e] of a.entries()) {
        if (e.name === 'Sales.twb') continue;
        assert.ok(b[i].raw.equals(e.raw), `${e.name}: local header and compressed bytes copied byte for byte`);
        assert.ok(b[i].data.equals(e.data));
      }
      const doc = b.find((e) => e.name === 'Sales.twb')!;
      assert.equal(doc.data.toString(), twb.replace(`server='db.example.com'`, `server='db.prod.example.com'`).replace(`authentication='username-password'`, `authentication='username-password' warehouse='WH &quot;1&quot; &amp; &lt;co&gt;'`));
      assert.equal(crc32(doc.data) >>> 0, doc.crc32, 'the new entry carries its CRC');
      // Any range of the stream is the same bytes as the whole (chunked uploads read ranges).
      assert.ok((await collect(pkg, 1000, 310_000, 777)).equals(out.subarray(1000, 310_000)));
      assert.equal(createHash('sha256').update(fs.readFileSync(file)).digest('hex'), before, 'the source file is untouched');
    });
  }

  it('refuses a package whose document is damaged, before anything is streamed, leaving the file untouched', async () => {
    const src = buildZip([
      { name: 'Sales.twb', data: workbookXml([POSTGRES]).replace('</workbook>', '<broken>'), method: 'deflate' },
      { name: 'Data/Extracts/Sales.hyper', data: hyperBytes(4096) },
    ]);
    const file = tmp.file('Damaged.twbx', src);
    await assert.rejects(rewritePackage(file, 'Sales.twb', toProd, { maxDocumentBytes: 1 << 20 }), (e: unknown) => TableauError.is(e, 'invalidFile') && /"Sales.twb" in .* is not well-formed/.test(e.message));
    assert.ok(fs.readFileSync(file).equals(src));
  });
});
