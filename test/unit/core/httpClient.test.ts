import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { TableauError } from '../../../src/core/errors';
import { HttpClient, proxyOptionsFromEnv } from '../../../src/core/http/httpClient';
import { makeSelfSignedCert } from '../../simulator';
import { startConnectProxy } from '../../support/connectProxy';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function close(server: net.Server): Promise<void> {
  (server as http.Server).closeAllConnections?.();
  return new Promise((r) => server.close(() => r()));
}

describe('HttpClient', () => {
  let server: http.Server;
  let base: string;
  let handler: Handler = (_req, res) => res.end('ok');
  let client: HttpClient;

  before(async () => {
    server = http.createServer((req, res) => handler(req, res));
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(() => close(server));
  beforeEach(() => {
    client = new HttpClient({ headersTimeoutMs: 300, bodyTimeoutMs: 300, connectTimeoutMs: 2000 });
  });
  afterEach(() => client.close());

  it('sends the product User-Agent and lower-cases answer headers', async () => {
    let ua = '';
    handler = (req, res) => {
      ua = String(req.headers['user-agent']);
      res.setHeader('X-Thing', 'v');
      res.end('hi');
    };
    const r = await client.request({ method: 'GET', url: `${base}/x` });
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'hi');
    assert.equal(r.headers['x-thing'], 'v');
    assert.match(ua, /^tableau-publisher\/\d+\.\d+\.\d+ \(node \d+/);
  });

  it('streams an AsyncIterable body with an exact Content-Length (never chunked)', async () => {
    let seen: { length?: string; te?: string; bytes: number } = { bytes: 0 };
    handler = (req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        seen = { length: req.headers['content-length'], te: req.headers['transfer-encoding'], bytes };
        res.end();
      });
    };
    async function* body(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 16; i++) yield new Uint8Array(64 * 1024).fill(i);
    }
    await client.request({ method: 'PUT', url: `${base}/up`, body: body(), contentLength: 16 * 64 * 1024 });
    assert.deepEqual(seen, { length: String(16 * 64 * 1024), te: undefined, bytes: 16 * 64 * 1024 });
    await assert.rejects(client.request({ method: 'PUT', url: `${base}/up`, body: body() }), (e) => TableauError.is(e, 'invalidArgument'));
  });

  it('refuses answers above maxResponseBytes, declared or streamed', async () => {
    handler = (_req, res) => res.end(Buffer.alloc(2048));
    await assert.rejects(client.request({ method: 'GET', url: `${base}/big`, maxResponseBytes: 1024 }), (e) => TableauError.is(e, 'responseTooLarge') && /larger than/.test(e.message));
    handler = (_req, res) => {
      res.write(Buffer.alloc(800));
      res.end(Buffer.alloc(800)); // chunked: no content-length
    };
    await assert.rejects(client.request({ method: 'GET', url: `${base}/big`, maxResponseBytes: 1024 }), (e) => TableauError.is(e, 'responseTooLarge'));
  });

  it('streams a 2xx body to a slow sink with backpressure and reports progress', async () => {
    const size = 6 * 1024 * 1024;
    const payload = Buffer.alloc(size, 7);
    handler = (_req, res) => {
      res.setHeader('content-length', String(size));
      res.end(payload);
    };
    const received: Buffer[] = [];
    let maxBuffered = 0;
    const sink = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk);
        maxBuffered = Math.max(maxBuffered, sink.writableLength);
        setImmediate(cb);
      },
    });
    let last = 0;
    const r = await client.request({ method: 'GET', url: `${base}/dl`, responseSink: sink, maxResponseBytes: 1024, onResponseProgress: (n) => (last = n) });
    assert.equal(r.body.length, 0);
    assert.equal(Buffer.concat(received).length, size);
    assert.equal(last, size);
    assert.ok(maxBuffered <= 1024 * 1024, `sink buffered ${maxBuffered} bytes`);
    assert.ok(sink.writableFinished);
  });

  it('buffers an error answer even when a sink is given', async () => {
    handler = (_req, res) => {
      res.statusCode = 404;
      res.end('<tsResponse/>');
    };
    const sink = new Writable({ write: (_c, _e, cb) => cb(new Error('must not be written')) });
    const r = await client.request({ method: 'GET', url: `${base}/dl`, responseSink: sink });
    assert.equal(r.status, 404);
    assert.equal(r.body.toString(), '<tsResponse/>');
  });

  it('maps a refused connection to network, naming the host', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await close(probe);
    await assert.rejects(client.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }), (e) => {
      assert.ok(TableauError.is(e, 'network'));
      assert.equal(e.message.startsWith(`Could not reach 127.0.0.1:${port}: connection refused`), true, e.message);
      return true;
    });
  });

  it('maps an unknown host name to network', async () => {
    await assert.rejects(client.request({ method: 'GET', url: 'http://no-such-host.invalid/' }), (e) => TableauError.is(e, 'network') && /no-such-host\.invalid/.test(e.message));
  });

  it('maps a server that never answers to timeout, and an abort to cancelled', async () => {
    handler = () => undefined; // hang
    await assert.rejects(client.request({ method: 'GET', url: `${base}/hang` }), (e) => TableauError.is(e, 'timeout'));
    const ac = new AbortController();
    const slow = new HttpClient({ headersTimeoutMs: 10_000 });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(slow.request({ method: 'GET', url: `${base}/hang`, signal: ac.signal }), (e) => TableauError.is(e, 'cancelled'));
    await slow.close();
  });

  it('maps a dropped connection to network', async () => {
    handler = (req) => req.socket.destroy();
    await assert.rejects(client.request({ method: 'GET', url: `${base}/drop` }), (e) => TableauError.is(e, 'network') && /closed unexpectedly/.test(e.message));
  });
});

