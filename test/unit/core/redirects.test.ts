// Redirects and credentials (issue #13, finding 1): a sign-in is followed only to the same
// origin or from one Tableau Cloud pod to another, never to plain http on another machine;
// the session token never goes to another origin. Hostile servers made here record every
// request they receive; made-up host names reach them through a recording CONNECT proxy.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { TableauRestApi } from '../../../src/core/api/restApi';
import type { Credential } from '../../../src/core/auth/credentials';
import { TableauError } from '../../../src/core/errors';
import { HttpClient, type HttpClientOptions } from '../../../src/core/http/httpClient';
import { isTableauCloudPod, mayFollowWithCredentials, mayFollowWithoutCredentials } from '../../../src/core/http/redirects';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import { makeSelfSignedCert } from '../../simulator/tls';
import { startConnectProxy, type RunningProxy } from '../../support/connectProxy';
import { capturingLogger, sentinel, SentinelScanner } from '../../support/sentinels';

const STATUSES = [301, 302, 303, 307, 308] as const;
const V = '3.23';

interface Seen {
  method: string;
  host: string;
  path: string;
  auth?: string;
  body: string;
}

type Answer = (req: Seen) => { status: number; headers?: Record<string, string>; body?: string };

/** A server that records what it receives and answers with `answer` (replaceable per case). */
interface Recorder {
  url: string;
  port: number;
  seen: Seen[];
  answer: Answer;
  close(): Promise<void>;
}

async function recorder(tls?: { cert: string; key: string }): Promise<Recorder> {
  const rec: Recorder = { url: '', port: 0, seen: [], answer: () => ({ status: 404 }), close: async () => undefined };
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', host: req.headers.host ?? '', path: req.url ?? '', auth: req.headers['x-tableau-auth'] as string | undefined, body: Buffer.concat(chunks).toString('utf8') };
      rec.seen.push(s);
      const a = rec.answer(s);
      const body = a.body ?? '';
      res.writeHead(a.status, { 'content-length': String(Buffer.byteLength(body)), ...(a.headers ?? {}) });
      res.end(body);
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rec.port = (server.address() as AddressInfo).port;
  rec.url = `${tls ? 'https' : 'http'}://127.0.0.1:${rec.port}`;
  rec.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return rec;
}

function credentialsXml(token: string): string {
  return `<tsResponse xmlns="http://tableau.com/api"><credentials token="${token}"><site id="site-luid" contentUrl=""/><user id="user-luid"/></credentials></tsResponse>`;
}
const PROJECTS_XML = '<tsResponse xmlns="http://tableau.com/api"><pagination pageNumber="1" pageSize="100" totalAvailable="0"/><projects/></tsResponse>';

const isSignIn = (s: Seen): boolean => s.method === 'POST' && /\/auth\/signin$/.test(s.path);

