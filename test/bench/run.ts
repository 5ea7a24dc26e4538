/**
 * `npm run bench`: node out/test/bench/run.js [--quick] [--only publish,memory,chunks,tree,sessions,startup]
 *   [--pairs N] [--size-mb N] [--rewrite-size-mb N] [--no-package] [--activation-rounds N] [--cpu-prof]
 *   [--link-latency-ms N] [--link-mbps N] [--link-chunks 5,16,...]
 * Prints a table, writes .bench/results.json, and test/bench/RESULTS.md after a full run.
 */
import * as path from 'node:path';
import { fullPlan, quickPlan, runBenchmarks, SECTIONS, type Section } from './benchmarks';
import { benchDir, repoRoot } from './lib/paths';
import { MiB } from './lib/stats';
import { formatTable, writeResults } from './report';

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: run.js [--quick] [--only ${SECTIONS.join(',')}] [--pairs N] [--size-mb N] [--rewrite-size-mb N] [--no-package] [--activation-rounds N] [--cpu-prof] [--link-latency-ms N] [--link-mbps N] [--link-chunks 5,16,32,50,64]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const plan = quick ? quickPlan() : fullPlan();
  let partial = quick;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => args[++i] ?? usage(`${a} needs a value`);
    const positive = (v: string): number => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : usage(`${a} needs a whole number > 0`));
    switch (a) {
      case '--quick': break;
      case '--only': {
        const list = value().split(',').map((s) => s.trim()).filter(Boolean);
        for (const s of list) if (!SECTIONS.includes(s as Section)) usage(`unknown section "${s}"`);
        plan.sections = list as Section[];
        partial = true;
        break;
      }
      case '--pairs': plan.pairs = positive(value()); partial = true; break;
      case '--size-mb': plan.publishBytes = positive(value()) * MiB; partial = true; break;
      case '--rewrite-size-mb': plan.rewriteBytes = positive(value()) * MiB; partial = true; break;
      case '--no-package': plan.runPackage = false; break;
      case '--activation-rounds': plan.activationRounds = Number(value()); if (!Number.isInteger(plan.activationRounds) || plan.activationRounds < 0) usage(`${a} needs a whole number >= 0`); partial = true; break;
      case '--cpu-prof': plan.cpuProfDir = path.join(benchDir(), 'prof'); break;
      case '--link-latency-ms': plan.link.latencyMs = Number(value()); if (!(plan.link.latencyMs >= 0)) usage(`${a} needs a number >= 0`); partial = true; break;
      case '--link-mbps': plan.link.mbps = Number(value()); if (!(plan.link.mbps > 0)) usage(`${a} needs a number > 0`); partial = true; break;
      case '--link-chunks': plan.link.chunkSizesMb = value().split(',').map(positive); partial = true; break;
      case '-h': case '--help': usage('Tableau Publisher benchmarks');
      // falls through (usage exits)
      default: usage(`unknown argument ${a}`);
    }
  }
  const t0 = Date.now();
  const results = await runBenchmarks(plan, (l) => process.stdout.write(`${l}\n`));
  process.stdout.write(`\n${formatTable(results)}\n`);
  const written = writeResults(results, { root: repoRoot(), markdown: !partial });
  process.stdout.write(`\nresults: ${written.json}${written.markdown ? `, ${written.markdown}` : ' (RESULTS.md is written by full runs only)'}\n`);
  if (plan.cpuProfDir) process.stdout.write(`CPU profiles: ${plan.cpuProfDir}\n`);
  process.stdout.write(`bench took ${Math.round((Date.now() - t0) / 1000)} s\n`);
  if (Object.keys(results.errors).length) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
