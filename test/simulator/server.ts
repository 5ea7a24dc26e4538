/**
 * HTTP(S) plumbing of the simulator: version check, routing, counters, faults, the test
 * routes under /_sim/ and the raw sink used by the throughput benchmark.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { Auth, type Session } from './auth';
import type { FaultAction, SimConfig, SimState } from './config';
import { Faults, LOGIN_PAGE_HTML } from './faults';
import { contentRoutes } from './routesContent';
import { authRoutes } from './routesAuth';
import { publishRoutes } from './routesPublish';
import { afterPublishRoutes, setBrokenViews } from './routesAfterPublish';
import { handleMetadata, setMetadataApi } from './metadataApi';
import { connectionRoutes } from './routesConnections';
import { permissionsState, settingsRoutes } from './routesSettings';
import { dataUpdateRoutes, dataUpdatesState } from './routesDataUpdate';
import { flowRoutes, flowsState, removeFlows } from './routesFlows';
import { RevisionHistory } from './revisions';
import { revisionRoutes } from './routesRevisions';
import { markFaulted } from './schemaTap';
import { buildStore } from './seed';
import type { ItemRec, SiteContent, Store } from './store';
import { errors, readSmallBody, sendError, SimError } from './wire';

export interface Ctx {
  sim: SimServer;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The API version in the path. */
  v: string;
  /** Base URL the client used (scheme://host:port). */
  base: string;
  fault?: FaultAction;
  /** Set for routes with auth. */
  session: Session;
}

export interface Route {
  method: string;
  pattern: string;
  /** Needs X-Tableau-Auth; with {site} in the pattern, the site must be the session's. */
  auth: boolean;
  handle(ctx: Ctx): Promise<void> | void;
}

function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}

export class SimServer {
  readonly store: Store;
  readonly auth: Auth;
  readonly faults = new Faults();
  readonly dataDir: string;
  private readonly server: http.Server | https.Server;
  private readonly routes: { route: Route; segs: string[] }[];
  private readonly sockets = new Set<Socket>();
  readonly timers = new Set<NodeJS.Timeout>();
  requests: Record<string, number> = {};
  /** Items being published by a running job (403131 for a second publish of the same name). */
  readonly inflight = new Set<string>();
  /** Revisions kept on overwrite, and the sites' revision settings. */
  readonly revisions: RevisionHistory;

