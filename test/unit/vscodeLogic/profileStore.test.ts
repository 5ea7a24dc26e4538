import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { TableauError } from '../../../src/core/errors';
import { ExpiredTokenError } from '../../../src/vscode/connections/connectionAdmin';
import type { ConnectionProfile } from '../../../src/vscode/connections/connectionManager';
import type { CredentialStore } from '../../../src/vscode/connections/credentialStore';
import { ProfileStore } from '../../../src/vscode/connections/profileStore';
import { ACTIVE_KEY, PROFILES_KEY } from '../../../src/vscode/connections/storageKeys';

/** globalState stand-in that keeps a copy of each value, as VS Code's does (stored as JSON). */
function memento(): vscode.Memento & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    keys: () => [...data.keys()],
    get: <T>(key: string, fallback?: T) => (data.has(key) ? (JSON.parse(JSON.stringify(data.get(key))) as T) : fallback),
    update: async (key: string, value: unknown) => void (value === undefined ? data.delete(key) : data.set(key, JSON.parse(JSON.stringify(value)))),
  } as vscode.Memento & { data: Map<string, unknown> };
}

function revisions(): CredentialStore & { bumps: number } {
  const store = { bumps: 0, bumpProfilesRevision: async () => void store.bumps++ };
  return store as unknown as CredentialStore & { bumps: number };
}

const profile = (id: string, label = id): ConnectionProfile => ({ id, label, serverUrl: 'https://tableau.example.com', siteContentUrl: '', authKind: 'pat', patName: 'ci', readOnly: false });

describe('profile store', () => {
  it('keeps profiles in globalState, bumps the cross-window revision on each write, and hands out copies', async () => {
    const state = memento();
    const creds = revisions();
    const store = new ProfileStore(state, creds);
    await store.put(profile('a', 'Prod'));
    await store.put(profile('b', 'Test'));
    assert.deepEqual((state.data.get(PROFILES_KEY) as ConnectionProfile[]).map((p) => p.id), ['a', 'b']);
    assert.equal(creds.bumps, 2);
    assert.equal(store.active()?.id, 'a', 'the first one saved becomes active');
    assert.equal(store.findByLabel(' prod ')?.id, 'a');
    store.get('a')!.label = 'changed';
    assert.equal(store.get('a')?.label, 'Prod', 'a caller cannot change a profile in place');

    await store.update('b', { readOnly: true });
    assert.equal((state.data.get(PROFILES_KEY) as ConnectionProfile[])[1].readOnly, true);
    await store.put({ ...profile('a'), label: 'Production' });
    assert.deepEqual(store.list().map((p) => p.label), ['Production', 'Test'], 'put replaces in place');
  });

  it('moves the active connection to the first left when the active one is removed', async () => {
    const state = memento();
    const store = new ProfileStore(state, revisions());
    for (const id of ['a', 'b', 'c']) await store.put(profile(id));
    await store.setActive('b');
    await store.remove('b');
    assert.equal(state.data.get(ACTIVE_KEY), 'a');
    await store.remove('c');
    assert.equal(state.data.get(ACTIVE_KEY), 'a', 'removing another one leaves the active one');
  });

  it('reloads what another window saved and says what it held before', async () => {
    const state = memento();
    const mine = new ProfileStore(state, revisions());
    await mine.put(profile('a'));
    const other = new ProfileStore(state, revisions());
    await other.put(profile('b'));
    const before = mine.reload();
    assert.deepEqual(before.map((p) => p.id), ['a']);
    assert.deepEqual(mine.list().map((p) => p.id), ['a', 'b']);
  });

  it('runs queued work one at a time, in order, even after a failure', async () => {
    const store = new ProfileStore(memento(), revisions());
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = store.serial(async () => {
      await gate;
      order.push('first');
      throw new Error('boom');
    });
    const second = store.serial(async () => void order.push('second'));
    release();
    await assert.rejects(first, /boom/);
    await second;
    assert.deepEqual(order, ['first', 'second']);
  });
});

describe('expired token error', () => {
  it('is a signInFailed TableauError that carries its connection id', () => {
    const cause = new TableauError({ reason: 'signInFailed', message: 'raw', code: '401001', status: 401 });
    const e = new ExpiredTokenError('conn-1', { status: 401, code: '401001', cause }, 'This token is expired or revoked.');
    assert.ok(TableauError.is(e, 'signInFailed'));
    assert.equal(e.connectionId, 'conn-1');
    assert.equal(e.code, '401001');
    assert.equal(e.cause, cause);
    assert.equal(e.message, 'This token is expired or revoked.');
  });
});
