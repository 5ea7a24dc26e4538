/**
 * Start-up cost: undici (most of the bytes) is loaded on the first request, not when the
 * core is imported or a client is made, and the shipped bundles keep it in dist/undici.js.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import Module from 'node:module';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { HttpClient } from '../../../src/core/http/httpClient';
import { undiciLoaded } from '../../../src/core/http/undici';

// This file runs from out/test/unit/startup/.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const dist = (f: string): string => path.join(root, 'dist', f);
// Loads the shipped bundles as Node would (they are not part of this test's bundle).
const load = Module.createRequire(__filename);

describe('lazy loading of the HTTP stack', () => {
  it('loads undici on the first request, not when a client is made', async () => {
    const server = http.createServer((_req, res) => res.end('pong'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new HttpClient({ proxyUrl: 'http://user:pw@127.0.0.1:9' });
    try {
      assert.equal(undiciLoaded(), false, 'constructing an HttpClient loaded undici');
      await client.close(); // closing a client that never sent anything needs no undici either
      assert.equal(undiciLoaded(), false);
      const fresh = new HttpClient();
      const res = await fresh.request({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping` });
      assert.equal(res.body.toString(), 'pong');
      assert.equal(undiciLoaded(), true);
      await fresh.close();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('keeps undici out of extension.js and cli.js (npm run build makes dist/)', () => {
    for (const f of ['extension.js', 'cli.js', 'undici.js']) assert.ok(fs.existsSync(dist(f)), `dist/${f} is missing: run npm run build first`);
    for (const f of ['extension.js', 'cli.js']) {
      const code = fs.readFileSync(dist(f), 'utf8');
      // llhttp is undici's HTTP parser: its presence means undici was bundled in.
      assert.ok(!code.includes('llhttp'), `dist/${f} holds undici's code`);
      assert.match(code, /require\("\.\/undici\.js"\)/, `dist/${f} does not load ./undici.js`);
    }
    const undici = load(dist('undici.js')) as { Agent?: unknown; ProxyAgent?: unknown };
    assert.equal(typeof undici.Agent, 'function');
    assert.equal(typeof undici.ProxyAgent, 'function');
    assert.equal(typeof (undici.Agent as { prototype: { request?: unknown } }).prototype.request, 'function', 'Dispatcher API methods missing');
    delete require.cache[dist('undici.js')]; // the next test checks nothing else loads it
  });

  it('activation code loads without evaluating undici', () => {
    // A stand-in for the vscode module: loading the bundle only defines things.
    const stub: unknown = new Proxy(function vscodeStub() {}, {
      get: (t, k) => (k === 'prototype' ? {} : stub),
      apply: () => stub,
      construct: () => ({}),
    });
    const stubPath = path.join(root, 'out', 'vscode-stub-for-load-test.js');
    const m = Module as unknown as { _resolveFilename: (r: string, ...a: unknown[]) => string };
    const resolve = m._resolveFilename;
    m._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? stubPath : resolve.call(this, request, ...rest);
    };
    require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: stub } as NodeJS.Module;
    try {
      const ext = load(dist('extension.js')) as { activate?: unknown };
      assert.equal(typeof ext.activate, 'function');
      assert.equal(require.cache[dist('undici.js')], undefined, 'loading dist/extension.js loaded dist/undici.js');
    } finally {
      m._resolveFilename = resolve;
      delete require.cache[stubPath];
      delete require.cache[dist('extension.js')];
    }
  });
});
