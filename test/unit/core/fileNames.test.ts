import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MAX_NAME_BYTES, safeFileName } from '../../../src/core/fileNames';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

// Names a server may send that must never become a path, a hidden or reserved file, or too long a name.
const HOSTILE_NAMES = [
  '',
  ' ',
  '.',
  '..',
  '...',
  '../../etc/passwd',
  '..\\..\\Windows\\System32\\evil',
  '/etc/passwd',
  'C:\\Windows\\evil',
  'C:evil',
  '\\\\server\\share\\evil',
  'a/b/c',
  'a\\b',
  './.ssh/authorized_keys',
  '.git',
  '.vscode/settings.json',
  'CON',
  'nul',
  'Com1',
  'LPT9.txt',
  'aux.twbx',
  'name.',
  'name   ',
  '   name',
  'a\u0000b',
  'a\nb\rc\td',
  '\x1b]0;pwned\x07',
  '\x1b[2K\x9b31m\x7f',
  '<>:"|?*',
  '%2e%2e%2fescape',
  '\u202eexe.twbx',
  'x'.repeat(300),
  '売上'.repeat(100),
  '📈'.repeat(100),
  'e\u0301'.repeat(200),
  'a' + '\u0301'.repeat(400),
  '/'.repeat(300),
];

describe('core: safe file names', () => {
  it(`keeps every one of ${HOSTILE_NAMES.length} hostile names inside the folder, short enough and plain`, () => {
    const folder = path.resolve('/tmp/target-folder');
    for (const name of HOSTILE_NAMES) {
      for (const suffix of ['.twbx', ' (12).tdsx', '.4242.tableau-download']) {
        const file = safeFileName(name, suffix);
        const label = `${JSON.stringify(name)} + ${suffix} -> ${JSON.stringify(file)}`;
        assert.equal(path.dirname(path.join(folder, file)), folder, label);
        assert.equal(path.basename(path.join(folder, file)), file, label);
        assert.ok(file.endsWith(suffix), label);
        assert.ok(bytes(file) <= MAX_NAME_BYTES, `${label}: ${bytes(file)} bytes`);
        assert.doesNotMatch(file, /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/, label);
        assert.doesNotMatch(file, /^[.\s]/, `${label}: no hidden file, no leading space`);
        assert.doesNotMatch(file.split('.')[0], /^(con|prn|aux|nul|com\d|lpt\d)$/i, `${label}: no Windows device name`);
        assert.ok(!file.includes('\uFFFD'), `${label}: no character cut in half`);
      }
    }
  });

  it('leaves an ordinary name alone', () => {
    assert.equal(safeFileName('Sales Overview', '.twbx'), 'Sales Overview.twbx');
    assert.equal(safeFileName(`Q1 'Sales' & Ünïcödé 売上 📈`, '.tds'), `Q1 'Sales' & Ünïcödé 売上 📈.tds`);
    assert.equal(safeFileName('a/b: c?', '.twb'), 'a_b_ c_.twb');
    assert.equal(safeFileName('..', '.twbx'), 'download.twbx');
    assert.equal(safeFileName('CON', '.twbx'), '_CON.twbx');
  });

  it('cuts a long ASCII name to 255 bytes, extension kept', () => {
    const f = safeFileName('x'.repeat(300), '.twbx');
    assert.equal(bytes(f), 255);
    assert.equal(f, `${'x'.repeat(250)}.twbx`);
    assert.equal(bytes(safeFileName('x'.repeat(300), ' (3).twbx')), 255);
  });

  it('cuts a multi-byte name between characters, never inside one', () => {
    // 3 bytes each: 83 fit in 250 bytes, the 84th would not.
    const cjk = safeFileName('売'.repeat(300), '.twbx');
    assert.equal(cjk, `${'売'.repeat(83)}.twbx`);
    assert.equal(bytes(cjk), 254);
    // 4 bytes each (surrogate pairs in UTF-16): 62 fit.
    const emoji = safeFileName('📈'.repeat(300), '.tdsx');
    assert.equal(emoji, `${'📈'.repeat(62)}.tdsx`);
    // A letter with its combining accent stays whole (3 bytes per "é"): 83 in 251 bytes, not 83 and a bare "e".
    const accents = safeFileName('e\u0301'.repeat(300), '.twb');
    assert.equal(accents, `${'e\u0301'.repeat(83)}.twb`);
    assert.equal(Buffer.from(accents, 'utf8').toString('utf8'), accents, 'round-trips through UTF-8');
  });

  it('cuts one over-long character by code point rather than giving up', () => {
    const f = safeFileName('a' + '\u0301'.repeat(400), '.twbx');
    assert.ok(f.startsWith('a\u0301'));
    assert.ok(bytes(f) <= 255);
  });

  it('fits a smaller budget (the temporary name has a leading dot)', () => {
    const f = safeFileName('x'.repeat(300), '.12345.tableau-download', MAX_NAME_BYTES - 1);
    assert.equal(bytes(`.${f}`), 255);
  });

  it('refuses a suffix that leaves no room for a name', () => {
    assert.throws(() => safeFileName('x', '.'.repeat(250)), RangeError);
  });
});