  constructor(opts: { config: SimConfig; dataDir: string; https?: { cert: string; key: string } }) {
    this.store = buildStore(opts.config);
    this.auth = new Auth(this.store);
    this.revisions = new RevisionHistory(opts.config, (siteId) => this.store.sites.get(siteId)?.contentUrl);
    this.dataDir = opts.dataDir;
    for (const d of ['uploads', 'items', 'sink']) fs.mkdirSync(path.join(this.dataDir, d), { recursive: true });
    this.routes = [...authRoutes(), ...contentRoutes(), ...publishRoutes(), ...afterPublishRoutes(), ...connectionRoutes(), ...settingsRoutes(), ...dataUpdateRoutes(), ...flowRoutes(), ...revisionRoutes()].map((route) => ({ route, segs: route.pattern.split('/').filter(Boolean) }));
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((e: unknown) => this.fail(req, res, e));
    };
    this.server = opts.https ? https.createServer({ cert: opts.https.cert, key: opts.https.key }, handler) : http.createServer(handler);
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    // Big uploads can take a while on a shared machine: no server-side request timeout.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 30_000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** setTimeout that close() cancels. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  resetCounters(): void {
    this.requests = {};
    this.auth.signIns = {};
  }

  state(): SimState {
    const s = this.store;
    s.settleJobs();
    const sites = [...s.sites.values()];
    const contents = sites.map((x) => s.siteContent(x.id));
    const item = (i: ItemRec) => ({
      id: i.id, name: i.name, siteId: i.siteId, projectId: i.projectId, ownerId: i.ownerId, contentUrl: i.contentUrl, size: i.blob.size,
      sha256: i.blob.sha256, createdAt: i.createdAt, updatedAt: i.updatedAt, fileName: i.blob.fileName, filePath: i.blob.filePath,
      description: i.description, tags: [...(i.tags ?? [])], credentials: (i.credentials ?? []).map((c) => ({ ...c })),
      ...(i.connections ? { connections: i.connections.map((c) => ({ ...c })) } : {}),
    });
    const now = Date.now();
    return {
      sites: sites.map((x) => ({ id: x.id, name: x.name, contentUrl: x.contentUrl })),
      users: [...s.users.values()].map((u) => ({
        id: u.id, name: u.name, isServerAdmin: u.isServerAdmin,
        siteRoles: Object.fromEntries([...u.siteRoles].map(([sid, r]) => [s.sites.get(sid)?.contentUrl ?? sid, r])),
      })),
      projects: contents.flatMap((c) => c.projectList.map((p) => ({ id: p.id, name: p.name, siteId: p.siteId, parentProjectId: p.parentId, ownerId: p.ownerId }))),
      workbooks: contents.flatMap((c) => c.itemList.workbook.map((w) => ({ ...item(w), views: w.views.map((v) => ({ id: v.id, name: v.name })), showTabs: w.showTabs, hiddenViews: [...(w.hiddenViews ?? [])], thumbnailsUserId: w.thumbnailsUserId, thumbnailsGroupId: w.thumbnailsGroupId }))),
      datasources: contents.flatMap((c) => c.itemList.datasource.map((d) => ({ ...item(d), type: d.type, hasExtracts: d.hasExtracts }))),
      jobs: [...s.jobs.values()].map((j) => {
        const p = s.jobProgress(j, now);
        return { id: j.id, type: j.type, siteId: j.siteId, progress: p.progress, createdAt: new Date(j.createdAt).toISOString(), completedAt: p.done ? new Date(j.createdAt + j.durationMs).toISOString() : undefined, finishCode: p.done ? j.finishCode : undefined };
      }),
      uploads: [...s.uploads.values()].map((u) => ({ id: u.id, siteId: u.siteId, size: u.size, chunks: u.chunks, consumed: u.consumed })),
      groups: [...s.groups.values()].map((g) => ({ ...g })),
      permissions: permissionsState(s),
      counters: this.counters(),
      dataUpdates: dataUpdatesState(s),
      flows: flowsState(s),
    };
  }

  /** The counters part of state(), without walking the content (cheap on a big generated site). */
  counters(): SimState['counters'] {
    return { signIns: { ...this.auth.signIns }, requests: { ...this.requests }, liveSessions: this.auth.liveSessions(), faultsFired: this.faults.fired };
  }

  private fail(req: http.IncomingMessage, res: http.ServerResponse, e: unknown): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const err = e instanceof SimError ? e : new SimError(500, '500000', 'Internal Server Error', e instanceof Error ? e.message : String(e));
    // Answer only after the body is consumed, so a client still sending gets our answer, not EPIPE.
    if (req.complete || req.readableEnded) sendError(req, res, err);
    else {
      req.on('end', () => sendError(req, res, err));
      req.on('error', () => res.destroy());
      req.resume();
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    this.store.settleJobs();
    if (url.pathname.startsWith('/_sim/')) return this.handleSim(method, url, req, res);
    const prefix = this.store.config.pathPrefix?.replace(/\/+$/, '');
    if (prefix && url.pathname.startsWith(`${prefix}/api/`)) url.pathname = url.pathname.slice(prefix.length);

    const fault = this.faults.take(method, url.pathname);
    if (fault && (await this.applyFault(fault, req, res))) return;
    if (fault?.stallAfterBytes !== undefined) stallAfter(res, fault.stallAfterBytes);
    if (fault?.trickleMs !== undefined) trickle(res, fault.trickleMs, (ms, fn) => this.later(ms, fn));
    if (req.socket.destroyed) return; // the client gave up during a delay

    if (url.pathname.replace(/\/+$/, '') === '/api/metadata/graphql') return handleMetadata(this.store, this.auth, req, res);
    const m = /^\/api\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) throw errors.notFound('404003', `Unknown resource '${url.pathname}' specified in URI.`);
    const v = m[1];
    if (!/^\d+\.\d+$/.test(v) || compareVersions(v, '2.0') < 0 || compareVersions(v, this.store.restApiVersion) > 0) {
      throw errors.notFound('404003', `Unknown resource '${url.pathname}' specified in URI (API version ${v} is not supported).`);
    }
    const segs = (m[2] ?? '').split('/').filter(Boolean);
    let methodMismatch = false;
    for (const { route, segs: rs } of this.routes) {
      const params = matchRoute(rs.slice(2), segs);
      if (!params) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      const key = `${method} ${route.pattern}`;
      this.requests[key] = (this.requests[key] ?? 0) + 1;
      const scheme = this.server instanceof https.Server ? 'https' : 'http';
      const ctx: Ctx = { sim: this, req, res, url, params, v, base: `${scheme}://${req.headers.host ?? 'localhost'}`, fault, session: undefined as unknown as Session };
      if (route.auth) {
        ctx.session = this.auth.authenticate(req);
        const site = params.site;
        if (site !== undefined && site !== ctx.session.siteId) {
          // Our choice (unverified against Tableau): the token is fine but not for this site.
          throw errors.forbidden('403000', `The session is not signed in to site '${site}'.`);
        }
      }
      if (fault?.dropAnswer) dropAnswer(req, res);
      await route.handle(ctx);
      return;
    }
    if (methodMismatch) throw new SimError(405, '405000', 'Method Not Allowed', `${method} is not allowed on '${url.pathname}'.`);
    throw errors.notFound('404003', `Unknown resource '${url.pathname}' specified in URI.`);
  }

  /** true when the fault answered (or dropped) the request. */
  private async applyFault(f: FaultAction, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    if (f.delayMs) await new Promise<void>((r) => this.later(f.delayMs!, r));
    if (f.killSession) {
      const t = req.headers['x-tableau-auth'];
      if (typeof t === 'string') this.auth.endSession(t);
    }
    if (f.hang) {
      req.resume();
      return true;
    }
    if (f.dropAfterBytes !== undefined) {
      const limit = f.dropAfterBytes;
      let n = 0;
      const drop = (): void => {
        req.socket.destroy();
      };
      if (limit <= 0) drop();
      else {
        req.on('data', (c: Buffer) => {
          n += c.length;
          if (n >= limit) drop();
        });
        req.on('end', drop);
      }
      return true;
    }
    if (f.redirect) {
      await drain(req);
      res.writeHead(f.redirect.status ?? 301, { Location: f.redirect.location, 'Content-Length': '0' });
      res.end();
      return true;
    }
    if (f.echoRequest) {
      markFaulted(res);
      const echoed = await readCapped(req, 1024 * 1024);
      const headerLines = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
      sendError(req, res, new SimError(f.status ?? 500, `${f.status ?? 500}000`, 'Internal Server Error', `Failed request was:\n${req.method} ${req.url}\n${headerLines}\n\n${echoed}`));
      return true;
    }
    if (f.bodyBytes !== undefined || f.bodyBase64 !== undefined) {
      await drain(req);
      const headers: Record<string, string> = { 'Content-Type': f.contentType ?? 'text/plain' };
      if (f.bodyBase64 !== undefined) {
        const raw = Buffer.from(f.bodyBase64, 'base64');
        res.writeHead(f.status ?? 200, { ...headers, 'Content-Length': String(raw.length) });
        res.end(raw);
        return true;
      }
      if (!f.chunked) headers['Content-Length'] = String(f.bodyBytes);
      res.writeHead(f.status ?? 200, headers);
      await streamFiller(res, f.bodyBytes!);
      return true;
    }
    if (f.status !== undefined || f.html || f.body !== undefined) {
      markFaulted(res);
      const status = f.status ?? 200;
      await drain(req);
      const headers: Record<string, string> = {};
      if (f.retryAfter !== undefined) headers['Retry-After'] = String(f.retryAfter);
      if (f.html || f.body !== undefined) {
        const body = f.body ?? LOGIN_PAGE_HTML;
        res.writeHead(status, { 'Content-Type': f.html ? 'text/html;charset=UTF-8' : (f.contentType ?? 'text/plain;charset=UTF-8'), 'Content-Length': String(Buffer.byteLength(body)), ...headers });
        res.end(body);
      } else {
        const summary = http.STATUS_CODES[status] ?? 'Error';
        sendError(req, res, new SimError(status, `${status}000`, summary, `Injected fault: ${summary}.`), headers);
      }
      return true;
    }
    return false;
  }

  private async handleSim(method: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const json = (status: number, o: unknown): void => {
      const body = JSON.stringify(o);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
    const bodyJson = async (): Promise<Record<string, unknown>> => {
      const t = await readSmallBody(req);
      try {
        return t ? (JSON.parse(t) as Record<string, unknown>) : {};
      } catch {
        throw errors.badRequest('Body is not JSON.');
      }
    };
    const key = `${method} ${url.pathname}`;
    switch (key) {
      case 'GET /_sim/state': return json(200, this.state());
      case 'GET /_sim/counters': return json(200, this.counters());
      case 'POST /_sim/faults': this.faults.add((await bodyJson()) as never); return json(200, { ok: true });
      case 'DELETE /_sim/faults': this.faults.clear(); return json(200, { ok: true });
      case 'POST /_sim/reset-counters': this.resetCounters(); return json(200, { ok: true });
      case 'POST /_sim/revoke-pat': this.auth.revokePat(String((await bodyJson()).name)); return json(200, { ok: true });
      case 'POST /_sim/expire-sessions': this.auth.expireAll(); return json(200, { ok: true });
      case 'POST /_sim/remove-site': this.removeSite(String((await bodyJson()).contentUrl ?? '')); return json(200, { ok: true });
      case 'POST /_sim/remove-content': return json(200, this.removeContent(((await bodyJson()).ids as unknown[] | undefined ?? []).map(String)));
      case 'POST /_sim/sink': return json(200, await this.sink(req));
      case 'POST /_sim/broken-views': setBrokenViews(this.store, await bodyJson()); return json(200, { ok: true });
      case 'POST /_sim/metadata-api': setMetadataApi(this.store, await bodyJson()); return json(200, { ok: true });
      case 'POST /_sim/site-settings': return json(200, this.siteSettings(await bodyJson()));
      default: throw errors.notFound('404003', `Unknown simulator route ${key}.`);
    }
  }

  /** An administrator changes a site's revision settings: `{ contentUrl, revisionHistoryEnabled?, revisionLimit? }`. */
  siteSettings(body: Record<string, unknown>): { ok: true } {
    const site = this.store.siteByContentUrl.get(String(body.contentUrl ?? ''));
    if (!site) throw errors.notFound('404000', `No site with contentUrl '${String(body.contentUrl ?? '')}'.`);
    this.revisions.setSettings(site.id, {
      revisionHistoryEnabled: typeof body.revisionHistoryEnabled === 'boolean' ? body.revisionHistoryEnabled : undefined,
      revisionLimit: typeof body.revisionLimit === 'number' ? body.revisionLimit : undefined,
    });
    return { ok: true };
  }

  /** Deletes a site (an admin removed it): its sessions end, its content is gone, sign-ins to it fail 401001. */
  removeSite(contentUrl: string): void {
    const site = this.store.removeSite(contentUrl);
    if (!site) throw errors.notFound('404000', `No site with contentUrl '${contentUrl}'.`);
    this.auth.endSiteSessions(site.id);
  }

  /** A workbook or data source goes from its site, with its revisions and its files (Delete Workbook / Data Source). */
  deleteItem(c: SiteContent, it: ItemRec): void {
    c.removeItem(it);
    this.revisions.drop(it);
    if (it.blob.filePath) fs.rm(it.blob.filePath, { force: true }, () => undefined);
  }

  /**
   * Workbooks, data sources and flows with these ids go, on whatever site, as Delete Workbook /
   * Data Source would remove them (their revisions and files too). The UI tests' driver uses it
   * to take back what a failed try of a scenario published before trying it again.
   */
  removeContent(ids: readonly string[]): { removed: number } {
    const wanted = new Set(ids);
    let removed = 0;
    for (const c of this.store.content.values()) {
      for (const it of [...c.itemList.workbook, ...c.itemList.datasource] as ItemRec[]) {
        if (!wanted.has(it.id)) continue;
        this.deleteItem(c, it);
        removed++;
      }
    }
    return { removed: removed + removeFlows(this.store, wanted) };
  }

  /** Writes the raw body to a file the way publish does (same buffers, same hash) for the benchmark baseline. */
  private async sink(req: http.IncomingMessage): Promise<{ size: number; sha256: string }> {
    const file = path.join(this.dataDir, 'sink', `${randomUUID()}.bin`);
    const ws = fs.createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const c of req as AsyncIterable<Buffer>) {
        size += c.length;
        hash.update(c);
        if (!ws.write(c)) await new Promise<void>((r) => ws.once('drain', r));
      }
      await new Promise<void>((resolve, reject) => ws.end((e?: Error | null) => (e ? reject(e) : resolve())));
    } finally {
      fs.rm(file, { force: true }, () => undefined);
    }
    return { size, sha256: hash.digest('hex') };
  }
}

