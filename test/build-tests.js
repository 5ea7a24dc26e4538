// Bundles every test entry point (unit tests, the simulator, benchmarks, e2e drivers)
// into out/ with esbuild. Type checking is `tsc --noEmit`; this only transpiles.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(p);
  }
  return out;
}

const root = path.join(__dirname, '..');
const entryPoints = [
  ...walk(path.join(root, 'test')).filter(
    (p) => /\.test\.ts$/.test(p) || /[\\/](main|run|index|suite|rootHooks)\.ts$/.test(p)
  ),
];

esbuild
  .build({
    entryPoints,
    outbase: root,
    outdir: path.join(root, 'out'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    // libxml2-wasm is an ES module with top-level await: loaded at run time with import().
    external: ['vscode', 'mocha', 'playwright-core', 'libxml2-wasm'],
    define: { __PRODUCT_VERSION__: JSON.stringify(require('../package.json').version) },
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
