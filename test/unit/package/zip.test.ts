import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { TableauError } from '../../../src/core/errors';
import { readZipDirectory, readZipEntry } from '../../../src/core/package/zip';
import { inspectPackage } from '../../../src/core/package/inspect';
import { buildZip } from '../../fixtures/zipWriter';
import { workbookXml } from '../../fixtures/samples';
import { tempDir } from '../../support/files';

describe('zip reader', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  const text = 'Hello, <workbook/> ünïcødé '.repeat(200);
  const entries = [
    { name: 'Sales.twb', data: text, method: 'deflate' as const },
    { name: 'Data/orders.csv', data: 'a,b\n1,2\n' },
    { name: 'Data/', data: '' },
  ];

  it('lists stored and deflated entries with sizes, methods and offsets', async () => {
    const p = tmp.file('a.zip', buildZip(entries));
    const dir = await readZipDirectory(p);
    assert.equal(dir.zip64, false);
    assert.deepEqual(
      dir.entries.map((e) => [e.name, e.method, e.uncompressedSize, e.isDirectory]),
      [
        ['Sales.twb', 8, Buffer.byteLength(text), false],
        ['Data/orders.csv', 0, 8, false],
        ['Data/', 0, 0, true],
      ],
    );
    assert.ok(dir.entries[0].compressedSize < dir.entries[0].uncompressedSize);
    assert.equal(dir.entries[0].localHeaderOffset, 0);
    assert.ok(dir.entries[1].localHeaderOffset > 0);
    assert.equal((await readZipEntry(p, dir.entries[0], 1 << 20)).toString(), text);
    assert.equal((await readZipEntry(p, dir.entries[1], 1 << 20)).toString(), 'a,b\n1,2\n');
  });

  it('finds the directory behind an archive comment', async () => {
    const p = tmp.file('c.zip', buildZip(entries, { comment: 'PK\u0005\u0006 fake signature inside the comment' }));
    const dir = await readZipDirectory(p);
    assert.equal(dir.entries.length, 3);
  });

  it('reads ZIP64 records', async () => {
    const p = tmp.file('z64.zip', buildZip(entries, { zip64: true }));
    const dir = await readZipDirectory(p);
    assert.equal(dir.zip64, true);
    assert.equal(dir.entries.length, 3);
    assert.equal(dir.entries[1].localHeaderOffset > 0, true);
    assert.equal((await readZipEntry(p, dir.entries[0], 1 << 20)).toString(), text);
  });

  it('refuses what is not a zip, and truncated archives', async () => {
    const notZip = tmp.file('n.zip', Buffer.from('<workbook/>'.repeat(10)));
    await assert.rejects(readZipDirectory(notZip), (e) => TableauError.is(e, 'invalidFile'));
    const whole = buildZip(entries);
    const cut = tmp.file('t.zip', whole.subarray(0, whole.length - 10));
    await assert.rejects(readZipDirectory(cut), (e) => TableauError.is(e, 'invalidFile'));
    const headless = tmp.file('h.zip', whole.subarray(40));
    await assert.rejects(readZipDirectory(headless), (e) => TableauError.is(e, 'invalidFile'));
    const tiny = tmp.file('tiny.zip', Buffer.from('PK'));
    await assert.rejects(readZipDirectory(tiny), (e) => TableauError.is(e, 'invalidFile'));
  });

  it('caps the size of an entry it reads and checks its CRC', async () => {
    const p = tmp.file('cap.zip', buildZip(entries));
    const dir = await readZipDirectory(p);
    await assert.rejects(readZipEntry(p, dir.entries[0], 100), (e) => TableauError.is(e, 'invalidFile'));
    const bytes = fs.readFileSync(p);
    // Flip a byte inside the stored csv entry's data.
    const at = dir.entries[1].localHeaderOffset + 30 + 'Data/orders.csv'.length;
    bytes[at] ^= 0xff;
    fs.writeFileSync(p, bytes);
    await assert.rejects(readZipEntry(p, dir.entries[1], 1 << 20), (e) => TableauError.is(e, 'invalidFile'));
  });

  it('refuses a declared compressed size the file cannot hold, before allocating for it', async () => {
    const doc = { name: 'Sales.twb', data: workbookXml(), method: 'deflate' as const };
    for (const [name, declared, zip64] of [['huge64.twbx', 2 ** 40, true], ['huge32.twbx', 0xfffffff0, false], ['past-end.twbx', 4096, false]] as const) {
      const p = tmp.file(name, buildZip([{ ...doc, declaredCompressedSize: declared }], { zip64 }));
      await assert.rejects(inspectPackage(p), (e) => TableauError.is(e, 'invalidFile') && (e as Error).message.includes(name) && !/out of range/.test((e as Error).message), name);
    }
    // The entry reader checks on its own too (a directory read earlier, a file changed since).
    const p = tmp.file('entry.zip', buildZip([doc]));
    const [entry] = (await readZipDirectory(p)).entries;
    await assert.rejects(readZipEntry(p, { ...entry, compressedSize: 2 ** 40 }, 1 << 20, 'entry.zip'), (e) => TableauError.is(e, 'invalidFile'));
  });
});
