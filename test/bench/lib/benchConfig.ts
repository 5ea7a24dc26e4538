/** Simulator seeds for the benchmark: one publishing site with PATs made fresh every run. */
import { randomBytes } from 'node:crypto';
import type { SimConfig } from '../../simulator/config';

export const BENCH_SITE = 'bench';
export const BENCH_PROJECT = 'Bench';

export interface BenchPat {
  name: string;
  secret: string;
}

export interface BenchSeed {
  config: SimConfig;
  /** The PAT the code under test signs in with. */
  pat: BenchPat;
  /** A second PAT for the plain baselines: a PAT holds one live session, so they must not share. */
  baselinePat: BenchPat;
  /** A third PAT, for a second client of ours next to the first (e.g. one asking for JSON). */
  altPat: BenchPat;
}

export function benchSeed(generate?: { projects: number; workbooks: number; datasources?: number }): BenchSeed {
  const pat = { name: 'bench-pat', secret: randomBytes(18).toString('base64url') };
  const baselinePat = { name: 'bench-baseline-pat', secret: randomBytes(18).toString('base64url') };
  const altPat = { name: 'bench-alt-pat', secret: randomBytes(18).toString('base64url') };
  return {
    pat,
    baselinePat,
    altPat,
    config: {
      sites: [{ name: 'Benchmark', contentUrl: BENCH_SITE }],
      users: [{ name: 'bench-user', siteRole: 'SiteAdministratorCreator' }],
      pats: [
        { name: pat.name, secret: pat.secret, user: 'bench-user' },
        { name: baselinePat.name, secret: baselinePat.secret, user: 'bench-user' },
        { name: altPat.name, secret: altPat.secret, user: 'bench-user' },
      ],
      projects: [{ site: BENCH_SITE, path: 'Default' }, { site: BENCH_SITE, path: BENCH_PROJECT }],
      generate: generate ? { site: BENCH_SITE, depth: 3, ...generate } : undefined,
    },
  };
}

/** Environment for the CLI child: the connection comes from the environment only. */
export function cliEnv(url: string, pat: BenchPat): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TABLEAU_SERVER: url, TABLEAU_SITE: BENCH_SITE, TABLEAU_PAT_NAME: pat.name, TABLEAU_PAT_SECRET: pat.secret };
  // A proxy set for the outside world must not sit between the CLI and the loopback simulator.
  for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY', 'all_proxy']) delete env[k];
  // Nor does extra TLS trust concern a loopback http:// run. This machine points NODE_EXTRA_CA_CERTS
  // at the whole system bundle, which Node 20 parses at every start-up (about 70 ms here, before
  // any code of ours runs; curl reads its CA bundle only for TLS). The throughput row measures
  // that cost beside it (FairThroughputResult.extraCaCerts).
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
