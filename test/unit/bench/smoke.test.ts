/**
 * Runs every benchmark code path with tiny sizes so `npm run bench` cannot rot: real
 * simulator process, real CLI, real curl, real tree walk; the numbers must be sane.
 */
import * as assert from 'node:assert/strict';
import { runBenchmarks, type BenchPlan, type BenchResults } from '../../bench/benchmarks';
import { cliEnv } from '../../bench/lib/benchConfig';
import { MiB, median, percentile } from '../../bench/lib/stats';
import { formatMarkdown, formatTable, verdicts } from '../../bench/report';
import { summarizeActivation } from '../../bench/startupBench';
import { EXTENSION_ID } from '../../vscode-suite/results';

const positive = (n: number | undefined, what: string): void => assert.ok(typeof n === 'number' && Number.isFinite(n) && n > 0, `${what} should be a positive number, got ${n}`);

describe('benchmark smoke run (tiny sizes)', function () {
  this.timeout(120_000);
  let r: BenchResults;

  before(async () => {
    const plan: BenchPlan = {
      sections: ['publish', 'memory', 'chunks', 'tree', 'sessions', 'startup', 'rewrite', 'update', 'link', 'revisions'],
      publishBytes: 8 * MiB,
      pairs: 2,
      memoryBytes: [8 * MiB, 16 * MiB],
      chunkSizesMb: [1, 5],
      chunkRuns: 1,
      tree: { projects: 30, workbooks: 300, runs: 1, latencyMs: 5 },
      sessionCalls: 40,
      runPackage: false,
      activationRounds: 0,
      rewriteBytes: 8 * MiB,
      link: { latencyMs: 20, mbps: 200, chunkSizesMb: [5, 50], runs: 1 },
      revisions: { sizesMb: [0.25, 0.5], openBytes: 8 * MiB },
    };
    r = await runBenchmarks(plan);
  });

  it('completes every section without an error', () => {
    assert.deepEqual(r.errors, {});
  });

  it('measures an incremental update beside publishing the same file', () => {
    const u = r.update!;
    assert.equal(u.pairs.length, 2, 'one per pair of the plan');
    positive(u.median.updateMbps, 'update MB/s');
    positive(u.median.publishMbps, 'publish MB/s');
    positive(u.median.ratio, 'update / publish ratio');
    // The simulated job takes no time: the publish it is compared with has no job, so the
    // update's job must be done at its first look (a 1 s job was a quarter of a 1 GiB update).
    assert.deepEqual(u.pairs.map((p) => p.update.jobPolls), [1, 1]);
    assert.equal(u.maxJobPolls, 1);
    assert.match(formatTable(r), /Ratio update \/ publish/);
  });

  it('measures the semantic diff against parsing, and opening a packaged document through the file system code', () => {
    const rv = r.revisions!;
    assert.deepEqual(rv.diff.map((d) => d.mib), [0.25, 0.5]);
    for (const d of rv.diff) {
      positive(d.diffMs, 'diff ms');
      positive(d.parseMs, 'parse ms');
      positive(d.peakRssMb, 'peak RSS');
    }
    assert.equal(rv.growth, rv.diff[1].diffMs / rv.diff[0].diffMs);
    assert.ok(rv.open && rv.open.packageBytes > 8 * MiB && rv.open.documentBytes > 1000, JSON.stringify(rv.open));
    assert.equal(rv.pass.openRss, rv.open.rssGrowthMb < 100);
  });

  it('compares the CLI with curl replaying its recorded requests: ratio from the measured times', () => {
    const t = r.throughput!;
    assert.equal(t.pairs.length, 2);
    assert.equal(t.fileBytes, 8 * MiB);
    // An 8 MiB file goes in one request: the recording holds it and its sign-in, and curl replays it.
    assert.equal(t.recorded.publish, 1);
    assert.equal(t.recorded.signin, 1);
    assert.deepEqual(t.pairs.map((p) => p.first), ['cli', 'curl'], 'the pairs alternate who goes first');
    for (const p of t.pairs) {
      positive(p.cli.wallMs, 'CLI wall ms');
      positive(p.curl.wallMs, 'curl wall ms');
      assert.equal(p.curl.bytesSent > 8 * MiB, true, 'curl sent the whole recorded body (file plus multipart envelope)');
      assert.ok(Math.abs(p.ratio - p.curl.wallMs / p.cli.wallMs) < 1e-9, `ratio ${p.ratio} is curl time / CLI time`);
      assert.ok(Number.isFinite(p.loadAverage1m));
    }
    assert.equal(t.median.ratio, (t.pairs[0].ratio + t.pairs[1].ratio) / 2);
    assert.equal(t.spread.min, Math.min(...t.pairs.map((p) => p.ratio)));
    assert.equal(t.pass, t.median.ratio >= 0.9);
    assert.equal(t.load.reliable, t.load.atStart <= t.load.cores);
    // The cost of NODE_EXTRA_CA_CERTS, which cliEnv leaves out of the CLI's environment, is measured when it is set.
    if (process.env.NODE_EXTRA_CA_CERTS) {
      positive(t.extraCaCerts!.withMs, 'node -e 0 with NODE_EXTRA_CA_CERTS');
      positive(t.extraCaCerts!.withoutMs, 'node -e 0 without');
    } else assert.equal(t.extraCaCerts, undefined);
    assert.equal(cliEnv('http://127.0.0.1:1', { name: 'n', secret: 's' }).NODE_EXTRA_CA_CERTS, undefined);
  });

  it('publishes through the link proxy with each chunk size, against the link\'s limit', () => {
    const l = r.link!;
    assert.deepEqual(l.rows.map((x) => x.chunkMb), [5, 50]);
    assert.equal(l.defaultChunkMb, 50);
    for (const x of l.rows) {
      // 8 MiB goes in one request: the limit counts sign-in and that POST.
      assert.equal(x.chunks, 0);
      assert.equal(x.neededRequests, 2);
      assert.ok(x.proxy.requests >= x.neededRequests, `the CLI sent ${x.proxy.requests} requests`);
      assert.equal(x.proxy.latencyAddedMs, x.proxy.requests * 20, 'the proxy added 20 ms to every request, by its own count');
      assert.ok(x.proxy.upBytes > 8 * MiB, 'the whole file went through the proxy');
      assert.equal(x.limitMs, (8 / 200) * 1000 + 2 * 20);
      assert.equal(x.ofLimit, x.limitMs / x.medianMs);
    }
    assert.equal(l.pass, l.rows[1].ofLimit >= 0.9);
    // The reference: curl sends the recorded requests through the same link, counted by the proxy.
    const c = l.curl!;
    assert.equal(c.requests, 2);
    assert.equal(c.proxy.requests, 2);
    assert.equal(c.proxy.latencyAddedMs, 2 * 20);
    assert.equal(c.ofLimit, c.limitMs / c.wallMs);
    assert.match(formatTable(r), /Publish 8 MiB over a 20 ms, 200 MB\/s link, 50 MB chunks \(default\)/);
  });

  it('reads a plausible peak RSS of the CLI for both file sizes', () => {
    const m = r.memory!;
    assert.deepEqual(m.runs.map((x) => x.fileBytes), [8 * MiB, 16 * MiB]);
    for (const run of m.runs) {
      assert.ok(run.maxRssBytes! > 20 * MiB && run.maxRssBytes! < 1024 * MiB, `peak RSS ${run.maxRssBytes}`);
      assert.notEqual(run.rssSource, 'none');
    }
    assert.equal(m.differenceBytes, Math.abs(m.runs[1].maxRssBytes! - m.runs[0].maxRssBytes!));
  });

  it('publishes a .twbx with its connections rewritten next to the unmodified one, the extract identical on the server', () => {
    const w = r.rewrite!;
    assert.deepEqual(w.runs.map((x) => x.rewrite).sort(), [false, false, true, true], 'plain and rewritten, once per pair');
    assert.ok(w.runs.every((x) => x.extractSha256Matches), 'extract bytes identical');
    positive(w.medianPlainMs, 'plain publish ms');
    positive(w.medianRewriteMs, 'rewrite publish ms');
    assert.equal(w.ratio, w.medianRewriteMs / w.medianPlainMs);
    assert.ok(w.maxRewriteRssBytes! > 20 * MiB && w.maxRewriteRssBytes! < 1024 * MiB, `peak RSS ${w.maxRewriteRssBytes}`);
  });

  it('times each chunk size and recommends one', () => {
    const c = r.chunks!;
    assert.deepEqual(c.rows.map((x) => x.chunkMb), [1, 5]);
    for (const row of c.rows) positive(row.medianMbps, `${row.chunkMb} MB chunk MB/s`);
    assert.ok([1, 5].includes(c.best));
    assert.match(c.recommendation, /MB/);
  });

  it('lists the generated tree completely, with fewer requests than the plain pager', () => {
    const t = r.tree!;
    assert.equal(t.workbooks, 300);
    assert.equal(t.topLevel.entries, 4 + 2); // 4 generated top-level projects, plus Default and Bench
    assert.ok(t.topLevel.requests >= 1 && t.topLevel.requests <= 2, `top level took ${t.topLevel.requests} requests`);
    assert.ok(t.everything.ours.requests < t.everything.plain.requests, `ours ${t.everything.ours.requests} vs plain ${t.everything.plain.requests}`);
    positive(t.everything.ours.ms, 'tree walk ms');
    positive(t.everything.plain.ms, 'plain pager ms');
    assert.equal(t.oneProject.groupClientSide.warm.requests, 0, 'a second project comes from the cached listing');
    assert.ok(t.oneProject.projectNameFilter.cold.requests >= 1);
    assert.ok(t.withLatency && t.withLatency.plain.ms >= t.withLatency.plain.requests * 5, 'the added latency applies to every request');
    positive(t.decode.xmlMs, 'XML listing ms');
    positive(t.decode.jsonMs, 'JSON listing ms');
  });

  it('shares one sign-in among concurrent calls on one PAT session', () => {
    const s = r.sessions!;
    assert.equal(s.calls, 40);
    assert.equal(s.signIns, 1);
    assert.equal(s.serverSignIns, 1);
    assert.equal(s.failures, 0, s.firstError);
    positive(s.p50Ms, 'p50');
    assert.ok(s.p95Ms >= s.p50Ms);
  });

  it('reports bundle sizes and never invents an activation time', () => {
    const st = r.startup!;
    positive(st.extensionJsBytes, 'dist/extension.js size');
    positive(st.mainJsBytes, 'dist/main.js size');
    positive(st.cliJsBytes, 'dist/cli.js size');
    positive(st.cliMainJsBytes, 'dist/cliMain.js size');
    positive(st.cliCodeCacheBytes, 'code cache sizes');
    positive(st.undiciJsBytes, 'dist/undici.js size');
    // The start-up shell is what activation loads: it must stay a small fraction of the rest.
    assert.ok(st.extensionJsBytes! * 10 < st.mainJsBytes!, `dist/extension.js (${st.extensionJsBytes} B) is not small next to dist/main.js (${st.mainJsBytes} B)`);
    // No harness rounds here (they need code-server): no figure, and the table says why.
    assert.equal(st.activation, undefined);
    assert.equal(st.activationNote, 'not measured (activation rounds: 0)');
    assert.match(formatTable(r), /Activation time \(real VS Code harness\)\s*\|?\s*not measured \(activation rounds: 0\)/);
  });

  it('summarises harness activation rounds (shape written by test/e2e/run.ts --activation-runs)', () => {
    const probe = (id: string, load: number, call: number, wall: number) => ({ extensionId: id, found: true, alreadyActive: false, activationMs: wall, codeLoadingMs: load, activateCallMs: call, filesLoaded: ['dist/extension.js'] });
    const running = (ours: number) => [
      { name: 'Git', ms: 160, text: 'Activation: 160ms' },
      { name: 'Tableau Publisher', ms: ours, text: `Activation: ${ours}ms` },
      { name: 'Emmet', ms: 40, text: 'Activation: 40ms' },
    ];
    const s = summarizeActivation({
      extension: 'Tableau Publisher',
      runs: [
        { probe: probe(EXTENSION_ID, 3, 6, 190), reference: probe('vscode.configuration-editing', 40, 1, 100), running: running(110) },
        { probe: probe(EXTENSION_ID, 5, 4, 120), reference: probe('vscode.configuration-editing', 15, 1, 40), running: running(60) },
      ],
    });
    assert.deepEqual(s.hostMs, [9, 9]);
    assert.deepEqual(s.reference, { id: 'vscode.configuration-editing', hostMs: [41, 16] });
    assert.deepEqual(s.wallMs, [190, 120]);
    assert.deepEqual(s.startupMs, [110, 60]);
    assert.deepEqual(s.startupPeersMedianMs, [100, 100]);
    assert.deepEqual(s.filesLoaded, ['dist/extension.js']);
    // A round without the host's marks for our extension is an error, not a zero.
    assert.throws(() => summarizeActivation({ extension: 'Tableau Publisher', runs: [{ probe: { activationMs: 5 }, running: running(5) }] }), /no activation marks/);
  });

  it('prints a table and a Markdown section with the machine and the caveat', () => {
    const table = formatTable(r);
    assert.match(table, /cores/);
    assert.match(table, /ratios measured in the same run are what count/);
    assert.match(table, /Peak RSS difference/);
    // results.json: a pass per goal, the same verdicts as the table's.
    const v = verdicts(r);
    assert.equal(v.goals.find((g) => g.metric.startsWith('Ratio CLI / curl replay'))?.pass, r.throughput!.pass);
    assert.equal(v.goals.find((g) => /50 MB chunks \(default\)/.test(g.metric))?.pass, r.link!.pass);
    assert.equal(v.goals.find((g) => g.metric === 'Peak RSS difference')?.pass, r.memory!.pass);
    assert.equal(v.reliable, r.machine.loadAverage1m <= r.machine.cores);
    // A ratio that rounds to the goal but misses it shows its figure to 4 places, so "0.9 ... FAIL" reads right.
    const near = { ...r, throughput: { ...r.throughput!, median: { ...r.throughput!.median, ratio: 0.89975 }, pass: false } };
    assert.match(formatTable(near), /\| 0\.9 \(0\.8998; pairs: /);
    assert.doesNotMatch(formatTable(r), /\(0\.\d{4}; pairs: /, 'a clear ratio shows 2 places only');
    const md = formatMarkdown(r);
    assert.match(md, /^## Performance/);
    assert.ok(md.split('\n').filter((l) => l.startsWith('| ')).length > 10);
  });
});

describe('benchmark statistics', () => {
  it('median of odd and even lists', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 95), 95);
    assert.equal(percentile([7], 95), 7);
  });
});
