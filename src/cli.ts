#!/usr/bin/env node
/**
 * Entry point of `tableau-publish`. The first Ctrl+C cancels cleanly (exit 130); a second one
 * exits at once. The handler is installed before anything else loads, so a Ctrl+C at any
 * moment, even during start-up, is a clean cancel rather than a kill.
 */
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with a WebAssembly build of llhttp. V8 would also recompile it with its
// optimising tier in the background, which a short run never profits from and whose
// unfinished work held the process ~0.15 s at exit (measured: a tiny publish 0.40 s -> 0.25 s).
// The baseline compiler's code is plenty for parsing a few small REST answers.
setFlagsFromString('--liftoff-only');

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nCancelling...\n');
  controller.abort();
});

// Loaded after the handler is in place (esbuild evaluates a dynamically imported module lazily).
import('./cli/main')
  .then(({ runCli, writeError }) =>
    runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: controller.signal }).catch((e: unknown) => {
      writeError(process.stderr, e instanceof Error ? e.message : String(e));
      return 1;
    }),
  )
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // The CLI itself did not load: nothing from a server or an argument is in this message.
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => {
    // The run is over, its outcome printed and its connections closed (or given up on): exit
    // once stdout and stderr have flushed. Waiting for the event loop to drain instead costs
    // about 0.2 s of undici's timers winding down, or longer with a socket a hung server holds.
    let flushing = 2;
    const flushed = (): void => {
      if (--flushing === 0) process.exit();
    };
    process.stdout.write('', flushed);
    process.stderr.write('', flushed);
    setTimeout(() => process.exit(), 1000).unref();
  });
