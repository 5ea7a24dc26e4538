import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { createClient, createTransport } from '../../../src/core/createClient';
import { TableauError } from '../../../src/core/errors';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { DEMO_PAT } from '../../simulator/demo';
import { capturingLogger } from '../../support/sentinels';
import { pat } from '../../support/simFixture';

describe('core createClient: the one client stack', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  const demoPat = pat(DEMO_PAT.name, DEMO_PAT.secret);

  before(async () => {
    sim = await startSimulator({ demo: true });
  });
  after(async () => {
    await sim.close();
  });

  it('wires HttpClient → TableauRestApi → TableauSession → TableauClient from a typed address', async () => {
    const { logger, lines } = capturingLogger();
    const s = createClient({ server: `${sim.url}/#/site/sales/home`, credential: demoPat, siteContentUrl: 'sales', logger });
    try {
      assert.equal(s.api.httpClient, s.http, 'the API sends through the stack’s HttpClient');
      assert.equal(s.session.api, s.api);
      assert.equal(s.client.session, s.session);
      assert.equal(s.api.server.serverUrl, sim.url, 'a pasted browser address is parsed');
      const projects = await s.client.allProjects();
      assert.ok(projects.some((p) => p.name === 'Sales'));
      assert.ok(lines.some((l) => /sign/i.test(l)), 'the one logger reaches the layers');
    } finally {
      await s.close();
    }
    assert.equal(s.session.current(), undefined, 'close() signed out');
  });

  it('gives every layer the same limit names unless its own options name others', async () => {
    const limitNames = { maxListItems: '--max-items', requestTimeout: '--request-timeout (seconds)' };
    const base = { server: sim.url, credential: demoPat, siteContentUrl: 'sales', limitNames };
    // The HTTP layer: a server that never answers ends at the request deadline.
    const silent = createClient({ ...base, http: { requestTimeoutMs: 100 } });
    sim.injectFault({ match: { pathPattern: 'serverInfo' }, action: { hang: true }, times: 1 });
    try {
      await assert.rejects(silent.session.ensureSignedIn(), (e) => TableauError.is(e, 'timeout') && /raise --request-timeout \(seconds\)/.test(e.message));
    } finally {
      sim.clearFaults();
      await silent.close();
    }
    // The client: pages of 2 (one page is never refused, so the cap shows on a listing of several).
    const capped = createClient({ ...base, client: { maxListItems: 1 } });
    try {
      await assert.rejects(capped.client.allProjects({ pageSize: 2 }), (e) => TableauError.is(e, 'responseTooLarge') && /--max-items/.test(e.message));
    } finally {
      await capped.close();
    }
    const own = createClient({ ...base, client: { maxListItems: 1, limitNames: { maxListItems: 'tableau.maxListItems' } } });
    try {
      await assert.rejects(own.client.allProjects({ pageSize: 2 }), (e) => TableauError.is(e, 'responseTooLarge') && /tableau\.maxListItems/.test(e.message) && !/--max-items/.test(e.message));
    } finally {
      await own.close();
    }
  });

  it('puts sessions of one connection on a shared transport', async () => {
    const versionLookups = (): number => sim.state().counters.requests['GET /api/{v}/serverInfo'] ?? 0;
    const before = versionLookups();
    const transport = createTransport({ server: sim.url });
    const a = createClient({ transport, credential: demoPat, siteContentUrl: 'sales' });
    const b = createClient({ transport, credential: pat('bob-pat', 'bob-pat-secret-41c2'), siteContentUrl: 'sales' });
    try {
      assert.equal(a.http, transport.http);
      assert.equal(b.api, transport.api);
      const [sa, sb] = await Promise.all([a.session.ensureSignedIn(), b.session.ensureSignedIn()]);
      assert.notEqual(sa.token, sb.token, 'two sessions');
      assert.equal(versionLookups() - before, 1, 'one API version lookup for both');
    } finally {
      await a.session.signOut();
      await b.close();
    }
  });

  it('close() is bounded: a server that never answers does not keep it', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((sock) => sockets.add(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const s = createClient({ server: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, credential: demoPat, siteContentUrl: '', apiVersion: '3.23' });
      const signingIn = s.session.ensureSignedIn().then(
        () => 'signed in',
        (e: unknown) => (TableauError.is(e) ? e.reason : String(e)),
      );
      await s.close({ waitMs: 100 });
      // The sign-in still under way was destroyed with the connections, not left hanging.
      assert.notEqual(await signingIn, 'signed in');
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
