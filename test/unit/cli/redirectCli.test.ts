// The CLI and redirected sign-ins, the CA file and the proxy (issue #13, findings 1 and 13):
// the result line and --json name the server the sign-in ended on; a refused redirect names
// both addresses; a CA file that is not PEM is an error; no output carries the PAT secret.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, jsonLines, runCli, type Run } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { PUB_SITE, publishConfig, closedPort } from '../../support/simFixture';
import { twbxBytes } from '../../fixtures/samples';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { makeSelfSignedCert } from '../../simulator/tls';
import { startConnectProxy, type RunningProxy } from '../../support/connectProxy';
import { sentinel, SentinelScanner } from '../../support/sentinels';

const SIGN_IN = { method: 'POST', pathPattern: '^/api/[^/]+/auth/signin$' };

describe('CLI: redirected sign-ins, CA file, proxy (issue #13)', function () {
  this.timeout(60_000);
  const secret = sentinel('clipat', true);
  const pat = { name: 'redirect-cli-pat', secret: secret.value };
  let tlsSim: RunningSimulator; // serves *.online.tableau.com, reached through the proxy
  let sim: RunningSimulator; // plain http on 127.0.0.1
  let other: RunningSimulator; // another origin
  let proxy: RunningProxy;
  let tmp: ReturnType<typeof tempDir>;
  let caFile: string;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run "npm run build" first`);
    const config = publishConfig({ pats: [{ name: pat.name, secret: pat.secret, user: 'pub-user' }] });
    const tls = makeSelfSignedCert(['online.tableau.com', '*.online.tableau.com']);
    [tlsSim, sim, other] = await Promise.all([startSimulator({ config, https: tls }), startSimulator({ config }), startSimulator({ config })]);
    proxy = await startConnectProxy({ forwardTo: { host: '127.0.0.1', port: tlsSim.port } });
    tmp = tempDir('tp-redirect-cli-');
    caFile = tmp.file('corp-ca.pem', Buffer.from(tls.cert));
  });
  after(async () => {
    await Promise.all([tlsSim.close(), sim.close(), other.close(), proxy.close()]);
    tmp.cleanup();
  });
  afterEach(() => [tlsSim, sim, other].forEach((s) => s.clearFaults()));

  const env = (server: string, more: Record<string, string> = {}): Record<string, string> => ({ TABLEAU_SERVER: server, TABLEAU_SITE: PUB_SITE, TABLEAU_PAT_NAME: pat.name, TABLEAU_PAT_SECRET: pat.secret, ...more });
  function noSecret(r: Run): void {
    const scanner = new SentinelScanner([secret]);
    scanner.scanText(r.stdout, 'stdout');
    scanner.scanText(r.stderr, 'stderr');
    assert.equal(scanner.hits.length, 0, scanner.report());
  }

  it('a Tableau Cloud pod move: the result line and --json name the pod the sign-in ended on', async () => {
    const through = { HTTPS_PROXY: proxy.url, TABLEAU_CA_FILE: caFile };
    for (const json of [true, false]) {
      tlsSim.injectFault({ match: SIGN_IN, action: { redirect: { status: 301, location: 'https://10ay.online.tableau.com/api/3.23/auth/signin' } } });
      const r = await runCli(['signin', '--check', ...(json ? ['--json'] : [])], { env: env('https://online.tableau.com', through) });
      assert.equal(r.code, 0, r.stderr);
      if (json) {
        const [line] = jsonLines(r.stdout);
        assert.equal(line.server, 'https://10ay.online.tableau.com');
        assert.equal(line.requestedServer, 'https://online.tableau.com');
      } else {
        assert.match(r.stdout, /^Signed in to https:\/\/10ay\.online\.tableau\.com \(redirected from https:\/\/online\.tableau\.com: use https:\/\/10ay\.online\.tableau\.com as the server address\)/);
      }
      assert.match(r.stderr, /redirected the sign-in to https:\/\/10ay\.online\.tableau\.com/);
      noSecret(r);
    }
    assert.ok(proxy.seen.includes('10ay.online.tableau.com:443'));
    assert.equal(tlsSim.state().counters.liveSessions, 0, 'signed out on the pod it signed in on');
  });

  it('a publish after a pod move names the pod in its result line and --json', async () => {
    const through = { HTTPS_PROXY: proxy.url, TABLEAU_CA_FILE: caFile };
    const f = tmp.file('Moved.twbx', twbxBytes());
    for (const json of [true, false]) {
      tlsSim.injectFault({ match: SIGN_IN, action: { redirect: { status: 301, location: 'https://10ay.online.tableau.com/api/3.23/auth/signin' } } });
      const r = await runCli(['publish', f, '--project', 'Publish', '--mode', 'overwrite', ...(json ? ['--json'] : [])], { env: env('https://online.tableau.com', through) });
      assert.equal(r.code, 0, r.stderr);
      if (json) {
        const [line] = jsonLines(r.stdout);
        assert.equal(line.event, 'published');
        assert.equal(line.server, 'https://10ay.online.tableau.com');
        assert.equal(line.requestedServer, 'https://online.tableau.com');
      } else {
        assert.match(r.stdout, /^Published workbook "Moved" to "Publish" on https:\/\/10ay\.online\.tableau\.com /);
      }
      noSecret(r);
    }
    assert.ok(tlsSim.state().workbooks.some((w) => w.name === 'Moved'));
  });

  it('a redirect to another origin: exit 2, both addresses named, nothing sent there', async () => {
    for (const json of [true, false]) {
      sim.injectFault({ match: SIGN_IN, action: { redirect: { status: 307, location: `${other.url}/api/3.23/auth/signin` } } });
      const r = await runCli(['signin', '--check', ...(json ? ['--json'] : [])], { env: env(sim.url) });
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(sim.url) && r.stderr.includes(other.url), r.stderr);
      assert.match(r.stderr, /update the server address/);
      if (json) assert.equal(jsonLines(r.stdout)[0].reason, 'redirectRefused');
      noSecret(r);
    }
    assert.deepEqual(other.state().counters.signIns, {});
    assert.deepEqual(other.state().counters.requests, {});
  });

  it('a CA file that holds no PEM certificate is an error, not silently ignored', async () => {
    const der = tmp.file('corp-ca.der', Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01]));
    const r = await runCli(['signin', '--check'], { env: env(sim.url, { TABLEAU_CA_FILE: der }) });
    assert.equal(r.code, 6, r.stderr);
    assert.ok(r.stderr.includes(path.basename(der)) && /no PEM certificate/.test(r.stderr), r.stderr);
    assert.deepEqual(sim.state().counters.signIns, {}, 'nothing was sent');
    noSecret(r);
  });

  it('a proxy that refuses connections is named as the proxy, not as the Tableau host', async () => {
    const port = await closedPort();
    const r = await runCli(['signin', '--check'], { env: env('https://tableau.example.test', { HTTPS_PROXY: `http://127.0.0.1:${port}` }) });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, new RegExp(`proxy 127\\.0\\.0\\.1:${port}: connection refused`));
    assert.doesNotMatch(r.stderr, /Could not reach tableau\.example\.test/);
    noSecret(r);
  });
});
