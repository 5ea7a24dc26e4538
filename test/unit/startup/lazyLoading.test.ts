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
import { UNDICI_MEMBERS, undiciLoaded } from '../../../src/core/http/undici';

// This file runs from out/test/unit/startup/.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const dist = (f: string): string => path.join(root, 'dist', f);
// Loads the shipped bundles as Node would (they are not part of this test's bundle).
const load = Module.createRequire(__filename);

describe('start-up: what activation loads, and lazy loading', () => {
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

  it('keeps undici out of main.js and cliMain.js, and everything but the shell out of extension.js (npm run build makes dist/)', () => {
    for (const f of ['extension.js', 'main.js', 'cli.js', 'cliMain.js', 'undici.js']) assert.ok(fs.existsSync(dist(f)), `dist/${f} is missing: run npm run build first`);
    const shell = fs.readFileSync(dist('extension.js'), 'utf8');
    assert.match(shell, /require\("\.\/main\.js"\)/, 'dist/extension.js does not load ./main.js');
    // Markers of what must wait for first use: undici, fast-xml-parser, jose, the session pool, the publisher.
    for (const marker of ['llhttp', 'undici.js', 'XMLParser', 'jwtVerify', 'SignJWT', 'SessionPool', 'fileUploads']) {
      assert.ok(!shell.includes(marker), `dist/extension.js holds "${marker}": it belongs in dist/main.js`);
    }
    for (const f of ['main.js', 'cliMain.js']) {
      const code = fs.readFileSync(dist(f), 'utf8');
      // llhttp is undici's HTTP parser: its presence means undici was bundled in.
      assert.ok(!code.includes('llhttp'), `dist/${f} holds undici's code`);
      assert.match(code, /require\("\.\/undici\.js"\)/, `dist/${f} does not load ./undici.js`);
    }
    const undici = load(dist('undici.js')) as { Agent?: unknown; ProxyAgent?: unknown };
    assert.equal(typeof undici.Agent, 'function');
    assert.equal(typeof undici.ProxyAgent, 'function');
    assert.equal(typeof (undici.Agent as { prototype: { request?: unknown } }).prototype.request, 'function', 'Dispatcher API methods missing');
    // The core's type allows only UNDICI_MEMBERS; the shipped file must hold exactly those, each the real thing.
    assert.deepEqual(Object.keys(undici).sort(), [...UNDICI_MEMBERS].sort(), 'dist/undici.js does not hold exactly the members the core may use');
    for (const m of UNDICI_MEMBERS) {
      const member = (undici as Record<string, { prototype?: { request?: unknown; dispatch?: unknown } }>)[m];
      assert.equal(typeof member, 'function', `dist/undici.js ${m}`);
      assert.equal(typeof member.prototype?.request, 'function', `dist/undici.js ${m} is not a dispatcher with the request API`);
      assert.equal(typeof member.prototype?.dispatch, 'function', `dist/undici.js ${m} cannot dispatch`);
    }
    delete require.cache[dist('undici.js')]; // the next test checks nothing else loads it
  });

  it('activation registers stand-ins for every contributed command and loads neither dist/main.js nor undici', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    withShell({}, (shell) => {
      assert.equal(shell.activate(), undefined, 'activate() returns the test API outside test mode');
      assert.deepEqual(shell.calls.commands.sort(), pkg.contributes.commands.map((c) => c.command).sort());
      assert.deepEqual(shell.calls.views, ['tableau.content']);
      assert.deepEqual(shell.calls.auth, ['tableau']);
      assert.deepEqual(shell.calls.tasks, ['tableau-publish']);
      assert.equal(shell.calls.statusItems.length, 1);
      assert.equal(require.cache[dist('main.js')], undefined, 'activation loaded dist/main.js');
      assert.equal(require.cache[dist('undici.js')], undefined, 'activation loaded dist/undici.js');
    });
  });

  it('shows the stored active connection in the status bar before anything loads, and follows other windows', () => {
    const sales = { id: 'c1', label: 'Sales', serverUrl: 'https://tableau.example.com', siteContentUrl: 'sales', authKind: 'pat', patName: 'ci', readOnly: false };
    const finance = { id: 'c2', label: 'Finance', serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance', authKind: 'password', username: 'bob', readOnly: true };
    const state: Record<string, unknown> = { 'tableau.connections': [sales, finance], 'tableau.activeConnection': 'c1' };
    withShell(state, (shell) => {
      shell.activate();
      const item = shell.calls.statusItems[0];
      assert.match(item.text, /Sales: sales/);
      assert.equal(item.command, 'tableau.switchConnection');
      assert.deepEqual(shell.calls.contexts.slice(-2), [['tableau.activeConnectionReadOnly', false], ['tableau.hasConnections', true]]);
      // Another window makes the read-only Finance connection active and bumps the revision key.
      state['tableau.activeConnection'] = 'c2';
      shell.fireSecretChange('tableau.profiles.revision');
      assert.match(item.text, /\$\(lock\) Finance: finance/);
      assert.deepEqual(shell.calls.contexts.slice(-2), [['tableau.activeConnectionReadOnly', true], ['tableau.hasConnections', true]]);
      // A change of some secret is none of the status bar's business.
      state['tableau.connections'] = [];
      shell.fireSecretChange('tableau.secret.c2.password');
      assert.match(item.text, /Finance/);
      assert.equal(require.cache[dist('main.js')], undefined, 'showing stored profiles loaded dist/main.js');
    });
  });
});

