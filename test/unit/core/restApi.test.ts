import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { TableauError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http/httpClient';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import { buildQuery, TableauRestApi } from '../../../src/core/api/restApi';

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('TableauRestApi wire details', () => {
  it('encodes query values but keeps filter separators readable', () => {
    assert.equal(buildQuery({ pageSize: 10, filter: 'name:eq:A & B,parentProjectId:eq:x', skip: undefined, flag: true }), '?pageSize=10&filter=name:eq:A%20%26%20B,parentProjectId:eq:x&flag=true');
    assert.equal(buildQuery({}), '');
  });

  it('follows a download redirect without sending the session token to another origin', async () => {
    const seen: { where: string; auth?: string }[] = [];
    const storage = await serve((req, res) => {
      seen.push({ where: 'storage', auth: req.headers['x-tableau-auth'] as string | undefined });
      res.end('FILE-BYTES');
    });
    const tableau = await serve((req, res) => {
      seen.push({ where: 'tableau', auth: req.headers['x-tableau-auth'] as string | undefined });
      res.writeHead(302, { location: `${storage.url}/blob?sig=1` });
      res.end();
    });
    const client = new HttpClient();
    try {
      const api = new TableauRestApi({ server: parseServerAddress(tableau.url), http: client, apiVersion: '3.23' });
      const chunks: Buffer[] = [];
      const sink = new Writable({ write: (c: Buffer, _e, cb) => { chunks.push(c); cb(); } });
      await api.send('session-token-xyz', { method: 'GET', path: 'sites/s/workbooks/w/content', responseSink: sink, followRedirects: true });
      assert.equal(Buffer.concat(chunks).toString(), 'FILE-BYTES');
      assert.deepEqual(seen, [{ where: 'tableau', auth: 'session-token-xyz' }, { where: 'storage', auth: undefined }]);
    } finally {
      await client.close();
      await tableau.close();
      await storage.close();
    }
  });

  it('refuses a sign-in redirect from https to plain http on another machine', async () => {
    // The api believes it talks https; the server answers a redirect to http://example.invalid.
    const fake = await serve((_req, res) => {
      res.writeHead(301, { location: 'http://tableau.example.invalid/api/3.23/auth/signin' });
      res.end();
    });
    const client = new HttpClient();
    try {
      const server = { ...parseServerAddress(fake.url), isHttps: true };
      const api = new TableauRestApi({ server, http: client, apiVersion: '3.23' });
      await assert.rejects(api.signIn({ kind: 'password', username: 'u', password: 'pw-123456' }, ''), (e) => TableauError.is(e, 'redirectRefused') && /plain http/.test(e.message));
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
