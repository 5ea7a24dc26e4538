import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonLines, runCli as run } from '../../support/cliRunner';
import { startCliSimulator, type CliSimulator } from '../../support/simFixture';
import { DEFAULT_SPEC, workbookDocument } from '../../fixtures/tableauWorkbook';
import { buildZip } from '../../fixtures/zipWriter';
import { hyperBytes } from '../../fixtures/samples';

function twbx(ratio: string, build = '20241.24.0312.0830'): Buffer {
  return buildZip([
    { name: 'Sales.twb', data: workbookDocument({ build, calcs: { ...DEFAULT_SPEC.calcs, 'Profit Ratio': ratio } }), method: 'deflate' },
    { name: 'Data/Extracts/orders.hyper', data: hyperBytes(4096) },
  ]);
}

describe('CLI: diff and restore (node dist/cli.js against the simulator)', function () {
  this.timeout(60_000);
  let cli: CliSimulator;
  let dir = '';
  before(async () => {
    cli = await startCliSimulator('tp-cli-rev-');
    dir = cli.tmp.dir;
    fs.writeFileSync(path.join(dir, 'Sales.twbx'), twbx('SUM([Profit])/SUM([Sales])'));
    const r = await run(['publish', 'Sales.twbx', '--project', 'Publish'], { env: cli.env, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => cli.close());

  it('diff exits 0 when the deployed workbook matches (noise aside), 1 naming the changed field when it drifted, 2 on an error', async () => {
    // Saved again by another Tableau version: only the build stamp and thumbnails differ.
    fs.writeFileSync(path.join(dir, 'Sales.twbx'), twbx('SUM([Profit])/SUM([Sales])', '20242.24.0711.1636'));
    const same = await run(['diff', 'Sales.twbx', '--project', 'Publish'], { env: cli.env, cwd: dir });
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /No differences/);

    fs.writeFileSync(path.join(dir, 'Sales.twbx'), twbx('SUM([Profit])/NULLIF(SUM([Sales]),0)'));
    const differs = await run(['diff', 'Sales.twbx', '--project', 'Publish'], { env: cli.env, cwd: dir });
    assert.equal(differs.code, 1, differs.stderr);
    assert.match(differs.stdout, /Calculated fields\n\s+~ Profit Ratio \(Orders\)\n\s+formula: SUM\(\[Profit\]\)\/NULLIF\(SUM\(\[Sales\]\),0\) → SUM\(\[Profit\]\)\/SUM\(\[Sales\]\)/);

    const json = await run(['diff', 'Sales.twbx', '--project', 'Publish', '--json'], { env: cli.env, cwd: dir });
    assert.equal(json.code, 1);
    const [o] = jsonLines(json.stdout);
    assert.equal(o.same, false);
    assert.deepEqual((o.changes as { name: string }[]).map((c) => c.name), ['Profit Ratio']);

    const missing = await run(['diff', 'Sales.twbx', '--project', 'Publish', '--name', 'Nope'], { env: cli.env, cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No workbook named "Nope" in project "Publish"/);
  });

  it('restore says what it would do without --yes, then republishes revision 1 and reports the new current revision', async () => {
    const r2 = await run(['publish', 'Sales.twbx', '--project', 'Publish', '--mode', 'overwrite'], { env: cli.env, cwd: dir });
    assert.equal(r2.code, 0, r2.stderr);
    const dry = await run(['restore', '--revision', '1', '--project', 'Publish', '--name', 'Sales'], { env: cli.env, cwd: dir });
    assert.equal(dry.code, 2);
    assert.match(dry.stderr, /Restore revision 1 .*of workbook "Sales" in "Publish": it is published over the current revision 2 and becomes the new current revision\. Run again with --yes/);
    const done = await run(['restore', '--revision', '1', '--project', 'Publish', '--name', 'Sales', '--yes', '--json'], { env: cli.env, cwd: dir });
    assert.equal(done.code, 0, done.stderr);
    const [o] = jsonLines(done.stdout);
    assert.deepEqual([o.event, o.restoredRevision, o.previousRevision, o.currentRevision], ['restored', 1, 2, 3]);
    // The deployed workbook is revision 1's content again: the local file (revision 2's) differs.
    const after = await run(['diff', 'Sales.twbx', '--project', 'Publish'], { env: cli.env, cwd: dir });
    assert.equal(after.code, 1);
    const gone = await run(['restore', '--revision', '7', '--project', 'Publish', '--name', 'Sales', '--yes'], { env: cli.env, cwd: dir });
    assert.equal(gone.code, 4);
    assert.match(gone.stderr, /Revision 7 of workbook "Sales" no longer exists; the revisions are 1, 2, 3/);
  });
});
