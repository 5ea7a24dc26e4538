import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { tempDir } from '../../support/files';
import { markdownRefs, openVsxIssues, readZip, repoRoot, runNode } from '../../support/release';

/**
 * The release package (.ci/release/package.js), as the Visual Studio Marketplace and Open VSX get it.
 * It packages the dist/ that `npm run build` left (--skip-build): that build has source maps beside the
 * bundles, so the content check also proves .vscodeignore keeps them out.
 */
const BASE = 'https://github.com/example-org/tableau-publisher';
const REF = 'v9.9.9';

/** What a package may hold: vsce's own two files, and under extension/ only what the installed extension uses. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/(package\.json|package\.nls\.json|readme\.md|changelog\.md|LICENSE\.txt)$/,
  /^extension\/dist\/(extension|main|cli|cliMain|undici)\.js$/,
  /^extension\/media\/(?!screenshots\/)[\w./-]+\.(svg|png|md)$/,
  /^extension\/media\/schemas\/[\w.-]+\.schema\.json$/, // jsonValidation: VS Code reads the schema from the installed extension
];
const REQUIRED = ['extension/package.json', 'extension/package.nls.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/main.js', 'extension/dist/cli.js', 'extension/dist/cliMain.js', 'extension/dist/undici.js'];

/** Every file the manifest points at (icons, walkthrough media): the installed extension needs each one. */
function manifestFiles(manifest: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string' && /^(icon|light|dark|markdown|image|svg)$/.test(key) && /^(\.\/)?media\//.test(v)) found.push(path.posix.normalize(v));
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(manifest, '');
  return found;
}

