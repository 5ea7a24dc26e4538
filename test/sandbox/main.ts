/**
 * `npm run sandbox`: a hands-on playground. The npm script has already run the e2e setup,
 * built and packaged the extension; this starts the Tableau REST simulator with its demo
 * content (port 8850 unless taken), code-server with the .vsix installed (port 8851 unless
 * taken) on a temp copy of test/sandbox/workspace plus generated samples, prints the URL to
 * open and the demo PAT, and stops everything on Ctrl-C.
 *
 * Flags: --sim-port=N  --port=N (code-server). Both listen on 127.0.0.1 only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator } from '../simulator';
import { CodeServer } from '../e2e/codeServer';
import { cleanupAll, onCleanup, preferredPort, repoRoot } from '../e2e/processes';
import { makeSamples } from './makeSamples';

function flag(name: string): string | undefined {
  const hit = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const root = repoRoot();
  const simulator = await startSimulator({ demo: true, port: await preferredPort(Number(flag('sim-port') ?? 8850)) });
  onCleanup(() => simulator.close());

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-sandbox-'));
  onCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(root, 'test', 'sandbox', 'workspace'), workspace, { recursive: true });
  await makeSamples(workspace);

  const server = new CodeServer({
    port: await preferredPort(Number(flag('port') ?? 8851)),
    logFile: path.join(tmp, 'code-server.log'),
    env: { TABLEAU_E2E_SERVER_URL: simulator.url },
  });
  await server.installExtension(path.join(root, 'tableau-publisher.vsix'));
  await server.start();

  const pat = simulator.demoPat;
  console.log('');
  console.log(`  Tableau simulator  ${simulator.url}  (demo content; state at ${simulator.url}/_sim/state)`);
  console.log(`  VS Code            ${server.folderUrl(workspace)}`);
  if (pat) console.log(`  Demo PAT           name "${pat.name}", secret "${pat.secret}", site "${pat.site}"  (simulator-only token)`);
  console.log(`  Workspace          ${workspace}`);
  console.log(`  code-server log    ${server.logFile}`);
  console.log('\n  Ctrl-C stops everything and deletes the temp workspace.\n');
  // Stay alive until a signal; processes.ts runs the clean-ups and exits.
  setInterval(() => undefined, 1 << 30);
}

main().catch(async (e: unknown) => {
  console.error(`[sandbox] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  await cleanupAll();
  process.exit(1);
});
