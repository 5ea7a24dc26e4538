/** The CLI's limit flags: parsed and checked, passed to the client, and named in the message when a limit ends a run. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { HELP, parseCli } from '../../../src/cli/args';
import { runCli } from '../../../src/cli/main';
import { EXIT } from '../../../src/cli/exitCodes';

const SIGN_IN = '<tsResponse><credentials token="cli-hostile-token"><site id="s1" contentUrl=""/><user id="u1"/></credentials></tsResponse>';

/** Signs anyone in; answers serverInfo; hands project listings to `projects` (which may never answer). */
async function server(projects: (res: http.ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const srv = http.createServer((req, res) => {
    req.resume();
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    if (p.endsWith('/serverInfo')) return void res.writeHead(200, { 'content-type': 'application/xml' }).end('<tsResponse><serverInfo><productVersion>2024.2</productVersion><restApiVersion>3.23</restApiVersion></serverInfo></tsResponse>');
    if (p.endsWith('/auth/signin')) return void res.writeHead(200, { 'content-type': 'application/xml' }).end(SIGN_IN);
    if (p.endsWith('/auth/signout')) return void res.writeHead(204).end();
    projects(res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => r()))),
  };
}

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  stdout.resume();
  const env = { TABLEAU_PAT_NAME: 'n', TABLEAU_PAT_SECRET: 'cli-limits-secret' };
  const code = await runCli(argv, { env, stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, signal: new AbortController().signal });
  return { code, stderr: err };
}

describe('CLI: limit flags', function () {
  this.timeout(10_000);

  it('parses --request-timeout, --transfer-timeout and --max-items, refusing anything but a positive whole number', () => {
    const c = parseCli(['ls', 'projects', '--request-timeout', '45', '--transfer-timeout', '600', '--max-items', '500000']);
    assert.ok(c.command === 'ls');
    assert.equal(c.requestTimeoutSeconds, 45);
    assert.equal(c.transferTimeoutMinutes, 600);
    assert.equal(c.maxListItems, 500_000);
    for (const bad of ['0', '-1', '2.5', 'x']) assert.throws(() => parseCli(['ls', 'projects', `--request-timeout=${bad}`]), /--request-timeout must be a whole number/);
    assert.match(HELP, /--request-timeout S .*default 30/);
    assert.match(HELP, /--max-items N .*default 200000/);
  });

  it('a listing over --max-items ends with exit 5 and a message naming the flag', async () => {
    const s = await server((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pagination: { pageNumber: '1', pageSize: '1', totalAvailable: '1000000000' }, projects: { project: [{ id: 'p1', name: 'P' }] } })),
    );
    try {
      const r = await run(['ls', 'projects', '--server', s.url, '--max-items', '1000']);
      assert.equal(r.code, EXIT.serverOrNetwork, r.stderr);
      assert.match(r.stderr, /more than the 1000 .*raise --max-items/);
    } finally {
      await s.close();
    }
  });

  it('a listing the server never answers ends at --request-timeout with a message naming the flag', async () => {
    const s = await server(() => undefined);
    try {
      const r = await run(['ls', 'projects', '--server', s.url, '--request-timeout', '1']);
      assert.equal(r.code, EXIT.serverOrNetwork, r.stderr);
      assert.match(r.stderr, /did not finish answering within 1 s \(list projects\).*raise --request-timeout/);
    } finally {
      await s.close();
    }
  });
});
