/**
 * The throughput row's fairness: curl replays the client's own recorded upload requests,
 * byte for byte, to the same routes of the same simulator, so the server does the same work
 * for both sides. Checked on a chunked publish (upload session, chunks, commit).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { publish } from '../../../src/core/publish/publisher';
import { benchSeed, BENCH_PROJECT } from '../../bench/lib/benchConfig';
import { makeHyperFile, type TempFile } from '../../bench/lib/bigFile';
import { benchClient } from '../../bench/lib/client';
import { startLinkProxy } from '../../bench/lib/linkProxy';
import { classify, curlQuote, recorder, replayWithCurl, type Recording } from '../../bench/lib/replay';
import { loadVerdict, summarizePairs, type FairPair } from '../../bench/replayBench';
import { startSimulator, type RunningSimulator } from '../../simulator/index';

const sha = (p: string): string => createHash('sha256').update(fs.readFileSync(p)).digest('hex');

describe('bench: curl replays the recorded upload requests', function () {
  this.timeout(60_000);
  const seed = benchSeed();
  let sim: RunningSimulator;
  let file: TempFile;
  let rec: Recording;
  let token = '';

  before(async () => {
    sim = await startSimulator({ config: seed.config });
    file = await makeHyperFile(600 * 1024);
    const { tap, recording } = recorder();
    rec = recording;
    const proxy = await startLinkProxy(sim.url, { requestLatencyMs: 0, responseLatencyMs: 0, upBytesPerSec: Infinity, downBytesPerSec: Infinity, tap });
    const c = benchClient(proxy.url, seed.pat);
    try {
      const projectId = sim.state().projects.find((p) => p.name === BENCH_PROJECT)!.id;
      // Small limits so a 600 KiB file goes through an upload session in 6 chunks, as a big one does.
      const r = await publish(c.client, { filePath: file.path, projectId, mode: 'overwrite' }, { singleRequestLimit: 256 * 1024, chunkSize: 100 * 1024 });
      assert.equal(r.chunks, 6);
      token = (await c.session.ensureSignedIn()).token;
    } finally {
      await c.close();
      await proxy.close();
    }
  });
  after(async () => {
    rec?.remove();
    file?.remove();
    await sim?.close();
  });

  it('records the upload session\'s chunk and commit bodies with placeholders for the ids, and no secret', () => {
    const kinds = rec.requests.map((r) => r.kind).filter((k) => k !== 'other');
    assert.deepEqual(kinds, ['signin', 'initiate', 'chunk', 'chunk', 'chunk', 'chunk', 'chunk', 'chunk', 'publish']);
    const uploads = rec.uploads();
    for (const u of uploads.filter((x) => x.kind === 'chunk')) {
      assert.match(u.route, /^\/api\/[^/]+\/sites\/\{siteId\}\/fileUploads\/\{uploadSessionId\}$/);
      assert.match(u.contentType ?? '', /^multipart\/mixed; boundary=/);
    }
    assert.match(uploads.at(-1)!.route, /\/sites\/\{siteId\}\/datasources\?.*uploadSessionId=\{uploadSessionId\}/);
    const bodies = Buffer.concat(uploads.map((u) => fs.readFileSync(u.bodyFile!)));
    assert.ok(bodies.length > file.size, 'the bodies hold the whole file plus the multipart envelopes');
    assert.ok(token.length > 0);
    for (const f of fs.readdirSync(rec.dir)) {
      const text = fs.readFileSync(`${rec.dir}/${f}`).toString('latin1');
      assert.ok(!text.includes(seed.pat.secret) && !text.includes(token), `${f} holds a secret`);
    }
  });

  it('curl sends the same bytes to the same routes in its own upload session, and the same file lands', async () => {
    const before = sim.state();
    const countOf = (s: typeof before, k: string): number => s.counters.requests[k] ?? 0;
    const CHUNK = 'PUT /api/{v}/sites/{site}/fileUploads/{id}';
    const r = await replayWithCurl(sim.url, seed.baselinePat, rec);
    const after = sim.state();
    assert.equal(r.requests, 1 + 1 + 6 + 1, 'sign-in, upload session, 6 chunks, commit');
    assert.equal(r.bytesSent, rec.uploads().reduce((n, u) => n + u.bodyBytes!, 0), 'curl sent every recorded byte');
    assert.ok(r.wallMs >= r.uploadMs && r.uploadMs > 0);
    assert.equal(countOf(after, CHUNK) - countOf(before, CHUNK), 6, 'through the simulator\'s own chunk route');
    assert.equal(after.counters.signIns[seed.baselinePat.name], 1, 'curl signed in with its own PAT');
    assert.equal(after.uploads.length, before.uploads.length + 1, 'in an upload session of its own');
    const ds = after.datasources.filter((d) => d.name === 'Bench Extract');
    assert.equal(ds.length, 1);
    assert.equal(ds[0].size, file.size);
    assert.equal(ds[0].sha256, sha(file.path));
    const own = after.uploads.at(-1)!;
    assert.deepEqual([own.chunks, own.consumed], [6, true], 'its upload session got the 6 chunks and the commit published it');
  });

  it('route templating and curl config quoting', () => {
    assert.deepEqual(classify('PUT', '/api/3.24/sites/abc-1/fileUploads/1000%3Aff-1%3A0'), { kind: 'chunk', route: '/api/3.24/sites/{siteId}/fileUploads/{uploadSessionId}' });
    assert.deepEqual(classify('POST', '/api/3.24/sites/abc-1/datasources?uploadSessionId=1000%3Aff&datasourceType=hyper&overwrite=true'), {
      kind: 'publish',
      route: '/api/3.24/sites/{siteId}/datasources?uploadSessionId={uploadSessionId}&datasourceType=hyper&overwrite=true',
    });
    assert.equal(classify('POST', '/api/3.24/auth/signin').kind, 'signin');
    assert.equal(classify('GET', '/api/3.24/sites/abc/projects?filter=name:eq:Bench').kind, 'other');
    assert.equal(curlQuote('a "b" \\c'), '"a \\"b\\" \\\\c"');
    assert.throws(() => curlQuote('a\nurl = "http://elsewhere"'), /line break/);
  });

  it('the ratio and its spread come from the measured times; the load check', () => {
    const pair = (cliMs: number, curlMs: number): FairPair => {
      const mbps = (ms: number): number => 100 / (ms / 1000);
      return { first: 'cli', loadAverage1m: 0.5, cli: { bytes: 0, wallMs: cliMs, mbps: mbps(cliMs) }, curl: { wallMs: curlMs, uploadMs: curlMs, requests: 3, bytesSent: 0, mbps: mbps(curlMs) }, ratio: mbps(cliMs) / mbps(curlMs) };
    };
    const s = summarizePairs([pair(1000, 900), pair(1000, 800), pair(1000, 950)]);
    assert.ok(Math.abs(s.median.ratio - 0.9) < 1e-12);
    assert.ok(Math.abs(s.spread.min - 0.8) < 1e-12 && Math.abs(s.spread.max - 0.95) < 1e-12);
    assert.ok(Math.abs(s.spread.relative - 0.15 / 0.9) < 1e-12);
    assert.deepEqual(loadVerdict(2.5, 2), { atStart: 2.5, cores: 2, reliable: false });
    assert.equal(loadVerdict(1.9, 2).reliable, true);
  });
});
