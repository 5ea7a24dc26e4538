/**
 * The one place tests get a simulator world from: the simulator configs the suites share,
 * client stacks signed in to them (built with the core's createClient, as the CLI and the
 * extension build theirs), and the harnesses that start a simulator with what a suite needs.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { TableauClient } from '../../src/core/api/client';
import type { ClientOptions } from '../../src/core/api/client';
import type { Credential } from '../../src/core/auth/credentials';
import type { TableauSession } from '../../src/core/auth/session';
import { createClient, type TableauStack, type TableauTransport } from '../../src/core/createClient';
import type { HttpClient, HttpClientOptions } from '../../src/core/http/httpClient';
import type { Logger } from '../../src/core/logger';
import { tempDir } from './files';
import type { SimConfig, SimState } from '../simulator/config';
import { startSimulator, type RunningSimulator, type StartOptions } from '../simulator/index';
import { CLI } from './cliRunner';
import { startConnectProxy, type RunningProxy } from './connectProxy';
import { capturingLogger } from './sentinels';
import { makeTestTls, type TestTls } from './tls';
import { signIn, type Auth } from './wire';

// ---- Simulator configs -------------------------------------------------------------------

export const PUB_SITE = 'pub';
export const PUB_PAT = { name: 'publisher-pat', secret: 'publisher-pat-secret-4b1d9e77' };

/** The publish suites' site: a publisher PAT and a few projects. */
export function publishConfig(extra: SimConfig = {}): SimConfig {
  return {
    sites: [{ name: 'Publishing', contentUrl: PUB_SITE }],
    users: [{ name: 'pub-user', password: 'pub-user-password', siteRole: 'SiteAdministratorCreator' }],
    pats: [{ name: PUB_PAT.name, secret: PUB_PAT.secret, user: 'pub-user' }],
    projects: [
      { site: PUB_SITE, path: 'Default' },
      { site: PUB_SITE, path: 'Publish' },
      { site: PUB_SITE, path: 'Finance/Monthly' },
    ],
    jobDurationMs: 300,
    // Tableau's search index lags behind creates: filtered listings miss a new item for a while.
    indexLagMs: 200,
    ...extra,
  };
}

export const TWO_SITE_ADMIN = { name: 'admin', password: 'admin-password' };

/**
 * The connection suites' server (unit and extension host): two sites, Default ("") and Sales
 * ("sales"), a server administrator who owns the given PATs, and a Creator "bob" to act as.
 * `extra` adds to or replaces top-level fields (e.g. connectedApps).
 */
export function twoSiteConfig(pats: readonly { name: string; secret: string }[], extra: SimConfig = {}): SimConfig {
  return {
    sites: [
      { name: 'Default', contentUrl: '' },
      { name: 'Sales', contentUrl: 'sales' },
    ],
    users: [
      { name: TWO_SITE_ADMIN.name, password: TWO_SITE_ADMIN.password, isServerAdmin: true },
      { name: 'bob', password: 'bob-password', siteRole: 'Creator' },
    ],
    pats: pats.map((p) => ({ name: p.name, secret: p.secret, user: TWO_SITE_ADMIN.name })),
    ...extra,
  };
}

export const PATS = {
  main: { name: 'hard-main', secret: 'hard-main-secret-5d1c0ffee', site: 'hard' },
  revocable: { name: 'hard-revocable', secret: 'hard-revocable-secret-77e1', site: 'hard' },
  doomed: { name: 'hard-doomed', secret: 'hard-doomed-secret-19aa4b', site: 'doomed' },
} as const;
export type PatKey = keyof typeof PATS;

/** The hardening suites' server: a site to work on and one to delete, a PAT to revoke. */
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

// ---- Credentials and simulator state ------------------------------------------------------

export function pat(name: string, secret: string): Credential {
  return { kind: 'pat', tokenName: name, tokenSecret: secret };
}

export function password(username: string, pw: string): Credential {
  return { kind: 'password', username, password: pw };
}

export function patCredential(key: PatKey): Credential {
  return pat(PATS[key].name, PATS[key].secret);
}

