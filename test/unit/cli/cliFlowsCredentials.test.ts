/** Flows in the CLI: database credentials (--db-credentials-file, TABLEAU_DB_*) and manifest flow targets. */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { PUB_SITE, startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { flowBytes, sqlConnection } from '../../fixtures/flows';

const FILE_PASSWORD = 'flow-file-pw-5531';
const ENV_PASSWORD = 'flow-env-pw-8812';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('CLI: flows with database credentials and manifest targets', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-cli-flowcreds-')));
  after(() => cli.close());

  it('sends --db-credentials-file logins to the flow\'s database connections by host:port, in Publish Flow\'s <connections> (password hashed in the simulator, never printed)', async () => {
    const f = cli.tmp.file('Db Flow.tfl', flowBytes({ connections: { c1: sqlConnection('pg.corp.example', { port: '5432' }), c2: { connectionType: '.v1.FileConnection', connectionAttributes: { class: 'textscan', filename: 'orders.csv' } } } }));
    const creds = cli.tmp.file('db.json', JSON.stringify({ 'pg.corp.example:5432': { username: 'etl_user', password: FILE_PASSWORD } }));
    fs.chmodSync(creds, 0o600);
    const r = await run(['publish', f, '--project', 'Publish', '--verbose', '--json', '--db-credentials-file', creds], { env: cli.env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = jsonLines(r.stdout).find((l) => l.kind === 'flow')?.id;
    const stored = cli.sim.state().flows?.find((x) => x.id === id);
    assert.deepEqual(stored?.credentials, [{ serverAddress: 'pg.corp.example', serverPort: '5432', username: 'etl_user', embed: true, passwordSha256: sha(FILE_PASSWORD) }]);
    assert.match(r.stderr, /Db Flow\.tfl: database credentials for pg\.corp\.example:5432 \(from the credentials file\)/);
    assert.ok(!(r.stdout + r.stderr).includes(FILE_PASSWORD), 'the password was printed');
  });

  it('sends the TABLEAU_DB_* login only to hosts TABLEAU_DB_HOSTS allows when the flow names several', async () => {
    const f = cli.tmp.file('Two Hosts.tflx', flowBytes({ packaged: true, connections: { a: sqlConnection('db1.corp.example'), b: sqlConnection('db2.other.example', { cls: 'sqlserver', port: '1433' }) } }));
    const env = { ...cli.env, TABLEAU_DB_USERNAME: 'svc', TABLEAU_DB_PASSWORD: ENV_PASSWORD, TABLEAU_DB_HOSTS: '*.corp.example' };
    const r = await run(['publish', f, '--project', 'Publish', '--json'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = jsonLines(r.stdout).find((l) => l.kind === 'flow')?.id;
    const stored = cli.sim.state().flows?.find((x) => x.id === id);
    assert.deepEqual(stored?.credentials.map((c) => [c.serverAddress, c.username, c.passwordSha256]), [['db1.corp.example', 'svc', sha(ENV_PASSWORD)]]);
    assert.match(r.stderr, /not sent to db2\.other\.example:1433: not in TABLEAU_DB_HOSTS/);
    assert.ok(!(r.stdout + r.stderr).includes(ENV_PASSWORD));
  });

  it('publishes a manifest target whose file is a .tflx as a flow, with the target\'s project, name and mode', async () => {
    const ws = path.join(cli.tmp.dir, 'flow-ws');
    cli.tmp.file('flow-ws/flows/nightly.tflx', flowBytes({ packaged: true }));
    const target = { file: 'flows/*.tflx', connection: 'x', site: PUB_SITE, project: 'Publish', name: 'Nightly Prep', mode: 'overwrite', options: { description: 'From the manifest' } };
    cli.tmp.file('flow-ws/.vscode/tableau-publish.json', JSON.stringify({ version: 1, targets: [target] }));
    const env = cli.env;
    for (let i = 0; i < 2; i++) {
      const r = await run(['publish', 'flows/nightly.tflx', '--json'], { env, cwd: ws });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const line = jsonLines(r.stdout)[0];
      assert.equal(line.kind, 'flow');
      assert.equal(line.name, 'Nightly Prep');
      assert.equal(line.mode, 'overwrite');
    }
    const stored = cli.sim.state().flows?.filter((x) => x.name === 'Nightly Prep') ?? [];
    assert.equal(stored.length, 1, 'overwrite keeps one flow');
    assert.equal(stored[0].fileType, 'tflx');
  });
});
