/**
 * A slow, distant link between a client and the simulator: an HTTP proxy that adds a fixed
 * latency to every request and caps the bandwidth of each direction with a token bucket.
 *
 * - Latency: `requestLatencyMs` before the request's head goes upstream, `responseLatencyMs`
 *   before the answer's head comes back; their sum is one round trip. The body follows its
 *   head, so the whole request is delayed, as on a real link; connection set-up (TCP/TLS) is
 *   not modelled (clients keep connections alive).
 * - Bandwidth: one bucket per direction, shared by every connection (it is one link). The
 *   burst is small (default 256 KiB, 5 ms at 50 MB/s) so a request that follows a latency
 *   wait does not start with saved-up credit; a late timer is made up (see TokenBucket).
 * - Counters are the proxy's own (requests, latency it added, time its buckets held bytes,
 *   bytes each way), so tests check it with a fake clock and no wall time.
 * - `tap` sees each request's head and may take a copy of its body (the replay recorder).
 *
 * Written here rather than taken from npm: `throttle` and `stream-throttle` (the stream
 * throttles listed in the registry) are unmaintained since 2014-2016 and read the wall
 * clock, and the latency and the counters are the proxy's own job anyway.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline, Transform, type TransformCallback, type Writable } from 'node:stream';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * Bytes per second with a burst of `burst` bytes, as a virtual schedule: each byte is due
 * `1 / rate` after the one before it, or after it reached the link if the link was idle, and
 * may go up to `burst` bytes early. An idle link saves no credit beyond the burst. Time this
 * bucket's own timers fired late (a busy machine) is given back, so it does not lower the
 * rate; a client that is slow to send is not.
 */
export class TokenBucket {
  /** When the link finishes the bytes taken so far (clock ms). */
  private due: number;
  /** Lateness of this bucket's own timers not yet given back (ms). */
  private slack = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Total time this bucket made callers wait, by its own account (ms). */
  waitedMs = 0;
  bytes = 0;

  constructor(
    readonly bytesPerSec: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(bytesPerSec > 0) || !(burst > 0)) throw new Error('a token bucket needs a rate and a burst above 0');
    this.due = clock.now();
  }

  /** Resolves once `n` bytes may pass. Calls are served in order, so two streams share the link fairly. */
  take(n: number): Promise<void> {
    const turn = this.queue.then(() => this.takeNow(n));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(n: number): Promise<void> {
    const ms = (bytes: number): number => (bytes / this.bytesPerSec) * 1000;
    const now = this.clock.now();
    // The link looks idle since `due`; the part of that gap our late timers caused is not idleness.
    const forgiven = Math.min(this.slack, Math.max(0, now - this.due));
    this.slack -= forgiven;
    this.due = Math.max(this.due, now - forgiven) + ms(n);
    this.bytes += n;
    const wait = this.due - ms(this.burst) - now;
    if (wait > 0) {
      this.waitedMs += wait;
      await this.clock.sleep(wait);
      this.slack += Math.max(0, this.clock.now() - (now + wait));
    }
  }
}

/** A stream stage that lets bytes through no faster than the bucket allows. */
export function throttled(bucket: TokenBucket, piece = 64 * 1024): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      void (async () => {
        for (let at = 0; at < chunk.length; at += piece) {
          const part = chunk.subarray(at, at + piece);
          await bucket.take(part.length);
          this.push(part);
        }
      })().then(() => done(), done);
    },
  });
}

/** Passes bytes on and writes a copy to `copy`, at the copy's pace; ends the copy at the end. */
function tee(copy: Writable): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (copy.write(chunk)) done(null, chunk);
      else copy.once('drain', () => done(null, chunk));
    },
    flush(done: TransformCallback) {
      copy.end(() => done());
    },
  });
}

export interface LinkOptions {
  /** Added before each request goes upstream (ms). */
  requestLatencyMs: number;
  /** Added before each answer comes back (ms). */
  responseLatencyMs: number;
  /** Client-to-server bytes per second; Infinity: no cap. */
  upBytesPerSec: number;
  /** Server-to-client bytes per second; Infinity: no cap. */
  downBytesPerSec: number;
  burstBytes?: number;
  clock?: Clock;
  /** Sees each request (method, path with query, headers); may return a stream that gets a copy of its body. */
  tap?: (req: { method: string; url: string; headers: http.IncomingHttpHeaders }) => Writable | undefined;
}

export interface LinkCounters {
  requests: number;
  /** Latency the proxy added, summed over requests and both directions (ms). */
  latencyAddedMs: number;
  /** Time the buckets held bytes back (ms), each direction. */
  upThrottledMs: number;
  downThrottledMs: number;
  /** Body bytes each way. */
  upBytes: number;
  downBytes: number;
}

export interface LinkProxy {
  url: string;
  counters(): LinkCounters;
  reset(): void;
  close(): Promise<void>;
}

/** The options for "L ms per request (half each way), B MB/s each way". */
export function linkOptions(latencyMs: number, mbPerSec: number, extra: Partial<LinkOptions> = {}): LinkOptions {
  const bytesPerSec = mbPerSec * 1024 * 1024;
  return { requestLatencyMs: latencyMs / 2, responseLatencyMs: latencyMs / 2, upBytesPerSec: bytesPerSec, downBytesPerSec: bytesPerSec, ...extra };
}

export async function startLinkProxy(upstream: string, opts: LinkOptions): Promise<LinkProxy> {
  const clock = opts.clock ?? realClock;
  const burst = opts.burstBytes ?? 256 * 1024;
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const bucket = (rate: number): TokenBucket | undefined => (Number.isFinite(rate) ? new TokenBucket(rate, burst, clock) : undefined);
  let up = bucket(opts.upBytesPerSec);
  let down = bucket(opts.downBytesPerSec);
  let requests = 0;
  let latencyAddedMs = 0;
  let upBytes = 0;
  let downBytes = 0;
  const delay = async (ms: number): Promise<void> => {
    if (ms <= 0) return;
    latencyAddedMs += ms;
    await clock.sleep(ms);
  };

  const server = http.createServer((req, res) => {
    requests++;
    const fail = (e: unknown): void => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`link proxy: ${e instanceof Error ? e.message : String(e)}`);
      } else res.destroy();
    };
    const copy = opts.tap?.({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    // The request stays paused (no reader yet) until its latency has passed; the body waits in the socket.
    void delay(opts.requestLatencyMs).then(() => {
      req.on('data', (c: Buffer) => (upBytes += c.length));
      const out = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
        (answer) => {
          void delay(opts.responseLatencyMs).then(() => {
            res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
            answer.on('data', (c: Buffer) => (downBytes += c.length));
            const stages: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [answer, ...(down ? [throttled(down)] : []), res];
            pipeline(stages, (e) => e && res.destroy());
          });
        },
      );
      out.on('error', fail);
      const stages: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [req, ...(copy ? [tee(copy)] : []), ...(up ? [throttled(up)] : []), out];
      pipeline(stages, (e) => e && fail(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counters: () => ({ requests, latencyAddedMs, upThrottledMs: up?.waitedMs ?? 0, downThrottledMs: down?.waitedMs ?? 0, upBytes, downBytes }),
    reset() {
      requests = latencyAddedMs = upBytes = downBytes = 0;
      up = bucket(opts.upBytesPerSec);
      down = bucket(opts.downBytesPerSec);
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
