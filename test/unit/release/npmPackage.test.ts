import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../support/cliRunner';
import { tempDir } from '../../support/files';
import { repoRoot, runNode, runProgram, type NodeRun } from '../../support/release';
import { startCliSimulator, type CliSimulator } from '../../support/simFixture';

/** npm and tar, quiet and offline-friendly. */
function runTool(cmd: string, args: string[], cwd: string): Promise<NodeRun> {
  return runProgram(cmd, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' } });
}

describe('the tableau-publish command (bin, --version, npx, npm pack)', function () {
  this.timeout(120_000);
  const root = repoRoot();
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
  let cli: CliSimulator;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    cli = await startCliSimulator('tp-npm-');
    tmp = tempDir('tp-npm-pack-');
  });
  after(async () => {
    await cli.close();
    tmp.cleanup();
  });

  it('--version and -v print package.json\'s version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), manifest.version);
    }
  });

  it('bin names dist/cli.js, which starts with a node shebang', () => {
    assert.deepEqual(manifest.bin, { 'tableau-publish': './dist/cli.js' });
    assert.equal(fs.readFileSync(path.join(root, 'dist', 'cli.js'), 'utf8').split('\n')[0], '#!/usr/bin/env node');
  });

  it('npx tableau-publish runs the command from a checkout (after npm ci && npm run build), offline', async () => {
    const r = await runTool('npx', ['--offline', 'tableau-publish', '--version'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), manifest.version);
  });

  it('npm pack holds only the command (self-contained: it runs and publishes with no node_modules)', async () => {
    const packed = await runTool('npm', ['pack', '--json', '--pack-destination', tmp.dir], root);
    assert.equal(packed.code, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string; mode: number }[] }[];
    const files = info.files.map((f) => f.path).sort();
    assert.deepEqual(files, ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/cliMain.js', 'dist/undici.js', 'package.json']);
    assert.equal(info.files.find((f) => f.path === 'dist/cli.js')!.mode & 0o111, 0o111, 'the bin is executable');

    const into = path.join(tmp.dir, 'unpacked');
    fs.mkdirSync(into);
    const untar = await runTool('tar', ['-xzf', path.join(tmp.dir, info.filename), '-C', into], tmp.dir);
    assert.equal(untar.code, 0, untar.stderr);
    for (let dir = into; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      assert.ok(!fs.existsSync(path.join(dir, 'node_modules')), `no node_modules at ${dir} to lean on`);
    }
    const bin = path.join(into, 'package', manifest.bin['tableau-publish']);
    const env = { PATH: process.env.PATH ?? '', HOME: tmp.dir };
    const version = await runNode([bin, '--version'], { cwd: tmp.dir, env });
    assert.equal(version.stdout.trim(), manifest.version, version.stderr);
    // A real sign-in loads undici's dispatchers from dist/undici.js.
    const signin = await runNode([bin, 'signin', '--check', '--json'], { cwd: tmp.dir, env: { ...env, ...cli.env } });
    assert.equal(signin.code, 0, signin.stderr);
    assert.match(signin.stdout, /"event":"signedIn"/);
  });
});
