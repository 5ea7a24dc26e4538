/**
 * Sentinel secrets through every core and CLI flow, success and failure: every byte written
 * to a logger (trace level on), the CLI's stdout/stderr, every file in the temp workspace and
 * home, and every error (message, stack, JSON, deep inspect) must hold no sentinel in any
 * encoded form, no session token the simulator issued, and no JWT.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Credential } from '../../../src/core/auth/credentials';
import { publish } from '../../../src/core/publish/publisher';
import { RedactingLogger, Redactor } from '../../../src/core/logger';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';
import { tempDir } from '../../support/files';
import { caseClient, projectIdOn } from '../../support/simFixture';
import type { FaultSpec, SimConfig } from '../../simulator/config';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { runCliProcess, type CliRun } from '../../support/cliRunner';
import { SentinelScanner, sentinel } from '../../support/sentinels';

const PAT_SECRET = sentinel('pat');
const PASSWORD = sentinel('password', true);
const APP_SECRET = sentinel('appsecret');
const WRONG = sentinel('wrong', true);
const SITE = 'sec';
const PAT_NAME = 'sec-pat';
const APP = { clientId: 'sec-client-id', secretId: 'sec-secret-id' };

function config(): SimConfig {
  return {
    sites: [{ name: 'Secrets', contentUrl: SITE }],
    users: [{ name: 'sec-user', password: PASSWORD.value, siteRole: 'SiteAdministratorCreator' }],
    pats: [{ name: PAT_NAME, secret: PAT_SECRET.value, user: 'sec-user' }],
    connectedApps: [{ ...APP, secretValue: APP_SECRET.value }],
    projects: [{ site: SITE, path: 'Default' }],
  };
}

const CREDENTIALS: Record<string, Credential> = {
  pat: { kind: 'pat', tokenName: PAT_NAME, tokenSecret: PAT_SECRET.value },
  password: { kind: 'password', username: 'sec-user', password: PASSWORD.value },
  connectedApp: { kind: 'connectedApp', ...APP, secretValue: APP_SECRET.value, username: 'sec-user' },
};
const WRONG_CREDENTIALS: Record<string, Credential> = {
  pat: { kind: 'pat', tokenName: PAT_NAME, tokenSecret: WRONG.value },
  password: { kind: 'password', username: 'sec-user', password: WRONG.value },
  connectedApp: { kind: 'connectedApp', ...APP, secretValue: WRONG.value, username: 'sec-user' },
};
const CLI_ENV: Record<string, Record<string, string>> = {
  pat: { TABLEAU_PAT_NAME: PAT_NAME, TABLEAU_PAT_SECRET: PAT_SECRET.value },
  password: { TABLEAU_USERNAME: 'sec-user', TABLEAU_PASSWORD: PASSWORD.value },
  connectedApp: { TABLEAU_CONNECTED_APP_CLIENT_ID: APP.clientId, TABLEAU_CONNECTED_APP_SECRET_ID: APP.secretId, TABLEAU_CONNECTED_APP_SECRET_VALUE: APP_SECRET.value, TABLEAU_USER: 'sec-user' },
};

const SIGN_IN = { method: 'POST', pathPattern: '/auth/signin$' };
const READ = { method: 'GET', pathPattern: '/projects$' };

describe('hardening: secrets never leak', function () {
  // Each CLI case starts several node processes; the machine is shared.
  this.timeout(180_000);
  let sim: RunningSimulator;
  let tmp: ReturnType<typeof tempDir>;
  const scanner = (): SentinelScanner => {
    const s = new SentinelScanner([PAT_SECRET, PASSWORD, APP_SECRET, WRONG]);
    for (const [i, t] of sim.issuedTokens().entries()) s.add({ name: `session token ${i}`, value: t });
    return s;
  };

  before(async () => {
    sim = await startSimulator({ config: config() });
    tmp = tempDir('tp-secrets-');
  });
  after(async () => {
    await sim.close();
    tmp.cleanup();
  });
  afterEach(() => sim.clearFaults());

  describe('the detectors themselves (so a clean scan means something)', () => {
    it('the scanner finds every encoded form, JWTs, and secrets deep in an error cause', () => {
      const s = new SentinelScanner([PASSWORD]);
      s.scanText(`x ${Buffer.from(PASSWORD.value).toString('base64')} y`, 'b64');
      s.scanText(`q=${encodeURIComponent(PASSWORD.value)}`, 'url');
      s.scanText('h eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'jwt');
      s.scanError(new Error('outer', { cause: new Error(`inner ${PASSWORD.value}`) }), 'cause');
      assert.deepEqual(s.hits.map((h) => `${h.where}:${h.form}`).sort(), ['b64:base64', 'cause (inspect):raw', 'jwt:raw', 'url:urlencoded'].sort());
    });

    it('the echo fault really sends the secret and the token back (the error tests are adversarial)', async () => {
      const cc = caseClient(sim.url, CREDENTIALS.password, SITE);
      try {
        const auth = await cc.session.ensureSignedIn();
        sim.injectFault({ match: SIGN_IN, action: { echoRequest: true } });
        const body = `<tsRequest><credentials name="sec-user" password="${PASSWORD.value}"><site contentUrl="${SITE}"/></credentials></tsRequest>`;
        const res = await fetch(`${sim.url}/api/3.23/auth/signin`, { method: 'POST', headers: { 'content-type': 'text/xml', 'x-tableau-auth': auth.token }, body });
        const text = await res.text();
        assert.equal(res.status, 500);
        const s = new SentinelScanner([PASSWORD, { name: 'token', value: auth.token }]);
        s.scanText(text, 'echo');
        assert.ok(s.hits.some((h) => h.sentinel === 'password') && s.hits.some((h) => h.sentinel === 'token'), text);
      } finally {
        await cc.close();
      }
    });
  });

  describe('core flows (logger at trace level)', () => {
    for (const kind of Object.keys(CREDENTIALS)) {
      it(`${kind}: sign in, list, publish (single and chunked), sign out`, async () => {
        const cc = caseClient(sim.url, CREDENTIALS[kind], SITE);
        const projectId = projectIdOn(sim.state(), SITE);
        try {
          await cc.client.allProjects();
          const small = tmp.file(`${kind}/Small.twbx`, twbxBytes());
          const big = tmp.file(`${kind}/Big.hyper`, hyperBytes(90_000, 3));
          await publish(cc.client, { filePath: small, projectId, mode: 'overwrite', name: `Small ${kind}` }, { logger: cc.logger });
          await publish(cc.client, { filePath: big, projectId, mode: 'overwrite', name: `Big ${kind}` }, { logger: cc.logger, singleRequestLimit: 64 * 1024, chunkSize: 32 * 1024 });
        } finally {
          await cc.close();
        }
        const s = scanner();
        s.scanText(cc.lines.join('\n'), 'log');
        assert.ok(cc.lines.length > 3, 'the flow logged something to scan');
        assert.equal(s.hits.length, 0, s.report());
      });

      const errorCases: { name: string; fault?: FaultSpec; wrong?: boolean; afterSignIn?: boolean; recovers?: boolean }[] = [
        { name: 'wrong secret (401001)', wrong: true },
        { name: 'HTML page on sign-in', fault: { match: SIGN_IN, action: { html: true } } },
        { name: '500 echoing the sign-in request', fault: { match: SIGN_IN, action: { echoRequest: true } } },
        { name: '500 echoing a read request (with its token header)', fault: { match: READ, action: { echoRequest: true } }, afterSignIn: true },
        // The session really ends and the 401 echoes the token; the client signs in again and replays.
        { name: 'session ended on a read, 401 echoing the request', fault: { match: READ, action: { killSession: true, echoRequest: true, status: 401 } }, afterSignIn: true, recovers: true },
      ];
      for (const ec of errorCases) {
        it(`${kind}: ${ec.name} — the error and the log hold no secret`, async () => {
          const cc = caseClient(sim.url, ec.wrong ? WRONG_CREDENTIALS[kind] : CREDENTIALS[kind], SITE);
          let error: unknown;
          try {
            if (ec.afterSignIn) await cc.session.ensureSignedIn();
            if (ec.fault) sim.injectFault(ec.fault);
            await cc.client.allProjects();
          } catch (e) {
            error = e;
          } finally {
            await cc.close();
          }
          if (ec.recovers) assert.equal(error, undefined, `recovered: ${(error as Error)?.message}`);
          else assert.ok(error instanceof Error, 'the flow failed as arranged');
          assert.equal(sim.state().counters.liveSessions, 0, 'signed out');
          const s = scanner();
          s.scanError(error, 'error');
          s.scanText(cc.lines.join('\n'), 'log');
          assert.equal(s.hits.length, 0, s.report());
        });
      }
    }

    it('the redactor masks session tokens, JWTs and secret-named values in trace lines', () => {
      const lines: string[] = [];
      const token = 'kq3rT0ken-Value_123|abcdef0123|site-luid';
      const redactor = new Redactor();
      redactor.addSecret(token);
      const log = new RedactingLogger((level, line) => lines.push(`${level}: ${line}`), redactor);
      const jwt = 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl';
      log.trace(`POST /api/3.23/auth/signin <credentials jwt="${jwt}" isUat="false"><site contentUrl=""/></credentials>`);
      log.trace('request headers', { 'X-Tableau-Auth': 'other-token-9f9f9f9f', accept: 'application/xml' });
      log.trace(`X-Tableau-Auth: ${token}`);
      log.trace(`<credentials token="${token}"><site id="s"/></credentials>`);
      log.trace(`?personalAccessTokenSecret=abcdef123456&x=1 password='p4ssw0rd!!' {"password":"p4ssw0rd!!"}`);
      log.trace('request failed', new Error(`failed with token ${token}`));
      const all = lines.join('\n');
      for (const secret of [token, jwt, 'other-token-9f9f9f9f', 'abcdef123456', 'p4ssw0rd!!']) assert.ok(!all.includes(secret), `${secret} leaked:\n${all}`);
      assert.ok(lines.every((l) => l.startsWith('trace: ')));
    });
  });

  describe('CLI runs (separate processes, fresh redactor)', () => {
    const runs: { label: string; run: CliRun; ws: string }[] = [];
    const cli = async (label: string, args: string[], env: Record<string, string>): Promise<CliRun> => {
      const ws = fs.mkdtempSync(path.join(tmp.dir, 'ws-'));
      const home = path.join(ws, 'home');
      fs.mkdirSync(home);
      fs.writeFileSync(path.join(ws, 'Book.twbx'), twbxBytes());
      const run = await runCliProcess(args, { env: { TABLEAU_SERVER: sim.url, TABLEAU_SITE: SITE, ...env }, cwd: ws, home });
      runs.push({ label, run, ws });
      assert.equal(run.timedOut, false, `${label} timed out`);
      return run;
    };
    const clean = (label: string): void => {
      const s = scanner();
      for (const r of runs.filter((x) => x.label === label)) {
        s.scanText(r.run.stdout, `${label} stdout`);
        s.scanText(r.run.stderr, `${label} stderr`);
        s.scanDir(r.ws, `${label} workspace+home`);
      }
      assert.equal(s.hits.length, 0, s.report());
    };

    for (const kind of Object.keys(CLI_ENV)) {
      for (const json of [false, true]) {
        const j = json ? ['--json'] : [];
        it(`${kind}${json ? ' --json' : ''}: signin, ls, publish (verbose)`, async () => {
          const label = `${kind}-ok-${json}`;
          assert.equal((await cli(label, ['signin', '--check', '--verbose', ...j], CLI_ENV[kind])).code, 0);
          assert.equal((await cli(label, ['ls', 'projects', '--verbose', ...j], CLI_ENV[kind])).code, 0);
          const pub = await cli(label, ['publish', 'Book.twbx', '--mode', 'overwrite', '--name', `CLI ${kind}`, '--verbose', ...j], CLI_ENV[kind]);
          assert.equal(pub.code, 0, pub.stderr);
          clean(label);
        });
      }
      it(`${kind}: failures (wrong secret, HTML page, 500 echoing the request, 401002) print no secret`, async () => {
        const label = `${kind}-fail`;
        const wrongEnv = Object.fromEntries(Object.entries(CLI_ENV[kind]).map(([k, v]) => [k, /SECRET|PASSWORD/.test(k) ? WRONG.value : v]));
        assert.equal((await cli(label, ['signin', '--check', '--json'], wrongEnv)).code, 3);
        assert.equal((await cli(label, ['signin', '--check'], wrongEnv)).code, 3);
        sim.injectFault({ match: SIGN_IN, action: { html: true } });
        assert.equal((await cli(label, ['ls', 'projects', '--verbose'], CLI_ENV[kind])).code, 5);
        sim.injectFault({ match: SIGN_IN, action: { echoRequest: true } });
        assert.equal((await cli(label, ['ls', 'projects', '--json', '--verbose'], CLI_ENV[kind])).code, 5);
        sim.injectFault({ match: READ, action: { echoRequest: true } });
        assert.equal((await cli(label, ['ls', 'projects', '--verbose'], CLI_ENV[kind])).code, 5);
        sim.injectFault({ match: READ, action: { killSession: true, echoRequest: true, status: 401 } });
        // Recovers: signs in again and lists.
        assert.equal((await cli(label, ['ls', 'projects', '--json', '--verbose'], CLI_ENV[kind])).code, 0);
        clean(label);
      });
    }

    it('refuses secrets given as flags, without echoing them or signing in', async () => {
      const label = 'flags';
      const signInsBefore = Object.values(sim.state().counters.signIns).reduce((a, b) => a + b, 0);
      for (const args of [
        ['signin', '--pat-secret', PAT_SECRET.value],
        ['signin', `--password=${PASSWORD.value}`],
        ['publish', 'Book.twbx', '--token', PAT_SECRET.value],
        ['ls', 'projects', `--jwt=${APP_SECRET.value}`],
        ['ls', 'projects', '--connected-app-secret-value', APP_SECRET.value],
        ['signin', '-p', PASSWORD.value],
      ]) {
        const r = await cli(label, args, {});
        assert.equal(r.code, 2, `${args[1] ?? ''}: ${r.stderr}`);
        assert.match(r.stderr, /never accepted as flags|Unknown option|unknown/i);
      }
      assert.equal(Object.values(sim.state().counters.signIns).reduce((a, b) => a + b, 0), signInsBefore, 'no sign-in was attempted');
      clean(label);
    });
  });
});
