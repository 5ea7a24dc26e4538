/**
 * The command registry as it really registers: every id package.json contributes has a
 * handler and every handler is contributed; and the one wrapper every command runs in shows
 * failures (with the command's prefix, actions and "Show Log"), keeps a user's cancellation
 * quiet (logged only), and returns the command's failedResult either way.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/logger';
import type * as CommandModule from '../../../src/vscode/commands/command';
import type * as Registry from '../../../src/vscode/commands/registry';
import type * as Errors from '../../../src/vscode/services/errors';
import type { Services } from '../../../src/vscode/services/services';
import type { Ui } from '../../../src/vscode/services/ui';
import { attachErrors, installVscodeStub } from '../../support/vscodeStub';

// This file runs from out/test/unit/extension/.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
};

type Handler = (...args: unknown[]) => Promise<unknown>;

interface Notice {
  kind: string;
  message: string;
  actions: string[];
}

/** What the wrapper reaches: a recording ui and logger, and connections the test scripts. */
function fakeServices(connections: Record<string, unknown> = {}, connectionAdmin: Record<string, unknown> = {}) {
  const notices: Notice[] = [];
  const logged: { level: string; message: string }[] = [];
  const answers: (string | undefined)[] = [];
  const ui: Partial<Ui> = {
    notify: async (kind, message, ...actions) => {
      notices.push({ kind, message, actions });
      return answers.shift();
    },
    confirm: async () => true,
  };
  const record = (level: string) => (message: unknown) => void logged.push({ level, message: String(message instanceof Error ? message.message : message) });
  const logger = { trace: record('trace'), debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') } as unknown as Logger;
  const services = { context: {}, logger, ui, connections, connectionAdmin } as unknown as Services;
  return { services, notices, logged, answers };
}

describe('commands: the registry and its wrapper', () => {
  const registered = new Map<string, Handler>();
  const registeredTwice: string[] = [];
  let stub: ReturnType<typeof installVscodeStub>;
  let registry: typeof Registry;
  let command: typeof CommandModule;
  let errors: typeof Errors;

  before(async () => {
    stub = installVscodeStub({
      commands: {
        registerCommand: (id: string, handler: Handler) => {
          if (registered.has(id)) registeredTwice.push(id);
          registered.set(id, handler);
          return { dispose: () => registered.delete(id) };
        },
        executeCommand: async () => undefined,
      },
      window: { setStatusBarMessage: () => ({ dispose() {} }) },
    });
    registry = await import('../../../src/vscode/commands/registry');
    command = await import('../../../src/vscode/commands/command');
    errors = await import('../../../src/vscode/services/errors');
  });

  after(() => stub.restore());

  /** Registers through the real registry and returns the handlers VS Code would call. */
  function registerAll(s: Services): void {
    registered.clear();
    registeredTwice.length = 0;
    attachErrors(errors, s);
    registry.registerCommands(s);
  }

  it('registers a handler for every command package.json contributes, and nothing else', () => {
    registerAll(fakeServices().services);
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    assert.deepEqual(registeredTwice, [], 'an id registered twice');
    assert.deepEqual([...contributed].filter((id) => !registered.has(id)), [], 'contributed in package.json, but no handler is registered');
    assert.deepEqual([...registered.keys()].filter((id) => !contributed.has(id)), [], 'registered, but not contributed in package.json');
    assert.ok(registered.size > 20, 'the registry registered nothing like the whole list');
  });

  it('contributes every command a menu names', () => {
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const m of Object.values(pkg.contributes.menus).flat()) assert.ok(contributed.has(m.command), `a menu names ${m.command}, which is not contributed`);
  });

  it('leaves the sandbox out of the extension: it runs from a checkout of this repository only', () => {
    const walkthrough = path.join(root, 'media', 'walkthrough');
    const shipped = ['package.json', 'package.nls.json', ...fs.readdirSync(walkthrough).map((f) => path.join('media', 'walkthrough', f))];
    for (const f of shipped) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      assert.doesNotMatch(text, /openSandbox|npm run sandbox/i, `${f} points users of the installed extension to the sandbox`);
    }
  });

  it('shows a real command\'s failure once, with its prefix and "Show Log", and returns its failedResult', async () => {
    const readOnly = { id: 'c1', label: 'Sales', readOnly: true };
    const fx = fakeServices({
      pick: async () => readOnly,
      assertWritable: () => {
        throw new TableauError({ reason: 'readOnly', message: 'Connection "Sales" is read-only.' });
      },
    });
    registerAll(fx.services);
    assert.equal(await registered.get('tableau.createProject')!(), undefined);
    assert.deepEqual(fx.notices, [{ kind: 'error', message: 'Creating the project failed: Connection "Sales" is read-only.', actions: ['Show Log'] }]);
    assert.deepEqual(fx.logged.filter((l) => l.level === 'error').map((l) => l.message), ['Connection "Sales" is read-only.']);

    fx.notices.length = 0;
    const removeFailed = { remove: () => Promise.reject(new TableauError({ reason: 'network', message: 'The server did not answer.' })) };
    const fx2 = fakeServices({ get: () => readOnly }, removeFailed);
    registerAll(fx2.services);
    assert.equal(await registered.get('tableau.removeConnection')!('c1'), false, 'removeConnection answers false when it fails');
    assert.deepEqual(fx2.notices.map((n) => n.message), ['The server did not answer.']);
  });

  it('keeps a cancelled command quiet: nothing shown, a debug line logged, failedResult returned', async () => {
    const fx = fakeServices({ pick: async () => undefined });
    registerAll(fx.services);
    assert.equal(await registered.get('tableau.switchConnection')!(), undefined);
    assert.deepEqual(fx.notices, []);
    assert.deepEqual(fx.logged, [{ level: 'debug', message: 'tableau.switchConnection: cancelled.' }]);

    const abort = fakeServices({ get: () => ({ id: 'c1', label: 'Sales' }) }, { signOut: () => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })) });
    registerAll(abort.services);
    assert.equal(await registered.get('tableau.signOut')!('c1'), undefined);
    assert.deepEqual(abort.notices, [], 'an AbortError is a cancellation too');
  });

  it('offers Retry when a command asks for it: the command runs again with the same arguments and its result is returned', async () => {
    const fx = fakeServices();
    attachErrors(errors, fx.services);
    const calls: unknown[][] = [];
    const flaky = command.defineCommand(
      'tableau.testConnection',
      async (_s, ...args) => {
        calls.push(args);
        if (calls.length === 1) throw new TableauError({ reason: 'busy', message: 'Tableau is busy.' });
        return 'second time';
      },
      { retry: true, failedResult: 'failed' },
    );
    registered.clear();
    registry.registerCommand(fx.services, flaky);
    fx.answers.push('Retry');
    assert.equal(await registered.get('tableau.testConnection')!('c1', 2), 'second time');
    assert.deepEqual(calls, [['c1', 2], ['c1', 2]]);
    assert.deepEqual(fx.notices, [{ kind: 'error', message: 'Tableau is busy.', actions: ['Retry', 'Show Log'] }]);

    // Dismissed: the failure stands.
    calls.length = 0;
    fx.notices.length = 0;
    assert.equal(await registered.get('tableau.testConnection')!('c1', 2), 'failed');
    assert.equal(calls.length, 1);
  });

  it('puts a command\'s own error actions on its message and runs the chosen one', async () => {
    const fx = fakeServices();
    attachErrors(errors, fx.services);
    const ran: unknown[] = [];
    const failing = command.defineCommand(
      'tableau.download',
      () => {
        throw new TableauError({ reason: 'notFound', message: 'Gone.' });
      },
      { errorPrefix: 'Download failed:', errorActions: (e, ...args) => [{ title: 'Refresh View', run: () => ran.push([TableauError.is(e, 'notFound'), ...args]) }] },
    );
    registered.clear();
    registry.registerCommand(fx.services, failing);
    fx.answers.push('Refresh View');
    assert.equal(await registered.get('tableau.download')!('node'), undefined);
    assert.deepEqual(fx.notices, [{ kind: 'error', message: 'Download failed: Gone.', actions: ['Refresh View', 'Show Log'] }]);
    assert.deepEqual(ran, [[true, 'node']]);
  });
});
