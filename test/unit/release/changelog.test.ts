import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../support/files';
import { repoRoot, runNode, type NodeRun } from '../../support/release';

/** .ci/release/changelog.js, run as the release workflow and a maintainer run it. */
describe('CHANGELOG and package.json version (npm run release:changelog)', function () {
  this.timeout(60_000);
  const root = repoRoot();
  const script = path.join(root, '.ci', 'release', 'changelog.js');
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('tp-changelog-')));
  afterEach(() => tmp.cleanup());

  const HEAD = '# Changelog\n\nAll notable changes.\n\n';
  const run = (args: string[], changelog: string, version: string): Promise<NodeRun> => {
    const cl = tmp.file('CHANGELOG.md', changelog);
    const pkg = tmp.file('package.json', JSON.stringify({ name: 'x', version }));
    return runNode([script, ...args, '--changelog', cl, '--package', pkg], { cwd: tmp.dir });
  };

  it('the repository\'s own CHANGELOG and package.json agree', async () => {
    const r = await runNode([script, 'check'], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
    const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
    // Either this version is the topmost release, or it is the next one and its changes are under [Unreleased].
    const top = /^## \[(\d[^\]]*)\] - \d{4}-\d{2}-\d{2}$/m.exec(changelog)?.[1];
    assert.ok(top === version || /^## \[Unreleased\]$/m.test(changelog), `package.json ${version}, CHANGELOG's latest release ${top}`);
  });

  it('the release moves [Unreleased] to package.json\'s version, and its notes are that section', async () => {
    const text = `${HEAD}## [Unreleased]\n\n### Added\n- New thing.\n\n## [0.1.0] - 2026-01-02\n\n### Fixed\n- Old thing.\n\n[0.1.0]: https://example.com/v0.1.0\n`;
    assert.equal((await run(['check'], text, '0.2.0')).code, 0, 'the next version, unreleased');
    assert.equal((await run(['check', '--tag', 'v0.2.0'], text, '0.2.0')).code, 1, 'no tag before the release section exists');
    const moved = await run(['release', '--date', '2026-12-01'], text, '0.2.0');
    assert.equal(moved.code, 0, moved.stderr);
    const after = fs.readFileSync(path.join(tmp.dir, 'CHANGELOG.md'), 'utf8');
    assert.match(after, /## \[Unreleased\]\n\n## \[0\.2\.0\] - 2026-12-01\n\n### Added\n- New thing\./);
    const pkg = path.join(tmp.dir, 'package.json');
    const cl = path.join(tmp.dir, 'CHANGELOG.md');
    assert.equal((await runNode([script, 'check', '--tag', 'v0.2.0', '--changelog', cl, '--package', pkg], { cwd: tmp.dir })).code, 0);
    const notes = await runNode([script, 'notes', '--changelog', cl, '--package', pkg], { cwd: tmp.dir });
    assert.equal(notes.stdout, '### Added\n- New thing.\n');
    const old = await runNode([script, 'notes', '--version', '0.1.0', '--changelog', cl, '--package', pkg], { cwd: tmp.dir });
    assert.equal(old.stdout, '### Fixed\n- Old thing.\n', 'link definitions at the end are not notes');
  });

  it('refuses a version that disagrees with the CHANGELOG', async () => {
    const released = `${HEAD}## [Unreleased]\n\n## [0.2.0] - 2026-02-01\n\n### Added\n- B.\n\n## [0.1.0] - 2026-01-01\n\n### Added\n- A.\n`;
    assert.equal((await run(['check'], released, '0.2.0')).code, 0, 'the topmost release');
    assert.equal((await run(['check', '--tag', 'v0.2.0'], released, '0.2.0')).code, 0);
    const cases: [string[], string, string, RegExp][] = [
      [['check'], released, '0.1.0', /older release/],
      [['check'], released, '0.1.5', /below the CHANGELOG's latest release/],
      [['check', '--tag', 'v0.3.0'], released, '0.2.0', /not v0\.2\.0/],
      [['check'], `${HEAD}## [0.1.0] - 2026-01-01\n\n### Added\n- A.\n`, '0.2.0', /needs a "## \[Unreleased\]"/],
      [['check', '--tag', 'v0.2.0'], `${HEAD}## [Unreleased]\n\n## [0.2.0] - 2026-02-01\n\n`, '0.2.0', /empty/],
      [['release'], released, '0.2.0', /no changes to release/],
      [['release'], `${HEAD}## [Unreleased]\n\n- C.\n\n## [0.2.0] - 2026-02-01\n\n- B.\n`, '0.2.0', /released already/],
    ];
    for (const [args, text, version, message] of cases) {
      const r = await run(args, text, version);
      assert.equal(r.code, 1, `${args.join(' ')} ${version}`);
      assert.match(r.stderr, message);
    }
  });

  it('refuses a CHANGELOG not in Keep a Changelog form', async () => {
    const cases: [string, RegExp][] = [
      ['# Changes\n\n## [Unreleased]\n', /line 1/],
      [`${HEAD}## [0.1.0] - 2026-01-01\n\n## [Unreleased]\n`, /must be the first section/],
      [`${HEAD}## 0.1.0 (2026-01-01)\n`, /a section heading is/],
      [`${HEAD}## [0.1.0] - 2026-02-30\n`, /not a date/],
      [`${HEAD}## [Unreleased]\n\n### Improvements\n`, /a change group is one of/],
      [`${HEAD}## [0.1.0] - 2026-01-01\n\n## [0.2.0] - 2026-02-01\n`, /must be above older releases/],
    ];
    for (const [text, message] of cases) {
      const r = await run(['check'], text, '0.3.0');
      assert.equal(r.code, 1, text);
      assert.match(r.stderr, message);
    }
  });
});
