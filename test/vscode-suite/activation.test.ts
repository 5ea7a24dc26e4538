import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './results';

describe('extension activation (real extension host)', () => {
  it('runs inside VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it(`finds ${EXTENSION_ID} loaded from this checkout`, () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    assert.equal(ext.packageJSON.publisher, 'tableau-publisher');
    assert.equal(ext.packageJSON.name, 'tableau-publisher');
    // The suite must test the working tree (extensionDevelopmentPath), not a stale install:
    // this bundle lives in <checkout>/out/test/vscode-suite/.
    assert.equal(fs.realpathSync(ext.extensionPath), fs.realpathSync(path.resolve(__dirname, '..', '..', '..')));
    assert.ok(fs.existsSync(path.join(ext.extensionPath, ext.packageJSON.main)), `built entry ${ext.packageJSON.main} is missing`);
  });

  it('activates without throwing', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
