/** Flows in the CLI: publish a .tfl/.tflx, list them with the last run, run one now. */
import * as assert from 'node:assert/strict';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { flowBytes } from '../../fixtures/flows';

describe('CLI: flows (publish, ls flows, run-flow)', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-cli-flows-')));
  after(() => cli.close());

  it('publishes .tfl and .tflx, overwrites, lists them with the last run, and runs one', async () => {
    const tfl = cli.tmp.file('Clean Orders.tfl', flowBytes());
    const tflx = cli.tmp.file('Packed.tflx', flowBytes({ packaged: true }));
    const pub = await run(['publish', tfl, tflx, '--project', 'Publish', '--json'], { env: cli.env });
    assert.equal(pub.code, 0, pub.stderr + pub.stdout);
    const lines = jsonLines(pub.stdout);
    assert.deepEqual(lines.map((l) => [l.kind, l.name, l.fileType]).sort(), [['flow', 'Clean Orders', 'tfl'], ['flow', 'Packed', 'tflx']]);
    const again = await run(['publish', tfl, '--project', 'Publish', '--json'], { env: cli.env });
    assert.equal(again.code, 4, 'createnew over an existing flow is a conflict');
    const over = await run(['publish', tfl, '--project', 'Publish', '--mode', 'overwrite', '--json'], { env: cli.env });
    assert.equal(over.code, 0, over.stderr);
    assert.equal(jsonLines(over.stdout)[0].id, lines.find((l) => l.name === 'Clean Orders')!.id);
    const append = await run(['publish', tfl, '--project', 'Publish', '--mode', 'append'], { env: cli.env });
    assert.equal(append.code, 2);

    const ran = await run(['run-flow', 'Publish / Clean Orders', '--json'], { env: cli.env });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(jsonLines(ran.stdout)[0].status, 'Success');

    const ls = await run(['ls', 'flows', '--project', 'Publish'], { env: cli.env });
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /Publish \/ Clean Orders\ttfl\tSuccess\t/);
    assert.match(ls.stdout, /Publish \/ Packed\ttflx\tnever run\t/);
    assert.equal(cli.sim.state().flows?.length, 2);
  });

  it('refuses a file that is not a flow, and a flow that is not there', async () => {
    const fake = await run(['publish', cli.tmp.file('fake.tflx', 'plain text'), '--project', 'Publish', '--json'], { env: cli.env });
    assert.equal(fake.code, 6);
    const missing = await run(['run-flow', 'Publish / Nope'], { env: cli.env });
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /No flow "Nope" in project "Publish"/);
  });
});
