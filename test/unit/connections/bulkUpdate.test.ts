import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { updateConnections } from '../../../src/core/api/connections';
import type { DataConnectionRule } from '../../../src/core/connections/rules';
import { TableauError } from '../../../src/core/errors';
import { publish, type PublishRequest } from '../../../src/core/publish/publisher';
import { datasourceXml, POSTGRES } from '../../fixtures/samples';
import { startPublishHarness, type Harness } from '../../support/simFixture';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 }, lookupRetry: { attempts: 8, initialDelayMs: 20, maxDelayMs: 100 } };
const PASSWORD = 'bulk-db-password-51c0de';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const BULK = 'PUT /api/{v}/sites/{site}/datasources/{id}/connections';
const ONE = 'PUT /api/{v}/sites/{site}/datasources/{id}/connections/{cid}';
const DB1 = { ...POSTGRES, server: 'db1.example.com' };
const DB2 = { ...POSTGRES, server: 'db2.example.com', dbname: 'archive' };

/** Two rules giving two connections (on two hosts) the same login through Update Connection. */
function sameLoginRules(set: DataConnectionRule['set'] = undefined): DataConnectionRule[] {
  const credentials = { username: 'svc_bulk', password: { secret: 'bulk' } };
  return [
    { match: { server: 'db1.example.com' }, ...(set ? { set } : {}), credentials, via: 'rest' },
    { match: { server: 'db2.example.com' }, ...(set ? { set } : {}), credentials, via: 'rest' },
  ];
}

function harness(version: string): { get: () => Harness; projectId: () => string } {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness({ restApiVersion: version })));
  afterEach(() => h.sim.clearFaults());
  after(() => h.close());
  return { get: () => h, projectId: () => projectId };
}

function publishWith(h: Harness, projectId: string, name: string, rules: DataConnectionRule[], opts = {}) {
  const req: PublishRequest = { projectId, mode: 'createnew', filePath: h.tmp.file(name, datasourceXml([DB1, DB2])), dataConnectionRules: rules, dataConnectionPasswords: new Map([[0, PASSWORD], [1, PASSWORD]]) };
  return publish(h.conn.client, req, { ...fast, ...opts });
}

function counts(h: Harness): { bulk: number; one: number } {
  const r = h.sim.state().counters.requests;
  return { bulk: r[BULK] ?? 0, one: r[ONE] ?? 0 };
}

function logins(h: Harness, id: string): [string | undefined, string | undefined, boolean][] {
  const item = h.sim.state().datasources.find((d) => d.id === id)!;
  return (item.connections ?? []).map((c) => [c.userName, c.passwordSha256, c.embedPassword]);
}

describe('bulk Update Connections (API 3.26) after publish (simulator)', function () {
  describe('on a 3.26 server', function () {
    const s = harness('3.26');

    it('gives two connections the same login in ONE bulk request, the password nowhere in the log', async () => {
      const h = s.get();
      const before = counts(h);
      const lines: string[] = [];
      const logger = { trace: (m: string) => lines.push(m), debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string | Error) => lines.push(String(m)) };
      const r = await publishWith(h, s.projectId(), 'Bulk Login.tds', sameLoginRules(), { logger });
      const after = counts(h);
      assert.deepEqual([after.bulk - before.bulk, after.one - before.one], [1, 0]);
      assert.deepEqual(logins(h, r.item.id), [['svc_bulk', sha(PASSWORD), true], ['svc_bulk', sha(PASSWORD), true]]);
      const ids = (h.sim.state().datasources.find((d) => d.id === r.item.id)!.connections ?? []).map((c) => c.id);
      assert.deepEqual(r.connectionChanges?.map((c) => [c.route, c.updatedConnectionIds?.length]), [['rest', 1], ['rest', 1]]);
      assert.deepEqual(r.connectionChanges?.flatMap((c) => c.updatedConnectionIds ?? []).sort(), [...ids].sort());
      assert.ok(lines.length > 0 && !lines.join('\n').includes(PASSWORD), 'the password is nowhere in the log');
    });

    it('changes a port one connection at a time (the bulk call sets the login only)', async () => {
      const h = s.get();
      const before = counts(h);
      const r = await publishWith(h, s.projectId(), 'Bulk Port.tds', sameLoginRules({ port: '6432' }));
      const after = counts(h);
      assert.deepEqual([after.bulk - before.bulk, after.one - before.one], [0, 2]);
      const conns = h.sim.state().datasources.find((d) => d.id === r.item.id)!.connections ?? [];
      assert.deepEqual(conns.map((c) => [c.serverPort, c.userName, c.passwordSha256]), [['6432', 'svc_bulk', sha(PASSWORD)], ['6432', 'svc_bulk', sha(PASSWORD)]]);
    });

    it('falls back to one request per connection when the bulk call answers 404', async () => {
      const h = s.get();
      h.sim.injectFault({ match: { method: 'PUT', pathPattern: '/datasources/[^/]+/connections$' }, action: { status: 404 } });
      const fired = h.sim.state().counters.faultsFired;
      const before = counts(h);
      const r = await publishWith(h, s.projectId(), 'Bulk Fallback.tds', sameLoginRules());
      const after = counts(h);
      assert.equal(h.sim.state().counters.faultsFired, fired + 1, 'the bulk call was tried once');
      assert.equal(after.one - before.one, 2);
      assert.deepEqual(logins(h, r.item.id), [['svc_bulk', sha(PASSWORD), true], ['svc_bulk', sha(PASSWORD), true]]);
    });

    it('answers the bulk call with every updated connection, and refuses an unknown connection id changing nothing', async () => {
      const h = s.get();
      const r = await publishWith(h, s.projectId(), 'Bulk Direct.tds', []);
      const ids = (h.sim.state().datasources.find((d) => d.id === r.item.id)!.connections ?? []).map((c) => c.id);
      const updated = await updateConnections(h.conn.client, 'datasource', r.item.id, ids, { userName: 'u_direct', password: PASSWORD, embedPassword: false });
      assert.deepEqual(updated.map((c) => [c.id, c.userName, c.embedPassword]), ids.map((id) => [id, 'u_direct', false]));
      await assert.rejects(
        updateConnections(h.conn.client, 'datasource', r.item.id, [ids[0], '00000000-0000-4000-a000-000000000000'], { userName: 'u_other' }),
        (e: unknown) => TableauError.is(e, 'notFound') && (e as TableauError).code === '404020',
      );
      assert.deepEqual(logins(h, r.item.id).map((l) => l[0]), ['u_direct', 'u_direct']);
    });
  });

  describe('on a 3.25 server', function () {
    const s = harness('3.25');

    it('makes one request per connection, and the simulator does not know the bulk call', async () => {
      const h = s.get();
      const before = counts(h);
      const r = await publishWith(h, s.projectId(), 'Old Server.tds', sameLoginRules());
      const after = counts(h);
      assert.deepEqual([after.bulk - before.bulk, after.one - before.one], [0, 2]);
      assert.deepEqual(logins(h, r.item.id), [['svc_bulk', sha(PASSWORD), true], ['svc_bulk', sha(PASSWORD), true]]);
      const ids = (h.sim.state().datasources.find((d) => d.id === r.item.id)!.connections ?? []).map((c) => c.id);
      await assert.rejects(updateConnections(h.conn.client, 'datasource', r.item.id, ids, { userName: 'x' }), (e: unknown) => TableauError.is(e, 'notFound') && (e as TableauError).code === '404003');
    });
  });
});
