// A failure at the proxy is reported as the proxy's, not as the Tableau host refusing (issue #13).
import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http/httpClient';
import { startConnectProxy } from '../../support/connectProxy';
import { closedPort } from '../../support/simFixture';

describe('proxy failures name the proxy', () => {
  async function failure(proxyUrl: string, target = 'https://tableau.example.test/api/3.23/serverInfo'): Promise<TableauError> {
    const client = new HttpClient({ proxyUrl, connectTimeoutMs: 5000 });
    try {
      const e = await client.request({ method: 'GET', url: target }).then(() => undefined, (x: unknown) => x);
      assert.ok(TableauError.is(e), String(e));
      return e;
    } finally {
      await client.destroy();
    }
  }

  it('a proxy that refuses the connection', async () => {
    const port = await closedPort();
    const e = await failure(`http://127.0.0.1:${port}`);
    assert.equal(e.reason, 'network');
    assert.match(e.message, new RegExp(`proxy 127\\.0\\.0\\.1:${port}: connection refused`));
    assert.doesNotMatch(e.message, /Could not reach tableau\.example\.test/);
  });

  it('a proxy that wants credentials (407): not reported as cancelled', async () => {
    const proxy = await startConnectProxy({ auth: { user: 'u', password: 'proxy-pw-5a5a' } });
    try {
      const e = await failure(proxy.url);
      assert.equal(e.reason, 'network');
      assert.match(e.message, /asks for credentials \(407\)/);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that cannot reach the host (502) names both', async () => {
    const proxy = await startConnectProxy({ forwardTo: { host: '127.0.0.1', port: await closedPort() } });
    try {
      const e = await failure(proxy.url);
      assert.equal(e.reason, 'network');
      assert.ok(e.message.includes(new URL(proxy.url).host) && e.message.includes('tableau.example.test') && /502/.test(e.message), e.message);
    } finally {
      await proxy.close();
    }
  });
});
