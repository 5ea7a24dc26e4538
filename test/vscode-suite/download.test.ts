// Downloads of items whose server-chosen names no file system takes as they are (finding 9 of
// the security review): too long in bytes, multi-byte, or hostile. In the real extension host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type ContentFixture, contentFixture } from './contentHarness';

const LONG_ASCII = `Long Download ${'x'.repeat(286)}`;
const LONG_CJK = `Long CJK Download ${'売上'.repeat(150)}`;
const HOSTILE = 'Hostile Download ../../..\\escape/CON \x1b]0;pwned\x07\x9b2K.';
const NAMES = [LONG_ASCII, LONG_CJK, HOSTILE];

describe('Download names (real extension host)', function () {
  this.timeout(60_000);
  let fx: ContentFixture;
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);

  before(async () => {
    fx = await contentFixture('Download Names', { workbooks: NAMES.map((name) => ({ site: 'sales', name, project: 'Sales' })) });
    fx.ui.picks.set('connection.forItem', 'Download Names');
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  });

  after(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await fx?.close();
  });

  for (const name of NAMES) {
    const search = name.split(' ').slice(0, 2).join(' ');
    it(`saves "${search} …" (${Buffer.byteLength(name)} bytes) inside the workspace under a name that fits, extension kept`, async () => {
      assert.equal(LONG_ASCII.length, 300);
      fx.ui.notes.length = 0;
      fx.ui.inputs.set('content.search', search);
      fx.ui.picks.set('content.item', name);
      const saved = await vscode.commands.executeCommand<string | undefined>('tableau.download');
      assert.deepEqual(fx.ui.errors(), []);
      assert.ok(saved, 'a saved path');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.ok(folder);
      try {
        assert.equal(path.dirname(saved), folder, 'inside the workspace folder');
        const base = path.basename(saved);
        assert.match(base, /\.twbx?$/);
        assert.ok(Buffer.byteLength(base) <= 255, `${Buffer.byteLength(base)} bytes`);
        assert.doesNotMatch(base, /[\u0000-\u001f\u007f-\u009f/\\]/);
        if (name !== HOSTILE) assert.ok(name.startsWith(base.replace(/( \(\d+\))?\.twbx?$/, '')), `a prefix of the name: ${base}`);
        const wb = fx.sim.state().workbooks.find((w) => w.name === name);
        assert.equal(fs.statSync(saved).size, wb?.size);
        assert.deepEqual(fs.readdirSync(folder).filter((f) => f.endsWith('.tableau-download')), [], 'no temporary file left');
        assert.deepEqual(uncaught, [], 'no uncaught exception');
      } finally {
        fs.rmSync(saved, { force: true });
      }
    });
  }
});
