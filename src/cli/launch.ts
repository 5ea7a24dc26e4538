/**
 * How `tableau-publish` runs in its own process: the first Ctrl+C cancels cleanly (exit 130); a
 * second one exits at once. The handler is installed before the command loads, so a Ctrl+C at any
 * moment, even during start-up, is a clean cancel rather than a kill. The entry point (src/cli.ts)
 * loads the command from dist/cliMain.js with its code cache; the tests' copy bundles it.
 */
import type * as CliMain from './main';

export function launch(loadCommand: () => Pick<typeof CliMain, 'runCli' | 'writeError'>): void {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nCancelling...\n');
    controller.abort();
  });

  // Loaded after the handler is in place.
  Promise.resolve()
    .then(loadCommand)
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
}
