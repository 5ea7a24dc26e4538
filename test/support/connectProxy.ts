/**
 * A small forwarding HTTP proxy for tests: CONNECT tunnels (what undici's ProxyAgent uses
 * for https and, by default, http targets) and absolute-form plain http requests. It records
 * what it was asked to reach, can demand Proxy-Authorization, and can send every tunnel to
 * one fixed address, so a made-up host name ("tableau.corp.test") reaches the simulator.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface ConnectProxyOptions {
  /** Every tunnel and request goes here instead of the host it names (host:port). */
  forwardTo?: { host: string; port: number };
  /** Required `Proxy-Authorization: Basic ...` user:password; anything else gets 407. */
  auth?: { user: string; password: string };
}

export interface RunningProxy {
  url: string;
  port: number;
  /** `host:port` of every CONNECT, and `GET http://...` of every forwarded plain request, in order. */
  readonly seen: string[];
  /** Raw Proxy-Authorization headers received (to check what crossed the wire). */
  readonly authHeaders: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(opts: ConnectProxyOptions = {}): Promise<RunningProxy> {
  const seen: string[] = [];
  const authHeaders: string[] = [];
  const sockets = new Set<net.Socket>();
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}` : undefined;
  const authorized = (req: http.IncomingMessage): boolean => {
    const h = req.headers['proxy-authorization'];
    if (typeof h === 'string') authHeaders.push(h);
    return expected === undefined || h === expected;
  };
  const target = (host: string, port: number): { host: string; port: number } => opts.forwardTo ?? { host, port };

  const server = http.createServer((req, res) => {
    // Absolute-form request: "GET http://host:port/path HTTP/1.1".
    if (!authorized(req)) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"', 'Content-Length': '0' });
      res.end();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'Content-Length': '0' });
      res.end();
      return;
    }
    seen.push(`${req.method} ${url.origin}`);
    const t = target(url.hostname, Number(url.port || 80));
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = http.request({ host: t.host, port: t.port, method: req.method, path: `${url.pathname}${url.search}`, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (!authorized(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, portText] = splitHostPort(req.url ?? '');
    seen.push(`${host}:${portText}`);
    const t = target(host, Number(portText));
    const upstream = net.connect(t.port, t.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    authHeaders,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

function splitHostPort(authority: string): [string, string] {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(authority) ?? /^([^:]+):(\d+)$/.exec(authority);
  return m ? [m[1], m[2]] : [authority, '443'];
}
