/**
 * Fault table: every case publishes (or reads) through the real core against the simulator
 * with one fault injected, then checks the outcome and that nothing was lost or
 * half-published: a success leaves exactly one item with the file's exact bytes, a failure
 * leaves none. The table (case, outcome, retries, published) is printed at the end.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { TableauError, type TableauErrorReason } from '../../../src/core/errors';
import { proxyOptionsFromEnv, type HttpClientOptions } from '../../../src/core/http/httpClient';
import { publish, type PublishProgress } from '../../../src/core/publish/publisher';
import { hyperBytes } from '../../fixtures/samples';
import { sha256File, caseClient, itemsNamed, patCredential, PATS, projectIdOn, startFaultEnv, type FaultEnv, type PatKey } from '../../support/simFixture';
import type { FaultSpec } from '../../simulator/config';
import type { RunningSimulator } from '../../simulator/index';
import { formatTable } from '../../support/table';

const SINGLE_BYTES = 40_000; // one request (limit below is 64 KiB)
const CHUNKED_BYTES = 100_000; // four chunks of 32 KiB
const CHUNK_BODY = 32 * 1024 + 300; // a chunk's multipart body, roughly
const PUBLISH_OPTS = { singleRequestLimit: 64 * 1024, chunkSize: 32 * 1024, readSize: 8 * 1024, retry: { baseDelayMs: 10, maxDelayMs: 50 } };

const CHUNK_PUT = { method: 'PUT', pathPattern: '/fileUploads/' };
const PUBLISH_POST = { method: 'POST', pathPattern: '/datasources$' };
const READ_PROJECTS = { method: 'GET', pathPattern: '/projects$' };

type Outcome = 'published' | 'read ok' | TableauErrorReason;

interface Case {
  name: string;
  op: 'single' | 'chunked' | 'read';
  server?: 'http' | 'https' | 'refused' | 'dns';
  pat?: PatKey;
  http?: (env: FaultEnv) => HttpClientOptions;
  faults?: FaultSpec[];
  /** Runs once, when the upload is ~40% through. */
  midway?: (sim: RunningSimulator) => void;
  outcome: Outcome;
  retries: number;
  /** The error message must say this (a clear message, never a stack dump). */
  message?: RegExp;
  /** Fresh upload sessions the case must use (chunked). */
  uploads?: number;
  minMs?: number;
  /** Anything slower hangs (bounded by timeouts). */
  maxMs?: number;
  after?: (env: FaultEnv, r: Row) => void;
}

interface Row {
  name: string;
  outcome: string;
  retries: number;
  published: string;
  ms: number;
}

const drop = (at: number): FaultSpec['action'] => ({ dropAfterBytes: at });
const pct = (p: number, of: number): number => Math.floor((p / 100) * of);