export function userId(sim: RunningSimulator, name: string): string {
  const u = sim.state().users.find((x) => x.name === name);
  if (!u) throw new Error(`no user ${name}`);
  return u.id;
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

export function sha256File(path: string): string {
  return createHash('sha256').update(fs.readFileSync(path)).digest('hex');
}

// ---- Client stacks -----------------------------------------------------------------------

export interface StackOptions {
  /** The logger is `logger` below. */
  http?: Omit<HttpClientOptions, 'logger'>;
  client?: ClientOptions;
  format?: 'xml' | 'json';
  apiVersion?: string;
  impersonateUserId?: string;
  scopes?: string[];
  logger?: Logger;
  /** Another stack's transport, to share its HttpClient and TableauRestApi. */
  transport?: TableauTransport;
}

/** A signed-out client stack on `url`, made by the core's createClient. */
export function clientStack(url: string, credential: Credential, site: string, opts: StackOptions = {}): TableauStack {
  const session = { credential, siteContentUrl: site, impersonateUserId: opts.impersonateUserId, scopes: opts.scopes, client: opts.client, logger: opts.logger };
  if (opts.transport) return createClient({ ...session, transport: opts.transport });
  return createClient({ ...session, server: url, http: opts.http, format: opts.format, apiVersion: opts.apiVersion });
}

export type Stack = TableauStack;

/** The core tests' stack: generous timeouts, fast read retries; `http` + `api` to share a transport. */
export function stack(
  sim: RunningSimulator,
  credential: Credential,
  site: string,
  opts: { impersonateUserId?: string; scopes?: string[]; format?: 'xml' | 'json'; http?: HttpClient; api?: TableauStack['api'] } = {},
): TableauStack {
  const transport = opts.http && opts.api ? { http: opts.http, api: opts.api } : undefined;
  return clientStack(sim.url, credential, site, {
    http: { headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 },
    client: { retry: { baseDelayMs: 10 } },
    format: opts.format,
    impersonateUserId: opts.impersonateUserId,
    scopes: opts.scopes,
    transport,
  });
}

export interface Connected {
  client: TableauClient;
  session: TableauSession;
  close(): Promise<void>;
}

/** The publisher PAT (or `pat`) signed in to PUB_SITE on `url`. */
export function connect(url: string, opts: { bodyTimeoutMs?: number; pat?: { name: string; secret: string } } = {}): Connected {
  const p = opts.pat ?? PUB_PAT;
  return clientStack(url, pat(p.name, p.secret), PUB_SITE, { http: { bodyTimeoutMs: opts.bodyTimeoutMs, headersTimeoutMs: opts.bodyTimeoutMs } });
}

export interface CaseClient extends Connected {
  http: HttpClient;
  logger: Logger;
  /** What the client logged. */
  lines: string[];
  /** Retries the client's read path made (429 / 503). */
  readRetries: number;
}

/** A fresh signed-out client for one hardening case, logging into `lines` and counting read retries. */
export function caseClient(url: string, credential: Credential, site: string, httpOpts: HttpClientOptions = {}): CaseClient {
  const { logger, lines } = capturingLogger();
  const counts = { readRetries: 0 };
  const s = clientStack(url, credential, site, {
    http: { headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, connectTimeoutMs: 5_000, ...httpOpts },
    client: { retry: { baseDelayMs: 10, onRetry: () => counts.readRetries++ } },
    logger,
  });
  return {
    client: s.client,
    session: s.session,
    http: s.http,
    logger,
    lines,
    get readRetries() {
      return counts.readRetries;
    },
    close: () => s.close(),
  };
}

// ---- Harnesses: a simulator and what a suite starts from ---------------------------------

export async function withSim(opts: StartOptions, fn: (sim: RunningSimulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator(opts);
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

/**
 * A simulator started with `config`, `user` signed in with a password on the default site
 * (over the wire, no client), and the id of the project named `project`.
 */
export async function startSignedIn(config: SimConfig, user: { name: string; password: string }, project: string): Promise<{ sim: RunningSimulator; auth: Auth; projectId: string }> {
  const sim = await startSimulator({ config });
  try {
    const auth = await signIn(sim, user);
    const p = sim.state().projects.find((x) => x.name === project);
    if (!p) throw new Error(`no project ${project}`);
    return { sim, auth, projectId: p.id };
  } catch (e) {
    await sim.close();
    throw e;
  }
}

/** A publishConfig() simulator, the publisher signed in to it, and a temp folder. */
export interface Harness {
  sim: RunningSimulator;
  conn: Connected;
  tmp: ReturnType<typeof tempDir>;
  projectId(name: string): Promise<string>;
  /** Total requests the simulator has seen so far. */
  requestCount(): number;
  close(): Promise<void>;
}

export async function startHarness(extra: SimConfig = {}): Promise<Harness> {
  const sim = await startSimulator({ config: publishConfig(extra) });
  const conn = connect(sim.url);
  const tmp = tempDir();
  return {
    sim,
    conn,
    tmp,
    async projectId(name) {
      const p = (await conn.client.allProjects()).find((x) => x.name === name);
      if (!p) throw new Error(`no project ${name}`);
      return p.id;
    },
    requestCount() {
      return Object.values(sim.state().counters.requests).reduce((a, b) => a + b, 0);
    },
    async close() {
      await conn.close();
      await sim.close();
      tmp.cleanup();
    },
  };
}

/** startHarness(extra) and the id of its "Publish" project, where the publish suites publish. */
export async function startPublishHarness(extra: SimConfig = {}): Promise<{ h: Harness; projectId: string }> {
  const h = await startHarness(extra);
  try {
    return { h, projectId: await h.projectId('Publish') };
  } catch (e) {
    await h.close();
    throw e;
  }
}

/** What a CLI suite runs against: start it in before(), close it in after(). */
export interface CliSimulator {
  /** An in-process simulator with publishConfig(). */
  sim: RunningSimulator;
  /** The environment that points the CLI at `sim` and signs it in with the publisher PAT. */
  env: Record<string, string>;
  /** The suite's scratch folder. */
  tmp: ReturnType<typeof tempDir>;
  /** Stops the simulator and removes the scratch folder. */
  close(): Promise<void>;
}

/** Fails first when dist/cli.js has not been built; `tmpPrefix` names the scratch folder. */
export async function startCliSimulator(tmpPrefix: string, extra: SimConfig = {}): Promise<CliSimulator> {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run "npm run build" first`);
  const sim = await startSimulator({ config: publishConfig(extra) });
  const tmp = tempDir(tmpPrefix);
  return {
    sim,
    env: { TABLEAU_SERVER: sim.url, TABLEAU_SITE: PUB_SITE, TABLEAU_PAT_NAME: PUB_PAT.name, TABLEAU_PAT_SECRET: PUB_PAT.secret },
    tmp,
    async close() {
      await sim.close();
      tmp.cleanup();
    },
  };
}

/** The world the fault table runs in. */
export interface FaultEnv {
  /** hardConfig() over HTTP. */
  sim: RunningSimulator;
  /** hardConfig() over HTTPS, with a certificate made at test time (`tls`). */
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