function matchRoute(pattern: string[], segs: string[]): Record<string, string> | undefined {
  if (pattern.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith('{')) params[p.slice(1, -1)] = decodeURIComponent(segs[i]);
    else if (p.toLowerCase() !== segs[i].toLowerCase()) return undefined;
  }
  return params;
}

function drain(req: http.IncomingMessage): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.resume();
  });
}

/** Up to `max` bytes of the request body as text; the rest is read and dropped. */
async function readCapped(req: http.IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    if (n < max) chunks.push(c.subarray(0, max - n));
    n += c.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Streams `total` bytes of XML-looking filler with backpressure; stops quietly when the client goes away. */
async function streamFiller(res: http.ServerResponse, total: number): Promise<void> {
  const block = Buffer.alloc(Math.min(total, 1024 * 1024), 'a');
  if (block.length > 0) block[0] = 0x3c; // '<': looks like the start of an XML answer
  let left = total;
  while (left > 0 && !res.destroyed) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    left -= piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((r) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          r();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/** Lets the first `limit` body bytes of the answer out, then swallows the rest and never ends it. */
function stallAfter(res: http.ServerResponse, limit: number): void {
  let sent = 0;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const pass = (chunk: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const room = Math.max(0, limit - sent);
    if (room > 0) write(buf.subarray(0, room));
    sent += buf.length;
  };
  res.write = ((chunk: unknown) => {
    pass(chunk);
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    pass(chunk);
    return res;
  }) as typeof res.end;
}

/** Answers normally, but one byte of the body every `ms` (the socket never idles long enough for an idle timeout). */
function trickle(res: http.ServerResponse, ms: number, later: (ms: number, fn: () => void) => void): void {
  const write = res.write.bind(res) as (chunk: unknown) => boolean;
  const end = res.end.bind(res) as () => http.ServerResponse;
  const queued: Buffer[] = [];
  let ended = false;
  const take = (chunk: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    queued.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  };
  let pending = Buffer.alloc(0);
  const tick = (): void => {
    if (res.destroyed) return;
    if (!pending.length && queued.length) pending = Buffer.concat(queued.splice(0));
    if (pending.length) {
      write(pending.subarray(0, 1));
      pending = pending.subarray(1);
    } else if (ended) {
      end();
      return;
    }
    later(ms, tick);
  };
  res.write = ((chunk: unknown) => {
    take(chunk);
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    take(chunk);
    ended = true;
    return res;
  }) as typeof res.end;
  later(ms, tick);
}

/** The request is handled (its effects stay) but its answer never leaves: the connection is dropped instead. */
function dropAnswer(req: http.IncomingMessage, res: http.ServerResponse): void {
  markFaulted(res);
  res.writeHead = (() => res) as unknown as typeof res.writeHead;
  res.end = (() => {
    req.socket.destroy();
    return res;
  }) as unknown as typeof res.end;
}
