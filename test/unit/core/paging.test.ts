import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { clampPageSize, fetchAllPages, mapBounded } from '../../../src/core/api/pagination';
import { isRetryable, withRetry } from '../../../src/core/api/retry';
import type { Page } from '../../../src/core/models';

function pageOf(all: number[], pageNumber: number, pageSize: number): Page<number> {
  return { items: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), pagination: { pageNumber, pageSize, totalAvailable: all.length } };
}

describe('pagination', () => {
  it('clamps page sizes to 1..1000', () => {
    assert.equal(clampPageSize(5000), 1000);
    assert.equal(clampPageSize(0), 1);
    assert.equal(clampPageSize(undefined), 100);
  });

  it('fetches page 1, then the rest concurrently (bounded), in order', async () => {
    const all = Array.from({ length: 2345 }, (_, i) => i);
    let inFlight = 0;
    let peak = 0;
    const asked: number[] = [];
    const got = await fetchAllPages(
      async (n, size) => {
        asked.push(n);
        inFlight++;
        peak = Math.max(peak, inFlight);
        // Later pages answer first: order must still hold.
        await new Promise((r) => setTimeout(r, 30 - n * 2));
        inFlight--;
        return pageOf(all, n, size);
      },
      { pageSize: 100, concurrency: 4 },
    );
    assert.deepEqual(got, all);
    assert.equal(asked[0], 1);
    assert.equal(asked.length, 24);
    assert.ok(peak <= 4 && peak > 1, `peak ${peak}`);
  });

  it('uses the page size the server applied', async () => {
    const all = Array.from({ length: 250 }, (_, i) => i);
    const sizes = new Set<number>();
    const got = await fetchAllPages(async (n, size) => {
      sizes.add(size);
      return pageOf(all, n, Math.min(size, 100)); // server caps at 100
    });
    assert.deepEqual(got, all);
    assert.deepEqual([...sizes], [1000, 100]);
  });

  it('mapBounded stops starting work after a failure', async () => {
    let started = 0;
    await assert.rejects(
      mapBounded([1, 2, 3, 4, 5, 6, 7, 8], 2, async (n) => {
        started++;
        if (n === 2) throw new Error('boom');
        await new Promise((r) => setTimeout(r, 5));
        return n;
      }),
      /boom/,
    );
    assert.ok(started <= 3, `started ${started}`);
  });
});

describe('withRetry', () => {
  const limited = (retryAfter?: number): TableauError => new TableauError({ reason: 'rateLimited', status: 429, message: 'slow down', retryAfter });

  it('retries 429 / 503 with Retry-After, then succeeds', async () => {
    let n = 0;
    const waits: number[] = [];
    const v = await withRetry(
      async () => {
        n++;
        if (n === 1) throw limited(0);
        if (n === 2) throw new TableauError({ reason: 'serverError', status: 503, message: 'busy' });
        return 'ok';
      },
      { baseDelayMs: 1, onRetry: (_e, _a, w) => waits.push(w) },
    );
    assert.equal(v, 'ok');
    assert.equal(n, 3);
    assert.deepEqual(waits, [0, 2]);
  });

  it('gives up after the bounded tries, and does not retry other errors', async () => {
    let n = 0;
    await assert.rejects(withRetry(async () => { n++; throw limited(0); }, { attempts: 3 }), (e) => TableauError.is(e, 'rateLimited'));
    assert.equal(n, 3);
    n = 0;
    await assert.rejects(withRetry(async () => { n++; throw new TableauError({ reason: 'forbidden', message: 'no' }); }), (e) => TableauError.is(e, 'forbidden'));
    assert.equal(n, 1);
    assert.equal(isRetryable(new TableauError({ reason: 'serverError', status: 500, message: 'x' })), false);
  });

  it('does not wait longer than maxWaitMs and is abortable', async () => {
    let n = 0;
    await assert.rejects(withRetry(async () => { n++; throw limited(120); }, { maxWaitMs: 30_000 }), (e) => TableauError.is(e, 'rateLimited'));
    assert.equal(n, 1);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const t0 = Date.now();
    await assert.rejects(withRetry(async () => { throw limited(10); }, { signal: ac.signal }), (e) => TableauError.is(e, 'cancelled'));
    assert.ok(Date.now() - t0 < 2000);
  });
});
