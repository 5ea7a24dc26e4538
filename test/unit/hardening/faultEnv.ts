/**
 * The world the fault table runs in: an HTTP simulator, an HTTPS one with a certificate made
 * at test time, a CONNECT proxy, sample files, and a fresh signed-out client per case.
 */
import * as net from 'node:net';
import { TableauClient } from '../../../src/core/api/client';
import { TableauRestApi } from '../../../src/core/api/restApi';
import type { Credential } from '../../../src/core/auth/credentials';
import { TableauSession } from '../../../src/core/auth/session';
import { HttpClient, type HttpClientOptions } from '../../../src/core/http/httpClient';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import type { Logger } from '../../../src/core/logger';
import { tempDir } from '../../fixtures/samples';
import type { SimConfig, SimState } from '../../simulator/config';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { startConnectProxy, type RunningProxy } from '../../support/connectProxy';
import { capturingLogger } from '../../support/sentinels';
import { makeTestTls, type TestTls } from '../../support/tls';

export const PATS = {
  main: { name: 'hard-main', secret: 'hard-main-secret-5d1c0ffee', site: 'hard' },
  revocable: { name: 'hard-revocable', secret: 'hard-revocable-secret-77e1', site: 'hard' },
  doomed: { name: 'hard-doomed', secret: 'hard-doomed-secret-19aa4b', site: 'doomed' },
} as const;
export type PatKey = keyof typeof PATS;

export function hardConfig(): SimConfig {
  return {
    sites: [
      { name: 'Hardening', contentUrl: 'hard' },
      { name: 'Doomed Site', contentUrl: 'doomed' },
    ],
    users: [{ name: 'hard-user', password: 'hard-user-password-x1', siteRole: 'SiteAdministratorCreator' }],
    pats: Object.values(PATS).map((p) => ({ name: p.name, secret: p.secret, user: 'hard-user' })),
    projects: [
      { site: 'hard', path: 'Default' },
      { site: 'doomed', path: 'Default' },
    ],
    jobDurationMs: 200,
  };
}

export interface FaultEnv {
  sim: RunningSimulator;
  tlsSim: RunningSimulator;
  tls: TestTls;
  proxy: RunningProxy;
  tmp: ReturnType<typeof tempDir>;
  /** An address nothing listens on. */
  refusedUrl: string;
  close(): Promise<void>;
}

export async function startFaultEnv(): Promise<FaultEnv> {
  const tls = makeTestTls();
  const sim = await startSimulator({ config: hardConfig() });
  const tlsSim = await startSimulator({ config: hardConfig(), https: { cert: tls.cert, key: tls.key } });
  const proxy = await startConnectProxy();
  const refusedUrl = `http://127.0.0.1:${await closedPort()}`;
  const tmp = tempDir('tp-hard-');
  return {
    sim,
    tlsSim,
    tls,
    proxy,
    tmp,
    refusedUrl,
    async close() {
      await Promise.all([sim.close(), tlsSim.close(), proxy.close()]);
      tls.cleanup();
      tmp.cleanup();
    },
  };
}

/** A port that was free a moment ago and has nothing listening on it. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface CaseClient {
  client: TableauClient;
  session: TableauSession;
  http: HttpClient;
  logger: Logger;
  lines: string[];
  /** Retries the client's read path made (429 / 503). */
  readRetries: number;
  close(): Promise<void>;
}

export function caseClient(url: string, credential: Credential, site: string, httpOpts: HttpClientOptions = {}): CaseClient {
  const { logger, lines } = capturingLogger();
  const http = new HttpClient({ headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, connectTimeoutMs: 5_000, ...httpOpts, logger });
  const api = new TableauRestApi({ server: parseServerAddress(url), http, logger });
  const session = new TableauSession({ api, credential, siteContentUrl: site, logger });
  const out: CaseClient = {
    client: undefined as unknown as TableauClient,
    session,
    http,
    logger,
    lines,
    readRetries: 0,
    async close() {
      await session.signOut().catch(() => undefined);
      await http.close();
    },
  };
  out.client = new TableauClient(session, { retry: { baseDelayMs: 10, onRetry: () => out.readRetries++ } });
  return out;
}

export function patCredential(key: PatKey): Credential {
  return { kind: 'pat', tokenName: PATS[key].name, tokenSecret: PATS[key].secret };
}

export function projectIdOn(state: SimState, siteContentUrl: string, name = 'Default'): string {
  const site = state.sites.find((s) => s.contentUrl === siteContentUrl);
  const p = state.projects.find((x) => x.siteId === site?.id && x.name === name);
  if (!p) throw new Error(`no project ${name} on ${siteContentUrl}`);
  return p.id;
}

export function itemsNamed(state: SimState, name: string): { id: string; sha256: string; size: number }[] {
  return [...state.workbooks, ...state.datasources].filter((i) => i.name === name);
}
