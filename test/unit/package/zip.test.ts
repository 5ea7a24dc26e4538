import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { TableauError } from '../../../src/core/errors';
import { readZipDirectory, readZipEntry } from '../../../src/core/package/zip';
import { buildZip } from '../../fixtures/zipWriter';
import { tempDir } from '../../fixtures/samples';

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
});
