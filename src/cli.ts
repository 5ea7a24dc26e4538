#!/usr/bin/env node
/**
 * Entry point of `tableau-publish` (dist/cli.js), a small launcher: the command itself is
 * dist/cliMain.js (src/cli/main.ts), loaded with its V8 code cache (src/cli/codeCache.ts), and
 * dist/undici.js with its own on the first request. Ctrl+C and exit: src/cli/launch.ts.
 */
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadBundle } from './cli/codeCache';
import { launch } from './cli/launch';
import type * as CliMain from './cli/main';

// undici parses HTTP with a WebAssembly build of llhttp. V8 would also recompile it with its
// optimising tier in the background, which a short run never profits from and whose
// unfinished work held the process ~0.15 s at exit (measured: a tiny publish 0.40 s -> 0.25 s).
// The baseline compiler's code is plenty for parsing a few small REST answers. Set before any
// bundle compiles: V8 takes a code cache only under the flags it was made with (esbuild.js sets it too).
setFlagsFromString('--liftoff-only');

launch(() => {
  let undici: unknown;
  const override = (id: string): unknown => (id === './undici.js' ? (undici ??= loadBundle(path.join(__dirname, 'undici.js')).exports) : undefined);
  return loadBundle<typeof CliMain>(path.join(__dirname, 'cliMain.js'), override).exports;
});