describe('release package (npm run release:package)', function () {
  this.timeout(120_000);
  const root = repoRoot();
  const script = path.join(root, '.ci', 'release', 'package.js');
  let tmp: ReturnType<typeof tempDir>;
  let entries: Map<string, Buffer>;

  before(async () => {
    tmp = tempDir('tp-release-');
    const packageJsonBefore = fs.readFileSync(path.join(root, 'package.json'));
    const vsix = path.join(tmp.dir, 'release.vsix');
    const r = await runNode([script, '--base-url', `${BASE}/`, '--ref', REF, '--out', vsix, '--skip-build'], { cwd: root });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(fs.readFileSync(path.join(root, 'package.json')), packageJsonBefore, 'the working tree\'s package.json is never changed');
    entries = await readZip(vsix);
  });
  after(() => tmp.cleanup());

  it('refuses to build without --base-url, or with one that is not https://HOST/OWNER/REPO', async () => {
    const none = await runNode([script, '--skip-build'], { cwd: root });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--base-url https:\/\/github\.com\/OWNER\/REPO/);
    for (const bad of ['http://github.com/o/r', 'https://github.com/only-owner', 'https://user:pw@github.com/o/r', 'not a url']) {
      const r = await runNode([script, '--base-url', bad, '--skip-build'], { cwd: root });
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--base-url/);
    }
  });

  it('normalizes the base URL and derives the README\'s link and image bases (GitHub, GitHub Enterprise, GitLab)', () => {
    const m = createRequire(__filename)(script) as {
      normalizeBaseUrl(raw: string): string;
      readmeBaseUrls(base: string, ref: string): { content: string; images: string };
    };
    assert.equal(m.normalizeBaseUrl('https://github.com/o/r.git'), 'https://github.com/o/r');
    assert.equal(m.normalizeBaseUrl('https://ghe.example.com/o/r/'), 'https://ghe.example.com/o/r');
    assert.deepEqual(m.readmeBaseUrls('https://github.com/o/r', 'v1.2.3'), { content: 'https://github.com/o/r/blob/v1.2.3/', images: 'https://github.com/o/r/raw/v1.2.3/' });
    assert.deepEqual(m.readmeBaseUrls('https://gitlab.com/g/r', 'main'), { content: 'https://gitlab.com/g/r/-/blob/main/', images: 'https://gitlab.com/g/r/-/raw/main/' });
    assert.throws(() => m.readmeBaseUrls('https://github.com/o/r', '../x'), /--ref/);
  });

  it('holds only dist/, media/ (no screenshots), README, CHANGELOG, LICENSE, package.json and package.nls.json: no sources, no maps', () => {
    const names = [...entries.keys()];
    const stray = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(stray, [], `files that do not belong in the package: ${stray.join(', ')}`);
    for (const n of REQUIRED) assert.ok(entries.has(n), `${n} is packaged`);
    assert.ok(!names.some((n) => /\.(map|ts)$/.test(n)), 'no source maps or TypeScript sources');
    assert.ok(fs.existsSync(path.join(root, 'dist', 'cli.js.map')), 'the dev build made maps, so their absence above is .vscodeignore\'s doing');
  });

  it('packages every file the manifest names (icon, view icons, walkthrough pages)', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as Record<string, unknown>;
    const named = manifestFiles(manifest);
    assert.ok(named.includes('media/icon.png') && named.some((f) => f.startsWith('media/walkthrough/')), named.join(', '));
    for (const f of named) assert.ok(entries.has(`extension/${f}`), `${f} is packaged`);
  });

  it('sets repository, bugs and homepage from the base URL, in metadata Open VSX accepts', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(manifest.repository, { type: 'git', url: `${BASE}.git` });
    assert.deepEqual(manifest.bugs, { url: `${BASE}/issues` });
    assert.equal(manifest.homepage, `${BASE}#readme`);
    assert.deepEqual(openVsxIssues(manifest, new Set(entries.keys())), []);
    const source = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(source.repository, undefined, 'the repository is set at release time only');
    const vsixManifest = entries.get('extension.vsixmanifest')!.toString('utf8');
    assert.match(vsixManifest, new RegExp(`Links\\.Source" Value="${BASE}\\.git"`));
  });

  it('the Open VSX check is real: it names what a bad manifest lacks', () => {
    const issues = openVsxIssues({ publisher: 'a b', name: 'x', version: 'latest', galleryBanner: { theme: 'blue' }, icon: 'media/none.png' }, new Set());
    for (const what of [/^publisher/, /^version/, /no license/, /^repository is missing/, /galleryBanner\.theme/, /icon media\/none\.png/]) {
      assert.ok(issues.some((i) => what.test(i)), `${what}: ${issues.join('; ')}`);
    }
  });

  it('every link and image of the packaged README is absolute https (or an in-page heading), images at <base>/raw/<tag>/', () => {
    const readme = entries.get('extension/readme.md')!.toString('utf8');
    const refs = markdownRefs(readme);
    assert.ok(refs.images.length >= 4, `the screenshots are in the README (${refs.images.length} images)`);
    for (const src of refs.images) {
      assert.ok(src.startsWith(`${BASE}/raw/${REF}/`) || (new URL(src).protocol === 'https:' && !src.startsWith(BASE)), `image ${src}`);
    }
    for (const href of refs.links) {
      if (href.startsWith('#')) {
        assert.ok(refs.anchors.has(decodeURIComponent(href.slice(1))), `in-page link ${href} names a heading`);
        continue;
      }
      assert.equal(new URL(href).protocol, 'https:', `link ${href}`);
    }
  });

  it('every image and relative link of the README names a file in the repository', () => {
    const refs = markdownRefs(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    const relative = (u: string): boolean => !/^[a-z][a-z\d+.-]*:/i.test(u) && !u.startsWith('#');
    const images = refs.images.filter(relative);
    assert.ok(images.length >= 4);
    for (const u of [...images, ...refs.links.filter(relative)]) {
      const file = path.join(root, decodeURIComponent(u.split('#')[0]));
      assert.ok(fs.existsSync(file), `${u} exists in the repository`);
    }
    // Each packaged image is the repository's file at the release tag.
    const packaged = markdownRefs(entries.get('extension/readme.md')!.toString('utf8')).images;
    for (const u of images) assert.ok(packaged.includes(`${BASE}/raw/${REF}/${path.posix.normalize(u)}`), u);
  });

  it('the link checker sees reference-style links and raw HTML, which vsce\'s rewriting misses', () => {
    const refs = markdownRefs('# Top\n\n[a][ref] <img src="media/x.png"> <a href="docs/y.md">y</a>\n\n[ref]: relative/file.md\n');
    assert.deepEqual(refs.links, ['relative/file.md', 'docs/y.md']);
    assert.deepEqual(refs.images, ['media/x.png']);
    assert.ok(refs.anchors.has('top'));
  });

  it('`vsce ls` lists the same files as the package, and nothing else', async () => {
    const r = await runNode([path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    const listed = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    const rename: Record<string, string> = { 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md', 'LICENSE.txt': 'LICENSE' };
    const packaged = [...entries.keys()]
      .filter((n) => n.startsWith('extension/'))
      .map((n) => n.slice('extension/'.length))
      .map((n) => rename[n] ?? n)
      .sort();
    assert.deepEqual(listed, packaged);
  });
});
