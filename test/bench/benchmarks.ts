/** Runs the selected benchmark sections with the given sizes; shared by `npm run bench` and the smoke test. */
import * as fs from 'node:fs';
import { benchSeed } from './lib/benchConfig';
import { makeHyperFile, type TempFile } from './lib/bigFile';
import { machineInfo, type MachineInfo } from './lib/machine';
import { startSimProcess, type SimProcess } from './lib/simProcess';
import { MiB } from './lib/stats';
import { benchChunkSizes, benchMemory, type ChunkSizeResult, type MemoryResult, type PublishEnv } from './publishBench';
import { benchFairThroughput, type FairThroughputResult } from './replayBench';
import { benchLink, type LinkPlan, type LinkResult } from './linkBench';
import { benchSessions, type SessionsResult } from './sessionsBench';
import { benchStartup, type StartupResult } from './startupBench';
import { benchTree, type TreeResult } from './treeBench';
import { benchRewrite, type RewriteResult } from './rewriteBench';
import { benchUpdate, type UpdateResult } from './updateBench';
import { benchRevisions, type RevisionsResult } from './revisionsBench';

export const SECTIONS = ['publish', 'memory', 'chunks', 'tree', 'sessions', 'startup', 'rewrite', 'update', 'link', 'revisions'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchPlan {
  sections: Section[];
  /** File for throughput and chunk sizes. */
  publishBytes: number;
  pairs: number;
  memoryBytes: [number, number];
  chunkSizesMb: number[];
  chunkRuns: number;
  tree: { projects: number; workbooks: number; runs: number; latencyMs: number };
  sessionCalls: number;
  runPackage: boolean;
  /** Rounds of the real VS Code harness for the activation time (0: not measured). */
  activationRounds: number;
  cpuProfDir?: string;
  /** Extract size of the .twbx whose data connections are rewritten on publish. */
  rewriteBytes: number;
  /** Publishing the publish file through a slow, distant link (linkBench.ts). */
  link: LinkPlan;
  /** Semantic diff sizes (MB of XML per document) and the .twbx opened through the tableau: file system's code. */
  revisions: { sizesMb: number[]; openBytes: number };
}

export function fullPlan(): BenchPlan {
  return {
    sections: [...SECTIONS],
    publishBytes: 1024 * MiB,
    pairs: 5,
    memoryBytes: [256 * MiB, 2048 * MiB],
    chunkSizesMb: [5, 16, 32, 50, 64],
    chunkRuns: 2,
    tree: { projects: 1000, workbooks: 10_000, runs: 3, latencyMs: 50 },
    sessionCalls: 200,
    runPackage: true,
    activationRounds: 5,
    rewriteBytes: 2048 * MiB,
    link: { latencyMs: 50, mbps: 50, chunkSizesMb: [5, 16, 32, 50, 64], runs: 1 },
    revisions: { sizesMb: [1, 10, 40], openBytes: 1024 * MiB },
  };
}

export function quickPlan(): BenchPlan {
  return { ...fullPlan(), publishBytes: 256 * MiB, memoryBytes: [64 * MiB, 256 * MiB], chunkRuns: 1, tree: { projects: 1000, workbooks: 10_000, runs: 1, latencyMs: 50 }, runPackage: false, activationRounds: 0, rewriteBytes: 256 * MiB, revisions: { sizesMb: [1, 4], openBytes: 256 * MiB } };
}

export interface BenchResults {
  machine: MachineInfo;
  plan: Omit<BenchPlan, 'cpuProfDir'>;
  throughput?: FairThroughputResult;
  memory?: MemoryResult;
  chunks?: ChunkSizeResult;
  tree?: TreeResult;
  sessions?: SessionsResult;
  startup?: StartupResult;
  rewrite?: RewriteResult;
  update?: UpdateResult;
  link?: LinkResult;
  revisions?: RevisionsResult;
  /** Sections that threw, with the message: reported, never hidden. */
  errors: Partial<Record<Section, string>>;
}

export async function runBenchmarks(plan: BenchPlan, log: (line: string) => void = () => undefined): Promise<BenchResults> {
  const { cpuProfDir, ...shownPlan } = plan;
  const results: BenchResults = { machine: machineInfo(), plan: shownPlan, errors: {} };
  const has = (s: Section): boolean => plan.sections.includes(s);
  const guard = async (s: Section, fn: () => Promise<void>): Promise<void> => {
    if (!has(s)) return;
    log(`\n[${s}]`);
    try {
      await fn();
    } catch (e) {
      results.errors[s] = e instanceof Error ? e.message : String(e);
      log(`  FAILED: ${results.errors[s]}`);
    }
  };
  // Set-up that failed (simulator, big file) fails every selected section that needed it.
  const failAll = (sections: Section[], e: unknown): void => {
    for (const s of sections) if (has(s) && !(s in results.errors)) results.errors[s] = `set-up failed: ${e instanceof Error ? e.message : String(e)}`;
    log(`  set-up FAILED: ${e instanceof Error ? e.message : String(e)}`);
  };
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });

  if (has('publish') || has('memory') || has('chunks') || has('rewrite') || has('update') || has('link')) {
    const seed = benchSeed();
    let sim: SimProcess | undefined;
    let file: TempFile | undefined;
    try {
      // The update's job is done as soon as it is made: the simulator's default job time (1 s,
      // a constant, no work) is server time the publish it is compared with does not have.
      sim = await startSimProcess({ ...seed.config, jobDurationMs: 0 }, { nodeArgs: cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [] });
      const env: PublishEnv = { sim, seed, cpuProfDir, log };
      const needFile = has('publish') || has('chunks') || has('update') || has('link');
      if (needFile) {
        log(`making a ${plan.publishBytes / MiB} MiB .hyper file ...`);
        file = await makeHyperFile(plan.publishBytes);
      }
      await guard('publish', async () => void (results.throughput = await benchFairThroughput(env, file!, plan.pairs)));
      await guard('memory', async () => void (results.memory = await benchMemory(env, plan.memoryBytes)));
      await guard('chunks', async () => void (results.chunks = await benchChunkSizes(env, file!, plan.chunkSizesMb, plan.chunkRuns)));
      const s = sim;
      await guard('rewrite', async () => void (results.rewrite = await benchRewrite(s, seed, plan.rewriteBytes, plan.pairs, log)));
      await guard('update', async () => void (results.update = await benchUpdate(env, file!, plan.pairs)));
      await guard('link', async () => void (results.link = await benchLink(env, file!, plan.link)));
    } catch (e) {
      failAll(['publish', 'memory', 'chunks', 'rewrite', 'update', 'link'], e);
    } finally {
      file?.remove();
      await sim?.close();
    }
  }

  if (has('tree') || has('sessions')) {
    const seed = benchSeed({ projects: plan.tree.projects, workbooks: plan.tree.workbooks });
    let sim: SimProcess | undefined;
    try {
      sim = await startSimProcess(seed.config, { nodeArgs: cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [] });
      // The seed adds Default and Bench next to the generated projects.
      const expect = { projects: plan.tree.projects + 2, workbooks: plan.tree.workbooks };
      const s = sim;
      await guard('tree', async () => void (results.tree = await benchTree(s, seed, expect, { runs: plan.tree.runs, latencyMs: plan.tree.latencyMs }, log)));
      await guard('sessions', async () => void (results.sessions = await benchSessions(s, seed, plan.sessionCalls, log)));
    } catch (e) {
      failAll(['tree', 'sessions'], e);
    } finally {
      await sim?.close();
    }
  }

  await guard('startup', async () => void (results.startup = await benchStartup({ runPackage: plan.runPackage, activationRounds: plan.activationRounds }, log)));
  await guard('revisions', async () => void (results.revisions = await benchRevisions(plan.revisions, log)));
  return results;
}
