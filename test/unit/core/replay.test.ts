import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { TableauClient } from '../../../src/core/api/client';
import type { ApiRequest, TableauRestApi } from '../../../src/core/api/restApi';
import { TableauSession } from '../../../src/core/auth/session';
import type { SignInResult } from '../../../src/core/models';

/** A scripted REST API: the session and client run against it without a server. */
class ScriptedApi {
  signIns = 0;
  sent: ApiRequest[] = [];
  constructor(private readonly script: ((req: ApiRequest, token: string) => unknown)[]) {}
  async signIn(): Promise<SignInResult> {
    this.signIns++;
    return { token: `token-${this.signIns}-abcdef`, siteId: 'site-1', siteContentUrl: '', userId: 'u-1' };
  }
  async send(token: string, req: ApiRequest): Promise<unknown> {
    this.sent.push(req);
    const step = this.script.shift();
    if (!step) throw new Error(`unexpected call ${req.method} ${req.path}`);
    return step(req, token);
  }
}

const expired = (): TableauError => new TableauError({ reason: 'sessionExpired', status: 401, code: '401002', message: 'expired' });

describe('replay rules of TableauClient', () => {
  it('a create project replayed after a lost session that finds the name taken (409006) returns the project', async () => {
    const api = new ScriptedApi([
      () => {
        throw expired(); // the first POST did create it, but the answer was a 401
      },
      () => {
        throw new TableauError({ reason: 'alreadyExists', status: 409, code: '409006', message: 'exists' });
      },
      (req) => {
        assert.equal(req.method, 'GET');
        assert.equal(req.query?.filter, 'name:eq:Reports');
        return {
          pagination: { pageNumber: '1', pageSize: '1000', totalAvailable: '2' },
          projects: { project: [{ id: 'p-other', name: 'Reports', parentProjectId: 'x' }, { id: 'p-1', name: 'Reports', parentProjectId: 'parent-1' }] },
        };
      },
    ]);
    const session = new TableauSession({ api: api as unknown as TableauRestApi, credential: { kind: 'pat', tokenName: 'n', tokenSecret: 'secret-123456' }, siteContentUrl: '' });
    const client = new TableauClient(session);
    const p = await client.createProject({ name: 'Reports', parentProjectId: 'parent-1' });
    assert.equal(p.id, 'p-1');
    assert.equal(api.signIns, 2);
    assert.deepEqual(api.sent.map((r) => r.method), ['POST', 'POST', 'GET']);
  });

  it('the look-up after a replayed create never puts a name with "," or ":" in a filter (Tableau cannot escape them)', async () => {
    const name = 'Q1, Q2: Plan';
    const filters: (string | number | boolean | undefined)[] = [];
    const api = new ScriptedApi([
      () => {
        throw expired();
      },
      () => {
        throw new TableauError({ reason: 'alreadyExists', status: 409, code: '409006', message: 'exists' });
      },
      (req) => {
        filters.push(req.query?.filter);
        return {
          pagination: { pageNumber: '1', pageSize: '1000', totalAvailable: '2' },
          projects: { project: [{ id: 'p-q', name: 'Q1', parentProjectId: 'parent-1' }, { id: 'p-1', name, parentProjectId: 'parent-1' }] },
        };
      },
      () => {
        throw expired();
      },
      () => {
        throw new TableauError({ reason: 'alreadyExists', status: 409, code: '409006', message: 'exists' });
      },
      (req) => {
        filters.push(req.query?.filter);
        return { pagination: { pageNumber: '1', pageSize: '1000', totalAvailable: '1' }, projects: { project: [{ id: 'p-top', name }] } };
      },
    ]);
    const session = new TableauSession({ api: api as unknown as TableauRestApi, credential: { kind: 'pat', tokenName: 'n', tokenSecret: 'secret-123456' }, siteContentUrl: '' });
    const client = new TableauClient(session);
    assert.equal((await client.createProject({ name, parentProjectId: 'parent-1' })).id, 'p-1');
    assert.equal((await client.createProject({ name })).id, 'p-top');
    assert.deepEqual(filters, ['parentProjectId:eq:parent-1', 'topLevelProject:eq:true']);
  });

  it('a first-try 409006 is reported, not looked up', async () => {
    const api = new ScriptedApi([
      () => {
        throw new TableauError({ reason: 'alreadyExists', status: 409, code: '409006', message: 'exists' });
      },
    ]);
    const session = new TableauSession({ api: api as unknown as TableauRestApi, credential: { kind: 'pat', tokenName: 'n', tokenSecret: 'secret-123456' }, siteContentUrl: '' });
    await assert.rejects(new TableauClient(session).createProject({ name: 'Reports' }), (e) => TableauError.is(e, 'alreadyExists'));
    assert.equal(api.sent.length, 1);
  });

  it('a caller whose token failed reuses a newer token another caller already got', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const api = new ScriptedApi([
      async () => {
        await gate; // A's call fails late, after B has renewed
        throw expired();
      },
      () => {
        throw expired(); // B's call fails at once
      },
      (_r, token) => token, // B's replay
      (_r, token) => token, // A's replay
    ]);
    const session = new TableauSession({ api: api as unknown as TableauRestApi, credential: { kind: 'pat', tokenName: 'n', tokenSecret: 'secret-123456' }, siteContentUrl: '' });
    const run = (): Promise<unknown> => session.run((auth) => api.send(auth.token, { method: 'GET', path: 'x' }), { replaySafe: true });
    const a = run();
    await new Promise((r) => setImmediate(r));
    const b = await run();
    release();
    assert.equal(await a, b);
    assert.equal(api.signIns, 2);
  });
});
