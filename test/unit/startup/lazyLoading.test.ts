/**
 * Start-up cost: activation loads only the shell (dist/extension.js); the extension proper
 * (dist/main.js) loads on first use, and undici (most of the bytes) on the first request, not
 * when the core is imported or a client is made. The shipped bundles keep each in its file.
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

  it('keeps undici out of main.js and cli.js, and everything but the shell out of extension.js (npm run build makes dist/)', () => {
    for (const f of ['extension.js', 'main.js', 'cli.js', 'undici.js']) assert.ok(fs.existsSync(dist(f)), `dist/${f} is missing: run npm run build first`);
    const shell = fs.readFileSync(dist('extension.js'), 'utf8');
    assert.match(shell, /require\("\.\/main\.js"\)/, 'dist/extension.js does not load ./main.js');
    // Markers of what must wait for first use: undici, fast-xml-parser, jose, the session pool, the publisher.
    for (const marker of ['llhttp', 'undici.js', 'XMLParser', 'jwtVerify', 'SignJWT', 'SessionPool', 'fileUploads']) {
      assert.ok(!shell.includes(marker), `dist/extension.js holds "${marker}": it belongs in dist/main.js`);
    }
    for (const f of ['main.js', 'cli.js']) {
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

  it('activation registers stand-ins for every contributed command and loads neither dist/main.js nor undici', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const calls = { commands: [] as string[], views: [] as string[], auth: [] as string[], tasks: [] as string[], statusItems: 0 };
    const disposable = { dispose: () => undefined };
    const event = () => disposable;
    class EventEmitter {
      event = event;
      fire(): void {}
      dispose(): void {}
    }
    // A recording stand-in for the vscode module: just what activation touches.
    const vscodeStub = {
      EventEmitter,
      StatusBarAlignment: { Left: 1, Right: 2 },
      ExtensionMode: { Production: 1, Development: 2, Test: 3 },
      l10n: { t: (m: string) => m },
      commands: {
        registerCommand: (id: string) => (calls.commands.push(id), disposable),
        executeCommand: () => Promise.resolve(undefined),
      },
      window: {
        createStatusBarItem: () => (calls.statusItems++, { show() {}, hide() {}, dispose() {} }),
        createTreeView: (id: string) => (calls.views.push(id), { dispose() {} }),
      },
      authentication: { registerAuthenticationProvider: (id: string) => (calls.auth.push(id), disposable) },
      tasks: { registerTaskProvider: (type: string) => (calls.tasks.push(type), disposable) },
      workspace: { isTrusted: true, getConfiguration: () => ({ get: (_k: string, d: unknown) => d }), onDidChangeConfiguration: event, onDidGrantWorkspaceTrust: event },
    };
    const stubPath = path.join(root, 'out', 'vscode-stub-for-load-test.js');
    const m = Module as unknown as { _resolveFilename: (r: string, ...a: unknown[]) => string };
    const resolve = m._resolveFilename;
    m._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? stubPath : resolve.call(this, request, ...rest);
    };
    require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: vscodeStub } as NodeJS.Module;
    const subscriptions: { dispose(): void }[] = [];
    try {
      const ext = load(dist('extension.js')) as { activate(c: unknown): unknown };
      const context = {
        subscriptions,
        extensionMode: 1,
        extension: { packageJSON: pkg },
        globalState: { get: (_k: string, d?: unknown) => d, update: () => Promise.resolve() },
        secrets: { onDidChange: event },
      };
      assert.equal(ext.activate(context), undefined, 'activate() returns the test API outside test mode');
      assert.deepEqual(calls.commands.sort(), pkg.contributes.commands.map((c) => c.command).sort());
      assert.deepEqual(calls.views, ['tableau.content']);
      assert.deepEqual(calls.auth, ['tableau']);
      assert.deepEqual(calls.tasks, ['tableau-publish']);
      assert.equal(calls.statusItems, 1);
      assert.equal(require.cache[dist('main.js')], undefined, 'activation loaded dist/main.js');
      assert.equal(require.cache[dist('undici.js')], undefined, 'activation loaded dist/undici.js');
    } finally {
      for (const d of subscriptions) d.dispose();
      m._resolveFilename = resolve;
      delete require.cache[stubPath];
      delete require.cache[dist('extension.js')];
    }
  });
});
