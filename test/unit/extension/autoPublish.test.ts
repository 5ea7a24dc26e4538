/**
 * Auto-publish runs under an abort signal: cancelling its progress, turning the setting off
 * and disposing the extension each stop a publish under way. The watcher, the file's settling
 * and the progress are the real code against a vscode stub; planning and sending are stand-ins
 * that hold the publish open until its signal aborts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FolderTarget } from '../../../src/vscode/publish/manifestStore';
import type { PublishOutcome, PublishPlan } from '../../../src/vscode/publish/publishRunner';
import type * as AutoPublishModule from '../../../src/vscode/publish/autoPublish';
import type { Services } from '../../../src/vscode/services/services';
import { StubEventEmitter, attachErrors, installVscodeStub } from '../../support/vscodeStub';
import type * as ErrorsModule from '../../../src/vscode/services/errors';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

class TokenSource {
  private readonly cancelled = new StubEventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.cancelled.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
}

describe('auto-publish: a publish under way can be stopped', () => {
  let stub: ReturnType<typeof installVscodeStub>;
  let autoPublish: typeof AutoPublishModule;
  let errorsModule: typeof ErrorsModule;
  let dir: string;
  let file: string;
  let enabled = true;
  const config = new StubEventEmitter<{ affectsConfiguration(section: string): boolean }>();
  let watching: Deferred<(uri: { fsPath: string }) => void>;
  let progress: { options: { location?: unknown; cancellable?: boolean }; tokens: TokenSource; done: Promise<unknown> }[];
  let statusMessages: string[];
  let notices: string[];

  before(async () => {
    stub = installVscodeStub({
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      RelativePattern: class {
        constructor(
          readonly base: unknown,
          readonly pattern: string,
        ) {}
      },
      workspace: {
        get isTrusted() {
          return true;
        },
        getConfiguration: () => ({ get: (key: string, d: unknown) => (key === 'autoPublish' ? enabled : d) }),
        createFileSystemWatcher: (pattern: unknown) => ({
          onDidChange: (listener: (uri: { fsPath: string }) => void) => {
            if (typeof pattern !== 'string') watching.resolve(listener); // a target's watcher, not the manifests'
            return { dispose() {} };
          },
          onDidCreate: () => ({ dispose() {} }),
          onDidDelete: () => ({ dispose() {} }),
          dispose() {},
        }),
        onDidChangeConfiguration: config.event,
        onDidGrantWorkspaceTrust: () => ({ dispose() {} }),
        onDidChangeWorkspaceFolders: () => ({ dispose() {} }),
      },
      window: {
        withProgress: (options: { location?: unknown; cancellable?: boolean }, task: (p: unknown, token: unknown) => Promise<unknown>) => {
          const tokens = new TokenSource();
          const done = task({ report() {} }, tokens.token);
          progress.push({ options, tokens, done });
          return done;
        },
        setStatusBarMessage: (text: string) => (statusMessages.push(text), { dispose() {} }),
      },
    });
    autoPublish = await import('../../../src/vscode/publish/autoPublish');
    const errors = await import('../../../src/vscode/services/errors');
    errorsModule = errors;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auto-publish-'));
    file = path.join(dir, 'Sales.twb');
    fs.writeFileSync(file, '<workbook/>');
  });

  after(() => {
    stub.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    enabled = true;
    watching = deferred();
    progress = [];
    statusMessages = [];
    notices = [];
  });

  function services(): Services {
    const quiet = () => undefined;
    const logger = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
    const s = { logger, ui: { notify: async (_kind: string, message: string) => void notices.push(message) } } as unknown as Services;
    attachErrors(errorsModule, s);
    return s;
  }

  /**
   * Starts an auto-publisher whose send step waits for its signal, changes the file, and
   * returns once the publish is under way, with the signal it runs under.
   */
  async function publishUnderWay() {
    const sending = deferred<AbortSignal>();
    const plan = { info: { path: file } } as PublishPlan;
    const target = { folder: { uri: { fsPath: dir, toString: () => `file://${dir}` } }, manifestPath: '', target: { file: 'Sales.twb' } } as unknown as FolderTarget;
    const publisher = new autoPublish.AutoPublisher(services(), {
      stableMs: 5,
      targets: async () => [target],
      plan: async () => plan,
      execute: (_s, _plans, _sink, signal) => {
        sending.resolve(signal);
        return new Promise<PublishOutcome[]>((resolve) => signal.addEventListener('abort', () => resolve([{ plan, ok: false, cancelled: true, error: undefined }])));
      },
    });
    (await watching.promise)({ fsPath: file });
    const signal = await sending.promise;
    assert.equal(signal.aborted, false);
    assert.equal(progress.length, 1);
    return { publisher, signal, progress: progress[0] };
  }

  /** Lets what follows the publish (its report) run. */
  async function settled(run: { done: Promise<unknown> }): Promise<void> {
    await run.done;
    await new Promise((r) => setImmediate(r));
  }

  it('shows a progress the user can cancel, and cancelling it aborts the publish (said quietly in the status bar)', async () => {
    const { publisher, signal, progress: run } = await publishUnderWay();
    try {
      assert.equal(run.options.cancellable, true);
      assert.equal(run.options.location, 15, 'a notification: the only progress VS Code offers a Cancel button on');
      run.tokens.cancel();
      assert.equal(signal.aborted, true);
      await settled(run);
      assert.deepEqual(statusMessages, ['Publish cancelled: nothing more was sent.']);
      assert.deepEqual(notices, [], 'a cancellation is no failure');
    } finally {
      publisher.dispose();
    }
  });

  it('aborts a publish under way when it is disposed, and reports nothing after', async () => {
    const { publisher, signal, progress: run } = await publishUnderWay();
    publisher.dispose();
    assert.equal(signal.aborted, true);
    await settled(run);
    assert.deepEqual(statusMessages, []);
    assert.deepEqual(notices, []);
  });

  it('aborts a publish under way when the setting is turned off', async () => {
    const { publisher, signal, progress: run } = await publishUnderWay();
    try {
      enabled = false;
      config.fire({ affectsConfiguration: (section) => section === 'tableau.autoPublish' });
      assert.equal(signal.aborted, true);
      await settled(run);
    } finally {
      publisher.dispose();
    }
  });
});
