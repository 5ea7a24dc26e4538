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
    (p) => /\.test\.ts$/.test(p) || /[\\/](main|run|index|suite)\.ts$/.test(p)
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
    external: ['vscode', 'mocha', 'playwright-core'],
    define: { __PRODUCT_VERSION__: JSON.stringify(require('../package.json').version) },
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
