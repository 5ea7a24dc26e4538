/**
 * Loads the CLI's CommonJS bundles (dist/cliMain.js, dist/undici.js) with the V8 code cache that
 * `npm run build` made for each (`<bundle>.cache`, written by esbuild.js with the same Node), so a
 * run does not parse and compile a megabyte of JavaScript before its first request (about 40 ms
 * of a 0.2 s publish, measured here). Node 22 has module.enableCompileCache for this; Node 20,
 * which the CLI supports, does not.
 *
 * The cache file is the SHA-256 of the exact text it was compiled from, then V8's data. V8 itself
 * checks its version and flags but, of the source, only the length: a cache is used only when the
 * hash matches the bundle as it is now. Without a cache, or with one V8 or the hash refuses (a
 * rebuilt bundle, another Node version), the bundle compiles as Node would compile it. Nothing is
 * ever written at run time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export const CACHE_SUFFIX = '.cache';
const HASH_BYTES = 32;

/** 'used': V8 took the cache; 'none': there is none; 'stale': made from other text; 'rejected': refused by V8 (other version or flags). */
export type CacheUse = 'used' | 'none' | 'stale' | 'rejected';

export interface LoadedBundle<T> {
  exports: T;
  cache: CacheUse;
}

/** The text V8 compiles for a bundle: Node's CommonJS wrapper around the file, as esbuild.js compiles it. */
export function wrappedSource(fileText: string): string {
  return wrap(fileText.replace(/^#!.*/, ''));
}

export function sourceHash(wrapped: string): Buffer {
  return createHash('sha256').update(wrapped).digest();
}

function readCache(file: string, wrapped: string): { data?: Buffer; use: CacheUse } {
  let raw: Buffer;
  try {
    raw = readFileSync(file + CACHE_SUFFIX);
  } catch {
    return { use: 'none' };
  }
  if (raw.length <= HASH_BYTES || !raw.subarray(0, HASH_BYTES).equals(sourceHash(wrapped))) return { use: 'stale' };
  return { data: raw.subarray(HASH_BYTES), use: 'used' };
}

/**
 * Runs a CommonJS bundle as Node's loader would (its own `require` relative to the file, its own
 * `module`), with its code cache when one fits. `override` answers a `require` first: the CLI
 * hands its bundle undici this way, loaded with undici's own cache.
 */
export function loadBundle<T>(file: string, override?: (id: string) => unknown): LoadedBundle<T> {
  const wrapped = wrappedSource(readFileSync(file, 'utf8'));
  const cache = readCache(file, wrapped);
  const script = new Script(wrapped, { filename: file, cachedData: cache.data });
  const use: CacheUse = cache.data && script.cachedDataRejected ? 'rejected' : cache.use;
  const nodeRequire = createRequire(file);
  const bundleRequire = Object.assign((id: string): unknown => override?.(id) ?? nodeRequire(id), nodeRequire);
  const module = { exports: {} as T, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, bundleRequire, module, file, dirname(file));
  module.loaded = true;
  return { exports: module.exports, cache: use };
}