describe('redirects: the rule', () => {
  const u = (s: string): URL => new URL(s);
  it('with credentials: same origin, or pod to pod over https; never plain http on another machine', () => {
    const yes: [string, string][] = [
      ['https://tableau.example.com/api/3.23/auth/signin', 'https://tableau.example.com/tableau/api/3.23/auth/signin'],
      ['http://127.0.0.1:8000/api/3.23/auth/signin', 'http://127.0.0.1:8000/prefix/api/3.23/auth/signin'],
      ['https://online.tableau.com/api/3.23/auth/signin', 'https://10ay.online.tableau.com/api/3.23/auth/signin'],
      ['https://10ax.online.tableau.com/api/3.23/auth/signin', 'https://prod-useast-b.online.tableau.com/api/3.23/auth/signin'],
    ];
    const no: [string, string][] = [
      ['https://tableau.example.com/a', 'https://other.example.com/a'], // another origin
      ['https://tableau.example.com/a', 'http://tableau.example.com/a'], // downgrade
      ['http://tableau.example.com/a', 'http://tableau.example.com/b'], // same origin but in clear on another machine
      ['http://127.0.0.1:8000/a', 'http://127.0.0.1:9000/a'], // another origin, even on this machine
      ['http://127.0.0.1:8000/a', 'http://localhost:8000/a'],
      ['https://online.tableau.com/a', 'http://10ay.online.tableau.com/a'], // a pod over http
      ['https://online.tableau.com/a', 'https://10ay.online.tableau.com:8443/a'], // not a pod's port
      ['https://online.tableau.com/a', 'https://online.tableau.com.evil.example/a'],
      ['https://online.tableau.com/a', 'https://evilonline.tableau.com.example/a'],
      ['https://tableau.example.com/a', 'https://10ay.online.tableau.com/a'], // into Tableau Cloud from elsewhere
      ['https://10ay.online.tableau.com/a', 'https://tableau.example.com/a'],
      ['https://tableau.example.com/a', 'https://user:pw@tableau.example.com/a'],
      ['https://tableau.example.com/a', 'ftp://tableau.example.com/a'],
      ['http://foo.localhost:8000/a', 'http://foo.localhost:8000/b'], // *.localhost is not loopback
    ];
    for (const [f, t] of yes) assert.equal(mayFollowWithCredentials(u(f), u(t)), true, `${f} -> ${t}`);
    for (const [f, t] of no) assert.equal(mayFollowWithCredentials(u(f), u(t)), false, `${f} -> ${t}`);
    assert.equal(isTableauCloudPod(u('https://ONLINE.tableau.com')), true);
    assert.equal(isTableauCloudPod(u('http://10ay.online.tableau.com')), false);
  });

  it('without credentials (a download after the token is dropped): anywhere but down to http or plain http elsewhere', () => {
    assert.equal(mayFollowWithoutCredentials(u('https://t.example.com/a'), u('https://blobs.example.net/x?sig=1')), true);
    assert.equal(mayFollowWithoutCredentials(u('http://127.0.0.1:1/a'), u('http://127.0.0.1:2/x')), true);
    assert.equal(mayFollowWithoutCredentials(u('http://t.example.com/a'), u('http://t.example.com/x')), true);
    assert.equal(mayFollowWithoutCredentials(u('https://t.example.com/a'), u('http://blobs.example.net/x')), false);
    assert.equal(mayFollowWithoutCredentials(u('http://127.0.0.1:1/a'), u('http://blobs.example.net/x')), false);
    assert.equal(mayFollowWithoutCredentials(u('https://t.example.com/a'), u('http://127.0.0.1:2/x')), false);
  });
});

