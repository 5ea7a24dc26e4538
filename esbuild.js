// Bundles the extension and the CLI. Standard generator form: --production minifies
// and drops source maps, --watch rebuilds on change and prints problem-matcher lines.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').Plugin} */
const esbuildProblemMatcherPlugin = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => {
      console.log('[watch] build started');
    });
    build.onEnd((result) => {
      result.errors.forEach(({ text, location }) => {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      });
      console.log('[watch] build finished');
    });
  },
};

/**
 * undici is about 0.5 MB of the 0.8 MB the extension would otherwise load at activation. The
 * core requires it on first use only (src/core/http/undici.ts); this keeps it out of
 * extension.js and cli.js, in dist/undici.js, so that require reads it from there.
 * @type {import('esbuild').Plugin}
 */
const undiciOwnFilePlugin = {
  name: 'undici-own-file',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

/**
 * The start-up shell (dist/extension.js) loads the rest of the extension (dist/main.js) on
 * first use with require('tableau-publisher/main'): a file of its own, never bundled in.
 * @type {import('esbuild').Plugin}
 */
const mainOwnFilePlugin = {
  name: 'main-own-file',
  setup(build) {
    build.onResolve({ filter: /^tableau-publisher\/main$/ }, () => ({ path: './main.js', external: true }));
  },
};

async function main() {
  const version = require('./package.json').version;
  const common = {
    bundle: true,
    format: 'cjs',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    outdir: 'dist',
    logLevel: 'silent',
  };
  // Only the dispatchers the HTTP client uses, not fetch, WebSocket, caches and mocks
  // (a third of the code, so it loads faster). Built once per run: it changes only with node_modules.
  await esbuild.build({
    ...common,
    stdin: {
      // request() and the other API methods are put on Dispatcher.prototype the way undici's index.js does.
      contents:
        "Object.assign(require('undici/lib/dispatcher/dispatcher').prototype, require('undici/lib/api'));\n" +
        "module.exports = { Agent: require('undici/lib/dispatcher/agent'), Pool: require('undici/lib/dispatcher/pool'), ProxyAgent: require('undici/lib/dispatcher/proxy-agent'), EnvHttpProxyAgent: require('undici/lib/dispatcher/env-http-proxy-agent') };",
      resolveDir: __dirname,
      sourcefile: 'undici-dispatchers.js',
    },
    outdir: undefined,
    outfile: 'dist/undici.js',
    sourcemap: false,
  });
  const ctx = await esbuild.context({
    ...common,
    entryPoints: { extension: 'src/extension.ts', main: 'src/vscode/main.ts', cli: 'src/cli.ts' },
    external: ['vscode'],
    define: { __PRODUCT_VERSION__: JSON.stringify(version) },
    plugins: [undiciOwnFilePlugin, mainOwnFilePlugin, esbuildProblemMatcherPlugin],
  });
  if (watch) {
    await ctx.watch();
  } else {
    await ctx.rebuild();
    await ctx.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
