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

  // This file runs first: nothing but the suite's activation probe has touched the extension.
  it('loads only the start-up shell at activation, and the rest on the first command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const dist = (f: string): string => fs.realpathSync(path.join(ext.extensionPath, 'dist', f));
    const loaded = (f: string): boolean => Object.keys(require.cache).some((k) => k === dist(f) || k === path.join(ext.extensionPath, 'dist', f));
    assert.equal(loaded('extension.js'), true, 'dist/extension.js is not in the require cache: the check below would prove nothing');
    assert.equal(loaded('main.js'), false, 'dist/main.js was loaded at activation');
    assert.equal(loaded('undici.js'), false, 'dist/undici.js was loaded at activation');

    // The first command goes through its stand-in, which loads dist/main.js and runs the real one.
    await vscode.commands.executeCommand('tableau.clearFilter');
    assert.equal(loaded('main.js'), true, 'running a command did not load dist/main.js');
    assert.equal(loaded('undici.js'), false, 'clearing the filter needs no HTTP stack, yet dist/undici.js was loaded');
    // Every command package.json contributes is registered for real now (stand-ins are gone).
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed commands missing after the extension loaded');
  });
});
