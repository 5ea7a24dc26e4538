/**
 * Section 4: the tree's data layer (SiteContentModel) on a big generated site, against a
 * plain sequential pager, with request counts from the simulator's own counters.
 */
import type { ContentStrategyKind } from '../../src/vscode/tree/contentStrategies';
import { SiteContentModel, type ContentEntry } from '../../src/vscode/tree/contentModel';
import type { BenchSeed } from './lib/benchConfig';
import { benchClient } from './lib/client';
import { PlainPager } from './lib/plainPager';
import type { SimProcess } from './lib/simProcess';
import { median, round } from './lib/stats';

export interface Measured {
  ms: number;
  requests: number;
}

export interface TreeResult {
  projects: number;
  workbooks: number;
  topLevel: Measured & { entries: number };
  oneProject: Record<ContentStrategyKind, { cold: Measured; warm: Measured; workbooks: number }> & { winnerCold: ContentStrategyKind; winnerWarm: ContentStrategyKind };
  everything: { ours: Measured & { runs: number[] }; plain: Measured & { runs: number[] }; speedup: number };
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
  const queue: ContentEntry[] = await model.topLevel();
  while (queue.length) {
    const e = queue.shift()!;
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

export async function benchTree(sim: SimProcess, seed: BenchSeed, expect: { projects: number; workbooks: number }, runs: number, log: (l: string) => void): Promise<TreeResult> {
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

    const ours: Measured[] = [];
    const plain: Measured[] = [];
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
      ours.push(a);
      plain.push(b);
      log(`  everything, run ${i + 1}: ours ${round(a.ms)} ms / ${a.requests} req, plain pager ${round(b.ms)} ms / ${b.requests} req`);
    }
    const everything = {
      ours: { ms: median(ours.map((x) => x.ms)), requests: median(ours.map((x) => x.requests)), runs: ours.map((x) => round(x.ms)) },
      plain: { ms: median(plain.map((x) => x.ms)), requests: median(plain.map((x) => x.requests)), runs: plain.map((x) => round(x.ms)) },
      speedup: 0,
    };
    everything.speedup = everything.plain.ms / everything.ours.ms;
    const goals = { speedup: everything.speedup >= 5, topLevelRequests: top.requests <= 2 };
    return {
      projects: expect.projects,
      workbooks: expect.workbooks,
      topLevel: { ms: top.ms, requests: top.requests, entries: top.value.length },
      oneProject: one,
      everything,
      goals,
      pass: goals.speedup && goals.topLevelRequests,
    };
  } finally {
    await conn.close();
  }
}
