/**
 * Section 4: the tree's data layer (SiteContentModel) on a big generated site, against a
 * plain sequential pager, with request counts from the simulator's own counters.
 */
import type { ContentStrategyKind } from '../../src/vscode/tree/contentStrategies';
import { SiteContentModel, type ContentEntry } from '../../src/vscode/tree/contentModel';
import type { BenchSeed } from './lib/benchConfig';
import { benchClient } from './lib/client';
import { PLAIN_PAGE_SIZE, PlainPager } from './lib/plainPager';
import type { SimProcess } from './lib/simProcess';
import { median, round } from './lib/stats';

export interface Measured {
  ms: number;
  requests: number;
}

export interface FullListing {
  /** Our data layer as shipped: listings in JSON, pages of 1000, up to 4 at once. */
  ours: Measured & { runs: number[] };
  /** Plain fetch, pages of 100, one after another, JSON answers like ours. */
  plain: Measured & { runs: number[] };
  speedup: number;
  /**
   * Our client alone, the same requests as `ours` (allProjects, allWorkbooks, allDataSources)
   * without the tree model: the paging design against the plain pager, like for like.
   */
  client: Measured & { runs: number[] };
  speedupClient: number;
}

export interface TreeResult {
  projects: number;
  workbooks: number;
  topLevel: Measured & { entries: number };
  oneProject: Record<ContentStrategyKind, { cold: Measured; warm: Measured; workbooks: number }> & { winnerCold: ContentStrategyKind; winnerWarm: ContentStrategyKind };
  /** Loopback, as shipped (JSON listings). */
  everything: FullListing;
  /** The same with a modelled round trip added to every GET by the simulator: the goal is checked on this. */
  withLatency?: FullListing & { latencyMs: number };
  /** Where the loopback time goes: our client listing every workbook with XML answers vs JSON answers. */
  decode: { items: number; xmlMs: number; jsonMs: number };
  goals: { speedup: boolean; topLevelRequests: boolean };
  pass: boolean;
}

async function measure<T>(sim: SimProcess, fn: () => Promise<T>): Promise<Measured & { value: T }> {
  await sim.resetCounters();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  return { ms, requests: await sim.requestCount(), value };
}

/** Opens every folder of the tree (with "Load more..." until done); returns what it saw. */
async function walkAll(model: SiteContentModel): Promise<{ projects: number; workbooks: number }> {
  let projects = 0;
  let workbooks = 0;
  // An index, not shift(): the harness should cost nothing next to what it measures.
  const queue: ContentEntry[] = await model.topLevel();
  for (let i = 0; i < queue.length; i++) {
    const e = queue[i];
    if (e.kind === 'error') throw new Error(`listing failed: ${e.message}`);
    if (e.kind === 'workbook') workbooks++;
    if (e.kind !== 'project') continue;
    projects++;
    let children = await model.projectChildren(e.project.id);
    while (children.some((c) => c.kind === 'loadMore')) {
      model.loadMore(`project:${e.project.id}`);
      children = await model.projectChildren(e.project.id);
    }
    queue.push(...children);
  }
  return { projects, workbooks };
}

