/**
 * Jobs as Tableau answers them: ended only at completedAt, the failure reason inside the
 * job's detail element, Bridge's finish code 3, and an overall deadline. The recorded
 * answers are TSC's test/assets (tableau/server-client-python), replayed through the simulator.
 */
import * as assert from 'node:assert/strict';
import { findAfterWrite } from '../../../src/core/api/afterWrite';
import { TableauError } from '../../../src/core/errors';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { DEMO_PAT } from '../../simulator/demo';
import { pat, stack, type Stack } from '../../support/simFixture';

const NS = 'xmlns="http://tableau.com/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const ts = (inner: string): string => `<?xml version='1.0' encoding='UTF-8'?><tsResponse ${NS}>${inner}</tsResponse>`;

/** TSC job_get_by_id_failed_workbook.xml: the reason sits in extractRefreshJob/notes, after the item. */
const FAILED_REFRESH = (id: string): string =>
  ts(`<job id="${id}" mode="Asynchronous" type="RefreshExtract" progress="100" createdAt="2021-10-05T18:53:34Z" startedAt="2021-10-05T18:53:34Z" completedAt="2021-10-05T18:53:35Z" finishCode="1">
    <extractRefreshJob><workbook id="5998aaaf-1abe-4d38-b4d9-bc53e85bdd13" name="Superstore"/>
      <notes>java.lang.RuntimeException: [Microsoft][ODBC Driver 17 for SQL Server][SQL Server]Login failed for user.\\nIntegrated authentication failed.</notes>
    </extractRefreshJob></job>`);
/** TSC workbook_publish_async.xml: finishCode="1" while nothing has ended yet. */
const PUBLISH_RUNNING = (id: string): string => ts(`<job id="${id}" mode="Asynchronous" type="PublishWorkbook" progress="0" createdAt="2018-06-29T23:22:32Z" finishCode="1"/>`);
/** TSC job_get_by_id_completed.xml: a Tableau Bridge refresh that completed (finishCode 3). */
const BRIDGE_COMPLETED = (id: string): string =>
  ts(`<job id="${id}" mode="job-mode" type="extractRefreshJob" progress="100" createdAt="2020-05-13T20:23:45Z" updatedAt="2020-05-13T20:25:18Z" completedAt="2020-05-13T20:25:18Z" finishCode="3">
    <extractRefreshJob><notes>Job detail notes</notes></extractRefreshJob></job>`);

describe('core: jobs (waitForJob) and lookups after a write', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let s: Stack;
  const jobId = '7c3d599e-949f-44c3-94a1-f30ba85757e4';
  const answer = (body: string, times = 1): void =>
    sim.injectFault({ match: { method: 'GET', pathPattern: `/jobs/${jobId}$` }, action: { status: 200, body, contentType: 'application/xml' }, times });

  before(async () => {
    sim = await startSimulator({ demo: true, config: { jobDurationMs: 200 } });
    s = stack(sim, pat(DEMO_PAT.name, DEMO_PAT.secret), 'sales');
  });
  after(async () => {
    await s.http.close();
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it('keeps polling while finishCode is set but completedAt is not (the asJob publish answer)', async () => {
    answer(PUBLISH_RUNNING(jobId), 2);
    answer(ts(`<job id="${jobId}" mode="Asynchronous" type="PublishWorkbook" progress="100" createdAt="2018-06-29T23:22:32Z" completedAt="2018-06-29T23:23:00Z" finishCode="0"/>`));
    const seen: number[] = [];
    const done = await s.client.waitForJob(jobId, { initialDelayMs: 5, maxDelayMs: 10, onProgress: (j) => seen.push(j.progress ?? -1) });
    assert.equal(done.finishCode, 0);
    assert.deepEqual(seen, [0, 0, 100]);
    assert.equal(done.workbookId, undefined, 'a publish job names no item');
  });

  it('fails with the notes of the job detail element (recorded failed refresh)', async () => {
    answer(FAILED_REFRESH(jobId));
    await assert.rejects(s.client.waitForJob(jobId, { initialDelayMs: 5 }), (e) => {
      assert.ok(TableauError.is(e, 'jobFailed'));
      assert.match(e.message, /Login failed for user/);
      assert.match(e.message, new RegExp(jobId));
      return true;
    });
    answer(FAILED_REFRESH(jobId));
    const job = await s.client.getJob(jobId);
    assert.equal(job.workbookId, '5998aaaf-1abe-4d38-b4d9-bc53e85bdd13', 'the refreshed item is read from inside extractRefreshJob');
  });

  it('takes finish code 3 (Tableau Bridge: completed) as success', async () => {
    answer(BRIDGE_COMPLETED(jobId));
    const done = await s.client.waitForJob(jobId, { initialDelayMs: 5 });
    assert.equal(done.finishCode, 3);
  });

  it('reports an undocumented finish code as a failure, never as success', async () => {
    answer(ts(`<job id="${jobId}" mode="Asynchronous" type="RefreshExtract" progress="100" createdAt="2020-05-13T20:23:45Z" completedAt="2020-05-13T20:25:18Z" finishCode="7"/>`));
    await assert.rejects(s.client.waitForJob(jobId, { initialDelayMs: 5 }), (e) => TableauError.is(e, 'jobFailed') && /finish code 7/.test(e.message));
  });

  it('gives up at the deadline with a clear error naming the job, which may still finish', async () => {
    const slow = await startSimulator({ demo: true, config: { jobDurationMs: 60 * 60_000 } });
    const t = stack(slow, pat(DEMO_PAT.name, DEMO_PAT.secret), 'sales');
    try {
      const ds = slow.state().datasources.find((d) => d.name === 'Bookings Extract')!;
      const job = await t.client.refreshDataSource(ds.id);
      const before = slow.state().counters.requests;
      await assert.rejects(t.client.waitForJob(job.id, { timeoutMs: 150, initialDelayMs: 20, maxDelayMs: 40 }), (e) => {
        assert.ok(TableauError.is(e, 'jobTimeout'));
        assert.match(e.message, new RegExp(job.id));
        assert.match(e.message, /may still finish on the server/);
        return true;
      });
      const polls = Object.entries(slow.state().counters.requests).filter(([k]) => /jobs/.test(k)).reduce((a, [, v]) => a + v, 0)
        - Object.entries(before).filter(([k]) => /jobs/.test(k)).reduce((a, [, v]) => a + v, 0);
      assert.ok(polls >= 2 && polls <= 10, `bounded, backed-off polling (${polls} polls)`);
    } finally {
      await t.http.close();
      await slow.close();
    }
  });

  it('findAfterWrite looks again with a bounded backoff, and stops', async () => {
    let calls = 0;
    assert.equal(await findAfterWrite(async () => (++calls >= 3 ? 'found' : undefined), { initialDelayMs: 1 }), 'found');
    assert.equal(calls, 3);
    calls = 0;
    assert.equal(await findAfterWrite(async () => void calls++, { attempts: 4, initialDelayMs: 1 }), undefined);
    assert.equal(calls, 4);
  });
});
