/**
 * The CLI launcher's code caches (src/cli/codeCache.ts, made by esbuild.js): taken when made
 * from the very text and under the CLI's V8 flags, and otherwise left alone, the bundle then
 * compiling as Node would compile it. Each load runs in a fresh process (test/support/codeCacheProbe).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { CACHE_SUFFIX } from '../../../src/cli/codeCache';
import { tempDir } from '../../support/files';

// This file runs from out/test/unit/cli/.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const dist = (f: string): string => path.join(root, 'dist', f);
const { writeCodeCache } = Module.createRequire(__filename)(path.join(root, 'esbuild.js')) as { writeCodeCache(file: string): void };

interface Probe {
  file: string;
  cache?: string;
  exports?: Record<string, unknown>;
  v8Rejected?: boolean;
}

function probe(...args: string[]): Probe[] {
  const r = spawnSync(process.execPath, [path.join(root, 'out', 'test', 'support', 'codeCacheProbe', 'main.js'), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Probe[];
}

describe('CLI: V8 code caches of the bundles the launcher loads', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => (tmp = tempDir('tp-code-cache-')));
  after(() => tmp.cleanup());

  function bundle(name: string, text: string): string {
    const file = path.join(tmp.dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('npm run build leaves a cache beside dist/cliMain.js and dist/undici.js that V8 takes under the CLI\'s flags, and refuses without them', () => {
    const [undici, main] = probe(dist('undici.js'), dist('cliMain.js'));
    assert.deepEqual([undici.cache, undici.exports?.Agent], ['used', 'function']);
    assert.deepEqual([main.cache, main.exports?.runCli, main.exports?.writeError], ['used', 'function', 'function']);
    // Without --liftoff-only (what src/cli.ts sets first) V8 refuses them, and the bundle compiles as it is.
    const [plain] = probe('--no-flag', dist('undici.js'));
    assert.deepEqual([plain.cache, plain.exports?.Agent], ['rejected', 'function']);
  });

  it('a bundle changed after its cache was made (same length, so V8 alone would take the old code) runs as it is now', () => {
    const file = bundle('same-length.js', 'exports.answer = 41;\n');
    writeCodeCache(file);
    assert.deepEqual(probe(file)[0], { file, cache: 'used', exports: { answer: 41 } });
    fs.writeFileSync(file, 'exports.answer = 42;\n');
    // V8 checks the length of the source, not its text: it would run the stale cache.
    assert.equal(probe('--v8-only', file)[0].v8Rejected, false, 'V8 refused a same-length stale cache on its own');
    assert.deepEqual(probe(file)[0], { file, cache: 'stale', exports: { answer: 42 } });
  });

  it('without a cache the bundle compiles and runs, and so with one V8 refuses or one cut short', () => {
    const file = bundle('plain.js', '#!/usr/bin/env node\nexports.sum = [1, 2, 3].reduce((a, b) => a + b, 0);\nexports.dir = __dirname;\n');
    assert.deepEqual(probe(file)[0], { file, cache: 'none', exports: { sum: 6, dir: tmp.dir } });
    writeCodeCache(file);
    assert.equal(probe(file)[0].cache, 'used');
    const made = fs.readFileSync(file + CACHE_SUFFIX);
    made[32 + 4] ^= 0xff; // V8's header: magic number, then the hash of its version (another Node's cache)
    fs.writeFileSync(file + CACHE_SUFFIX, made);
    assert.deepEqual(probe(file)[0], { file, cache: 'rejected', exports: { sum: 6, dir: tmp.dir } });
    fs.writeFileSync(file + CACHE_SUFFIX, Buffer.alloc(8)); // no room for the hash
    assert.equal(probe(file)[0].cache, 'stale');
  });
});
