#!/usr/bin/env node
/** Entry point of `tableau-publish`. The first Ctrl+C cancels cleanly (exit 130); a second one exits at once. */
import { runCli } from './cli/main';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nCancelling...\n');
  controller.abort();
});

runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
