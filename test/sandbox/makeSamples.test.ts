import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { makeSamples, SAMPLE_WORKSHEET, type SampleFiles } from './makeSamples';

/** Reads a zip through its central directory, as an independent check of the writer. */
function readZip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'no end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'bad central directory signature');
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    assert.equal(buf.readUInt32LE(local), 0x04034b50, `bad local header for ${name}`);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + csize);
    const data = method === 8 ? zlib.inflateRawSync(raw) : raw;
    assert.equal(data.length, size, `size of ${name}`);
    assert.equal(zlib.crc32(data), crc, `crc of ${name}`);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('sandbox samples', () => {
  let dir: string;
  let files: SampleFiles;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-samples-'));
    files = await makeSamples(dir, { hyperBytes: 10_000 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('packs a .twbx whose top-level .twb has the worksheet and datasources', () => {
    const entries = readZip(fs.readFileSync(files.twbx));
    assert.deepEqual([...entries.keys()], ['Superstore.twb', 'Data/Extracts/orders.hyper']);
    const twb = entries.get('Superstore.twb')!.toString('utf8');
    assert.match(twb, /^<\?xml version='1\.0' encoding='utf-8' \?>/);
    assert.match(twb, /<datasources>/);
    assert.ok(twb.includes(`<worksheets>`) && twb.includes(`<worksheet name='${SAMPLE_WORKSHEET}'>`));
    assert.equal(entries.get('Data/Extracts/orders.hyper')!.subarray(0, 5).toString('latin1'), 'Hyper');
  });

  it('packs a .tdsx with a datasource document and an extract', () => {
    const entries = readZip(fs.readFileSync(files.tdsx));
    assert.match(entries.get('Orders.tds')!.toString('utf8'), /<datasource [^>]*formatted-name='Orders'/);
    assert.ok(entries.has('Data/Extracts/orders.hyper'));
  });

  it('writes plain .twb and .tds XML with a postgres connection', () => {
    assert.match(fs.readFileSync(files.twb, 'utf8'), /<workbook [\s\S]*<connection class='postgres'/);
    assert.match(fs.readFileSync(files.tds, 'utf8'), /<datasource [\s\S]*<connection class='postgres'/);
  });

  it('writes a .hyper of the requested size starting with the Hyper magic', () => {
    const hyper = fs.readFileSync(files.hyper);
    assert.equal(hyper.length, 10_000);
    assert.equal(hyper.subarray(0, 5).toString('latin1'), 'Hyper');
  });

  it('is reproducible byte for byte', async () => {
    const again = await makeSamples(path.join(dir, 'again'), { hyperBytes: 10_000 });
    assert.ok(fs.readFileSync(again.twbx).equals(fs.readFileSync(files.twbx)));
    assert.ok(fs.readFileSync(again.tdsx).equals(fs.readFileSync(files.tdsx)));
  });
});
