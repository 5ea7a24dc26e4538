/**
 * In-process entry point of the Tableau REST simulator. Every test that needs a Tableau
 * server starts one of these on an ephemeral port and closes it afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DemoPat, FaultSpec, SimConfig, SimState } from './config';
import { demoConfig, DEMO_PAT } from './demo';
import { SimServer } from './server';

export type * from './config';
export { makeSelfSignedCert } from './tls';

export interface StartOptions {
  config?: SimConfig;
  /** 0 (default) = ephemeral. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  https?: { cert: string; key: string };
  /** Uploads are stored here; default a new temp directory, removed by close(). */
  dataDir?: string;
  /** Seed the demo content (merged under `config`). */
  demo?: boolean;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string;
  port: number;
  dataDir: string;
  /** Same as GET /_sim/state. */
  state(): SimState;
  /** Same as POST /_sim/faults. */
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  /** Same as POST /_sim/reset-counters. */
  resetCounters(): void;
  /** Same as POST /_sim/revoke-pat. */
  revokePat(name: string): void;
  /** Same as POST /_sim/expire-sessions. */
  expireSessions(): void;
  /** Same as POST /_sim/remove-site: the site and its content go, its sessions end. */
  removeSite(contentUrl: string): void;
  /** Same as POST /_sim/remove-content {"ids": [...]}: these workbooks, data sources and flows go, as Delete would remove them. */
  removeContent(ids: readonly string[]): number;
  /** Same as POST /_sim/site-settings: a site's revision history on/off and its revision limit. */
  setSiteSettings(contentUrl: string, s: { revisionHistoryEnabled?: boolean; revisionLimit?: number }): void;
  /** Every session token issued so far (secrets a test can look for in output). */
  issuedTokens(): string[];
  close(): Promise<void>;
  /** With demo: a site administrator PAT on the "sales" site. */
  demoPat?: DemoPat;
}

export async function startSimulator(opts: StartOptions = {}): Promise<RunningSimulator> {
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-sim-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const config = opts.demo ? mergeConfig(demoConfig(), opts.config ?? {}) : (opts.config ?? {});
  const server = new SimServer({ config, dataDir, https: opts.https });
  const host = opts.host ?? '127.0.0.1';
  const port = await server.listen(opts.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `${opts.https ? 'https' : 'http'}://${urlHost}:${port}`;
  return {
    url,
    port,
    dataDir,
    state: () => server.state(),
    injectFault: (f) => server.faults.add(f),
    clearFaults: () => server.faults.clear(),
    resetCounters: () => server.resetCounters(),
    revokePat: (name) => server.auth.revokePat(name),
    expireSessions: () => server.auth.expireAll(),
    removeSite: (contentUrl) => server.removeSite(contentUrl),
    removeContent: (ids) => server.removeContent(ids).removed,
    issuedTokens: () => [...server.auth.issuedTokens],
    setSiteSettings: (contentUrl, s) => {
      server.siteSettings({ contentUrl, ...s });
    },
    close: async () => {
      await server.close();
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    demoPat: opts.demo ? { ...DEMO_PAT } : undefined,
  };
}

/** The demo seed with the caller's config laid over it (lists are appended). */
function mergeConfig(base: SimConfig, extra: SimConfig): SimConfig {
  const out: SimConfig = { ...base, ...extra };
  for (const key of ['sites', 'users', 'pats', 'connectedApps', 'projects', 'workbooks', 'datasources'] as const) {
    const merged = [...((base[key] as unknown[]) ?? []), ...((extra[key] as unknown[]) ?? [])];
    (out as Record<string, unknown>)[key] = merged;
  }
  return out;
}
