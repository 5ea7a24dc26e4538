/**
 * Hostile servers against the bounds of #13.2, #13.6 and #12.7: paging numbers that would size
 * an allocation, a listing that trickles, a download larger than the cap, a server that never
 * answers a control request. Each must end with a clear reason, quickly, with small injected
 * limits (never by waiting for the real defaults).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import type { ClientOptions, TableauClient } from '../../../src/core/api/client';
import { TableauError } from '../../../src/core/errors';
import type { HttpClient, HttpClientOptions } from '../../../src/core/http/httpClient';
import { tempDir } from '../../support/files';
import { capturingLogger } from '../../support/sentinels';
import { clientStack, pat } from '../../support/simFixture';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

interface Hostile {
  url: string;
  /** Requests other than sign-in. */
  requests: string[];
  close(): Promise<void>;
}

const SIGN_IN = '<tsResponse><credentials token="hostile-token"><site id="s1" contentUrl="hostile"/><user id="u1"/></credentials></tsResponse>';

/** A server that signs anyone in and answers everything else with `handler`. */
async function hostile(handler: Handler): Promise<Hostile> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hostile.invalid');
    req.resume();
    if (url.pathname.endsWith('/auth/signin')) {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(SIGN_IN);
      return;
    }
    if (url.pathname.endsWith('/auth/signout')) {
      res.writeHead(204).end();
      return;
    }
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    handler(req, res, url);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function clientOf(h: Hostile, httpOpts: HttpClientOptions = {}, clientOpts: ClientOptions = {}): { client: TableauClient; http: HttpClient } {
  // A pinned API version: no serverInfo round trip before the call under test.
  const { logger, ...httpRest } = httpOpts;
  const { client, http } = clientStack(h.url, pat('n', 'hostile-secret'), 'hostile', {
    http: { connectTimeoutMs: 2000, ...httpRest },
    logger,
    client: { retry: { baseDelayMs: 1 }, ...clientOpts },
    apiVersion: '3.19',
  });
  return { client, http };
}

function projectsPage(pageNumber: number, pageSize: string, total: string, count: number): string {
  const projects = Array.from({ length: count }, (_, i) => ({ id: `p${pageNumber}-${i}`, name: `P${pageNumber}-${i}` }));
  return JSON.stringify({ pagination: { pageNumber: String(pageNumber), pageSize, totalAvailable: total }, projects: { project: projects } });
}

/** Answers every listing page with the given pagination, `count(n)` projects on page n. */
function pages(pageSize: string, total: string, count: (n: number) => number): Handler {
  return (_req, res, url) => {
    const n = Number(url.searchParams.get('pageNumber') ?? '1');
    res.writeHead(200, { 'content-type': 'application/json' }).end(projectsPage(n, pageSize, total, count(n)));
  };
}

