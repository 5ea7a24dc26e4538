/**
 * A stand-in for the `vscode` module, so unit tests can load extension code in plain Node.
 * What a test passes is used as given; any other name is inert: reading a property of it,
 * calling it or `new`-ing it gives another inert value, so module-level code such as
 * `class X extends vscode.TreeItem` loads. `then` and symbols read as undefined, so awaiting
 * an inert value does not hang and `instanceof` keeps its ordinary meaning.
 *
 * esbuild puts `require("vscode")` at the start of each bundled module that imports it. Install
 * the stub first, then load such modules with `await import(...)`: esbuild runs a dynamically
 * imported module (and what it imports) only then.
 */
import Module from 'node:module';
import * as path from 'node:path';
import type { Logger } from '../../src/core/logger';
import type * as ErrorsModule from '../../src/vscode/services/errors';
import type { Ui } from '../../src/vscode/services/ui';

function inert(): unknown {
  const children = new Map<PropertyKey, unknown>();
  const target = function () {} as unknown as Record<PropertyKey, unknown>;
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      // What code stored on it (`this.x = ...` in a subclass), and Function's own members.
      if (Reflect.has(t, prop)) return Reflect.get(t, prop);
      if (!children.has(prop)) children.set(prop, inert());
      return children.get(prop);
    },
    apply: () => inert(),
    construct: () => inert() as object,
  });
}

/** `vscode.l10n.t` as VS Code does it without a translation: `{0}` and friends filled in. */
export function l10nFormat(message: string, ...args: unknown[]): string {
  return message.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)]));
}

/** Enough of vscode.EventEmitter for listeners to be called. */
export class StubEventEmitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  readonly event = (listener: (e: T) => unknown): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => void (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

let installs = 0;

/**
 * Makes `require('vscode')` return `api` (with the defaults below and inert values for the rest)
 * until `restore()`. Modules already loaded keep what they got: load them after installing.
 */
export function installVscodeStub(api: Record<string, unknown>): { readonly module: Record<string, unknown>; restore(): void } {
  const stubPath = path.join(__dirname, `vscode-stub-${process.pid}-${++installs}.js`);
  // Own properties are what esbuild's import helper copies; the rest is found on the prototype.
  const exports = Object.assign(Object.create(inert() as object) as Record<string, unknown>, {
    l10n: { t: l10nFormat },
    EventEmitter: StubEventEmitter,
    Disposable: class {
      static from(...ds: { dispose(): unknown }[]) {
        return { dispose: () => ds.forEach((d) => d.dispose()) };
      }
      constructor(private readonly f: () => unknown) {}
      dispose(): void {
        this.f();
      }
    },
    ...api,
  });
  const m = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = m._resolveFilename;
  m._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? stubPath : resolve.call(this, request, ...rest);
  };
  require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports } as NodeJS.Module;
  return {
    module: exports,
    restore() {
      m._resolveFilename = resolve;
      delete require.cache[stubPath];
    },
  };
}

/** Gives test services the error reporter main.ts builds (`services.errors`), showing through their own `ui`. */
export function attachErrors(errors: typeof ErrorsModule, services: object): void {
  const s = services as { ui: Ui; logger: Logger; errors?: unknown };
  s.errors = new errors.ErrorReporter({ get ui() { return s.ui; }, logger: s.logger, showLog: () => undefined });
}