describe('redirects: sign-in on the wire (hostile servers)', function () {
  this.timeout(30_000);
  const secret = sentinel('redirectpat');
  const credential: Credential = { kind: 'pat', tokenName: 'redirect-pat', tokenSecret: secret.value };
  let tableau: Recorder; // the server the user named
  let elsewhere: Recorder; // another origin on this machine
  let pods: Recorder; // https, serves every *.online.tableau.com name (reached through the proxy)
  let proxy: RunningProxy; // forwards every tunnel to `pods`, records what it was asked for
  let podTls: { cert: string; key: string };

  before(async () => {
    podTls = makeSelfSignedCert(['online.tableau.com', '*.online.tableau.com', 'tableau.example.test', 'evil.example.test']);
    [tableau, elsewhere, pods] = await Promise.all([recorder(), recorder(), recorder(podTls)]);
    proxy = await startConnectProxy({ forwardTo: { host: '127.0.0.1', port: pods.port } });
  });
  after(async () => {
    await Promise.all([tableau.close(), elsewhere.close(), pods.close(), proxy.close()]);
  });
  beforeEach(() => {
    for (const r of [tableau, elsewhere, pods]) r.seen.length = 0;
    proxy.seen.length = 0;
  });

  /** A client on `serverUrl`; made-up names go through the proxy, 127.0.0.1 directly. */
  function make(serverUrl: string, extra: HttpClientOptions = {}): { api: TableauRestApi; http: HttpClient; lines: string[] } {
    const { logger, lines } = capturingLogger();
    const client = new HttpClient({ proxyUrl: proxy.url, noProxy: '127.0.0.1', caPem: podTls.cert, logger, ...extra });
    return { api: new TableauRestApi({ server: parseServerAddress(serverUrl), http: client, apiVersion: V, logger }), http: client, lines };
  }

  function noSecretIn(texts: { where: string; text: string }[], e?: unknown): void {
    const scanner = new SentinelScanner([secret]);
    for (const t of texts) scanner.scanText(t.text, t.where);
    if (e !== undefined) scanner.scanError(e, 'error');
    assert.equal(scanner.hits.length, 0, scanner.report());
  }

  for (const status of STATUSES) {
    it(`${status} to the same origin (another path): a new sign-in there, then every call goes there`, async () => {
      tableau.answer = (s) =>
        s.path === `/api/${V}/auth/signin`
          ? { status, headers: { location: `/tableau/api/${V}/auth/signin` } }
          : isSignIn(s)
            ? { status: 200, body: credentialsXml('token-after-move') }
            : { status: 200, body: PROJECTS_XML };
      const { api, http: client, lines } = make(tableau.url);
      try {
        const auth = await api.signIn(credential, '');
        assert.equal(api.server.serverUrl, `${tableau.url}/tableau`);
        await api.send(auth.token, { method: 'GET', path: `sites/${auth.siteId}/projects` });
        assert.deepEqual(tableau.seen.map((s) => `${s.method} ${s.path}`), [`POST /api/${V}/auth/signin`, `POST /tableau/api/${V}/auth/signin`, `GET /tableau/api/${V}/sites/site-luid/projects`]);
        // The second sign-in is a request built from the credential, not a replay of bytes.
        assert.ok(tableau.seen[1].body.includes(secret.value));
        assert.equal(tableau.seen[2].auth, 'token-after-move');
        assert.ok(lines.some((l) => l.startsWith('warn:') && l.includes(`${tableau.url}/tableau`)), 'the move is reported');
        noSecretIn([{ where: 'log', text: lines.join('\n') }]);
      } finally {
        await client.close();
      }
    });

    it(`${status} to another origin on this machine: refused, nothing sent there`, async () => {
      tableau.answer = () => ({ status, headers: { location: `${elsewhere.url}/api/${V}/auth/signin` } });
      const { api, http: client, lines } = make(tableau.url);
      try {
        const e = await api.signIn(credential, '').then(() => undefined, (x: unknown) => x);
        assert.ok(TableauError.is(e, 'redirectRefused'), String(e));
        assert.ok(e.message.includes(tableau.url) && e.message.includes(elsewhere.url), e.message);
        assert.match(e.message, /update the server address/);
        assert.equal(elsewhere.seen.length, 0);
        assert.equal(tableau.seen.length, 1);
        assert.equal(api.server.serverUrl, tableau.url, 'the server did not move');
        noSecretIn([{ where: 'log', text: lines.join('\n') }], e);
      } finally {
        await client.close();
      }
    });

    it(`${status} to plain http on another machine: refused, nothing sent (not even to the proxy)`, async () => {
      tableau.answer = () => ({ status, headers: { location: `http://tableau.example.test/api/${V}/auth/signin` } });
      const { api, http: client } = make(tableau.url);
      try {
        await assert.rejects(api.signIn(credential, ''), (e) => TableauError.is(e, 'redirectRefused') && /plain http/.test(e.message) && e.message.includes('http://tableau.example.test'));
        assert.deepEqual(proxy.seen, []);
        assert.equal(pods.seen.length, 0);
      } finally {
        await client.close();
      }
    });

    it(`${status} from one Tableau Cloud pod to another: a new sign-in on the new pod, which serves every later call`, async () => {
      pods.answer = (s) =>
        s.host === 'online.tableau.com' && isSignIn(s)
          ? { status, headers: { location: `https://10ay.online.tableau.com/api/${V}/auth/signin` } }
          : isSignIn(s)
            ? { status: 200, body: credentialsXml('pod-token') }
            : { status: 200, body: PROJECTS_XML };
      const { api, http: client, lines } = make('https://online.tableau.com');
      try {
        const auth = await api.signIn(credential, '');
        assert.equal(api.server.serverUrl, 'https://10ay.online.tableau.com');
        await api.send(auth.token, { method: 'GET', path: `sites/${auth.siteId}/projects` });
        assert.deepEqual(pods.seen.map((s) => `${s.method} ${s.host}${s.path}`), [
          `POST online.tableau.com/api/${V}/auth/signin`,
          `POST 10ay.online.tableau.com/api/${V}/auth/signin`,
          `GET 10ay.online.tableau.com/api/${V}/sites/site-luid/projects`,
        ]);
        assert.ok(pods.seen[1].body.includes(secret.value));
        assert.deepEqual([...new Set(proxy.seen)], ['online.tableau.com:443', '10ay.online.tableau.com:443']);
        noSecretIn([{ where: 'log', text: lines.join('\n') }]);
      } finally {
        await client.close();
      }
    });

    it(`${status} from a pod to a host that is not a pod: refused, nothing sent there`, async () => {
      pods.answer = () => ({ status, headers: { location: `https://evil.example.test/api/${V}/auth/signin` } });
      const { api, http: client } = make('https://online.tableau.com');
      try {
        await assert.rejects(api.signIn(credential, ''), (e) => TableauError.is(e, 'redirectRefused') && e.message.includes('https://online.tableau.com') && e.message.includes('https://evil.example.test'));
        assert.deepEqual(proxy.seen, ['online.tableau.com:443']);
        assert.deepEqual(pods.seen.map((s) => s.host), ['online.tableau.com']);
      } finally {
        await client.close();
      }
    });
  }

  it('a redirect to plain http on the same origin off this machine is refused (no second send in clear)', async () => {
    // The user chose http:// (and was warned); a proxy forwards the made-up host to a recorder.
    const plain = await recorder();
    const plainProxy = await startConnectProxy({ forwardTo: { host: '127.0.0.1', port: plain.port } });
    const client = new HttpClient({ proxyUrl: plainProxy.url });
    try {
      plain.answer = () => ({ status: 301, headers: { location: `http://tableau.example.test/tableau/api/${V}/auth/signin` } });
      const api = new TableauRestApi({ server: parseServerAddress('http://tableau.example.test'), http: client, apiVersion: V });
      await assert.rejects(api.signIn(credential, ''), (e) => TableauError.is(e, 'redirectRefused'));
      assert.equal(plain.seen.length, 1, 'only the request the user asked for');
    } finally {
      await Promise.all([client.close(), plain.close(), plainProxy.close()]);
    }
  });

  it('a server that echoes the credential into the Location: refused, and the address is never printed', async () => {
    const special = sentinel('echoedpat', true);
    const echoed: Credential = { kind: 'pat', tokenName: 'echo-pat', tokenSecret: special.value };
    const places = [
      (x: string) => `/${encodeURIComponent(x)}/api/${V}/auth/signin`, // same origin, as a path prefix
      (x: string) => `${elsewhere.url}/${encodeURIComponent(x)}/api/${V}/auth/signin`, // another origin
      (x: string) => `/${Buffer.from(x).toString('base64url')}/api/${V}/auth/signin`,
    ];
    for (const place of places) {
      tableau.answer = (s) => {
        const m = /personalAccessTokenSecret="([^"]*)"/.exec(s.body);
        const got = (m?.[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;|&#39;/g, "'").replace(/&amp;/g, '&');
        return { status: 307, headers: { location: place(got) } };
      };
      const { api, http: client, lines } = make(tableau.url);
      try {
        const e = await api.signIn(echoed, '').then(() => undefined, (x: unknown) => x);
        assert.ok(TableauError.is(e, 'redirectRefused'), String(e));
        assert.equal(api.server.serverUrl, tableau.url);
        assert.equal(elsewhere.seen.length, 0);
        const scanner = new SentinelScanner([special]);
        scanner.scanError(e, 'error');
        scanner.scanText(lines.join('\n'), 'log');
        assert.equal(scanner.hits.length, 0, scanner.report());
      } finally {
        await client.close();
      }
    }
  });

  it('a session keeps talking to the server that issued its token after another sign-in moved the api', async () => {
    let n = 0;
    tableau.answer = (s) => {
      if (s.path === `/api/${V}/auth/signin`) return ++n === 1 ? { status: 200, body: credentialsXml('first-token') } : { status: 301, headers: { location: `/tableau/api/${V}/auth/signin` } };
      if (isSignIn(s)) return { status: 200, body: credentialsXml('second-token') };
      return { status: 200, body: PROJECTS_XML };
    };
    const { api, http: client } = make(tableau.url);
    try {
      const first = await api.signIn(credential, '');
      const second = await api.signIn(credential, '');
      await api.send(first.token, { method: 'GET', path: 'sites/site-luid/projects' });
      await api.send(second.token, { method: 'GET', path: 'sites/site-luid/projects' });
      await api.signOut(first.token).catch(() => undefined);
      const calls = tableau.seen.filter((s) => !isSignIn(s)).map((s) => `${s.auth} ${s.method} ${s.path}`);
      assert.deepEqual(calls, [
        `first-token GET /api/${V}/sites/site-luid/projects`,
        `second-token GET /tableau/api/${V}/sites/site-luid/projects`,
        `first-token POST /api/${V}/auth/signout`,
      ]);
    } finally {
      await client.close();
    }
  });

  describe('every other request', () => {
    for (const status of STATUSES) {
      it(`${status} on a POST is not followed: nothing reaches the other origin`, async () => {
        tableau.answer = () => ({ status, headers: { location: `${elsewhere.url}/api/${V}/sites/s/projects` } });
        const { api, http: client } = make(tableau.url);
        try {
          await assert.rejects(api.send('session-token-abc', { method: 'POST', path: 'sites/s/projects', body: '<tsRequest/>', contentType: 'text/xml' }), (e) => TableauError.is(e));
          assert.equal(elsewhere.seen.length, 0);
        } finally {
          await client.close();
        }
      });

      it(`${status} on a download: followed, the session token goes to the first origin only`, async () => {
        tableau.answer = () => ({ status, headers: { location: `${elsewhere.url}/blob?sig=1` } });
        elsewhere.answer = () => ({ status: 200, body: 'FILE' });
        const { api, http: client } = make(tableau.url);
        try {
          const chunks: Buffer[] = [];
          const sink = new Writable({ write: (c: Buffer, _e, cb) => { chunks.push(c); cb(); } });
          await api.send('session-token-abc', { method: 'GET', path: 'sites/s/workbooks/w/content', responseSink: sink, followRedirects: true });
          assert.equal(Buffer.concat(chunks).toString(), 'FILE');
          assert.deepEqual([tableau.seen[0].auth, elsewhere.seen[0].auth], ['session-token-abc', undefined]);
        } finally {
          await client.close();
        }
      });
    }

    it('a redirect that is not followed never names an address built from the credential (lower-cased, as a host)', async () => {
      const hostSecret = sentinel('echoedhost');
      const cred: Credential = { kind: 'pat', tokenName: 'echo-host-pat', tokenSecret: hostSecret.value };
      const lower = hostSecret.value.toLowerCase();
      tableau.answer = (s) => (isSignIn(s) ? { status: 200, body: credentialsXml('host-echo-token') } : { status: 302, headers: { location: `https://${lower}.example.test/api/${V}/sites/s/projects` } });
      const { api, http: client, lines } = make(tableau.url);
      try {
        const auth = await api.signIn(cred, '');
        const e = await api.send(auth.token, { method: 'GET', path: 'sites/s/projects' }).then(() => undefined, (x: unknown) => x);
        assert.ok(TableauError.is(e), String(e));
        const text = [String((e as Error).message), ...lines].join('\n').toLowerCase();
        assert.ok(!text.includes(lower), `the address built from the credential is shown: ${(e as Error).message}`);
        assert.match((e as Error).message, /redirected/);
      } finally {
        await client.close();
      }
    });

    it('a download redirected to plain http on another machine is refused', async () => {
      tableau.answer = () => ({ status: 302, headers: { location: 'http://tableau.example.test/blob' } });
      const { api, http: client } = make(tableau.url);
      try {
        const sink = new Writable({ write: (_c, _e, cb) => cb() });
        await assert.rejects(api.send('session-token-abc', { method: 'GET', path: 'sites/s/workbooks/w/content', responseSink: sink, followRedirects: true }), (e) => TableauError.is(e, 'redirectRefused'));
        assert.deepEqual(proxy.seen, []);
      } finally {
        await client.close();
      }
    });
  });
});
