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
 * Bundles that load on first use are files of their own, never bundled into the ones that
 * require them: the start-up shell (dist/extension.js) requires the rest of the extension as
 * 'tableau-publisher/main' (dist/main.js), and the core requires 'undici' on the first request
 * (src/core/http/undici.ts; it is most of the bytes) from dist/undici.js.
 * @type {import('esbuild').Plugin}
 */
const ownFilesPlugin = {
  name: 'own-files',
  setup(build) {
    const files = { 'tableau-publisher/main': './main.js', undici: './undici.js' };
    build.onResolve({ filter: /^(tableau-publisher\/main|undici)$/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: files[args.path], external: true },
    );
  },
};

/**
 * The V8 code cache of each bundle the CLI launcher loads (src/cli/codeCache.ts reads it): the
 * SHA-256 of the text compiled, then V8's data, made with this Node, so it serves the CLI run by
 * the Node that built it. Every function is compiled (--no-lazy), not only the top level, and
 * under --liftoff-only, the flag the CLI sets before it loads them: V8 refuses a cache made under
 * other flags.
 */
const CLI_CACHED_BUNDLES = ['dist/cliMain.js', 'dist/undici.js'];

/** Writes `<file>.cache` for one bundle (the unit tests make caches with it too). */
function writeCodeCache(file) {
  const crypto = require('crypto');
  const fs = require('fs');
  const v8 = require('v8');
  const vm = require('vm');
  const { wrap } = require('module');
  v8.setFlagsFromString('--liftoff-only');
  const wrapped = wrap(fs.readFileSync(file, 'utf8').replace(/^#!.*/, ''));
  v8.setFlagsFromString('--no-lazy');
  let script;
  try {
    script = new vm.Script(wrapped, { filename: file });
  } finally {
    v8.setFlagsFromString('--lazy');
  }
  const hash = crypto.createHash('sha256').update(wrapped).digest();
  fs.writeFileSync(`${file}.cache`, Buffer.concat([hash, script.createCachedData()]));
}

function removeCodeCaches() {
  for (const file of CLI_CACHED_BUNDLES) require('fs').rmSync(`${file}.cache`, { force: true });
}

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
  // undici: only the dispatchers the HTTP client uses (UNDICI_MEMBERS in src/core/http/undici.ts,
  // whose type refuses any other), not fetch, WebSocket, caches and mocks: the file loads in about
  // half the time of the whole module, which every CLI run pays. It changes only with node_modules.
  await esbuild.build({
    ...common,
    stdin: {
      // request() and the other API methods are put on Dispatcher.prototype the way undici's index.js does.
      contents:
        "Object.assign(require('undici/lib/dispatcher/dispatcher').prototype, require('undici/lib/api'));\n" +
        'module.exports = {' +
        " Agent: require('undici/lib/dispatcher/agent')," +
        " EnvHttpProxyAgent: require('undici/lib/dispatcher/env-http-proxy-agent')," +
        " Pool: require('undici/lib/dispatcher/pool')," +
        " ProxyAgent: require('undici/lib/dispatcher/proxy-agent') };",
      resolveDir: __dirname,
      sourcefile: 'undici-dispatchers.js',
    },
    outdir: undefined,
    outfile: 'dist/undici.js',
    sourcemap: false,
  });
  const ctx = await esbuild.context({
    ...common,
    // cli is the launcher (the bin); cliMain the command it loads with its code cache.
    entryPoints: { extension: 'src/extension.ts', main: 'src/vscode/main.ts', cli: 'src/cli.ts', cliMain: 'src/cli/main.ts' },
    external: ['vscode'],
    define: { __PRODUCT_VERSION__: JSON.stringify(version) },
    plugins: [ownFilesPlugin, esbuildProblemMatcherPlugin],
  });
  if (watch) {
    removeCodeCaches(); // the bundles change under watch; the CLI compiles them as they are
    await ctx.watch();
  } else {
    await ctx.rebuild();
    await ctx.dispose();
    for (const file of CLI_CACHED_BUNDLES) writeCodeCache(file);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { writeCodeCache };