async function rejectsWith(p: Promise<unknown>, reason: string, message?: RegExp): Promise<TableauError> {
  try {
    await p;
  } catch (e) {
    assert.ok(TableauError.is(e), `a TableauError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ${reason}`);
}

describe('hardening: bounded paging, waits and downloads', function () {
  this.timeout(10_000);
  const servers: Hostile[] = [];
  const clients: HttpClient[] = [];
  const serve = async (handler: Handler): Promise<Hostile> => {
    const h = await hostile(handler);
    servers.push(h);
    return h;
  };
  const connect = (h: Hostile, httpOpts?: HttpClientOptions, clientOpts?: ClientOptions): TableauClient => {
    const c = clientOf(h, httpOpts, clientOpts);
    clients.push(c.http);
    return c.client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  describe('paging (#13.2)', () => {
    it('totalAvailable="1000000000" pageSize="1": stops after page 1 with the listing limit named, nothing allocated from the number', async () => {
      const h = await serve(pages('1', '1000000000', () => 1));
      const client = connect(h, {}, { limitNames: { maxListItems: '--max-items' } });
      await rejectsWith(client.allProjects(), 'responseTooLarge', /1000000000 of them, more than the 200000 .*raise --max-items/);
      assert.equal(h.requests.length, 1);
    });

    it('totalAvailable="1e300" is refused as malformed (no "Invalid array length")', async () => {
      const h = await serve(pages('1000', '1e300', () => 2));
      await rejectsWith(connect(h).allProjects(), 'malformedResponse', /totalAvailable="1e300"/);
      assert.equal(h.requests.length, 1);
    });

    for (const [pageSize, total] of [['0', '5'], ['-1', '5'], ['2.5', '5'], ['1000', '-3'], ['abc', '5']]) {
      it(`pageSize="${pageSize}" totalAvailable="${total}" is refused as malformed`, async () => {
        const h = await serve(pages(pageSize, total, () => 1));
        await rejectsWith(connect(h).allProjects(), 'malformedResponse', /invalid page count/);
      });
    }

    it('a total within the item cap in pages of 1: the page cap ends it after page 1', async () => {
      const h = await serve(pages('1', '150000', () => 1));
      await rejectsWith(connect(h).allProjects(), 'responseTooLarge', /1 per page, 150000 pages/);
      assert.equal(h.requests.length, 1);
    });

    it('stops at an empty page although the total promises more', async () => {
      const h = await serve(pages('1000', '900000', (n) => (n === 1 ? 1000 : 0)));
      const got = await connect(h, {}, { maxListItems: 1_000_000, pageConcurrency: 2 }).allProjects();
      assert.equal(got.length, 1000);
      // Page 1, then at most one round of the concurrent workers before the empty page stops them.
      assert.ok(h.requests.length <= 3, `${h.requests.length} requests`);
    });

    it('a server that sends more items than it announced is cut at the item cap', async () => {
      const h = await serve(pages('100', '200', () => 100 + 50));
      await rejectsWith(connect(h, {}, { maxListItems: 250, limitNames: { maxListItems: 'the setting tableau.maxListItems' } }).allProjects(), 'responseTooLarge', /more than 250.*tableau\.maxListItems/);
    });

    it('a listing of 10,000 projects in pages of 1000 is collected whole', async () => {
      const h = await serve(pages('1000', '10000', () => 1000));
      const got = await connect(h).allProjects();
      assert.equal(got.length, 10_000);
      assert.equal(h.requests.length, 10);
    });
  });

  describe('waits (#13.6, #12.7)', () => {
    it('a control request to a server that never answers ends at the request deadline, naming the setting', async () => {
      const h = await serve(() => undefined); // accepts, never answers
      const client = connect(h, { requestTimeoutMs: 200, limitNames: { requestTimeout: 'the setting tableau.requestTimeoutSeconds' } });
      await rejectsWith(client.listProjects(), 'timeout', /did not finish answering within 200 ms \(list projects\).*raise the setting tableau\.requestTimeoutSeconds/);
    });

    it('a listing trickling one byte at a time ends at the request deadline (idle timeouts never fire)', async () => {
      const body = projectsPage(1, '100', '3', 3);
      const h = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        let i = 0;
        const t = setInterval(() => {
          if (res.destroyed || i >= body.length) return clearInterval(t);
          res.write(body[i++]);
        }, 20);
        res.on('close', () => clearInterval(t));
      });
      // Idle timeouts far above the trickle's gaps: only the whole-request deadline can end it.
      await rejectsWith(connect(h, { requestTimeoutMs: 300, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 }).allProjects(), 'timeout', /within 300 ms/);
    });

    it('the caller cancelling still reports cancelled, not a timeout', async () => {
      const h = await serve(() => undefined);
      const ac = new AbortController();
      const p = connect(h, { requestTimeoutMs: 5000 }).listProjects({ signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await rejectsWith(p, 'cancelled');
    });

    it('says what is being waited for after a silence (log channel / --verbose)', async () => {
      const h = await serve((_req, res) => {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(projectsPage(1, '100', '1', 1)), 300);
      });
      const { logger, lines } = capturingLogger();
      const page = await connect(h, { waitNoticeMs: 50, logger }).listProjects();
      assert.equal(page.items.length, 1);
      assert.ok(lines.some((l) => /^info: Waiting for 127\.0\.0\.1:\d+ to answer \(list projects\)/.test(l)), lines.join('\n'));
    });
  });

  describe('downloads (#13.6)', () => {
    const tmp = tempDir('tp-bounded-');
    after(() => tmp.cleanup());
    const MB = 1024 * 1024;

    for (const declared of [true, false]) {
      it(`a download over the cap (${declared ? 'Content-Length' : 'chunked'}) is stopped, the sink destroyed, the setting named`, async () => {
        const h = await serve((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', ...(declared ? { 'content-length': String(3 * MB) } : {}) });
          const chunk = Buffer.alloc(64 * 1024, 0x41);
          let sent = 0;
          const pump = (): void => {
            while (sent < 3 * MB && !res.destroyed) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
        });
        const file = path.join(tmp.dir, `over-${declared}.twbx`);
        const sink = fs.createWriteStream(file);
        const client = connect(h, { maxDownloadBytes: MB, limitNames: { maxDownload: 'the setting tableau.maxDownloadMB' } });
        await rejectsWith(client.downloadWorkbook('w1', sink), 'responseTooLarge', /larger than 1 MiB \(download the workbook\).*tableau\.maxDownloadMB/);
        assert.ok(sink.destroyed, 'the sink is destroyed, so the caller deletes its partial file');
        await new Promise((r) => setTimeout(r, 10));
        const written = fs.existsSync(file) ? fs.statSync(file).size : 0;
        // Refused before writing when the size was announced; never more than the cap otherwise.
        assert.ok(declared ? written === 0 : written <= MB, `${written} bytes written`);
        assert.equal(h.requests.length, 1, 'not retried');
      });
    }

    it('a download within the cap is written whole', async () => {
      const data = Buffer.alloc(200 * 1024, 0x42);
      const h = await serve((_req, res) => res.writeHead(200, { 'content-length': String(data.length) }).end(data));
      const file = path.join(tmp.dir, 'ok.twbx');
      await connect(h, { maxDownloadBytes: MB }).downloadWorkbook('w1', fs.createWriteStream(file));
      assert.equal(fs.statSync(file).size, data.length);
    });
  });
});