interface StatusItemStub {
  text: string;
  tooltip?: string;
  command?: string;
}

/**
 * Loads dist/extension.js against a recording stand-in for the vscode module (just what
 * activation touches) and a globalState backed by `state`, runs `body`, then cleans up.
 */
function withShell(
  state: Record<string, unknown>,
  body: (shell: {
    activate(): unknown;
    calls: { commands: string[]; views: string[]; auth: string[]; tasks: string[]; statusItems: StatusItemStub[]; contexts: [string, unknown][] };
    fireSecretChange(key: string): void;
  }) => void,
): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as unknown;
  const calls = { commands: [] as string[], views: [] as string[], auth: [] as string[], tasks: [] as string[], statusItems: [] as StatusItemStub[], contexts: [] as [string, unknown][] };
  const disposable = { dispose: () => undefined };
  const event = () => disposable;
  const secretListeners: ((e: { key: string }) => void)[] = [];
  class EventEmitter {
    event = event;
    fire(): void {}
    dispose(): void {}
  }
  const vscodeStub = {
    EventEmitter,
    StatusBarAlignment: { Left: 1, Right: 2 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    l10n: { t: (m: string, ...args: unknown[]) => m.replace(/\{(\d+)\}/g, (_x, i: string) => String(args[Number(i)])) },
    commands: {
      registerCommand: (id: string) => (calls.commands.push(id), disposable),
      executeCommand: (id: string, ...args: unknown[]) => {
        if (id === 'setContext') calls.contexts.push([args[0] as string, args[1]]);
        return Promise.resolve(undefined);
      },
    },
    window: {
      createStatusBarItem: () => {
        const item: StatusItemStub & { show(): void; hide(): void; dispose(): void } = { text: '', show() {}, hide() {}, dispose() {} };
        calls.statusItems.push(item);
        return item;
      },
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
      globalState: { get: (k: string, d?: unknown) => (k in state ? state[k] : d), update: () => Promise.resolve() },
      secrets: { onDidChange: (f: (e: { key: string }) => void) => (secretListeners.push(f), disposable) },
    };
    body({ activate: () => ext.activate(context), calls, fireSecretChange: (key) => secretListeners.forEach((f) => f({ key })) });
  } finally {
    for (const d of subscriptions) d.dispose();
    m._resolveFilename = resolve;
    delete require.cache[stubPath];
    delete require.cache[dist('extension.js')];
  }
}