const CASES: Case[] = [
  ...[0, 50, 99].map((p): Case => ({ name: `single publish: connection dropped at ${p}%`, op: 'single', faults: [{ match: PUBLISH_POST, action: drop(pct(p, SINGLE_BYTES)) }], outcome: 'published', retries: 1 })),
  ...[0, 50, 99].map((p): Case => ({ name: `chunk 2: connection dropped at ${p}%`, op: 'chunked', faults: [{ match: { ...CHUNK_PUT, nth: 2 }, action: drop(pct(p, CHUNK_BODY)) }], outcome: 'published', retries: 1, uploads: 2 })),
  ...[500, 502, 504].map((s): Case => ({ name: `read: ${s}`, op: 'read', faults: [{ match: READ_PROJECTS, action: { status: s } }], outcome: 'serverError', retries: 0, message: new RegExp(`list projects|${s}|Tableau had an internal problem`) })),
  { name: 'read: 503 then fine', op: 'read', faults: [{ match: READ_PROJECTS, action: { status: 503 } }], outcome: 'read ok', retries: 1 },
  { name: 'read: 503 every time', op: 'read', faults: [{ match: READ_PROJECTS, action: { status: 503 }, times: 10 }], outcome: 'serverError', retries: 2 },
  ...[500, 502, 504].map((s): Case => ({ name: `chunk 3: ${s}`, op: 'chunked', faults: [{ match: { ...CHUNK_PUT, nth: 3 }, action: { status: s } }], outcome: 'published', retries: 1, uploads: 2 })),
  { name: 'chunk 3: 503', op: 'chunked', faults: [{ match: { ...CHUNK_PUT, nth: 3 }, action: { status: 503 } }], outcome: 'published', retries: 1, uploads: 1 },
  ...[500, 502, 504].map((s): Case => ({ name: `commit: ${s}`, op: 'chunked', faults: [{ match: PUBLISH_POST, action: { status: s } }], outcome: 'serverError', retries: 0, message: /unknown whether Tableau completed the publish/ })),
  { name: 'commit: 503', op: 'chunked', faults: [{ match: PUBLISH_POST, action: { status: 503 } }], outcome: 'published', retries: 1 },
  { name: 'read: 429 Retry-After 1', op: 'read', faults: [{ match: READ_PROJECTS, action: { status: 429, retryAfter: 1 } }], outcome: 'read ok', retries: 1, minMs: 1000 },
  { name: 'chunk 2: 429 Retry-After 1', op: 'chunked', faults: [{ match: { ...CHUNK_PUT, nth: 2 }, action: { status: 429, retryAfter: 1 } }], outcome: 'published', retries: 1, uploads: 1, minMs: 1000 },
  { name: 'single publish: 429 Retry-After 0', op: 'single', faults: [{ match: PUBLISH_POST, action: { status: 429, retryAfter: 0 } }], outcome: 'published', retries: 1 },
  { name: 'commit: 429 Retry-After 3600 (too long)', op: 'chunked', faults: [{ match: PUBLISH_POST, action: { status: 429, retryAfter: 3600 } }], outcome: 'rateLimited', retries: 0, maxMs: 5000 },
  // Timeouts are settings; here 1.5 s so the table stays fast.
  { name: 'read: server never answers', op: 'read', http: () => ({ headersTimeoutMs: 1500 }), faults: [{ match: READ_PROJECTS, action: { hang: true } }], outcome: 'timeout', retries: 0, message: /did not answer within 2 s/, maxMs: 6000 },
  { name: 'read: answer stalls mid-body', op: 'read', http: () => ({ bodyTimeoutMs: 1500 }), faults: [{ match: READ_PROJECTS, action: { stallAfterBytes: 40 } }], outcome: 'timeout', retries: 0, message: /stopped sending/, maxMs: 6000 },
  { name: 'read: answer trickles one byte every 20 ms', op: 'read', http: () => ({ requestTimeoutMs: 400 }), faults: [{ match: READ_PROJECTS, action: { trickleMs: 20 } }], outcome: 'timeout', retries: 0, message: /did not finish answering within 400 ms \(list projects\)/ },
  { name: 'read: server never answers (whole-request deadline)', op: 'read', http: () => ({ requestTimeoutMs: 400 }), faults: [{ match: READ_PROJECTS, action: { hang: true } }], outcome: 'timeout', retries: 0, message: /within 400 ms.*raise the request timeout/ },
  { name: 'chunk 2: server never answers', op: 'chunked', http: () => ({ headersTimeoutMs: 1500 }), faults: [{ match: { ...CHUNK_PUT, nth: 2 }, action: { hang: true } }], outcome: 'published', retries: 1, uploads: 2, maxMs: 8000 },
  { name: 'commit: server never answers', op: 'chunked', http: () => ({ transferTimeoutMs: 1500 }), faults: [{ match: PUBLISH_POST, action: { hang: true } }], outcome: 'timeout', retries: 0, message: /unknown whether/, maxMs: 8000 },
  { name: 'session killed mid-upload (401002)', op: 'chunked', faults: [{ match: { ...CHUNK_PUT, nth: 2 }, action: { killSession: true } }], outcome: 'published', retries: 0, uploads: 1 },
  { name: 'PAT revoked mid-upload', op: 'chunked', pat: 'revocable', midway: (sim) => sim.revokePat(PATS.revocable.name), outcome: 'signInFailed', retries: 0, message: /expired or revoked/ },
  { name: 'site removed mid-upload', op: 'chunked', pat: 'doomed', midway: (sim) => sim.removeSite('doomed'), outcome: 'signInFailed', retries: 0, message: /site does not exist/ },
  { name: 'DNS failure', op: 'single', server: 'dns', outcome: 'network', retries: 4, message: /host name was not found/, maxMs: 15_000 },
  { name: 'connection refused', op: 'single', server: 'refused', outcome: 'network', retries: 4, message: /connection refused/ },
  { name: 'TLS self-signed, no CA configured', op: 'single', server: 'https', outcome: 'tls', retries: 0, message: /not trusted.*CA certificate file/ },
  { name: 'TLS self-signed, wrong CA configured', op: 'single', server: 'https', http: (e) => ({ caPem: readCa(e.tls.otherCaFile) }), outcome: 'tls', retries: 0, message: /not trusted/ },
  { name: 'TLS self-signed, CA file configured', op: 'chunked', server: 'https', http: (e) => ({ caPem: readCa(e.tls.caFile) }), outcome: 'published', retries: 0 },
  {
    name: 'HTTPS via CONNECT proxy (settings)',
    op: 'chunked',
    server: 'https',
    http: (e) => ({ caPem: readCa(e.tls.caFile), proxyUrl: e.proxy.url }),
    outcome: 'published',
    retries: 0,
    after: (e) => assert.ok(e.proxy.seen.includes(`127.0.0.1:${e.tlsSim.port}`), `proxy saw ${e.proxy.seen.join(', ')}`),
  },
  {
    name: 'HTTP via proxy (HTTP_PROXY env)',
    op: 'single',
    http: (e) => proxyOptionsFromEnv({ HTTP_PROXY: e.proxy.url }),
    outcome: 'published',
    retries: 0,
    after: (e) => assert.ok(e.proxy.seen.some((s) => s.includes(`127.0.0.1:${e.sim.port}`)), `proxy saw ${e.proxy.seen.join(', ')}`),
  },
];

