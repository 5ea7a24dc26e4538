/**
 * `--chunk-size MB`: the upload chunk size for files above Tableau's 64 MB single-request
 * limit (the bench's link section publishes with each size through the CLI).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseCli } from '../../../src/cli/args';
import { EXIT } from '../../../src/cli/exitCodes';
import { TableauError } from '../../../src/core/errors';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { startCliSimulator, type CliSimulator } from '../../support/simFixture';

const MiB = 1024 * 1024;

describe('CLI --chunk-size', function () {
  this.timeout(120_000);
  let cli: CliSimulator;
  before(async () => (cli = await startCliSimulator('tp-chunk-')));
  after(() => cli.close());

  it('parses whole MB from 1 to 64 and refuses anything else with an invalidArgument error', () => {
    const chunk = (v: string): number | undefined => {
      const c = parseCli(['publish', 'a.hyper', '--chunk-size', v]);
      return c.command === 'publish' ? c.chunkSizeMb : undefined;
    };
    assert.equal(chunk('16'), 16);
    assert.equal(chunk('64'), 64);
    assert.equal((parseCli(['publish', 'a.hyper']) as { chunkSizeMb?: number }).chunkSizeMb, undefined, 'unset: the publisher\'s default');
    for (const bad of ['0', '65', '2.5', 'ten']) {
      assert.throws(() => chunk(bad), (e: unknown) => TableauError.is(e) && e.reason === 'invalidArgument' && /--chunk-size must be a whole number from 1 to 64/.test(e.message), bad);
    }
  });

  it('is documented in --help and exits with the usage code on a bad value', async () => {
    assert.match((await run(['--help'])).stdout, /--chunk-size MB\s+Upload chunk size for files over 64 MB \(default 50/);
    const r = await run(['publish', 'x.hyper', '--chunk-size', '100'], { env: cli.env });
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /--chunk-size must be a whole number from 1 to 64/);
  });

  it('uploads a file over 64 MB in chunks of the size asked for', async () => {
    // 70 MiB, sparse after the header: 16 MB chunks make 5 of them (the default 50 MB, 2).
    const p = cli.tmp.file('Chunked.hyper', 'Hyper');
    fs.truncateSync(p, 70 * MiB);
    const r = await run(['publish', p, '--project', 'Publish', '--json', '--chunk-size', '16'], { env: cli.env });
    assert.equal(r.code, 0, r.stderr);
    const [line] = jsonLines(r.stdout);
    assert.equal(line.chunks, 5);
    const upload = cli.sim.state().uploads.at(-1)!;
    assert.deepEqual([upload.chunks, upload.size, upload.consumed], [5, 70 * MiB, true]);
    assert.equal(cli.sim.state().datasources.find((d) => d.name === 'Chunked')?.size, 70 * MiB);
  });
});
