import * as assert from 'node:assert/strict';
import { Disposable } from '../../../src/vscode/disposable';

describe('Disposable base (src/vscode/disposable.ts)', () => {
  const tracked = (log: string[], name: string): { dispose(): void } => ({ dispose: () => void log.push(name) });

  it('disposes what it registered once, newest first', () => {
    const log: string[] = [];
    const owner = new Disposable();
    const a = owner.register(tracked(log, 'a'));
    owner.register(tracked(log, 'b'));
    assert.equal(typeof a.dispose, 'function', 'register() hands back what it took');
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['b', 'a']);
    assert.equal(owner.isDisposed, true);
  });

  it('disposes at once what is registered after its own disposal (nothing outlives it)', () => {
    const log: string[] = [];
    const owner = new Disposable();
    owner.dispose();
    owner.register(tracked(log, 'late'));
    assert.deepEqual(log, ['late']);
  });

  it('is a base class: a subclass registers its own parts', () => {
    const log: string[] = [];
    class View extends Disposable {
      constructor() {
        super();
        this.register(tracked(log, 'emitter'));
      }
    }
    new View().dispose();
    assert.deepEqual(log, ['emitter']);
  });
});
