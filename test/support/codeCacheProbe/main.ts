// Loads bundles with the CLI's code-cache loader in a fresh process and prints, as JSON, how each
// went: what the cache did and what the bundle exported. A fresh process matters: V8 keeps every
// source it compiled in memory and would answer a second compile from there, never reading a
// cache at all. Arguments: [--no-flag] [--v8-only] files...
import * as fs from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { CACHE_SUFFIX, loadBundle, wrappedSource } from '../../../src/cli/codeCache';

const args = process.argv.slice(2);
// The CLI sets this before it loads anything (src/cli.ts); --no-flag leaves it out.
if (!args.includes('--no-flag')) setFlagsFromString('--liftoff-only');
const files = args.filter((a) => !a.startsWith('--'));
const out = files.map((file) => {
  if (args.includes('--v8-only')) {
    // V8's own checks alone, without the loader's hash of the text.
    const script = new Script(wrappedSource(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: fs.readFileSync(file + CACHE_SUFFIX).subarray(32) });
    return { file, v8Rejected: script.cachedDataRejected };
  }
  const loaded = loadBundle<Record<string, unknown>>(file);
  return { file, cache: loaded.cache, exports: Object.fromEntries(Object.entries(loaded.exports).map(([k, v]) => [k, typeof v === 'function' ? 'function' : v])) };
});
process.stdout.write(JSON.stringify(out));
