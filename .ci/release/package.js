#!/usr/bin/env node
// @ts-check
/**
 * Builds the release .vsix for the Visual Studio Marketplace and Open VSX:
 *
 *   npm run release:package -- --base-url https://github.com/OWNER/REPO [--ref main] [--out FILE] [--skip-build]
 *
 * `npm run package` stays the offline local build (relative README links left alone). A marketplace
 * page renders the README from the package, where relative links and the screenshots (kept out of the
 * package) would be broken; so this one
 * - sets `repository`, `bugs` and `homepage` from the base URL in a temporary copy of the package's
 *   files (the working tree is never changed, even if this is killed half-way), and
 * - has vsce rewrite the README's relative links to `<base>/blob/<ref>/` and images to `<base>/raw/<ref>/`.
 * The workflow passes the release tag as --ref, so the page shows the screenshots of that release.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..', '..');

class UsageError extends Error {}

/**
 * The repository's public address, checked and normalized: https, a host and /OWNER/REPO, no query.
 * @param {string | undefined} raw
 * @returns {string}
 */
function normalizeBaseUrl(raw) {
  if (!raw) {
    throw new UsageError(
      'A release package needs the public repository address: npm run release:package -- --base-url https://github.com/OWNER/REPO ' +
        '(the marketplace page rewrites the README\'s relative links and screenshots against it). For a local build use npm run package.',
    );
  }
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${raw}`);
  }
  const segments = url.pathname.replace(/\.git$/, '').split('/').filter(Boolean);
  if (url.protocol !== 'https:' || url.search || url.hash || url.username || url.password || segments.length < 2) {
    throw new UsageError(`--base-url must be https://HOST/OWNER/REPO (no query, fragment or credentials), not ${raw}`);
  }
  return `https://${url.host}/${segments.join('/')}`;
}

/**
 * Where relative links and images in the README point on the web, for a branch or tag.
 * GitLab serves files under /-/blob and /-/raw; GitHub and hosts like it under /blob and /raw.
 * @param {string} base normalized by normalizeBaseUrl
 * @param {string} ref
 */
function readmeBaseUrls(base, ref) {
  if (!/^[\w.\-/]+$/.test(ref) || ref.includes('..')) throw new UsageError(`--ref must be a branch or tag name, not ${ref}`);
  const sep = new URL(base).host === 'gitlab.com' ? '/-' : '';
  return { content: `${base}${sep}/blob/${ref}/`, images: `${base}${sep}/raw/${ref}/` };
}

/**
 * The manifest as published: the repository's address in the fields the marketplaces show.
 * @param {Record<string, unknown>} manifest
 * @param {string} base
 */
function releaseManifest(manifest, base) {
  return {
    ...manifest,
    repository: { type: 'git', url: `${base}.git` },
    bugs: { url: `${base}/issues` },
    homepage: `${base}#readme`,
  };
}

/** @param {string[]} argv */
async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      ref: { type: 'string', default: 'main' },
      out: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const base = normalizeBaseUrl(values['base-url']);
  const urls = readmeBaseUrls(base, values.ref ?? 'main');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = path.resolve(values.out ?? `${manifest.name}-${manifest.version}.vsix`);

  if (!values['skip-build']) {
    const build = spawnSync(process.execPath, [path.join(root, 'esbuild.js'), '--production'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the production build failed');
  }

  // vsce is loaded only here: a usage error above needs no node_modules.
  const vsce = require('@vscode/vsce');
  const files = await vsce.listFiles({ cwd: root, packageManager: vsce.PackageManager.None });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-publisher-release-'));
  try {
    for (const file of [...files, '.vscodeignore']) {
      const to = path.join(stage, file);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(root, file), to);
    }
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(releaseManifest(manifest, base), null, 2) + '\n');
    await vsce.createVSIX({
      cwd: stage,
      packagePath: out,
      dependencies: false,
      baseContentUrl: urls.content,
      baseImagesUrl: urls.images,
    });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  console.log(`release package: ${out} (README links under ${urls.content}, images under ${urls.images})`);
}

module.exports = { normalizeBaseUrl, readmeBaseUrls, releaseManifest };

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    const usage = e instanceof UsageError || (e && typeof e === 'object' && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
    console.error(`release:package: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(usage ? 2 : 1);
  });
}
