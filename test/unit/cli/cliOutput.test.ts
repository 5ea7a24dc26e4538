/**
 * What the CLI prints is safe: a secret pasted as an argument is masked in JSON as on stderr,
 * and names, URLs and error details a hostile server chooses cannot drive the terminal.
 */
import * as assert from 'node:assert/strict';
import { jsonLines, runCli, type Run } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { PUB_PAT, PUB_SITE, publishConfig } from '../../support/simFixture';
import { twbxBytes } from '../../fixtures/samples';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { SentinelScanner } from '../../support/sentinels';

// Retitles the window (OSC), erases the line (CSI), returns to the line start, starts a CSI with
// the one-byte C1 form, and ends in DEL and NEL; a tab and a newline would fake a column and a line.
const HOSTILE = 'Evil \x1b]0;pwned\x07 \x1b[2K\r\x9b31mred\x1b[0m \x7f\x85 tab\there\nerror: forged';
const HOSTILE_VIEW = '\x1b[2JView\x9d0;pwned\x9c';
// What XML (so a publish request) can carry: C1 controls and DEL, no C0 but tab and newline.
const HOSTILE_PUBLISHED = 'Evil \x9b2K\x9d0;pwned\x9c \x7f\x85 tab\there\nerror: forged';
// Everything a terminal acts on, but the newline and tab the CLI itself writes.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// In JSON, every control character is escaped: only the newline ending each line is raw.
const JSON_RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('CLI output: redacted and free of terminal controls', function () {
  this.timeout(60_000);
  let sim: RunningSimulator;
  let env: Record<string, string>;
  const tmp = tempDir('tp-cli-out-');

  before(async () => {
    const config = publishConfig();
    config.projects!.push({ site: PUB_SITE, path: `Publish/${HOSTILE}` });
    config.workbooks = [{ site: PUB_SITE, name: HOSTILE, project: `Publish/${HOSTILE}`, views: [HOSTILE_VIEW] }];
    config.datasources = [{ site: PUB_SITE, name: HOSTILE, project: 'Publish', type: HOSTILE }];
    sim = await startSimulator({ config });
    env = { TABLEAU_SERVER: sim.url, TABLEAU_SITE: PUB_SITE, TABLEAU_PAT_NAME: PUB_PAT.name, TABLEAU_PAT_SECRET: PUB_PAT.secret };
  });
  after(async () => {
    await sim.close();
    tmp.cleanup();
  });
  afterEach(() => sim.clearFaults());

  const noControls = (r: Run, what: string): void => {
    const bad = CONTROL.exec(r.stdout + r.stderr);
    assert.equal(bad, null, `${what}: a control character U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} reached the terminal:\n${JSON.stringify(r.stdout + r.stderr)}`);
  };

  describe('finding 7: a secret given as an argument', () => {
    const scan = (r: Run): string => {
      const scanner = new SentinelScanner([{ name: 'PAT secret', value: PUB_PAT.secret }]);
      scanner.scanText(r.stdout, 'stdout');
      scanner.scanText(r.stderr, 'stderr');
      return scanner.report();
    };

    it('is masked in the JSON of a failure (a project path that is the secret)', async () => {
      const f = tmp.file('Secret.twbx', twbxBytes());
      const r = await runCli(['publish', f, '--project', PUB_PAT.secret, '--json'], { env });
      assert.equal(r.code, 4, r.stderr);
      const [line] = jsonLines(r.stdout);
      assert.equal(line.event, 'failed');
      assert.match(String(line.message), /<redacted>/);
      assert.equal(scan(r), '');
    });

    it('is masked in the JSON and the text of a result (an item named with the secret)', async () => {
      const f = tmp.file('Named.twbx', twbxBytes());
      const json = await runCli(['publish', f, '--project', 'Publish', '--name', PUB_PAT.secret, '--json'], { env });
      assert.equal(json.code, 0, json.stderr);
      assert.equal(jsonLines(json.stdout)[0].name, '<redacted>');
      const text = await runCli(['publish', f, '--project', 'Publish', '--name', PUB_PAT.secret, '--mode', 'overwrite'], { env });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /Published workbook "<redacted>"/);
      assert.equal(scan(json) + scan(text), '');
    });

    it('is masked in a usage error, before any connection', async () => {
      const r = await runCli(['signin', PUB_PAT.secret], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Unexpected argument "<redacted>"/);
      assert.equal(scan(r), '');
    });
  });

  describe('finding 8: server-chosen names and error details', () => {
    for (const what of ['projects', 'workbooks', 'datasources', 'views']) {
      it(`ls ${what}: text without control characters, one line per item; JSON carries the names exactly`, async () => {
        const text = await runCli(['ls', what], { env });
        assert.equal(text.code, 0, text.stderr);
        noControls(text, `ls ${what}`);
        const rows = text.stdout.split('\n').filter((l) => l.includes('pwned'));
        assert.ok(rows.length >= 1, text.stdout);
        // The name's tab and newline are gone: the id is still the last column of its own line.
        for (const row of rows) assert.match(row.split('\t').at(-1)!, /^[0-9a-f-]{36}$/, row);
        assert.doesNotMatch(text.stdout, /^error: forged/m);

        const json = await runCli(['ls', what, '--json'], { env });
        assert.equal(json.code, 0, json.stderr);
        assert.equal(JSON_RAW_CONTROL.exec(json.stdout), null, JSON.stringify(json.stdout));
        const names = jsonLines(json.stdout).flatMap((l) => [l.name, l.path, l.workbook, l.type]);
        assert.ok(names.some((n) => typeof n === 'string' && (n.endsWith(HOSTILE) || n === HOSTILE_VIEW)), JSON.stringify(names));
      });
    }

    it('publish: the result line quotes the name without control characters; JSON carries it exactly', async () => {
      const f = tmp.file('Plain.twbx', twbxBytes());
      const r = await runCli(['publish', f, '--project', 'Publish', '--name', HOSTILE_PUBLISHED], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Published workbook "Evil .*pwned.*forged" to "Publish"/);
      noControls(r, 'publish');
      const json = await runCli(['publish', f, '--project', 'Publish', '--name', HOSTILE_PUBLISHED, '--mode', 'overwrite', '--json'], { env });
      assert.equal(json.code, 0, json.stderr);
      assert.equal(JSON_RAW_CONTROL.exec(json.stdout), null, JSON.stringify(json.stdout));
      assert.equal(jsonLines(json.stdout)[0].name, HOSTILE_PUBLISHED);
    });

    it("a Tableau error's summary and detail reach stderr without control characters", async () => {
      const error = { error: { code: '400000', summary: `Bad \x1b]0;pwned\x07`, detail: `Detail \x1b[2K\r\x9b2Kerased\nerror: forged line` } };
      sim.injectFault({ match: { method: 'GET', pathPattern: '/workbooks$' }, action: { status: 400, body: JSON.stringify(error), contentType: 'application/json' }, times: 10 });
      const text = await runCli(['ls', 'workbooks'], { env });
      assert.equal(text.code, 5, text.stderr);
      assert.match(text.stderr, /erased/, 'the detail is shown');
      noControls(text, 'error detail');
      assert.doesNotMatch(text.stderr, /^error: forged/m, 'a line of the detail cannot pass for a line of its own');

      const json = await runCli(['ls', 'workbooks', '--json'], { env });
      assert.equal(JSON_RAW_CONTROL.exec(json.stdout), null, JSON.stringify(json.stdout));
      const [line] = jsonLines(json.stdout);
      assert.match(String(line.message), /\x1b\[2K/, 'the JSON keeps the detail as sent, escaped');
      noControls({ ...json, stdout: '' }, 'error detail on stderr with --json');
    });
  });
});
