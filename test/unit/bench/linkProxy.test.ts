/**
 * The bench's link proxy: latency per request and the bandwidth cap, checked with a fake
 * clock and the proxy's own counters (no wall time).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { linkOptions, startLinkProxy, TokenBucket, type Clock, type LinkProxy } from '../../bench/lib/linkProxy';
import { linkLimitMs, neededRequests } from '../../bench/linkBench';

const MiB = 1024 * 1024;

/**
 * Virtual time: it moves only when a sleeper is released (the earliest first, one per turn of
 * the event loop, so real I/O goes on), so "the server saw it at t" says what the proxy held back.
 */
class FakeClock implements Clock {
  t = 0;
  sleeps: number[] = [];
  private pending: { at: number; wake: () => void }[] = [];
  private ticking = false;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((wake) => {
      this.pending.push({ at: this.t + ms, wake });
      this.tick();
    });
  }
  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    setImmediate(() => {
      this.ticking = false;
      this.pending.sort((a, b) => a.at - b.at);
      const next = this.pending.shift();
      if (next) {
        this.t = Math.max(this.t, next.at);
        next.wake();
      }
      if (this.pending.length) this.tick();
    });
  }
}

/** Upstream: POST answers the body's size; GET /bytes/N answers N bytes. `seen` gets the clock's time at each request's end. */
async function upstream(): Promise<{ url: string; seen: { at: () => number; times: number[] }; close(): Promise<void> }> {
  const seen = { at: (): number => 0, times: [] as number[] };
  const server = http.createServer((req, res) => {
    const m = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
    if (m) {
      seen.times.push(seen.at());
      res.writeHead(200, { 'content-length': m[1] });
      res.end(Buffer.alloc(Number(m[1]), 1));
      return;
    }
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      seen.times.push(seen.at());
      res.end(JSON.stringify({ received: n }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('bench link proxy', function () {
  this.timeout(30_000);
  let up: Awaited<ReturnType<typeof upstream>>;
  let proxy: LinkProxy | undefined;
  let clock: FakeClock;
  before(async () => (up = await upstream()));
  after(() => up.close());
  beforeEach(() => {
    clock = new FakeClock();
    up.seen.at = () => clock.now();
    up.seen.times = [];
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('token bucket: bytes beyond the burst wait exactly size / rate on the clock', async () => {
    const bucket = new TokenBucket(MiB, 64 * 1024, clock);
    for (let i = 0; i < 16; i++) await bucket.take(64 * 1024);
    // 1 MiB at 1 MiB/s with a 64 KiB head start: 15 pieces of 62.5 ms each.
    assert.deepEqual(clock.sleeps, Array(15).fill(62.5));
    assert.equal(bucket.waitedMs, 937.5);
    assert.equal(bucket.bytes, MiB);
  });

  it('token bucket: time that passes refills it, up to the burst only', async () => {
    const bucket = new TokenBucket(MiB, 64 * 1024, clock);
    await bucket.take(64 * 1024);
    clock.t += 10_000; // idle for 10 s: the credit is capped at one burst
    await bucket.take(64 * 1024);
    await bucket.take(64 * 1024);
    assert.deepEqual(clock.sleeps, [62.5]);
  });

  it('token bucket: a timer that fires late does not lower the rate', async () => {
    // Every sleep ends 100 ms late, longer than the burst (62.5 ms): a busy machine's timers.
    const late: Clock = { now: () => clock.now(), sleep: (ms) => clock.sleep(ms + 100) };
    const bucket = new TokenBucket(MiB, 64 * 1024, late);
    for (let i = 0; i < 16; i++) await bucket.take(64 * 1024);
    // 1 MiB at 1 MiB/s: 937.5 ms on time; the lateness is given back, so at most one shows.
    assert.ok(clock.t <= 937.5 + 100, `took ${clock.t} ms`);
  });

  it('token bucket: a slow sender is not given the time back', async () => {
    const bucket = new TokenBucket(MiB, 64 * 1024, clock);
    for (let i = 0; i < 4; i++) {
      await bucket.take(64 * 1024);
      clock.t += 100; // the sender had nothing to send for 100 ms
    }
    assert.deepEqual(clock.sleeps, [], 'each piece finds the link idle: no wait, no credit beyond the burst');
    await bucket.take(64 * 1024);
    await bucket.take(64 * 1024);
    assert.deepEqual(clock.sleeps, [62.5]);
  });

  it('adds its latency to every request, half each way, by its own count', async () => {
    proxy = await startLinkProxy(up.url, linkOptions(50, Infinity, { clock }));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${proxy.url}/ping`, { method: 'POST', body: 'x'.repeat(10) });
      assert.deepEqual(await res.json(), { received: 10 });
    }
    const c = proxy.counters();
    assert.equal(c.requests, 3);
    assert.equal(c.latencyAddedMs, 3 * 50);
    assert.deepEqual(clock.sleeps, [25, 25, 25, 25, 25, 25]);
    assert.equal(c.upThrottledMs, 0, 'no cap: nothing held back');
    assert.equal(clock.t, 150, 'the only time on the clock is the added latency');
    assert.deepEqual(up.seen.times, [25, 75, 125], 'each request reached the server only after its 25 ms up (and the previous answer its 25 ms down)');
  });

  it('caps the upload bandwidth: the bucket holds the body for size / rate', async () => {
    const burst = 64 * 1024;
    proxy = await startLinkProxy(up.url, { ...linkOptions(0, 1, { clock }), burstBytes: burst });
    const body = Buffer.alloc(2 * MiB, 7);
    const res = await fetch(`${proxy.url}/upload`, { method: 'POST', body });
    assert.deepEqual(await res.json(), { received: 2 * MiB }, 'every byte reaches the server');
    const c = proxy.counters();
    assert.equal(c.upBytes, 2 * MiB);
    // 2 MiB at 1 MiB/s, less the burst the bucket starts with.
    assert.ok(Math.abs(c.upThrottledMs - ((2 * MiB - burst) / MiB) * 1000) < 1e-6, `held ${c.upThrottledMs} ms`);
    assert.ok(Math.abs(clock.t - c.upThrottledMs - c.downThrottledMs) < 1e-6, 'the clock moved only by what the buckets held');
    assert.ok(up.seen.times[0] >= c.upThrottledMs - 1e-6, `the server had the whole body at ${up.seen.times[0]} ms, not before the cap allowed`);
  });

  it('caps the download bandwidth the same way', async () => {
    const burst = 64 * 1024;
    proxy = await startLinkProxy(up.url, { ...linkOptions(10, 1, { clock }), burstBytes: burst });
    const res = await fetch(`${proxy.url}/bytes/${MiB}`);
    assert.equal((await res.arrayBuffer()).byteLength, MiB);
    assert.ok(clock.t >= ((MiB - burst) / MiB) * 1000 + 10 - 1e-6, `the client had the whole answer at ${clock.t} ms`);
    const c = proxy.counters();
    assert.equal(c.downBytes, MiB);
    assert.ok(Math.abs(c.downThrottledMs - ((MiB - burst) / MiB) * 1000) < 1e-6, `held ${c.downThrottledMs} ms`);
    assert.equal(c.latencyAddedMs, 10);
    proxy.reset();
    assert.deepEqual(proxy.counters(), { requests: 0, latencyAddedMs: 0, upThrottledMs: 0, downThrottledMs: 0, upBytes: 0, downBytes: 0 });
  });

  it('the link limit: bytes / bandwidth + needed requests x latency', () => {
    assert.equal(neededRequests(0), 2, 'sign-in and one POST');
    assert.equal(neededRequests(21), 24, 'sign-in, upload session, 21 chunks, commit');
    assert.equal(linkLimitMs(1024 * MiB, 24, 50, 50), (1024 / 50) * 1000 + 24 * 50);
  });
});
