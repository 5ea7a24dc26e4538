import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { jsonLines, runCli as run, type Run } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { PUB_PAT, PUB_SITE, startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { datasourceXml, POSTGRES, twbxBytes, type SampleDataConnection } from '../../fixtures/samples';
import { SentinelScanner, sentinel } from '../../support/sentinels';

const WAREHOUSE: SampleDataConnection = { class: 'redshift', server: 'warehouse.example.com', port: '5439', dbname: 'dw', username: 'etl', authentication: 'username-password' };
const ENV_PASSWORD = 'env-db-pass-Zq81!';
const FILE_PASSWORD = 'file-db-pass-Kp27&';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('CLI publish options: tags, views, description, database credentials; ls views', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-cliopt-')));
  after(() => cli.close());
  const noSecrets = (r: Run): void => {
    for (const s of [PUB_PAT.secret, ENV_PASSWORD, FILE_PASSWORD]) assert.ok(!(r.stdout + r.stderr).includes(s), 'no secret in the output');
  };
  const workbook = (name: string) => cli.sim.state().workbooks.find((w) => w.name === name);

  it('documents the new flags and the database credential variables in --help', async () => {
    const h = await run(['--help']);
    for (const s of ['--tags', '--hidden-views', '--show-tabs', '--description', '--db-credentials-file', 'TABLEAU_DB_USERNAME', 'TABLEAU_DB_PASSWORD', 'TABLEAU_DB_EMBED']) assert.ok(h.stdout.includes(s), s);
  });

  it('applies --tags, --hidden-views, --show-tabs and --description', async () => {
    const f = cli.tmp.file('Options Book.twbx', twbxBytes(undefined, { sheets: ['Sheet 1', 'Sheet 2', 'Scratch'] }));
    const r = await run(['publish', f, '--project', 'Publish', '--json', '--tags', 'finance, q3,,finance', '--hidden-views', 'Sheet 2, Scratch', '--show-tabs', '--description', 'Board pack & "final"'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr);
    const [line] = jsonLines(r.stdout);
    assert.deepEqual(line.tags, ['finance', 'q3']);
    const w = workbook('Options Book')!;
    assert.deepEqual(w.tags, ['finance', 'q3']);
    assert.deepEqual(w.hiddenViews, ['Sheet 2', 'Scratch']);
    assert.equal(w.showTabs, true);
    assert.equal(w.description, 'Board pack & "final"');
    noSecrets(r);
  });

  it('flags override the manifest options; the manifest tags apply without flags', async () => {
    const ws = tempDir('tp-optws-');
    try {
      ws.file('.vscode/tableau-publish.json', JSON.stringify({ version: 1, targets: [{ file: '*.twbx', connection: 'sim', site: PUB_SITE, project: 'Publish', mode: 'overwrite', options: { tags: ['from-manifest'], description: 'manifest text', showTabs: false } }] }));
      ws.file('Manifest Tags.twbx', twbxBytes());
      assert.equal((await run(['publish', 'Manifest Tags.twbx'], { env: cli.env, cwd: ws.dir })).code, 0);
      assert.deepEqual(workbook('Manifest Tags')!.tags, ['from-manifest']);
      assert.equal(workbook('Manifest Tags')!.showTabs, false);
      ws.file('Flag Wins.twbx', twbxBytes());
      assert.equal((await run(['publish', 'Flag Wins.twbx', '--tags', 'from-flag', '--description', 'flag text'], { env: cli.env, cwd: ws.dir })).code, 0);
      assert.deepEqual(workbook('Flag Wins')!.tags, ['from-flag']);
      assert.equal(workbook('Flag Wins')!.description, 'flag text');
    } finally {
      ws.cleanup();
    }
  });

  it('embeds database credentials from the environment for every connection on the hosts TABLEAU_DB_HOSTS allows', async () => {
    const f = cli.tmp.file('Live Env.twbx', twbxBytes([POSTGRES, WAREHOUSE]));
    const env = { ...cli.env, TABLEAU_DB_USERNAME: 'svc_tableau', TABLEAU_DB_PASSWORD: ENV_PASSWORD, TABLEAU_DB_EMBED: 'false', TABLEAU_DB_HOSTS: 'db.example.com, warehouse.example.com:5439' };
    const r = await run(['publish', f, '--project', 'Publish', '--json', '--verbose'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines(r.stdout)[0].credentialsEmbedded, 2);
    assert.deepEqual(jsonLines(r.stdout)[0].credentialHosts, ['db.example.com:5432', 'warehouse.example.com:5439']);
    const creds = workbook('Live Env')!.credentials;
    assert.deepEqual(
      creds.map((c) => [c.serverAddress, c.serverPort, c.username, c.embed, c.passwordSha256]),
      [
        ['db.example.com', '5432', 'svc_tableau', false, sha(ENV_PASSWORD)],
        ['warehouse.example.com', '5439', 'svc_tableau', false, sha(ENV_PASSWORD)],
      ],
    );
    noSecrets(r);
  });

  it('takes credentials from --db-credentials-file by host:port, falling back to the environment', async () => {
    const file = cli.tmp.file('db-creds.json', JSON.stringify({ 'DB.example.com:5432': { username: 'from_file', password: FILE_PASSWORD, embed: true } }));
    fs.chmodSync(file, 0o600);
    const f = cli.tmp.file('Live File.twbx', twbxBytes([POSTGRES, WAREHOUSE]));
    const r = await run(['publish', f, '--project', 'Publish', '--verbose', '--db-credentials-file', file], { env: { ...cli.env, TABLEAU_DB_USERNAME: 'svc_tableau', TABLEAU_DB_PASSWORD: ENV_PASSWORD, TABLEAU_DB_HOSTS: '*.example.com' } });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /can be read by other users/);
    const creds = workbook('Live File')!.credentials;
    assert.deepEqual(creds.map((c) => [c.serverAddress, c.username, c.embed, c.passwordSha256]), [
      ['db.example.com', 'from_file', true, sha(FILE_PASSWORD)],
      ['warehouse.example.com', 'svc_tableau', true, sha(ENV_PASSWORD)],
    ]);
    const t = cli.tmp.file('Live Source.tds', datasourceXml([POSTGRES]));
    const d = await run(['publish', t, '--project', 'Publish', '--db-credentials-file', file], { env: cli.env });
    assert.equal(d.code, 0, d.stderr);
    const ds = cli.sim.state().datasources.find((x) => x.name === 'Live Source')!;
    assert.deepEqual(ds.credentials.map((c) => [c.username, c.passwordSha256]), [['from_file', sha(FILE_PASSWORD)]]);
    noSecrets(r);
    noSecrets(d);
  });

  describe('the TABLEAU_DB_* login goes only to hosts the user allows', () => {
    const ATTACKER: SampleDataConnection = { class: 'postgres', server: 'attacker.example', port: '5432', dbname: 'x', username: 'u', authentication: 'username-password' };
    const secret = sentinel('dbpass', true);
    const scanner = new SentinelScanner([secret, { name: 'pat', value: PUB_PAT.secret }]);
    const envWith = (extra: Record<string, string> = {}): Record<string, string> => ({ ...cli.env, TABLEAU_DB_USERNAME: 'svc_ci', TABLEAU_DB_PASSWORD: secret.value, ...extra });
    const sentTo = (name: string): string[] => (workbook(name)?.credentials ?? []).filter((c) => c.passwordSha256 === sha(secret.value)).map((c) => c.serverAddress ?? '');
    const scanned = (r: Run, where: string): void => {
      scanner.scanText(r.stdout, `${where} stdout`);
      scanner.scanText(r.stderr, `${where} stderr`);
    };
    const noSentinel = (): void => assert.equal(scanner.hits.length, 0, scanner.report());

    it('sends it to no host of a file naming several, and says which hosts went without', async () => {
      const f = cli.tmp.file('Two Hosts.twbx', twbxBytes([POSTGRES, ATTACKER]));
      for (const json of [false, true]) {
        const r = await run(['publish', f, '--project', 'Publish', '--mode', 'overwrite', '--verbose', ...(json ? ['--json'] : [])], { env: envWith() });
        assert.equal(r.code, 0, r.stderr);
        scanned(r, json ? 'json' : 'text');
        assert.match(r.stderr, /not sent to db\.example\.com:5432, attacker\.example:5432.*TABLEAU_DB_HOSTS/);
        if (json) assert.deepEqual([jsonLines(r.stdout)[0].credentialsEmbedded, jsonLines(r.stdout)[0].credentialHosts], [0, []]);
        assert.deepEqual(sentTo('Two Hosts'), []);
      }
      noSentinel();
    });

    it('sends it only to the hosts TABLEAU_DB_HOSTS lists (names and *.domain), naming them', async () => {
      const corp: SampleDataConnection = { ...WAREHOUSE, server: 'wh.corp.internal' };
      const f = cli.tmp.file('Allowed Hosts.twbx', twbxBytes([POSTGRES, ATTACKER, corp]));
      for (const json of [false, true]) {
        const r = await run(['publish', f, '--project', 'Publish', '--mode', 'overwrite', '--verbose', ...(json ? ['--json'] : [])], { env: envWith({ TABLEAU_DB_HOSTS: 'DB.example.com,*.corp.internal' }) });
        assert.equal(r.code, 0, r.stderr);
        scanned(r, json ? 'json' : 'text');
        assert.match(r.stderr, /not sent to attacker\.example:5432: not in TABLEAU_DB_HOSTS/);
        if (json) assert.deepEqual(jsonLines(r.stdout)[0].credentialHosts, ['db.example.com:5432', 'wh.corp.internal:5439']);
        else assert.match(r.stdout, /database credentials for db\.example\.com:5432, wh\.corp\.internal:5439/);
        assert.deepEqual(sentTo('Allowed Hosts').sort(), ['db.example.com', 'wh.corp.internal']);
      }
      noSentinel();
    });

    it('ties the one allowed login of a data source on several hosts to its host, so Tableau cannot use it for the others', async () => {
      const t = cli.tmp.file('Two Host Source.tds', datasourceXml([POSTGRES, ATTACKER]));
      const r = await run(['publish', t, '--project', 'Publish', '--json'], { env: envWith({ TABLEAU_DB_HOSTS: 'db.example.com' }) });
      assert.equal(r.code, 0, r.stderr);
      scanned(r, 'data source');
      assert.deepEqual(jsonLines(r.stdout)[0].credentialHosts, ['db.example.com:5432']);
      const ds = cli.sim.state().datasources.find((x) => x.name === 'Two Host Source')!;
      assert.deepEqual(
        ds.credentials.map((c) => [c.serverAddress, c.passwordSha256]),
        [['db.example.com', sha(secret.value)]],
        'the login names its host; a bare <connectionCredentials> would apply to every connection',
      );
      noSentinel();
    });

    it('still sends it to a file with exactly one host, and refuses a malformed TABLEAU_DB_HOSTS', async () => {
      const f = cli.tmp.file('One Host.twbx', twbxBytes([POSTGRES, { ...POSTGRES, dbname: 'other' }]));
      const r = await run(['publish', f, '--project', 'Publish', '--json'], { env: envWith() });
      assert.equal(r.code, 0, r.stderr);
      scanned(r, 'one host');
      assert.deepEqual(sentTo('One Host'), ['db.example.com']);
      const bad = await run(['publish', f, '--project', 'Publish', '--mode', 'overwrite'], { env: envWith({ TABLEAU_DB_HOSTS: 'db.example.com,http://x/' }) });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /TABLEAU_DB_HOSTS/);
      scanned(bad, 'bad hosts');
      noSentinel();
    });
  });

  it('refuses a broken credentials file or half-set variables before publishing, without echoing a password', async () => {
    const f = cli.tmp.file('Refused.twbx', twbxBytes([POSTGRES]));
    const broken = cli.tmp.file('broken.json', `{ "db.example.com": { "username": "u", "password": "${FILE_PASSWORD}" `);
    const b = await run(['publish', f, '--db-credentials-file', broken], { env: cli.env });
    assert.equal(b.code, 6, b.stderr);
    assert.match(b.stderr, /not valid JSON/);
    const noPw = cli.tmp.file('nopw.json', JSON.stringify({ 'db.example.com': { username: 'u' } }));
    assert.equal((await run(['publish', f, '--db-credentials-file', noPw], { env: cli.env })).code, 6);
    assert.equal((await run(['publish', f, '--db-credentials-file', `${cli.tmp.dir}/missing.json`], { env: cli.env })).code, 6);
    const half = await run(['publish', f], { env: { ...cli.env, TABLEAU_DB_PASSWORD: ENV_PASSWORD } });
    assert.equal(half.code, 2);
    assert.match(half.stderr, /TABLEAU_DB_USERNAME/);
    assert.equal(workbook('Refused'), undefined);
    noSecrets(b);
    noSecrets(half);
  });

  it('ls views uses the site-wide views listing and keeps --project filtering', async () => {
    const a = cli.tmp.file('Views A.twbx', twbxBytes());
    const b = cli.tmp.file('Views B.twbx', twbxBytes());
    assert.equal((await run(['publish', a, '--project', 'Finance / Monthly'], { env: cli.env })).code, 0);
    assert.equal((await run(['publish', b, '--project', 'Publish'], { env: cli.env })).code, 0);
    const count = (k: string): number => cli.sim.state().counters.requests[k] ?? 0;
    const perWorkbook = count('GET /api/{v}/sites/{site}/workbooks/{id}/views');
    const siteWide = count('GET /api/{v}/sites/{site}/views');
    const r = await run(['ls', 'views', '--project', 'Finance / Monthly', '--json'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr);
    const rows = jsonLines(r.stdout);
    assert.deepEqual(rows.map((x) => [x.workbook, x.name]), [['Views A', 'Sheet 1']]);
    assert.ok(rows.every((x) => x.kind === 'view' && typeof x.id === 'string' && typeof x.workbookId === 'string'));
    assert.equal(count('GET /api/{v}/sites/{site}/workbooks/{id}/views'), perWorkbook, 'no per-workbook requests');
    assert.equal(count('GET /api/{v}/sites/{site}/views'), siteWide + 1);
    const all = await run(['ls', 'views'], { env: cli.env });
    assert.match(all.stdout, /^Views A \/ Sheet 1\t/m);
    assert.match(all.stdout, /^Views B \/ Sheet 1\t/m);
  });
});