export async function benchTree(
  sim: SimProcess,
  seed: BenchSeed,
  expect: { projects: number; workbooks: number },
  opts: { runs: number; latencyMs: number },
  log: (l: string) => void,
): Promise<TreeResult> {
  const { runs, latencyMs } = opts;
  // Our client as the extension makes it (JSON listings); the plain pager asks for JSON too.
  const conn = benchClient(sim.url, seed.pat);
  const pager = new PlainPager(sim.url, seed.baselinePat);
  try {
    // Both sides are signed in before timing: listing is what is measured, not sign-in.
    await conn.session.ensureSignedIn();
    await pager.signIn();
    const model = (strategy: ContentStrategyKind = 'groupClientSide'): SiteContentModel => new SiteContentModel(async () => conn.client, { pageSize: 100, strategy });

    const top = await measure(sim, () => model().topLevel());
    if (top.value.some((e) => e.kind === 'error')) throw new Error(`top level failed: ${JSON.stringify(top.value[0])}`);
    log(`  top level: ${top.value.length} projects in ${round(top.ms)} ms, ${top.requests} request(s)`);

    // A project deep in the tree holding workbooks, and a second one for the warm case.
    const h = await model().projects();
    const leaves = h.all().filter((e) => e.children.length === 0 && e.path.length > 1 && e.project.name.startsWith('Project '));
    if (leaves.length < 2) throw new Error('the generated site has too few nested projects');
    const [first, second] = [leaves[Math.floor(leaves.length / 2)], leaves[leaves.length - 1]];
    const one = {} as TreeResult['oneProject'];
    for (const kind of ['groupClientSide', 'projectNameFilter'] as const) {
      const m = model(kind);
      await m.projects();
      const cold = await measure(sim, () => m.projectChildren(first.project.id));
      const warm = await measure(sim, () => m.projectChildren(second.project.id));
      const wbs = cold.value.filter((e) => e.kind === 'workbook').length;
      if (wbs === 0) throw new Error(`${kind}: project ${first.project.name} shows no workbooks`);
      one[kind] = { cold: { ms: cold.ms, requests: cold.requests }, warm: { ms: warm.ms, requests: warm.requests }, workbooks: wbs };
      log(`  one project (${kind}): first ${round(cold.ms)} ms / ${cold.requests} req, next ${round(warm.ms)} ms / ${warm.requests} req`);
    }
    const g = one.groupClientSide;
    const f = one.projectNameFilter;
    if (g.workbooks !== f.workbooks) throw new Error(`the strategies disagree on project ${first.project.name}: ${g.workbooks} vs ${f.workbooks} workbooks`);
    one.winnerCold = g.cold.ms <= f.cold.ms ? 'groupClientSide' : 'projectNameFilter';
    one.winnerWarm = g.warm.ms <= f.warm.ms ? 'groupClientSide' : 'projectNameFilter';

    const fullListing = async (label: string): Promise<FullListing> => {
      const ours: Measured[] = [];
      const plain: Measured[] = [];
      const client: Measured[] = [];
      for (let i = 0; i < runs; i++) {
        const a = await measure(sim, () => walkAll(model()));
        if (a.value.projects !== expect.projects || a.value.workbooks !== expect.workbooks) {
          throw new Error(`the tree walk saw ${a.value.projects} projects and ${a.value.workbooks} workbooks, expected ${expect.projects} and ${expect.workbooks}`);
        }
        const b = await measure(sim, async () => {
          const [p, w] = [await pager.all('projects'), await pager.all('workbooks')];
          await pager.all('datasources');
          return { projects: p.length, workbooks: w.length };
        });
        if (b.value.projects !== expect.projects || b.value.workbooks !== expect.workbooks) throw new Error(`the plain pager saw ${b.value.projects} projects and ${b.value.workbooks} workbooks`);
        const c = await measure(sim, async () => {
          const [p, w] = [await conn.client.allProjects({ pageSize: 1000 }), await conn.client.allWorkbooks({ pageSize: 1000 })];
          await conn.client.allDataSources({ pageSize: 1000 });
          return { projects: p.length, workbooks: w.length };
        });
        if (c.value.projects !== expect.projects || c.value.workbooks !== expect.workbooks) throw new Error(`our client saw ${c.value.projects} projects and ${c.value.workbooks} workbooks`);
        ours.push(a);
        plain.push(b);
        client.push(c);
        log(`  everything${label}, run ${i + 1}: ours ${round(a.ms)} ms / ${a.requests} req (client alone ${round(c.ms)} ms), plain pager (${PLAIN_PAGE_SIZE}/page) ${round(b.ms)} ms / ${b.requests} req`);
      }
      const sum = (xs: Measured[]): Measured & { runs: number[] } => ({ ms: median(xs.map((x) => x.ms)), requests: median(xs.map((x) => x.requests)), runs: xs.map((x) => round(x.ms)) });
      const r = { ours: sum(ours), plain: sum(plain), client: sum(client), speedup: 0, speedupClient: 0 };
      r.speedup = r.plain.ms / r.ours.ms;
      r.speedupClient = r.plain.ms / r.client.ms;
      return r;
    };
    const everything = await fullListing('');

    // Loopback has no round trip; a remote server has one per request, which is what paging strategy saves.
    let withLatency: TreeResult['withLatency'];
    if (latencyMs > 0) {
      await sim.addFault({ match: { method: 'GET', pathPattern: '^/api/' }, action: { delayMs: latencyMs }, times: 1_000_000 });
      try {
        withLatency = { latencyMs, ...(await fullListing(` (+${latencyMs} ms per request)`)) };
      } finally {
        await sim.clearFaults();
      }
    }
    // Judged with per-request latency, as against a real server (see report.ts); loopback alone when latency was not measured.
    const goals = { speedup: (withLatency ?? everything).speedup >= 5, topLevelRequests: top.requests <= 2 };
    const decode = await decodeCost(sim, seed, expect.workbooks, log);
    return {
      projects: expect.projects,
      workbooks: expect.workbooks,
      topLevel: { ms: top.ms, requests: top.requests, entries: top.value.length },
      oneProject: one,
      everything,
      withLatency,
      decode,
      goals,
      pass: goals.speedup && goals.topLevelRequests,
    };
  } finally {
    await conn.close();
  }
}

/** Lists every workbook with our client (median of 3), XML then JSON answers, each on its own session, one after the other. */
async function decodeCost(sim: SimProcess, seed: BenchSeed, items: number, log: (l: string) => void): Promise<TreeResult['decode']> {
  const time = async (format: 'xml' | 'json'): Promise<number> => {
    const conn = benchClient(sim.url, seed.pat, format);
    try {
      await conn.session.ensureSignedIn();
      await conn.client.allWorkbooks({ pageSize: 1000 }); // warm-up: JIT and connections
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const all = await conn.client.allWorkbooks({ pageSize: 1000 });
        times.push(performance.now() - t0);
        if (all.length !== items) throw new Error(`${format}: listed ${all.length} workbooks, expected ${items}`);
      }
      return median(times);
    } finally {
      await conn.close();
    }
  };
  const xmlMs = await time('xml');
  const jsonMs = await time('json');
  log(`  all ${items} workbooks through our client: XML answers ${round(xmlMs)} ms, JSON answers ${round(jsonMs)} ms`);
  return { items, xmlMs, jsonMs };
}
