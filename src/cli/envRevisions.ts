/**
 * `diff --env E` and `restore --env E`: signed in with environment E's connection, the item is
 * looked for where E puts it, as `publish --env` resolves the file's manifest target (E's project
 * root, then the target's project path, then its name). diff compares the deployed item with the
 * file as publish --env would send it: E's data connection rules applied (changes going through
 * the file), so a connection E rewrites on the way is not reported as drift.
 */
import * as path from 'node:path';
import type { DataConnectionRule } from '../core/connections/rules';
import { rewriteDocument } from '../core/connections/rewrite';
import { clientLookup } from '../core/environments/lookup';
import { goesTo } from '../core/environments/promotion';
import { environmentOf, resolveTarget, underRoot } from '../core/environments/resolve';
import { TableauError } from '../core/errors';
import { findTargets } from '../core/publish/manifest';
import { defaultName } from '../core/publish/publisher';
import type { CliCommand } from './args';
import { openEnvironment, planFile } from './envPlan';
import type { CliOutput } from './output';
import { loadCliManifest } from './publishCommand';
import { runDiff, runRestore, type DiffWhere } from './revisionsCommand';

type DiffArgs = Extract<CliCommand, { command: 'diff' }>;
type RestoreArgs = Extract<CliCommand, { command: 'restore' }>;

export async function runRevisionsInEnvironment(args: (DiffArgs | RestoreArgs) & { env: string }, out: CliOutput, vars: NodeJS.ProcessEnv, signal: AbortSignal, cwd: string): Promise<number> {
  const { manifest, root } = await loadCliManifest(args.manifest, cwd);
  if (!manifest) throw new TableauError({ reason: 'invalidArgument', message: '--env needs a manifest with environments (.vscode/tableau-publish.json, version 2).' });
  const env = environmentOf(manifest, args.env);
  const conn = openEnvironment(args, env, vars, out.logger);
  try {
    if (args.command === 'restore') return await runRestore({ ...args, project: underRoot(env.projectRoot, args.project ?? 'Default') }, conn, out, signal);
    const file = path.resolve(cwd, args.file);
    const target = findTargets(manifest, path.relative(root, file)).find((t) => goesTo(t, args.env));
    let where: DiffWhere;
    if (target) {
      const r = resolveTarget(manifest, args.env, target);
      where = {
        project: args.project !== undefined ? underRoot(env.projectRoot, args.project) : r.projectPath,
        name: args.name ?? r.name ?? defaultName(file),
        asSent: async (text, label) => {
          // The rules publish --env applies to this file (the target's, and the environment's that match).
          const planned = await planFile(file, r, conn, clientLookup(conn.client), vars, { signal });
          return asPublished(text, planned.item.rules, label, out);
        },
      };
    } else {
      where = { project: underRoot(env.projectRoot, args.project ?? 'Default'), name: args.name ?? defaultName(file) };
    }
    return await runDiff(args, conn, out, signal, cwd, where);
  } finally {
    await conn.close({ cancelled: signal.aborted });
  }
}

/**
 * The document with the rules that change the file applied. Rules going through the REST API
 * (`via: "rest"`) change the server's copy's connections after publish, not the document, and a rule
 * pointing at a published data source needs its target-site address: those are left out, said once.
 */
function asPublished(text: string, rules: readonly DataConnectionRule[], label: string, out: CliOutput): string {
  const inFile = rules.filter((r) => (r.via ?? 'file') === 'file' && r.set?.publishedDataSource === undefined);
  if (inFile.length < rules.length) out.logger.info(`${label}: ${rules.length - inFile.length} data connection rule(s) change the server's copy only (REST route or a published data source); the diff shows those connections as they are in the file.`);
  if (!inFile.length) return text;
  try {
    return rewriteDocument(Buffer.from(text, 'utf8'), inFile, { label }).bytes.toString('utf8');
  } catch (e) {
    if (!TableauError.is(e)) throw e;
    out.logger.warn(`${label}: compared without the environment's data connection rules: ${e.message}`);
    return text;
  }
}
