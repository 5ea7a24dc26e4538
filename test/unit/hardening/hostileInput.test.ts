/**
 * Hostile and awkward input from the user and the workspace: addresses, site, item and
 * project names, paths, "files" that are not files, and broken or misleading manifests.
 * Every refusal is a TableauError with a clear message, made before anything goes on the wire.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TableauError } from '../../../src/core/errors';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import { parseManifest } from '../../../src/core/publish/manifest';
import { publish } from '../../../src/core/publish/publisher';
import { sendsSecretInClear } from '../../../src/vscode/connections/profileLogic';
import { hyperBytes, twbxBytes } from '../../fixtures/samples';
import { tempDir } from '../../support/files';
import { sha256File, caseClient, hardConfig, itemsNamed, patCredential, PATS, projectIdOn, type CaseClient } from '../../support/simFixture';
import { buildZip } from '../../fixtures/zipWriter';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { runCliProcess } from '../../support/cliRunner';
import { startConnectProxy, type RunningProxy } from '../../support/connectProxy';

const HOSTILE_NAME = `Q1 'Sales' "&" <Ünïcödé> 売上 📈 a\\b`;

describe('hardening: hostile input from the user and the workspace', function () {
  this.timeout(120_000);
  let sim: RunningSimulator;
  let cc: CaseClient;
  let tmp: ReturnType<typeof tempDir>;
  let projectId = '';
  const publishRequests = (): number =>
    Object.entries(sim.state().counters.requests).filter(([k]) => /fileUploads|\/workbooks$|\/datasources$/.test(k) && !k.startsWith('GET')).reduce((n, [, v]) => n + v, 0);

  before(async () => {
    sim = await startSimulator({ config: hardConfig() });
    cc = caseClient(sim.url, patCredential('main'), PATS.main.site);
    tmp = tempDir('tp-input-');
    projectId = projectIdOn(sim.state(), 'hard');
  });
  after(async () => {
    await cc.close();
    await sim.close();
    tmp.cleanup();
  });

  describe('server addresses', () => {
    const BAD = ['', '   ', 'ftp://tableau.example.com', 'javascript:alert(1)', 'file:///etc/passwd', 'mailto:admin@example.com', 'https://', 'http://exa mple.com', 'https://host:99999', 'https://[::1', '\u0000https://x', 'data:text/html,<script>'];
    for (const input of BAD) {
      it(`refuses ${JSON.stringify(input)} with invalidServerAddress`, () => {
        assert.throws(() => parseServerAddress(input), (e) => TableauError.is(e, 'invalidServerAddress') && (e as Error).message.length < 300);
      });
    }

    it('refuses credentials in the address without echoing them', () => {
      for (const input of ['https://alice:S3cretPw!@tableau.example.com', 'alice:S3cretPw!@tableau.example.com', 'https://:S3cretPw!@host']) {
        assert.throws(() => parseServerAddress(input), (e) => TableauError.is(e, 'invalidServerAddress') && !(e as Error).message.includes('S3cretPw'));
      }
    });

    it('flags plain http:// to a non-local host as sending a secret in clear (VS Code warns first)', () => {
      assert.equal(sendsSecretInClear('http://tableau.example.com'), true);
      assert.equal(sendsSecretInClear('http://10.0.0.5:8000'), true);
      assert.equal(sendsSecretInClear('http://localhost:8850'), false);
      assert.equal(sendsSecretInClear('http://127.0.0.1:8850'), false);
      assert.equal(sendsSecretInClear('http://[::1]:8850'), false);
      assert.equal(sendsSecretInClear('https://tableau.example.com'), false);
    });
  });

  describe('names', () => {
    it(`publishes a workbook and a data source named ${JSON.stringify(HOSTILE_NAME)} exactly`, async () => {
      const wb = tmp.file('names/plain.twbx', twbxBytes());
      const ds = tmp.file('names/plain.hyper', hyperBytes(10_000, 1));
      const w = await publish(cc.client, { filePath: wb, projectId, mode: 'createnew', name: HOSTILE_NAME, description: `<desc> & "more"` });
      const d = await publish(cc.client, { filePath: ds, projectId, mode: 'createnew', name: HOSTILE_NAME });
      assert.equal(w.item.name, HOSTILE_NAME);
      assert.equal(d.item.name, HOSTILE_NAME);
      const found = itemsNamed(sim.state(), HOSTILE_NAME);
      assert.equal(found.length, 2);
      // Publishing the same name again must find the item (createnew refuses, overwrite works).
      await assert.rejects(publish(cc.client, { filePath: ds, projectId, mode: 'createnew', name: HOSTILE_NAME }), (e) => TableauError.is(e, 'alreadyExists'));
      const again = await publish(cc.client, { filePath: ds, projectId, mode: 'overwrite', name: HOSTILE_NAME });
      assert.equal(again.item.id, d.item.id);
    });

    it('creates and lists a project whose name holds XML specials and non-ASCII letters', async () => {
      const p = await cc.client.createProject({ name: HOSTILE_NAME, description: `a < b & c > "d"` });
      assert.equal(p.name, HOSTILE_NAME);
      const listed = (await cc.client.allProjects()).find((x) => x.id === p.id);
      assert.equal(listed?.name, HOSTILE_NAME);
    });

    it('a site name with spaces is refused by Tableau with a clear sign-in message, not a crash', async () => {
      const c = caseClient(sim.url, patCredential('main'), 'hard site');
      try {
        await assert.rejects(c.session.ensureSignedIn(), (e) => TableauError.is(e, 'signInFailed') && /site "hard site"/.test((e as Error).message));
      } finally {
        await c.close();
      }
    });
  });

  describe('paths and files', () => {
    it('publishes from a path with spaces, quotes and non-ASCII letters; the default name is the file name', async () => {
      const file = tmp.file(`dir with spaces/Ünï cödé/My Workbook (v2) & 'x'.twbx`, twbxBytes());
      const r = await publish(cc.client, { filePath: file, projectId, mode: 'createnew' });
      assert.equal(r.item.name, `My Workbook (v2) & 'x'`);
      assert.equal(itemsNamed(sim.state(), r.item.name)[0]?.sha256, sha256File(file));
    });

    const notFiles: { name: string; make: () => string }[] = [
      { name: 'an empty .twbx', make: () => tmp.file('bad/empty.twbx', Buffer.alloc(0)) },
      { name: 'an empty .hyper', make: () => tmp.file('bad/empty.hyper', Buffer.alloc(0)) },
      { name: 'an empty .twb', make: () => tmp.file('bad/empty.twb', '') },
      { name: 'a missing file', make: () => path.join(tmp.dir, 'bad', 'missing.twbx') },
      { name: 'a path through a file (ENOTDIR)', make: () => path.join(tmp.file('bad/plainfile', 'x'), 'inner.twbx') },
      {
        name: 'a directory named like a workbook',
        make: () => {
          const d = path.join(tmp.dir, 'bad', 'folder.twbx');
          fs.mkdirSync(d, { recursive: true });
          return d;
        },
      },
      {
        name: 'a symlink loop',
        make: () => {
          const a = path.join(tmp.dir, 'bad', 'loop-a.twbx');
          const b = path.join(tmp.dir, 'bad', 'loop-b.twbx');
          fs.mkdirSync(path.dirname(a), { recursive: true });
          fs.symlinkSync(b, a);
          fs.symlinkSync(a, b);
          return a;
        },
      },
      {
        // Reading a FIFO blocks until a writer comes: it must be refused, not read.
        name: 'a named pipe (FIFO)',
        make: () => {
          const p = path.join(tmp.dir, 'bad', 'pipe.hyper');
          fs.mkdirSync(path.dirname(p), { recursive: true });
          execFileSync('mkfifo', [p]);
          return p;
        },
      },
      { name: 'a .twbx that is not a zip', make: () => tmp.file('bad/text.twbx', 'this is not a zip archive') },
      { name: 'a .hyper that is XML', make: () => tmp.file('bad/x.hyper', '<?xml version="1.0"?><workbook/>') },
      {
        name: 'a .hyper and a .tde linked to a shadow-like file',
        make: () => {
          const shadow = tmp.file('elsewhere/shadow', 'root:$6$salt$hash:19000:0:99999:7:::\n');
          const hyper = path.join(tmp.dir, 'bad', 'extract.hyper');
          fs.mkdirSync(path.dirname(hyper), { recursive: true });
          fs.symlinkSync(shadow, hyper);
          fs.symlinkSync(shadow, path.join(tmp.dir, 'bad', 'legacy.tde'));
          return hyper;
        },
      },
      { name: 'a .tde that is a text file', make: () => tmp.file('bad/legacy-text.tde', 'root:$6$salt$hash:19000:0:99999:7:::\n') },
      { name: 'a .tde that is a zip', make: () => tmp.file('bad/zipped.tde', twbxBytes()) },
      { name: 'a .twbx declaring a 2^40-byte ZIP64 entry', make: () => tmp.file('bad/huge64.twbx', buildZip([{ name: 'Book.twb', data: '<workbook/>', method: 'deflate', declaredCompressedSize: 2 ** 40 }], { zip64: true })) },
    ];
    if (process.getuid?.() !== 0) {
      // Root reads anything, so permission bits only stop a normal user.
      notFiles.push({
        name: 'an unreadable file (mode 000)',
        make: () => {
          const p = tmp.file('bad/locked.twbx', twbxBytes());
          fs.chmodSync(p, 0);
          return p;
        },
      });
    }
    for (const nf of notFiles) {
      it(`refuses ${nf.name} with invalidFile before sending anything`, async () => {
        const file = nf.make();
        const before = publishRequests();
        const started = Date.now();
        const attempt = publish(cc.client, { filePath: file, projectId, mode: 'createnew' });
        const guard = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('publish hung on this file')), 5000).unref());
        await assert.rejects(Promise.race([attempt, guard]), (e) => {
          assert.ok(TableauError.is(e, 'invalidFile'), `expected invalidFile, got ${TableauError.is(e) ? e.reason : String(e)}: ${(e as Error).message}`);
          assert.ok((e as Error).message.includes(path.basename(file)), `the message names the file: ${(e as Error).message}`);
          return true;
        });
        assert.ok(Date.now() - started < 5000);
        assert.equal(publishRequests(), before, 'no publish request was sent');
      });
    }
  });

  describe('manifests (.vscode/tableau-publish.json)', () => {
    const BROKEN: { name: string; text: string; says: RegExp }[] = [
      { name: 'not JSON', text: '{ "version": 1, "targets": [ {', says: /not valid JSON/ },
      { name: 'a JSON array', text: '[]', says: /must be a JSON object/ },
      { name: 'wrong version', text: '{"version":3,"targets":[]}', says: /version/ },
      { name: 'a target without a file', text: '{"version":1,"targets":[{"connection":"c","site":"","project":"Default","mode":"createnew"}]}', says: /targets\[0\]\.file.*missing/ },
      { name: 'an unknown mode', text: '{"version":1,"targets":[{"file":"a.twbx","connection":"c","site":"","project":"Default","mode":"yolo"}]}', says: /mode/ },
      { name: 'a secret in it', text: '{"version":1,"targets":[{"file":"a.twbx","connection":"c","site":"","project":"Default","mode":"createnew","options":{"password":"hunter2hunter2"}}]}', says: /looks like a secret/ },
      { name: '__proto__ keys', text: '{"version":1,"__proto__":{"polluted":true},"targets":[]}', says: /__proto__|not a known setting/ },
    ];
    for (const b of BROKEN) {
      it(`refuses a manifest with ${b.name}, naming the problem`, () => {
        assert.throws(() => parseManifest(b.text), (e) => TableauError.is(e) && b.says.test((e as Error).message) && !(e as Error).message.includes('hunter2hunter2'));
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
      });
    }

    describe('through the CLI', () => {
      let proxy: RunningProxy;
      const cliEnv = (): Record<string, string> => ({ TABLEAU_SERVER: sim.url, TABLEAU_SITE: 'hard', TABLEAU_PAT_NAME: PATS.main.name, TABLEAU_PAT_SECRET: PATS.main.secret });
      before(async () => {
        proxy = await startConnectProxy({ forwardTo: { host: '127.0.0.1', port: sim.port } });
      });
      after(() => proxy.close());

      it('a malformed manifest stops the CLI with a usage error naming the file; nothing is published', async () => {
        const ws = tempDir('tp-ws-');
        try {
          fs.mkdirSync(path.join(ws.dir, '.vscode'));
          fs.writeFileSync(path.join(ws.dir, '.vscode', 'tableau-publish.json'), '{ "version": 1, "targets": [');
          ws.file('Book.twbx', twbxBytes());
          const before = publishRequests();
          const r = await runCliProcess(['publish', 'Book.twbx'], { env: cliEnv(), cwd: ws.dir, home: ws.dir });
          assert.equal(r.timedOut, false);
          assert.equal(r.code, 2, r.stderr);
          assert.match(r.stderr, /tableau-publish\.json.*not valid JSON/);
          assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
          assert.equal(publishRequests(), before);
        } finally {
          ws.cleanup();
        }
      });

      it('a manifest that is a symlink out of the workspace is refused, not read: nothing of its target is echoed', async () => {
        const ws = tempDir('tp-ws-');
        const elsewhere = tempDir('tp-elsewhere-');
        try {
          // Like /proc/self/environ: NUL-separated variables, one of them a secret.
          const environ = elsewhere.file('environ', `PATH=/usr/local/bin:/usr/bin\0DEPLOY_TOKEN=${PATS.main.secret}\0`);
          fs.mkdirSync(path.join(ws.dir, '.vscode'));
          fs.symlinkSync(environ, path.join(ws.dir, '.vscode', 'tableau-publish.json'));
          ws.file('Book.twbx', twbxBytes());
          const before = publishRequests();
          for (const json of [[], ['--json']]) {
            const r = await runCliProcess(['publish', 'Book.twbx', ...json], { env: cliEnv(), cwd: ws.dir, home: ws.dir });
            assert.equal(r.code, 6, r.stderr);
            assert.match(r.stderr + r.stdout, /tableau-publish\.json.*outside the workspace/);
            assert.doesNotMatch(r.stderr + r.stdout, /PATH=|\/usr\/local|DEPLOY_TOKEN/);
            assert.ok(!(r.stderr + r.stdout).includes(PATS.main.secret));
          }
          // Even a manifest given on purpose never has its content quoted when it is not JSON.
          const given = await runCliProcess(['publish', 'Book.twbx', '--manifest', environ], { env: cliEnv(), cwd: ws.dir, home: ws.dir });
          assert.equal(given.code, 2, given.stderr);
          assert.match(given.stderr, /not valid JSON/);
          assert.doesNotMatch(given.stderr, /PATH=|\/usr\/local|DEPLOY_TOKEN/);
          assert.equal(publishRequests(), before);
        } finally {
          ws.cleanup();
          elsewhere.cleanup();
        }
      });

      it('a file a manifest target covers must not be a symlink out of the workspace', async () => {
        const ws = tempDir('tp-ws-');
        const elsewhere = tempDir('tp-elsewhere-');
        try {
          const board = elsewhere.file('Board-Q3.twbx', twbxBytes());
          fs.mkdirSync(path.join(ws.dir, '.vscode'));
          fs.writeFileSync(path.join(ws.dir, '.vscode', 'tableau-publish.json'), JSON.stringify({ version: 1, targets: [{ file: 'reports/*.twbx', connection: 'ci', site: 'hard', project: 'Default', mode: 'overwrite' }] }));
          fs.mkdirSync(path.join(ws.dir, 'reports'));
          fs.symlinkSync(board, path.join(ws.dir, 'reports', 'Board.twbx'));
          const before = publishRequests();
          const r = await runCliProcess(['publish', 'reports/Board.twbx'], { env: cliEnv(), cwd: ws.dir, home: ws.dir });
          assert.equal(r.code, 6, r.stderr);
          assert.match(r.stderr, /Board\.twbx.*outside the workspace/);
          assert.equal(publishRequests(), before);
        } finally {
          ws.cleanup();
          elsewhere.cleanup();
        }
      });

      it('a manifest naming a connection this machine never had cannot send the file (or the secret) anywhere but the configured server', async () => {
        const ws = tempDir('tp-ws-');
        try {
          fs.mkdirSync(path.join(ws.dir, '.vscode'));
          const manifest = { version: 1, targets: [{ file: 'Book.twbx', connection: 'Attacker Server https://evil.example', site: 'hard', project: 'Default', mode: 'createnew', name: 'From Manifest' }] };
          fs.writeFileSync(path.join(ws.dir, '.vscode', 'tableau-publish.json'), JSON.stringify(manifest));
          ws.file('Book.twbx', twbxBytes());
          const r = await runCliProcess(['publish', 'Book.twbx', '--json'], { env: { ...cliEnv(), HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }, cwd: ws.dir, home: ws.dir });
          assert.equal(r.code, 0, r.stderr);
          assert.equal(itemsNamed(sim.state(), 'From Manifest').length, 1);
          assert.ok(!proxy.seen.some((s) => /evil/.test(s)), `no connection towards the manifest's host: ${proxy.seen.join(', ')}`);
        } finally {
          ws.cleanup();
        }
      });

      it('warns on stderr before sending a secret over plain http:// to a non-local host', async () => {
        const ws = tempDir('tp-ws-');
        try {
          // The proxy carries "tableau.corp.test" to the simulator, so the run really signs in.
          const env = { ...cliEnv(), TABLEAU_SERVER: 'http://tableau.corp.test', HTTP_PROXY: proxy.url };
          const r = await runCliProcess(['signin', '--check'], { env, cwd: ws.dir, home: ws.dir });
          assert.equal(r.code, 0, r.stderr);
          assert.ok(proxy.seen.some((s) => s.includes('tableau.corp.test')), `went through the proxy: ${proxy.seen.join(', ')}`);
          assert.match(r.stderr, /warn.*(http:\/\/|unencrypted|not encrypted|in clear|plain)/i, `stderr: ${r.stderr}`);
          // And no such warning for this machine's own address.
          const local = await runCliProcess(['signin', '--check'], { env: cliEnv(), cwd: ws.dir, home: ws.dir });
          assert.equal(local.code, 0, local.stderr);
          assert.doesNotMatch(local.stderr, /unencrypted|not encrypted|in clear/i);
        } finally {
          ws.cleanup();
        }
      });
    });
  });
});
