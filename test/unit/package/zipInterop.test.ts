/**
 * The zip reader against archives other tools wrote, not only our own test writer: Info-ZIP `zip`
 * (committed fixtures: a .twbx and a piped, forced-ZIP64 entry), Python's zipfile (generated here:
 * plain with a comment, every size in ZIP64 extra fields with ZIP64 end records, data descriptors
 * from a pipe, and the NTFS-times extra field 7-Zip writes), then a seeded fuzz over all of them.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../../../src/core/errors';
import { inspectPackage } from '../../../src/core/package/inspect';
import { readZipDirectory, readZipEntry } from '../../../src/core/package/zip';
import { tempDir } from '../../support/files';
import { buildZip } from '../../fixtures/zipWriter';
import { Prng } from '../../support/prng';

// out/test/unit/package → the repository's test/fixtures/zips (the archives are not copied to out/).
const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'zips');
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

interface Expected {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  crc32: number;
  flags: number;
  sha256: string;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('zip reader: archives made by other tools', () => {
  const tmp = tempDir('tp-zip-');
  let made: Record<string, Expected[]>;
  before(function () {
    this.timeout(30_000);
    made = JSON.parse(execFileSync('python3', [path.join(FIXTURES, 'make_zips.py'), tmp.dir], { encoding: 'utf8' })) as Record<string, Expected[]>;
  });
  after(() => tmp.cleanup());

  it('reads every Python zipfile archive as zipfile itself does: names, sizes, methods, CRCs, bytes', async () => {
    assert.deepEqual(Object.keys(made), ['python-plain.twbx', 'python-zip64.twbx', 'python-descriptors.twbx', 'sevenzip-style.twbx']);
    for (const [file, expected] of Object.entries(made)) {
      const p = path.join(tmp.dir, file);
      const dir = await readZipDirectory(p);
      // Both ZIP64 archives are written with zipfile's ZIP64 limit at 0: every size and offset above it goes to ZIP64 fields.
      assert.equal(dir.zip64, file === 'python-zip64.twbx' || file === 'sevenzip-style.twbx', `${file}: ZIP64 end records`);
      assert.deepEqual(
        dir.entries.map((e) => ({ name: e.name, size: e.uncompressedSize, compressedSize: e.compressedSize, method: e.method, crc32: e.crc32, flags: e.flags })),
        expected.map(({ sha256: _, ...rest }) => rest),
        file,
      );
      for (const [i, e] of dir.entries.entries()) {
        assert.equal(sha256(await readZipEntry(p, e, 1024 * 1024)), expected[i].sha256, `${file}: ${e.name}`);
      }
    }
    // Data descriptors (flag bit 3): sizes come from the central directory, not the zeroed local header.
    assert.ok(made['python-descriptors.twbx'].every((e) => e.flags & 0x8));
  });

  it('finds the workbook of a Python-made and a 7-Zip-style .twbx', async () => {
    for (const file of ['python-zip64.twbx', 'python-descriptors.twbx', 'sevenzip-style.twbx']) {
      const info = await inspectPackage(path.join(tmp.dir, file));
      assert.equal(info.fileType, 'twbx', file);
      assert.ok(info.dataConnectionsParsed, `${file}: the packaged .twb was read`);
    }
  });

  it('reads Info-ZIP archives: a .twbx (UTF-8 name without the UTF-8 flag) and a piped entry forced to ZIP64', async () => {
    const twbx = path.join(FIXTURES, 'infozip.twbx');
    const dir = await readZipDirectory(twbx);
    assert.deepEqual(
      dir.entries.map((e) => [e.name, e.method, e.uncompressedSize, e.isDirectory]),
      [
        ['Sales Ünï.twb', 8, 91, false],
        ['Data/', 0, 0, true],
        ['Data/orders.csv', 0, 20, false],
        ['Data/Extracts/', 0, 0, true],
        ['Data/Extracts/Sales.hyper', 8, 2048, false],
      ],
    );
    assert.equal((await readZipEntry(twbx, dir.entries[2], 1024)).toString(), 'id,amount\n1,10\n2,20\n');
    assert.deepEqual(await readZipEntry(twbx, dir.entries[4], 4096), Buffer.from(Array.from({ length: 2048 }, (_, i) => i % 256)));
    assert.ok((await inspectPackage(twbx)).dataConnectionsParsed);

    const piped = path.join(FIXTURES, 'infozip-stream-zip64.zip');
    const [entry] = (await readZipDirectory(piped)).entries;
    assert.equal(entry.name, '-');
    assert.equal((await readZipEntry(piped, entry, 4096)).toString(), 'streamed through a pipe\n'.repeat(50));
  });

  it(`fuzz: 1500 damaged archives give an answer or an 'invalidFile' TableauError, nothing else (seed ${SEED})`, async function () {
    this.timeout(120_000);
    const rng = new Prng(SEED);
    const sources = [
      ...Object.keys(made).map((f) => fs.readFileSync(path.join(tmp.dir, f))),
      fs.readFileSync(path.join(FIXTURES, 'infozip.twbx')),
      fs.readFileSync(path.join(FIXTURES, 'infozip-stream-zip64.zip')),
      buildZip([
        { name: 'a.twb', data: '<workbook/>'.repeat(50), method: 'deflate' },
        { name: 'b/', data: '' },
      ]),
    ];
    const p = path.join(tmp.dir, 'fuzzed.zip');
    let answered = 0;
    for (let n = 0; n < 1500; n++) {
      const buf = Buffer.from(rng.pick(sources));
      let bytes = buf;
      const kind = rng.int(0, 3);
      if (kind === 0) {
        // Random bytes, mostly in the directory at the end, where the reader parses.
        for (let k = rng.int(1, 8); k > 0; k--) bytes[rng.bool(0.7) ? rng.int(Math.max(0, buf.length - 200), buf.length - 1) : rng.int(0, buf.length - 1)] = rng.int(0, 255);
      } else if (kind === 1) {
        // A size, offset or count made hostile.
        const at = rng.int(0, buf.length - 4);
        buf.writeUInt32LE(rng.pick([0xffffffff, 0x7fffffff, 0, buf.length, rng.int(0, 0xffffffff)]), at);
      } else if (kind === 2) {
        bytes = buf.subarray(0, rng.int(0, buf.length - 1));
      } else {
        // A ZIP64 field set beyond any file.
        const at = rng.int(0, buf.length - 8);
        buf.writeBigUInt64LE(rng.pick([0xffffffffffffffffn, 0x20000000000000n, BigInt(buf.length) * 2n]), at);
      }
      fs.writeFileSync(p, bytes);
      try {
        const dir = await readZipDirectory(p);
        for (const e of dir.entries.slice(0, 4)) await readZipEntry(p, e, 64 * 1024).catch((err: unknown) => rethrowUnlessInvalid(err, n));
        answered++;
      } catch (err) {
        rethrowUnlessInvalid(err, n);
      }
    }
    assert.ok(answered > 0 && answered < 1500, `some damaged archives still list (${answered}), most do not`);
  });
});

function rethrowUnlessInvalid(err: unknown, n: number): void {
  if (!(TableauError.is(err) && err.reason === 'invalidFile')) {
    assert.fail(`case ${n} (seed ${SEED}): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
}
