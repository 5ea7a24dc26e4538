/**
 * Section 5: many concurrent calls through one PAT session that is not signed in yet.
 * A PAT holds one live session on the server, so the calls must share one sign-in.
 */
import type { BenchSeed } from './lib/benchConfig';
import { benchClient } from './lib/client';
import type { SimProcess } from './lib/simProcess';
import { percentile, round } from './lib/stats';

export interface SessionsResult {
  calls: number;
  /** Sign-ins the session made (its own count). */
  signIns: number;
  /** Sign-ins the simulator saw for the PAT. */
  serverSignIns: number;
  failures: number;
  firstError?: string;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  wallMs: number;
  pass: boolean;
}

export async function benchSessions(sim: SimProcess, seed: BenchSeed, calls: number, log: (l: string) => void): Promise<SessionsResult> {
  const conn = benchClient(sim.url, seed.pat);
  try {
    await sim.resetCounters();
    const c = conn.client;
    // A mix of the reads a tree and a publish make, all at once, before any sign-in.
    const kinds = [
      () => c.listProjects({ pageSize: 10 }),
      () => c.listWorkbooks({ pageSize: 10 }),
      () => c.listDataSources({ pageSize: 10 }),
      () => c.listWorkbooks({ pageSize: 1, filter: 'name:eq:Workbook 000001' }),
    ];
    const latencies: number[] = [];
    let failures = 0;
    let firstError: string | undefined;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        const s = performance.now();
        try {
          const page = await kinds[i % kinds.length]();
          if (!Array.isArray(page.items)) throw new Error('no items in the answer');
        } catch (e) {
          failures++;
          firstError ??= e instanceof Error ? e.message : String(e);
        } finally {
          latencies.push(performance.now() - s);
        }
      }),
    );
    const wallMs = performance.now() - t0;
    const state = await sim.state();
    const serverSignIns = state.counters.signIns[seed.pat.name] ?? 0;
    const r: SessionsResult = {
      calls,
      signIns: conn.session.signInCount,
      serverSignIns,
      failures,
      firstError,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: Math.max(...latencies),
      wallMs,
      pass: conn.session.signInCount === 1 && serverSignIns === 1 && failures === 0,
    };
    log(`  ${calls} calls: ${r.signIns} sign-in(s) (server saw ${serverSignIns}), ${failures} failure(s), p50 ${round(r.p50Ms)} ms, p95 ${round(r.p95Ms)} ms`);
    return r;
  } finally {
    await conn.close();
  }
}
