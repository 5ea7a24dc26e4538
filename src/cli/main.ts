/** The `tableau-publish` command: parse, connect once, run, sign out, exit with a meaningful code. */
import { throwIfAborted } from '../core/errors';
import { globalRedactor } from '../core/logger';
import { productVersion } from '../core/http/version';
import { parseCli, HELP } from './args';
import { openConnection, type CliConnection } from './connection';
import { EXIT, exitCodeFor } from './exitCodes';
import { runList } from './listCommand';
import { CliOutput, line, writeError } from './output';
import { runPublish } from './publishCommand';
import { runEnvPublish } from './envCommand';
import { runPromote } from './promoteCommand';
import { runUpdateData } from './updateDataCommand';
import { runFlowCli } from './flowCommand';
import { runDiff, runRestore } from './revisionsCommand';
import { runRevisionsInEnvironment } from './envRevisions';

export { writeError } from './output';

function assertNever(x: never): never {
  throw new Error(`Unhandled command ${JSON.stringify(x)}`);
}

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  signal: AbortSignal;
  cwd?: string;
}

// Known before any argument is echoed: a secret pasted as an argument by mistake is masked too.
const SECRET_ENV = ['TABLEAU_PAT_SECRET', 'TABLEAU_PASSWORD', 'TABLEAU_CONNECTED_APP_SECRET_VALUE', 'TABLEAU_DB_PASSWORD'];

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  for (const name of SECRET_ENV) globalRedactor.addSecret(io.env[name]);
  let cmd;
  try {
    cmd = parseCli(argv);
  } catch (e) {
    writeError(io.stderr, (e as Error).message);
    return EXIT.usage;
  }
  if (cmd.command === 'help') {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (cmd.command === 'version') {
    io.stdout.write(`${productVersion()}\n`);
    return EXIT.ok;
  }
  const out = new CliOutput(cmd.json, cmd.verbose, io.stdout, io.stderr);
  let conn: CliConnection | undefined;
  try {
    throwIfAborted(io.signal); // Ctrl+C while starting up: nothing has been sent yet
    // Environments sign in where the manifest says, each with its own connection.
    if (cmd.command === 'plan' || (cmd.command === 'publish' && cmd.env !== undefined)) {
      // --dry-run with --env is the plan: nothing is sent.
      return await runEnvPublish({ ...cmd, env: cmd.env! }, cmd.command === 'publish' && !cmd.dryRun, out, io.env, io.signal, io.cwd ?? process.cwd());
    }
    if (cmd.command === 'promote') return await runPromote(cmd, out, io.env, io.signal, io.cwd ?? process.cwd());
    if ((cmd.command === 'diff' || cmd.command === 'restore') && cmd.env !== undefined) return await runRevisionsInEnvironment({ ...cmd, env: cmd.env }, out, io.env, io.signal, io.cwd ?? process.cwd());
    conn = openConnection(cmd, io.env, out.logger);
    switch (cmd.command) {
      case 'publish':
        return await runPublish(cmd, conn, out, io.signal, io.cwd, io.env);
      case 'ls':
        return await runList(cmd, conn, out, io.signal);
      case 'update-data':
        return await runUpdateData(cmd, conn, out, io.signal, io.cwd);
      case 'run-flow':
        return await runFlowCli(cmd, conn, out, io.signal);
      case 'diff':
        return await runDiff(cmd, conn, out, io.signal, io.cwd);
      case 'restore':
        return await runRestore(cmd, conn, out, io.signal);
      case 'signin': {
        const auth = await conn.session.ensureSignedIn(io.signal);
        const moved = conn.serverUrl !== conn.requestedServerUrl ? ` (redirected from ${conn.requestedServerUrl}: use ${conn.serverUrl} as the server address)` : '';
        out.result(line`Signed in to ${conn.serverUrl}${moved}, site "${auth.siteContentUrl}" (${auth.siteId}), as user ${auth.userId}.`, {
          event: 'signedIn',
          server: conn.serverUrl,
          ...(moved ? { requestedServer: conn.requestedServerUrl } : {}),
          site: auth.siteContentUrl,
          siteId: auth.siteId,
          userId: auth.userId,
        });
        return EXIT.ok;
      }
      default:
        return assertNever(cmd);
    }
  } catch (e) {
    const code = exitCodeFor(e);
    if (code !== EXIT.cancelled) {
      const message = e instanceof Error ? e.message : String(e);
      out.failure(message, { event: 'error', reason: (e as { reason?: string }).reason ?? 'unknown', message, exitCode: code });
    }
    return code;
  } finally {
    out.clearBar();
    await conn?.close({ cancelled: io.signal.aborted });
  }
}
