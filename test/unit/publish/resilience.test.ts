import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCancellation, TableauError } from '../../../src/core/errors';
import { publish } from '../../../src/core/publish/publisher';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';
import { sha256File, startPublishHarness, type Harness } from '../../support/simFixture';

// Small limits so every case exercises chunking with small files.
const chunked = { singleRequestLimit: 64 * 1024, chunkSize: 32 * 1024, readSize: 8 * 1024, retry: { baseDelayMs: 10, maxDelayMs: 50 } };
const UPLOAD_PUT = { method: 'PUT', pathPattern: '/fileUploads/' };

describe('publish: resilience', function () {
  let h: Harness;
  let projectId = '';
  before(async () => ({ h, projectId } = await startPublishHarness()));
  after(() => h.close());
  afterEach(() => h.sim.clearFaults());

  const datasource = (id: string) => h.sim.state().datasources.find((d) => d.id === id);
  const named = (name: string) => h.sim.state().datasources.filter((d) => d.name === name).length + h.sim.state().workbooks.filter((w) => w.name === name).length;

  it('starts a fresh upload session after a connection dropped mid-chunk', async () => {
    const p = h.tmp.file('Dropped.hyper', hyperBytes(150_000, 1));
    const uploadsBefore = h.sim.state().uploads.length;
    h.sim.injectFault({ match: { ...UPLOAD_PUT, nth: 3 }, action: { dropAfterBytes: 5000 } });
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, chunked);
    assert.equal(r.retries, 1);
    assert.equal(h.sim.state().uploads.length - uploadsBefore, 2, 'a second upload session');
    assert.equal(r.chunks, 2 + 5);
    assert.equal(datasource(r.item.id)?.sha256, sha256File(p));
  });

  it('waits for Retry-After on a 503 and re-sends the same chunk', async () => {
    const p = h.tmp.file('Busy.hyper', hyperBytes(100_000, 2));
    h.sim.injectFault({ match: { ...UPLOAD_PUT, nth: 2 }, action: { status: 503, retryAfter: 1 } });
    const uploadsBefore = h.sim.state().uploads.length;
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, chunked);
    assert.equal(r.retries, 1);
    assert.ok(r.durationMs >= 1000, `waited ${r.durationMs} ms`);
    assert.equal(h.sim.state().uploads.length - uploadsBefore, 1, 'same upload session');
    assert.equal(datasource(r.item.id)?.sha256, sha256File(p));
  });

  it('retries a single-request publish answered 429', async () => {
    const p = h.tmp.file('Limited.twbx', twbxBytes());
    h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { status: 429, retryAfter: 0 } });
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, chunked);
    assert.equal(r.retries, 1);
    assert.equal(r.requests, 2);
  });

  it('signs in again when the session ends mid-upload (401002) and carries on', async () => {
    const p = h.tmp.file('Reauth.hyper', hyperBytes(120_000, 3));
    const signIns = h.conn.session.signInCount;
    h.sim.injectFault({ match: { ...UPLOAD_PUT, nth: 2 }, action: { killSession: true } });
    const r = await publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, chunked);
    assert.equal(h.conn.session.signInCount, signIns + 1);
    assert.equal(datasource(r.item.id)?.sha256, sha256File(p));
    assert.equal(datasource(r.item.id)?.size, 120_000);
  });

  it('cancels mid-upload: nothing is committed or published', async () => {
    const p = h.tmp.file('Cancelled.hyper', hyperBytes(200_000, 4));
    const ac = new AbortController();
    const commitsBefore = h.sim.state().counters.requests['POST /api/{v}/sites/{site}/datasources'] ?? 0;
    await assert.rejects(
      publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, { ...chunked, signal: ac.signal, onProgress: (x) => x.bytesSent > 70_000 && ac.abort() }),
      (e) => isCancellation(e),
    );
    assert.equal(named('Cancelled'), 0);
    assert.equal(h.sim.state().counters.requests['POST /api/{v}/sites/{site}/datasources'] ?? 0, commitsBefore);
  });

  it('says the server may still complete a publish cancelled after its whole request was sent', async () => {
    const p = h.tmp.file('Sent Whole.twbx', twbxBytes());
    const fired = h.sim.state().counters.faultsFired;
    h.sim.injectFault({ match: { method: 'POST', pathPattern: '/workbooks$' }, action: { hang: true } });
    const ac = new AbortController();
    const warnings: string[] = [];
    const logger = { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const running = publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, { ...chunked, signal: ac.signal, logger });
    // The server holds the request; a small body is all sent well before the cancel.
    while (h.sim.state().counters.faultsFired === fired) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    await assert.rejects(running, (e) => isCancellation(e) && /may still complete it/.test((e as Error).message));
    assert.ok(warnings.some((w) => /Sent Whole.*may still complete it/.test(w)), warnings.join('\n'));
  });

  it('stops with fileChanged when the file changes mid-upload, publishing nothing', async () => {
    const p = h.tmp.file('Changing.hyper', hyperBytes(200_000, 5));
    let touched = false;
    await assert.rejects(
      publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, {
        ...chunked,
        onProgress: (x) => {
          if (!touched && x.bytesSent > 40_000) {
            touched = true;
            fs.appendFileSync(p, 'edited');
          }
        },
      }),
      (e) => TableauError.is(e, 'fileChanged'),
    );
    assert.equal(named('Changing'), 0);
  });

  it('reports an unknown outcome when the commit connection drops', async () => {
    const p = h.tmp.file('Doubtful.hyper', hyperBytes(100_000, 6));
    h.sim.injectFault({ match: { method: 'POST', pathPattern: '/datasources$' }, action: { dropAfterBytes: 1 } });
    await assert.rejects(publish(h.conn.client, { filePath: p, projectId, mode: 'createnew' }, chunked), (e) => TableauError.is(e, 'network') && /unknown whether/.test((e as Error).message));
  });

  it('publishes a file above 64 MB in 50 MiB chunks with default settings', async function () {
    this.timeout(120_000);
    const big = path.join(os.tmpdir(), `tp-big-${process.pid}.hyper`);
    const fd = fs.openSync(big, 'w');
    try {
      const block = hyperBytes(1 << 20, 7);
      for (let i = 0; i < 70; i++) {
        block.writeUInt32LE(i, 100);
        fs.writeSync(fd, block);
      }
      fs.closeSync(fd);
      const r = await publish(h.conn.client, { filePath: big, projectId, mode: 'createnew', name: 'Big Extract' });
      assert.equal(r.chunks, 2);
      assert.equal(r.bytes, 70 << 20);
      const s = datasource(r.item.id);
      assert.equal(s?.size, 70 << 20);
      assert.equal(s?.sha256, sha256File(big));
    } finally {
      fs.rmSync(big, { force: true });
    }
  });
});