function readCa(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

describe('hardening: fault table', function () {
  this.timeout(30_000);
  let env: FaultEnv;
  const rows: Row[] = [];
  before(async () => {
    env = await startFaultEnv();
  });
  after(async () => {
    console.log(`\n${formatTable(['case', 'outcome', 'retries', 'published', 'ms'], rows.map((r) => [r.name, r.outcome, String(r.retries), r.published, String(r.ms)]))}\n`);
    await env?.close();
  });

  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const sim = c.server === 'https' ? env.tlsSim : env.sim;
      env.sim.clearFaults();
      env.tlsSim.clearFaults();
      const url = c.server === 'refused' ? env.refusedUrl : c.server === 'dns' ? 'http://tableau-publisher-test.invalid' : sim.url;
      const patKey = c.pat ?? 'main';
      const cc = caseClient(url, patCredential(patKey), PATS[patKey].site, c.http?.(env) ?? {});
      const name = `Fault case ${i} ${c.op}`;
      const file = env.tmp.file(`case-${i}.hyper`, hyperBytes(c.op === 'single' ? SINGLE_BYTES : CHUNKED_BYTES, i));
      const projectId = c.server === 'refused' || c.server === 'dns' ? 'no-project' : projectIdOn(sim.state(), PATS[patKey].site);
      const uploadsBefore = sim.state().uploads.length;
      for (const f of c.faults ?? []) sim.injectFault(f);
      let midwayDone = false;
      const onProgress = (p: PublishProgress): void => {
        if (c.midway && !midwayDone && p.phase === 'upload' && p.bytesSent > CHUNKED_BYTES * 0.4) {
          midwayDone = true;
          c.midway(sim);
        }
      };
      const started = Date.now();
      let outcome: Outcome;
      let error: unknown;
      let retries = 0;
      try {
        if (c.op === 'read') {
          await cc.client.allProjects();
          outcome = 'read ok';
        } else {
          const r = await publish(cc.client, { filePath: file, projectId, mode: 'createnew', name }, { ...PUBLISH_OPTS, logger: cc.logger, onProgress });
          retries = r.retries;
          outcome = 'published';
          assert.equal(r.item.name, name);
        }
      } catch (e) {
        error = e;
        outcome = TableauError.is(e) ? e.reason : (`not a TableauError: ${String(e)}` as Outcome);
      } finally {
        await cc.close();
      }
      const ms = Date.now() - started;
      if (c.op === 'read') retries = cc.readRetries;
      else if (outcome !== 'published') retries = cc.lines.filter((l) => /trying again|starting the upload again/.test(l)).length;
      const found = itemsNamed(sim.state(), name);
      const row: Row = { name: c.name, outcome, retries, published: c.op === 'read' ? '-' : found.length === 1 ? 'yes' : found.length === 0 ? 'no' : `${found.length} copies`, ms };
      rows.push(row);

      assert.equal(outcome, c.outcome, `outcome (${error instanceof Error ? error.message : ''})`);
      assert.equal(retries, c.retries, 'retries');
      if (c.message) assert.match((error as Error).message, c.message);
      if (error) assert.ok(!/\n\s+at /.test((error as Error).message), 'the message is not a stack trace');
      if (c.op !== 'read') {
        if (outcome === 'published') {
          assert.equal(found.length, 1, 'exactly one item published');
          assert.equal(found[0].sha256, sha256File(file), 'the published bytes are the file');
          assert.equal(found[0].size, c.op === 'single' ? SINGLE_BYTES : CHUNKED_BYTES);
        } else {
          assert.equal(found.length, 0, 'nothing published on failure');
        }
      }
      if (c.uploads !== undefined) assert.equal(sim.state().uploads.length - uploadsBefore, c.uploads, 'upload sessions used');
      if (c.minMs !== undefined) assert.ok(ms >= c.minMs, `took ${ms} ms, expected Retry-After to be honoured`);
      assert.ok(ms < (c.maxMs ?? 10_000), `took ${ms} ms`);
      c.after?.(env, row);
    });
  });

  it('timeouts have finite defaults (nothing waits forever unless told)', () => {
    // The contract: connect 30 s, headers 120 s, body 120 s. VS Code exposes one setting for the last two.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../../package.json') as { contributes: { configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number }> } | { properties: Record<string, { default?: unknown }> }[] } };
    const conf = pkg.contributes.configuration;
    const props = Array.isArray(conf) ? Object.assign({}, ...conf.map((c) => c.properties)) : conf.properties;
    const t = props['tableau.requestTimeoutSeconds'];
    assert.ok(t, 'tableau.requestTimeoutSeconds is a setting');
    assert.equal(typeof t.default, 'number');
    assert.ok((t.default as number) > 0 && (t.default as number) <= 600);
  });
});

