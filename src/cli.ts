#!/usr/bin/env node
/**
 * Entry point of `tableau-publish`. The first Ctrl+C cancels cleanly (exit 130); a second one
 * exits at once. The handler is installed before anything else loads, so a Ctrl+C at any
 * moment, even during start-up, is a clean cancel rather than a kill.
 */
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
  .then(({ runCli }) => runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: controller.signal }))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => {
    // The run is over and its outcome printed: a socket still held by a hung server must not keep the process alive.
    setTimeout(() => process.exit(), 1000).unref();
  });
