/**
 * Publishing against a server whose jobs answer in Tableau's shapes and whose search index
 * lags behind writes: the published item is found after an asJob publish and after an
 * ambiguous createnew, a failed job reports its notes, and a replayed create-project finds
 * the project its first attempt made.
 */
import * as assert from 'node:assert/strict';
import { TableauClient } from '../../../src/core/api/client';
import type { TableauSession } from '../../../src/core/auth/session';
import { TableauError } from '../../../src/core/errors';
import { publish } from '../../../src/core/publish/publisher';
import { connect, startPublishHarness, type Harness } from '../../support/simFixture';
import { twbxBytes } from '../../fixtures/samples';

const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 }, lookupRetry: { attempts: 40, initialDelayMs: 50, maxDelayMs: 150 }, job: { initialDelayMs: 40, maxDelayMs: 80 } };

describe('publish: jobs and a lagging search index', function () {
  this.timeout(30_000);
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness({ indexLagMs: 2000 })));
  after(() => h.close());

  it('asJob createnew: waits for completedAt, then finds the item although the index lags', async () => {
    const file = h.tmp.file('Lagging.twbx', twbxBytes());
    const r = await publish(h.conn.client, { filePath: file, projectId, mode: 'createnew', asJob: true }, fast);
    assert.ok(r.jobId);
    assert.equal(r.item.name, 'Lagging');
    assert.equal(r.item.id, h.sim.state().workbooks.find((w) => w.name === 'Lagging')!.id);
  });

  it('a failed asJob publish is a failure carrying the job\'s notes', async () => {
    h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { jobFinishCode: 1, jobNotes: 'Login failed for user.' } });
    const file = h.tmp.file('Doomed.twbx', twbxBytes());
    await assert.rejects(publish(h.conn.client, { filePath: file, projectId, mode: 'createnew', asJob: true }, fast), (e) => {
      assert.ok(TableauError.is(e, 'jobFailed'), String(e));
      assert.match(e.message, /Login failed for user/);
      return true;
    });
    assert.ok(!h.sim.state().workbooks.some((w) => w.name === 'Doomed'));
  });

  it('an ambiguous createnew that landed is recovered through the conflict check, not published twice', async () => {
    const conn = connect(h.sim.url, { bodyTimeoutMs: 300 });
    try {
      // The server publishes, then its answer stalls: the client cannot know it landed.
      h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { stallAfterBytes: 10 } });
      const file = h.tmp.file('Stalled.twbx', twbxBytes());
      const posts = (): number => h.sim.state().counters.requests['POST /api/{v}/sites/{site}/workbooks'] ?? 0;
      const postsBefore = posts();
      const r = await publish(conn.client, { filePath: file, projectId, mode: 'createnew' }, fast);
      const onServer = h.sim.state().workbooks.filter((w) => w.name === 'Stalled');
      assert.equal(posts() - postsBefore, 2, 'sent again, and Tableau said it exists');
      assert.equal(onServer.length, 1);
      assert.equal(r.item.id, onServer[0].id);
    } finally {
      await conn.close();
    }
  });

  it('a replayed create-project that meets its own project looks it up again while the index lags', async () => {
    let lookups = 0;
    let posts = 0;
    const project = { id: 'p-1', name: 'Fresh', parentProjectId: 'parent-1' };
    const conflict = new TableauError({ reason: 'alreadyExists', status: 409, code: '409006', message: 'A project already exists with the name.' });
    let runs = 0;
    const session = {
      // The create's first attempt lands but its answer is lost (401 → replay): the replay meets the project.
      run: async <T>(fn: (a: { token: string; siteId: string }) => Promise<T>) => {
        if (++runs === 1) await fn({ token: 't', siteId: 's' }).catch(() => undefined);
        return fn({ token: 't', siteId: 's' });
      },
      api: {
        send: async (_t: string, req: { method: string; path: string }) => {
          if (req.method === 'POST') {
            if (++posts === 1) return { project };
            throw conflict;
          }
          // A filtered listing: the index has the project from the third lookup on.
          const found = ++lookups >= 3 ? [project] : [];
          return { pagination: { pageNumber: '1', pageSize: '100', totalAvailable: String(found.length) }, projects: { project: found } };
        },
      },
    } as unknown as TableauSession;
    const client = new TableauClient(session, { lookupRetry: { initialDelayMs: 5 } });
    const created = await client.createProject({ name: 'Fresh', parentProjectId: 'parent-1' });
    assert.equal(created.id, 'p-1');
    assert.equal(lookups, 3);
  });
});
