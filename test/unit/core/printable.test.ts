import * as assert from 'node:assert/strict';
import { RedactingLogger, Redactor } from '../../../src/core/logger';
import { printable, printableJson, REPLACEMENT } from '../../../src/core/printable';
import { terminalLine } from '../../../src/vscode/tasks/terminalLine';
import { globalRedactor } from '../../../src/core/logger';

const EVIL = 'a\x1b]0;pwned\x07b\x1b[2Kc\rd\x9b31me\x7ff\x85g\th\ni\r\nj\u0000k';
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('core: printable text', () => {
  it('replaces every C0, DEL and C1 control in a value', () => {
    const v = printable(EVIL);
    assert.doesNotMatch(v, CONTROL);
    assert.equal(v, `a${REPLACEMENT}]0;pwned${REPLACEMENT}b${REPLACEMENT}[2Kc${REPLACEMENT}d${REPLACEMENT}31me${REPLACEMENT}f${REPLACEMENT}g${REPLACEMENT}h${REPLACEMENT}i${REPLACEMENT}${REPLACEMENT}j${REPLACEMENT}k`);
  });

  it('keeps tabs for columns, or newlines and tabs for messages (CRLF as LF)', () => {
    assert.doesNotMatch(printable(EVIL, 'tab'), /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
    assert.ok(printable(EVIL, 'tab').includes('g\th'));
    const lines = printable(EVIL, 'lines');
    assert.doesNotMatch(lines, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.ok(lines.includes('h\ni\nj'));
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    const s = `Q1 'Sales' "&" <Ünïcödé> 売上 📈 a\\b ¡¿ ×`;
    assert.equal(printable(s), s);
  });

  it('writes JSON with every control escaped, parsing back to the same value', () => {
    const obj = { name: EVIL, more: ['\u2028\u2029', '\x9b'] };
    const line = printableJson(obj);
    assert.doesNotMatch(line, CONTROL);
    assert.doesNotMatch(line, /[\u2028\u2029]/);
    assert.deepEqual(JSON.parse(line), obj);
  });

  it('logger lines carry no control character but newline and tab', () => {
    const lines: string[] = [];
    const log = new RedactingLogger((_l, line) => lines.push(line), new Redactor());
    log.error(`Could not read "${EVIL}"`, new Error(EVIL));
    assert.ok(lines.length === 1);
    assert.doesNotMatch(lines[0], /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('task terminal lines are redacted, without controls, with CRLF line ends', () => {
    globalRedactor.addSecret('terminal-secret-123');
    try {
      const out = terminalLine(`Failed: "${EVIL}" terminal-secret-123`);
      assert.ok(out.endsWith('\r\n'));
      assert.doesNotMatch(out.replace(/\r\n/g, ''), /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
      assert.equal(out.split('\r\n').length, 4, 'the two newlines of the message, plus the line end');
      assert.ok(!out.includes('terminal-secret-123'));
    } finally {
      globalRedactor.removeSecret('terminal-secret-123');
    }
  });
});