describe('hardening: proxy settings of the VS Code layer', () => {
  it('http.proxy wins; without it HTTPS_PROXY / HTTP_PROXY apply, and NO_PROXY excludes', async () => {
    const { httpOptionsFrom } = await import('../../../src/vscode/connections/httpOptions');
    const env = { HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: 'internal.example' };
    assert.equal(httpOptionsFrom({ proxy: 'http://settings-proxy:8080', env }).options.proxyUrl, 'http://settings-proxy:8080');
    assert.equal(httpOptionsFrom({ env }).options.proxyUrl, 'http://env-proxy:3128');
    assert.equal(httpOptionsFrom({ env }).options.noProxy, 'internal.example');
    assert.equal(httpOptionsFrom({ env: {} }).options.proxyUrl, undefined);
  });

  it('with http.proxy set, http.noProxy and NO_PROXY still send their hosts direct', async () => {
    const { httpOptionsFrom } = await import('../../../src/vscode/connections/httpOptions');
    const { HttpClient } = await import('../../../src/core/http/httpClient');
    const { startConnectProxy } = await import('../../support/connectProxy');
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.end('direct'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    const proxy = await startConnectProxy({ forwardTo: { host: '127.0.0.1', port } });
    const direct = async (noProxy: string[] | undefined, env: NodeJS.ProcessEnv): Promise<boolean> => {
      const { options } = httpOptionsFrom({ proxy: proxy.url, noProxy, env });
      const client = new HttpClient(options);
      const before = proxy.seen.length;
      try {
        assert.equal((await client.request({ method: 'GET', url: `http://127.0.0.1:${port}/` })).body.toString(), 'direct');
        return proxy.seen.length === before;
      } finally {
        await client.destroy();
      }
    };
    try {
      assert.equal(await direct(undefined, {}), false, 'without an exception the proxy is used');
      assert.equal(await direct(['127.0.0.1'], {}), true, 'http.noProxy');
      assert.equal(await direct(['elsewhere.example', ' '], { NO_PROXY: '127.0.0.1' }), true, 'NO_PROXY');
    } finally {
      await proxy.close();
      await new Promise((done) => server.close(done));
    }
  });
});