describe('HttpClient TLS', function () {
  this.timeout(20_000);
  let server: https.Server;
  let url: string;
  let cert: string;

  before(async () => {
    const pair = makeSelfSignedCert();
    cert = pair.cert;
    server = https.createServer({ cert: pair.cert, key: pair.key }, (_req, res) => res.end('secure'));
    url = `https://127.0.0.1:${await listen(server)}/`;
  });
  after(() => close(server));

  it('refuses a self-signed certificate with an actionable message', async () => {
    const c = new HttpClient();
    try {
      await assert.rejects(c.request({ method: 'GET', url }), (e) => TableauError.is(e, 'tls') && /CA certificate file/.test(e.message) && e.message.includes('127.0.0.1'));
    } finally {
      await c.close();
    }
  });

  it('accepts it with the extra CA, or when verification is explicitly off', async () => {
    for (const opts of [{ caPem: cert }, { rejectUnauthorized: false }]) {
      const c = new HttpClient(opts);
      try {
        assert.equal((await c.request({ method: 'GET', url })).body.toString(), 'secure');
      } finally {
        await c.close();
      }
    }
  });
});

describe('proxy', () => {
  it('proxyOptionsFromEnv reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'proxy2:8080', NO_PROXY: 'localhost,.internal.example.com,10.1.2.3:8443' };
    assert.deepEqual(proxyOptionsFromEnv(env), { proxyUrl: 'http://proxy:3128', httpProxyUrl: 'http://proxy2:8080', noProxy: env.NO_PROXY });
    // HTTP_PROXY alone serves https targets too; HTTPS_PROXY alone leaves http targets direct.
    assert.deepEqual(proxyOptionsFromEnv({ http_proxy: 'p:1' }), { proxyUrl: 'http://p:1', httpProxyUrl: 'http://p:1' });
    assert.deepEqual(proxyOptionsFromEnv({ HTTPS_PROXY: 'http://p:1', https_proxy: 'http://q:2' }), { proxyUrl: 'http://p:1', httpProxyUrl: '' });
    assert.deepEqual(proxyOptionsFromEnv({ NO_PROXY: '*' }), { noProxy: '*' });
    assert.deepEqual(proxyOptionsFromEnv({}), {});
  });

  it('NO_PROXY hosts, domain suffixes, host:port and * go direct, per request; the rest through the proxy', async () => {
    const target = http.createServer((_req, res) => res.end('ok'));
    const targetPort = await listen(target);
    const proxy = await startConnectProxy({ forwardTo: { host: '127.0.0.1', port: targetPort } });
    // Names that do not resolve: reached only through the proxy (which forwards them to `target`), or not at all.
    const through = async (noProxy: string, url: string): Promise<boolean> => {
      const c = new HttpClient({ proxyUrl: proxy.url, noProxy, connectTimeoutMs: 5000 });
      const before = proxy.seen.length;
      try {
        await c.request({ method: 'GET', url });
        return proxy.seen.length > before;
      } catch {
        return proxy.seen.length > before;
      } finally {
        await c.destroy();
      }
    };
    try {
      const list = 'localhost,.internal.example.test,10.1.2.3:8443';
      assert.equal(await through(list, `http://tableau.example.test:${targetPort}/`), true);
      assert.equal(await through(list, 'http://a.internal.example.test/'), false);
      assert.equal(await through(list, 'http://internal.example.test/'), false);
      assert.equal(await through(list, `http://127.0.0.1:${targetPort}/`), true);
      assert.equal(await through(`127.0.0.1:${targetPort}`, `http://127.0.0.1:${targetPort}/`), false);
      assert.equal(await through('127.0.0.1:1', `http://127.0.0.1:${targetPort}/`), true);
      assert.equal(await through('*', `http://tableau.example.test:${targetPort}/`), false);
      assert.equal(await through('', `http://tableau.example.test:${targetPort}/`), true);
    } finally {
      await proxy.close();
      await close(target);
    }
  });

  it('sends requests through an HTTP CONNECT proxy', async () => {
    const target = http.createServer((_req, res) => res.end('via proxy'));
    const targetPort = await listen(target);
    let tunnels = 0;
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      tunnels++;
      const [host, port] = String(req.url).split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    const proxyPort = await listen(proxy);
    const c = new HttpClient({ proxyUrl: `http://127.0.0.1:${proxyPort}` });
    try {
      const r = await c.request({ method: 'GET', url: `http://127.0.0.1:${targetPort}/` });
      assert.equal(r.body.toString(), 'via proxy');
      assert.equal(tunnels, 1);
    } finally {
      await c.close();
      await close(proxy);
      await close(target);
    }
  });
});
